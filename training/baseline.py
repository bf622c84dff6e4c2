"""A plain n-gram baseline, to show what telltale features buy over a bag of words.


TF-IDF over word 1-2-grams and character 2-5-grams (within word boundaries),
then logistic regression, fitted on everything mtdetect learns from (the
train split, and the round trips of translations and essays and the native
news documents that its roundtrip model is fitted on) under the same
matched-pair sample weights. C is chosen by validation AUC and
the threshold gives 1% FPR on validation HT+ORIG, as for the shipped model.
Such a model learns what the WMT test sets were *about* (their topics and
names) as much as how translations read, so it is reported beside ours,
leave-one-language-out included, with its strongest words on show.

``training.evaluation.baseline`` puts it beside mtdetect on the test split
(``python -m training.evaluation.baseline [--model PATH]``).

Fitting is the slow part (a few minutes on 2 cores), so the fitted vectoriser
and classifiers are cached in ``training/cache/baseline/`` keyed on the
training data and configuration; scores of a text set are cached too.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import FeatureUnion

from training.corpus import Record, uniform_layout
from training.dataset import sample_weights
from training.evaluation.groups import HUMAN, LANGS, lolo_keep
from training.evaluation.metrics import cut_at_fpr
from training.modeling import SEED

CACHE = Path(__file__).resolve().parent / "cache" / "baseline"
CONFIG: dict[str, Any] = {
    "version": 1,
    "word": {"ngram_range": (1, 2), "min_df": 2, "max_features": 100_000},
    "char": {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 3, "max_features": 100_000},
    "C_grid": (1.0, 10.0, 100.0),
    "solver": "liblinear",
}


def make_vectorizer() -> FeatureUnion:
    """Word and character TF-IDF side by side, sublinear counts, float32 to save memory."""
    common = {"sublinear_tf": True, "dtype": np.float32, "lowercase": True}
    return FeatureUnion(
        [
            ("word", TfidfVectorizer(**CONFIG["word"], **common)),
            ("char", TfidfVectorizer(**CONFIG["char"], **common)),
        ]
    )


def _fit_lr(X: Any, y: np.ndarray, w: np.ndarray, C: float) -> LogisticRegression:
    clf = LogisticRegression(C=C, solver=CONFIG["solver"], max_iter=1000, random_state=SEED)
    clf.fit(X, y, sample_weight=w)
    return clf


@dataclass
class FittedBaseline:
    """Everything needed to score new texts; small enough to cache (no matrices)."""

    key: str
    vectorizer: FeatureUnion
    clf: LogisticRegression
    C: float
    val_auc: dict[str, float]
    threshold: float  # decision-value cut giving 1% FPR on validation HT+ORIG
    lolo: dict[str, LogisticRegression]
    fit_seconds: float

    def feature_names(self) -> np.ndarray:
        return self.vectorizer.get_feature_names_out()

    def top_positive(self, k: int = 30) -> list[dict[str, Any]]:
        coef = self.clf.coef_.ravel()
        names = self.feature_names()
        order = np.argsort(-coef)[:k]
        return [{"feature": str(names[i]), "coef": round(float(coef[i]), 3)} for i in order]


def _key(*parts: Sequence[Record]) -> str:
    digest = hashlib.sha256(repr(CONFIG).encode() + sklearn.__version__.encode())
    for records in parts:
        for r in records:
            digest.update(
                hashlib.sha1(f"{r.label}\t{r.lang}\t{r.group}\t{r.text}".encode()).digest()
            )
        digest.update(b"|")
    return digest.hexdigest()[:20]


def fit_baseline(
    train: Sequence[Record], val: Sequence[Record], use_cache: bool = True
) -> FittedBaseline:
    """Fit (or load) the baseline and its leave-one-language-out refits."""
    key = _key(train, val)
    path = CACHE / f"{key}.joblib"
    if use_cache and path.is_file():
        return joblib.load(path)
    started = time.perf_counter()
    _log(f"baseline: vectorising {len(train)} train documents")
    vectorizer = make_vectorizer()
    X = vectorizer.fit_transform([r.text for r in train])
    X_val = vectorizer.transform([r.text for r in val])
    y = np.array([r.y for r in train])
    y_val = np.array([r.y for r in val])
    w = sample_weights(list(train))
    fits = {}
    val_auc = {}
    for C in CONFIG["C_grid"]:
        fits[C] = _fit_lr(X, y, w, C)
        val_auc[str(C)] = round(float(roc_auc_score(y_val, fits[C].decision_function(X_val))), 4)
        _log(f"baseline: C={C} val AUC {val_auc[str(C)]}")
    best = max(CONFIG["C_grid"], key=lambda c: (val_auc[str(c)], -c))
    human = np.array([r.label in HUMAN for r in val])
    threshold = cut_at_fpr(fits[best].decision_function(X_val)[human])
    lolo = {}
    for lang in LANGS:
        keep = lolo_keep(train, lang)
        kept = [r for r, k in zip(train, keep, strict=True) if k]
        lolo[lang] = _fit_lr(X[keep], y[keep], sample_weights(kept), best)
    fitted = FittedBaseline(
        key=key,
        vectorizer=vectorizer,
        clf=fits[best],
        C=best,
        val_auc=val_auc,
        threshold=threshold,
        lolo=lolo,
        fit_seconds=round(time.perf_counter() - started, 1),
    )
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        joblib.dump(fitted, tmp, compress=3)
        tmp.replace(path)
    _log(f"baseline: fitted in {fitted.fit_seconds}s")
    return fitted


def score(
    fitted: FittedBaseline, texts: Sequence[str], use_cache: bool = True
) -> dict[str, np.ndarray]:
    """Decision values of the baseline ('main') and of each leave-one-out refit."""
    digest = hashlib.sha256(fitted.key.encode())
    for text in texts:
        digest.update(hashlib.sha1(text.encode()).digest())
    path = CACHE / f"scores-{digest.hexdigest()[:20]}.npz"
    if use_cache and path.is_file():
        with np.load(path) as data:
            return {name: data[name] for name in data.files}
    X = fitted.vectorizer.transform(list(texts))
    scores = {"main": fitted.clf.decision_function(X)}
    scores.update({f"lolo:{lang}": clf.decision_function(X) for lang, clf in fitted.lolo.items()})
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        np.savez(path, **scores)
    return scores


def seed_text(raw: str) -> str:
    """A seed page prepared like the corpus: boilerplate cut, uniform layout."""
    from mtdetect.boilerplate import strip_boilerplate

    return uniform_layout(strip_boilerplate(raw).text.split("\n"))


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
