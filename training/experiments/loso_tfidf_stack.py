"""Experiment: does an unmasked word+char n-gram score help the neural head?

python -m training.experiments.loso_tfidf_stack [--systems A,B]

Adds one column, ``tfidf.score``: the same-rows TF-IDF model of the baseline
(word 1-2 + char 2-5 grams, logistic regression) fitted on the neural head's
rows (no round trips), out of fold on train rows and refitted per fold for the
held-out system's test documents. It joins the neural head (free sign). The
report prints ours, ours + tfidf, and the two baselines per held-out system.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from training import heads, loso
from training import loso_report as L
from training.corpus import HUMAN_LABELS, liv_blocks
from training.dataset import featurize, sample_weights
from training.modeling import SEED
from training.train import SHIPPED_FAMILIES

heads.NEURAL_PREFIXES = (*heads.NEURAL_PREFIXES, "tfidf.")
TFIDF = "tfidf.score"


def _lr() -> LogisticRegression:
    return LogisticRegression(C=L.BASELINE_C, solver="liblinear", max_iter=1000, random_state=SEED)


class Columns(L.PatternColumns):
    def __init__(self, train, test, extra, X_base, X_base_test, matched_only: bool) -> None:
        super().__init__(train, test, extra)
        self.Xb, self.Xbt, self.matched_only = X_base, X_base_test, matched_only
        oof = np.zeros(len(train))
        for tr, te in GroupKFold(n_splits=5).split(X_base, self.y, self.groups):
            keep = np.zeros(len(train), bool)
            keep[tr] = True
            clf = self._fit(keep)
            oof[te] = clf.decision_function(X_base[te])
        self.oof["tfidf"] = oof
        L._log("experiment: tfidf out-of-fold column done")

    def _fit(self, keep: np.ndarray) -> LogisticRegression:
        if self.matched_only:
            rows = L.neural_rows(self.train) & keep
            w = np.zeros(len(self.train))
            w[rows] = sample_weights([self.train[i] for i in np.flatnonzero(rows)])
        else:
            kept = [self.train[i] for i in np.flatnonzero(keep)]
            rows_k, w_k = heads.neural_head_rows(kept)
            rows = np.zeros(len(self.train), bool)
            w = np.zeros(len(self.train))
            rows[np.flatnonzero(keep)[rows_k]] = True
            w[np.flatnonzero(keep)] = w_k
        idx = np.flatnonzero(rows)
        return _lr().fit(self.Xb[idx], self.y[idx], sample_weight=w[idx])

    def test_columns(self, keep):
        out = super().test_columns(keep)
        out[TFIDF] = self._fit(keep).decision_function(self.Xbt)
        return out

    def train_columns(self):
        out = super().train_columns()
        out[TFIDF] = self.oof["tfidf"]
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", default=",".join(loso.HELD_OUT_SYSTEMS))
    parser.add_argument("--matched-only", action="store_true")
    args = parser.parse_args(argv)
    C, shrink = 0.03, 0.03
    train, test, extra = L.data()
    liv = liv_blocks()
    test_all = test + liv
    dense_extractor = L.FeatureExtractor(families=L.untrained_families(SHIPPED_FAMILIES)).fit([])
    dense_names = list(dense_extractor.get_feature_names_out())
    X_dense = featurize(dense_extractor, [r.text for r in train], label="loso train")
    X_dense_test = featurize(dense_extractor, [r.text for r in test_all], label="loso test")
    X_base, X_base_test = L.baseline_matrices(train, test_all)
    patterns = Columns(train, test_all, extra, X_base, X_base_test, args.matched_only)
    ours = L.feature_names(SHIPPED_FAMILIES)
    no_neural = [n for n in ours if n != "neural.score"]
    recipes = {
        "ours": ours,
        "ours_tfidf": [*ours, TFIDF],
        "no_neural_tfidf": [*no_neural, TFIDF],
        "before": L.feature_names(L.BEFORE_FAMILIES),
    }
    m = L.Matrices(dense_names, X_dense, X_dense_test, patterns, X_base, X_base_test)
    in_folds = np.array([not r.group.startswith("liv-block:") for r in test_all])
    human = np.array([r.label in HUMAN_LABELS for r in test_all]) & in_folds
    groups = [r.group for r in test_all]
    folds = list(loso.folds(train, test_all, tuple(args.systems.split(",")), human=human))
    everything = np.ones(len(train), dtype=bool)
    folds.append(
        loso.Fold(
            "liv-en",
            everything,
            np.array([r.label == "MT-roundtrip" for r in test_all]) & ~in_folds,
            np.array([r.label == "ORIG" for r in test_all]) & ~in_folds,
        )
    )
    for fold in folds:
        scores = L.score_fold(m, train, fold.train, recipes, C, shrink)
        row = {}
        for name in ("ours_tfidf", "no_neural_tfidf"):
            cmp = loso.compare(scores[name], scores["baseline"], fold, groups)
            row[name] = {k: (cmp[k]["ours"], cmp[k].get("interval")) for k in loso.MEASURES}
        for name in ("ours", "before", "baseline", "baseline_wmt"):
            cmp = loso.compare(scores[name], scores["baseline"], fold, groups, n_boot=0)
            row[name] = {k: cmp[k]["ours"] for k in loso.MEASURES}
        print(fold.system, json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
