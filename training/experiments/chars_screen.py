"""Experiment: which ``chars`` recipe raises held-out TPR at 1% FPR?

python -m training.experiments.chars_screen --variants base,c10 [--systems A,B]

Builds the leave-one-system-out inputs once (cached in /tmp between runs),
then for each variant swaps the ``chars`` column (out of fold on train, refitted
per fold) and fits only the shipped recipe ("ours"). Prints AUC and TPR at 1%
FPR per held-out system, their means, liv-en, and the chars column alone.
``head_`` before a variant fits it on the neural head's rows (all but round
trips) instead of neural MT pairs; ``sys_`` scores train rows out of fold by
document and by system; ``--head-C`` and ``--shrink`` change the scorer.

Measured (Lan-Bridge, Online-W, Online-B; mean TPR at 1% FPR, mean AUC,
liv-en TPR), shipped recipe at the time 0.154 / 0.803 / 0.234:

- chars C 10, 0.3, 0.1, 0.03: 0.123, 0.165, 0.159, 0.161 (liv-en 0.260,
  0.196, 0.170, 0.151): capacity is not the limit, liv-en falls as it shrinks;
- chars + word 1-2-grams in one TF-IDF space (``joint``): 0.142; on the neural
  head's rows (``head_joint``) 0.154, at C 10 0.160 (liv-en 0.185-0.200);
- chars on the neural head's rows (``head_base``): 0.132 (raw column 0.058 ->
  0.107, combined worse);
- neural head C 1, 0.01, 0.003: 0.151, 0.165, 0.170;
- profile/syntax shrink 0.3: 0.063; shrink 0.01: 0.174 (liv-en 0.223); shrink
  0.01 with head C 0.01: 0.196 / 0.826, liv-en 0.230, Lan-Bridge 0.140 -> 0.206.

The human texts at the 1% cut (Lan-Bridge) are in proportion to their
numbers (11 of 1,000 native news, 3 of 203 HT, 3 of ~530 originals): no
one kind of human text sets it (``--diag``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from mtdetect.char_model import CharGramModel
from mtdetect.linear import PatternClassifier
from training import heads, loso
from training import loso_report as L
from training.corpus import HUMAN_LABELS, liv_blocks
from training.dataset import featurize
from training.style_stack import CHAR_PARAMS, neural_rows, untrained_families
from training.train import SHIPPED_FAMILIES

ROWS = "neural"
SYSOOF = False
STATE = Path("/tmp/chars_screen_state.joblib")


class Fixed(PatternClassifier, BaseEstimator):
    """A logistic regression over a matrix computed outside (screening only)."""

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def use_vocabulary_of(self, other: Any) -> Fixed:
        return self


def state() -> dict[str, Any]:
    if STATE.is_file():
        return joblib.load(STATE)
    train, test, extra = L.data()
    test_all = test + liv_blocks()
    dense = L.FeatureExtractor(families=untrained_families(SHIPPED_FAMILIES)).fit([])
    out = {
        "train": train,
        "test": test_all,
        "dense_names": list(dense.get_feature_names_out()),
        "X_dense": featurize(dense, [r.text for r in train], label="loso train"),
        "X_dense_test": featurize(dense, [r.text for r in test_all], label="loso test"),
        "patterns": L.PatternColumns(train, test_all, extra),
    }
    joblib.dump(out, STATE)
    return out


def char_matrices(s: dict[str, Any], params: dict[str, Any]) -> tuple[Any, Any]:
    train, test = s["train"], s["test"]
    model = CharGramModel(**params)
    clean = np.array([not L.any_held_out(r) for r in train])
    rows = np.flatnonzero(clean & neural_rows(train))
    model.fit_vocabulary(model.keys(train[i].text) for i in rows)
    return (
        model.vectorise(model.keys(r.text) for r in train),
        model.vectorise(model.keys(r.text) for r in test),
    )


def word_matrices(s: dict[str, Any], **kw: Any) -> tuple[Any, Any]:
    train, test = s["train"], s["test"]
    clean = np.array([not L.any_held_out(r) for r in train])
    rows = np.flatnonzero(clean & neural_rows(train))
    params = {"ngram_range": (1, 2), "min_df": 3, "max_features": 100_000, **kw}
    vec = TfidfVectorizer(sublinear_tf=True, lowercase=True, dtype=np.float64, **params)
    vec.fit([train[i].text for i in rows])
    return vec.transform([r.text for r in train]), vec.transform([r.text for r in test])


def run_variant(s: dict[str, Any], name: str, columns: dict[str, tuple], systems: list[str]):
    """``columns``: family -> (train matrix, test matrix, C) to put in place of ``chars``."""
    p: L.PatternColumns = s["patterns"]
    train, test = s["train"], s["test"]
    saved = dict(p.matrices), dict(p.oof)
    p.matrices.pop("chars", None)
    p.oof.pop("chars", None)
    orig_fit_on, orig_weights = p.fit_on, p.weights
    extra_fams = [f for f in columns if f != "chars"]

    def fit_on(family: str, records: Any = None) -> np.ndarray:
        if family in columns and ROWS == "head":
            return heads.neural_head_rows(train if records is None else records)[0]
        return orig_fit_on("chars" if family in columns else family, records)

    def weights(family: str, keep: np.ndarray) -> np.ndarray:
        if family in columns and ROWS == "head":
            rows = fit_on(family) & keep
            w = np.zeros(len(train))
            w[rows] = L.sample_weights([train[i] for i in np.flatnonzero(rows)])
            return w
        return orig_weights("chars" if family in columns else family, keep)

    p.fit_on, p.weights = fit_on, weights  # type: ignore[method-assign]
    for family, (tr, te, C) in columns.items():
        p.matrices[family] = (tr, te, Fixed(C=C))
        p.oof[family] = system_oof(p, family) if SYSOOF else p._oof(family)
    heads.NEURAL_PREFIXES = (*heads.NEURAL_PREFIXES, *(f"{f}." for f in extra_fams))
    base = L.feature_names(SHIPPED_FAMILIES)
    if "chars" not in columns:
        base = [n for n in base if n != "chars.score"]
    cols = base + [f"{f}.score" for f in extra_fams]
    in_folds = np.array([not r.group.startswith("liv-block:") for r in test])
    human = np.array([r.label in HUMAN_LABELS for r in test]) & in_folds
    results = []
    everything = np.ones(len(train), dtype=bool)
    folds = loso.folds(train, test, systems, human=human)
    folds.append(
        loso.Fold(
            "liv-en",
            everything,
            np.array([r.label == "MT-roundtrip" for r in test]) & ~in_folds,
            np.array([r.label == "ORIG" for r in test]) & ~in_folds,
        )
    )
    y = p.y
    for fold in folds:
        keep = fold.train
        kept = [train[i] for i in np.flatnonzero(keep)]
        test_cols = p.test_columns(keep)
        X = L.full_matrix(cols, s["dense_names"], s["X_dense"], p.train_columns())[keep]
        X_test = L.full_matrix(cols, s["dense_names"], s["X_dense_test"], test_cols)
        w = L.sample_weights(kept)
        scorer = heads.fit_model(X, y[keep], w, cols, kept, ARGS.C, ARGS.shrink)
        ours = scorer.decision_function(X_test)
        pos, neg = fold.positive, fold.negative
        if ARGS.diag:
            from collections import Counter

            negs = np.flatnonzero(neg)
            top = negs[np.argsort(-ours[negs])[:34]]
            cut = loso.cut_at_fpr(ours[neg])
            print(
                fold.system,
                "cut",
                cut,
                Counter((test[i].label, test[i].source) for i in top[:17]),
                Counter((test[i].label, test[i].source) for i in negs),
                file=sys.stderr,
                flush=True,
            )
        raw = sum(test_cols[f"{f}.score"] for f in columns)
        results.append(
            (
                fold.system,
                loso.auc(ours[pos], ours[neg]),
                loso.tpr_at_fpr(ours[pos], ours[neg]),
                loso.tpr_at_fpr(raw[pos], raw[neg]),
            )
        )
        print(f"  {name} {results[-1]}", file=sys.stderr, flush=True)
    p.matrices, p.oof = dict(saved[0]), dict(saved[1])
    p.fit_on, p.weights = orig_fit_on, orig_weights  # type: ignore[method-assign]
    heads.NEURAL_PREFIXES = tuple(x for x in heads.NEURAL_PREFIXES if x[:-1] not in extra_fams)
    folds_only = results[:-1]
    print(
        f"{name}: mean AUC {np.mean([r[1] for r in folds_only]):.4f} "
        f"TPR {np.mean([r[2] for r in folds_only]):.4f} (raw column "
        f"{np.mean([r[3] for r in folds_only]):.4f}) | "
        + " ".join(f"{r[0]}={r[2]:.3f}/{r[1]:.3f}" for r in results),
        flush=True,
    )


def system_oof(p: L.PatternColumns, family: str, folds: int = 5) -> np.ndarray:
    """Out of fold by document *and* by system: each MT row is scored by a model that
    saw neither its document nor any output of its system (25 fits)."""
    from sklearn.model_selection import GroupKFold

    matrix = p.matrices[family][0]
    train = p.train
    keep = np.ones(len(train), dtype=bool)
    fit_on, w = p.fit_on(family), p.weights(family, keep)
    doc_fold = np.zeros(len(train), dtype=int)
    for k, (_, test) in enumerate(GroupKFold(n_splits=folds).split(matrix, p.y, p.groups)):
        doc_fold[test] = k
    is_mt = np.array([r.label == "MT" for r in train])
    systems = sorted({r.system for r in train if r.label == "MT"})
    sys_fold_of = {s: i % folds for i, s in enumerate(systems)}
    sys_fold = np.array([sys_fold_of.get(r.system, -1) if r.label == "MT" else -1 for r in train])
    total, count = np.zeros(len(train)), np.zeros(len(train))
    for k in range(folds):
        for j in range(folds):
            rows = np.flatnonzero(fit_on & (doc_fold != k) & ~(is_mt & (sys_fold == j)))
            model = Fixed(C=p.matrices[family][2].C).fit_classifier(
                matrix[rows], p.y[rows], w[rows]
            )
            scored = np.flatnonzero((doc_fold == k) & (~is_mt | (sys_fold == j)))
            total[scored] += matrix[scored] @ model.coef_ + model.intercept_
            count[scored] += 1
    return total / np.maximum(count, 1)


def hstack(*pairs: tuple[Any, Any]) -> tuple[Any, Any]:
    return (
        sparse.hstack([a for a, _ in pairs]).tocsr(),
        sparse.hstack([b for _, b in pairs]).tocsr(),
    )


def main() -> None:
    s = state()
    systems = ARGS.systems.split(",")
    cache: dict[str, Any] = {}

    def chars(**kw: Any) -> tuple[Any, Any]:
        key = repr(sorted(kw.items()))
        if key not in cache:
            cache[key] = char_matrices(s, {**CHAR_PARAMS, **kw})
        return cache[key]

    def words(**kw: Any) -> tuple[Any, Any]:
        key = "w" + repr(sorted(kw.items()))
        if key not in cache:
            cache[key] = word_matrices(s, **kw)
        return cache[key]

    variants = {
        "base": lambda: {"chars": (*chars(), 1.0)},
        "c3": lambda: {"chars": (*chars(), 3.0)},
        "c10": lambda: {"chars": (*chars(), 10.0)},
        "c03": lambda: {"chars": (*chars(), 0.3)},
        "c01": lambda: {"chars": (*chars(), 0.1)},
        "c003": lambda: {"chars": (*chars(), 0.03)},
        "df2_c03": lambda: {"chars": (*chars(min_df=2, max_features=400_000), 0.3)},
        "f400k": lambda: {"chars": (*chars(max_features=400_000), 1.0)},
        "f100k": lambda: {"chars": (*chars(max_features=100_000), 1.0)},
        "n25": lambda: {"chars": (*chars(min_n=2), 1.0)},
        "joint": lambda: {"chars": (*hstack(chars(), words()), 1.0)},
        "joint_c3": lambda: {"chars": (*hstack(chars(), words()), 3.0)},
        "joint_c10": lambda: {"chars": (*hstack(chars(), words()), 10.0)},
        "words_sep": lambda: {"chars": (*chars(), 1.0), "words": (*words(), 1.0)},
        "words_sep_c10": lambda: {"chars": (*chars(), 1.0), "words": (*words(), 10.0)},
    }
    global ROWS, SYSOOF
    for name in ARGS.variants.split(","):
        SYSOOF = name.startswith("sys_")
        key = name.removeprefix("sys_")
        ROWS = "head" if key.startswith("head_") else "neural"
        run_variant(s, name, variants[key.removeprefix("head_")](), systems)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", default="base")
    parser.add_argument("--systems", default="Lan-Bridge,Online-W,Online-B")
    parser.add_argument("--C", type=float, default=0.03)
    parser.add_argument("--shrink", type=float, default=0.03)
    parser.add_argument("--diag", action="store_true")
    parser.add_argument("--head-C", type=float, default=heads.NEURAL_HEAD_C)
    ARGS = parser.parse_args()
    heads.fit_neural_head.__defaults__ = (ARGS.head_C,)
    main()
