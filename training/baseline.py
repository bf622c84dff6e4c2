"""A plain n-gram baseline, to show what telltale features buy over a bag of words.

    python training/baseline.py [--model PATH]

TF-IDF over word 1-2-grams and character 2-5-grams (within word boundaries),
then logistic regression, fitted on everything mtdetect learns from (the
train split, and the round trips of translations and essays and the native
news documents that its roundtrip model is fitted on) under the same
matched-pair sample weights. C is chosen by validation AUC and
the threshold gives 1% FPR on validation HT+ORIG, as for the shipped model.
Such a model learns what the WMT test sets were *about* (their topics and
names) as much as how translations read, so it is reported beside ours,
leave-one-language-out included, with its strongest words on show.

Fitting is the slow part (a few minutes on 2 cores), so the fitted vectoriser
and classifiers are cached in ``training/cache/baseline/`` keyed on the
training data and configuration; scores of a text set are cached too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import FeatureUnion

from training import evaluate as ev
from training.corpus import Record, uniform_layout
from training.dataset import sample_weights
from training.modeling import SEED

if TYPE_CHECKING:
    from training.evaluate import Context

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
    human = np.array([r.label in ev.HUMAN for r in val])
    threshold = ev.cut_at_fpr(fits[best].decision_function(X_val)[human])
    lolo = {}
    for lang in ev.LANGS:
        keep = ev.lolo_keep(train, lang)
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


def evaluate_baseline(ctx: Context) -> dict[str, Any]:
    """Baseline beside mtdetect on the same test split, with the same metric code.

    The baseline is fitted on everything mtdetect learns from: the scorer's
    train rows, and the round trips of professional translations and learner
    essays and the native news documents that the roundtrip model is also
    fitted on, all under the same matched-pair weights. A second fit on the
    scorer's rows alone (the baseline of earlier reports) is shown beside it.
    """
    val = [r for r in ctx.base_records if r.split == "val"]
    if ctx.train_with_roundtrips:
        val += [r for r in ctx.rt_records if r.split == "val"]
    fitted = fit_baseline(ctx.train + ctx.extra_train + ctx.roundtrip_natives, val)
    scores = score(fitted, [r.text for r in ctx.test])
    extra_scores = score(fitted, [r.text for r in ctx.extra_test])["main"]
    scorer_rows_only = None
    if ctx.extra_train or ctx.roundtrip_natives:
        narrow = fit_baseline(ctx.train, val)
        narrow_scores = score(narrow, [r.text for r in ctx.test])
        narrow_lolo = [_lolo_auc(ctx, narrow_scores[f"lolo:{lang}"], lang) for lang in ev.LANGS]
        scorer_rows_only = {
            **comparable_metrics(ctx, narrow_scores["main"]),
            "C": narrow.C,
            "lolo_mean": ev.rounded(float(np.mean([v for v in narrow_lolo if v is not None]))),
        }
    ours_lolo = _our_lolo(ctx)
    theirs_lolo = {lang: _lolo_auc(ctx, scores[f"lolo:{lang}"], lang) for lang in ev.LANGS}
    seeds = []
    for path, spun in ev.seed_expectations():
        decision = float(
            fitted.clf.decision_function(
                fitted.vectorizer.transform([seed_text(path.read_text(encoding="utf-8"))])
            )[0]
        )
        flagged = decision >= fitted.threshold
        seeds.append(
            {
                "file": path.name,
                "expected": "spun" if spun else "original",
                "decision": round(decision, 3),
                "flagged": bool(flagged),
                "correct": bool(flagged == spun),
            }
        )
    base_metrics = comparable_metrics(ctx, scores["main"])
    base_metrics["tpr_at_own_threshold"] = ev.rounded(
        ev.rate(scores["main"][ctx.positive] >= fitted.threshold)
    )
    base_metrics["fpr_human_at_own_threshold"] = ev.rounded(
        ev.rate(scores["main"][ctx.human] >= fitted.threshold)
    )
    learners = ctx.label == ev.LEARNER
    base_metrics["fpr_learner_at_own_threshold"] = ev.rounded(
        ev.rate(scores["main"][learners] >= fitted.threshold)
    )
    base_metrics["seeds_correct"] = f"{sum(s['correct'] for s in seeds)}/{len(seeds)}"
    ours = comparable_metrics(ctx, ctx.decision)
    ours["tpr_at_own_threshold"] = ev.rounded(ev.rate(ctx.flagged[ctx.positive]))
    ours["fpr_human_at_own_threshold"] = ev.rounded(ev.rate(ctx.flagged[ctx.human]))
    ours["fpr_learner_at_own_threshold"] = ev.rounded(ev.rate(ctx.flagged[learners]))
    our_seeds = ctx_seeds(ctx)
    ours["seeds_correct"] = our_seeds
    values = [v for v in theirs_lolo.values() if v is not None]
    base_metrics["lolo_mean"] = ev.rounded(float(np.mean(values)) if values else None)
    our_values = [v for v in ours_lolo.values() if v is not None]
    ours["lolo_mean"] = ev.rounded(float(np.mean(our_values)) if our_values else None)
    base_metrics["lolo"] = theirs_lolo
    ours["lolo"] = ours_lolo
    return {
        "description": (
            "TF-IDF word 1-2-grams + char_wb 2-5-grams (100k features each, sublinear tf), "
            f"logistic regression ({CONFIG['solver']}, C={fitted.C} by validation AUC "
            f"{fitted.val_auc}), fitted on everything mtdetect learns from (the train split, "
            "with the round trips of professional translations and learner essays and the "
            "native news documents that the roundtrip model is fitted on) under the same "
            "matched-pair sample weights; "
            "threshold at 1% FPR on validation HT+ORIG. Its leave-one-language-out refits "
            "drop the language's MT, HT and round trips of its HT, and reuse the vocabulary "
            "fitted on the full train split (unlabelled text only, a mild advantage)."
        ),
        "scorer_rows_only": scorer_rows_only,
        "roundtrips_of_other_texts": ev.roundtrips_of_other_texts(
            ctx, extra_scores, scores["main"], extra_scores >= fitted.threshold
        )
        if len(ctx.extra_test)
        else None,
        "C": fitted.C,
        "threshold": round(fitted.threshold, 4),
        "fit_seconds_when_fitted": fitted.fit_seconds,
        "ours": ours,
        "baseline": base_metrics,
        "seeds": seeds,
        "paired_gaps": paired_gaps(ctx, ctx.decision, scores["main"]),
        "roundtrips_by_source": roundtrips_by_source(ctx, ctx.decision, scores["main"]),
        "top_positive": fitted.top_positive(30),
    }


def paired_gaps(
    ctx: Context, ours: np.ndarray, theirs: np.ndarray, bootstrap: int = 200
) -> dict[str, Any]:
    """Ours minus the baseline on the same resampled test documents, with a 95% interval.

    Two models' figures each with its own interval hide that both are measured
    on the same documents; the interval of the paired gap says whether a lead
    is larger than the luck of which documents landed in the test split.
    """
    label = ctx.label
    core = ctx.positive | ctx.human
    is_rt = label == "RT"
    rt_groups = {r.get("orig_group") for r in ctx.test if r.label == "RT"}
    own_original = np.array([r.label == "ORIG" and r.group in rt_groups for r in ctx.test])

    def overall(d: np.ndarray, idx: np.ndarray) -> float | None:
        idx = idx[core[idx]]
        return ev.auc(ctx.y[idx], d[idx])

    def rt_tpr(d: np.ndarray, idx: np.ndarray) -> float | None:
        return ev.tpr_at_fpr(d[idx[is_rt[idx]]], d[idx[ctx.human[idx]]])

    def rt_vs_own(d: np.ndarray, idx: np.ndarray) -> float | None:
        idx = idx[is_rt[idx] | own_original[idx]]
        return ev.auc(ctx.y[idx], d[idx])

    groups = np.array([r.group for r in ctx.test], dtype=object)
    everything = np.arange(len(ctx.test))
    out: dict[str, Any] = {}
    for name, metric in (
        ("auc_overall", overall),
        ("tpr_at_1fpr_apertium_rt", rt_tpr),
        ("rt_vs_originals_auc", rt_vs_own),
    ):
        a, b = metric(ours, everything), metric(theirs, everything)
        if a is None or b is None:
            continue

        def gap(idx: np.ndarray, metric: Any = metric) -> float | None:
            x, z = metric(ours, idx), metric(theirs, idx)
            return None if x is None or z is None else x - z

        out[name] = {
            "ours_minus_baseline": ev.rounded(a - b),
            "ci95": ev.grouped_bootstrap(gap, groups, bootstrap) if bootstrap else None,
        }
    return out


def roundtrips_by_source(
    ctx: Context, ours: np.ndarray, theirs: np.ndarray
) -> list[dict[str, Any]]:
    """Round-trip recall at each model's 1% test FPR, by the kind of original it came from.

    Why: if the baseline's lead on round trips came from genre (product
    reviews and chats look nothing like the news that professional translators
    translate), it would show against HT+ORIG and vanish against originals
    only, whose genres match the round trips' sources. The last row measures
    against originals only.
    """
    source = {r.group: r.source for r in ctx.test if r.label == "ORIG"}
    is_rt = ctx.label == "RT"
    kind = np.array(
        [source.get(r.get("orig_group"), "?") if r.label == "RT" else "" for r in ctx.test]
    )
    slices = [(name, is_rt & (kind == name), ctx.human) for name in sorted(set(kind[is_rt]))]
    slices += [
        ("all", is_rt, ctx.human),
        ("all, against originals only", is_rt, ctx.label == "ORIG"),
    ]
    return [
        {
            "source": name,
            "n": int(rt.sum()),
            "ours": ev.rounded(ev.tpr_at_fpr(ours[rt], ours[negative])),
            "baseline": ev.rounded(ev.tpr_at_fpr(theirs[rt], theirs[negative])),
        }
        for name, rt, negative in slices
    ]


def comparable_metrics(ctx: Context, decision: np.ndarray) -> dict[str, Any]:
    """The headline numbers for any scorer's decision values on the test split."""
    label = ctx.label
    core = ctx.positive | ctx.human
    human = decision[ctx.human]
    out: dict[str, Any] = {
        "auc_overall": ev.rounded(ev.auc(ctx.y[core], decision[core])),
        "auc_vs_learners": ev.rounded(
            ev.auc(
                ctx.y[ctx.positive | (label == ev.LEARNER)],
                decision[ctx.positive | (label == ev.LEARNER)],
            )
        ),
        "tpr_at_1fpr_mt": ev.rounded(ev.tpr_at_fpr(decision[label == "MT"], human)),
        "tpr_at_1fpr_roundtrip": ev.rounded(
            ev.tpr_at_fpr(decision[np.isin(label, ["RT", "MT-roundtrip"])], human)
        ),
    }
    rt = [i for i, r in enumerate(ctx.test) if r.label == "RT"]
    groups = {r.get("orig_group") for r in ctx.test if r.label == "RT"}
    originals = [i for i, r in enumerate(ctx.test) if r.label == "ORIG" and r.group in groups]
    y = np.array([1] * len(rt) + [0] * len(originals))
    out["rt_vs_originals_auc"] = ev.rounded(ev.auc(y, decision[rt + originals])) if rt else None
    return out


def _lolo_auc(ctx: Context, decision: np.ndarray, lang: str) -> float | None:
    mask = ctx.human | ((ctx.label == "MT") & np.array([r.lang == lang for r in ctx.test]))
    return ev.rounded(ev.auc(ctx.y[mask], decision[mask]))


def _our_lolo(ctx: Context) -> dict[str, float | None]:
    """Our leave-one-language-out AUCs (refit on cached features; cheap)."""
    return {lang: row["value"] for lang, row in ev.leave_one_language_out(ctx).items()}


def ctx_seeds(ctx: Context) -> str:
    rows = ev.evaluate_seeds(ctx)["rows"]
    return f"{sum(r['correct'] for r in rows)}/{len(rows)}"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None, help="our bundle, for comparison")
    args = parser.parse_args(argv)
    from mtdetect.bundle import default_path

    ctx = ev.build_context(args.model or default_path())
    result = evaluate_baseline(ctx)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
