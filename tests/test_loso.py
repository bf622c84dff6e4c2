"""Leave-one-system-out: folds, measures and paired intervals."""

from __future__ import annotations

import numpy as np

from training.corpus import Record
from training.loso import auc, compare, cut_at_fpr, folds, markdown, tpr_at_fpr


def test_auc_counts_ties_half() -> None:
    assert auc(np.array([2.0, 3.0]), np.array([1.0, 0.0])) == 1.0
    assert auc(np.array([1.0]), np.array([1.0])) == 0.5
    assert auc(np.array([0.0, 2.0]), np.array([1.0, 1.0])) == 0.5


def test_cut_allows_one_percent_of_human_scores() -> None:
    human = np.arange(200, dtype=float)  # 2 may be above the cut
    cut = cut_at_fpr(human)
    assert np.sum(human >= cut) == 2
    assert tpr_at_fpr(np.array([196.5, 198.5, 300.0, 0.0]), human) == 0.5


def records() -> tuple[list[Record], list[Record]]:
    train = [
        Record("t1", "MT", "g1", "wmt", "cs", "Online-A"),
        Record("t2", "MT", "g1", "wmt", "cs", "Online-B"),
        Record("t3", "HT", "g1", "wmt", "cs", "human"),
    ]
    test = [
        Record("s1", "MT", "g2", "wmt", "cs", "Online-A"),
        Record("s2", "MT", "g2", "wmt", "cs", "Online-B"),
        Record("s3", "HT", "g2", "wmt", "cs", "human"),
        Record("s4", "ORIG", "n1", "native-news", "en", "original"),
    ]
    return train, test


def test_a_fold_drops_the_system_from_training_and_tests_on_it() -> None:
    train, test = records()
    fold = folds(train, test, ("Online-A",))[0]
    assert fold.train.tolist() == [False, True, True]
    assert fold.positive.tolist() == [True, False, False, False]
    assert fold.negative.tolist() == [False, False, True, True]


def test_paired_gap_is_positive_when_ours_separates_and_baseline_does_not() -> None:
    rng = np.random.default_rng(1)
    n = 200
    test = [Record(f"m{i}", "MT", f"g{i}", "wmt", "cs", "Online-A") for i in range(n)]
    test += [Record(f"h{i}", "HT", f"g{i}", "wmt", "cs", "human") for i in range(n)]
    fold = folds([], test, ("Online-A",))[0]
    y = np.array([r.label == "MT" for r in test])
    ours = y * 2.0 + rng.normal(size=2 * n)
    baseline = rng.normal(size=2 * n)
    row = compare(ours, baseline, fold, [r.group for r in test], n_boot=100)
    assert row["auc"]["ours"] > 0.8 and abs(row["auc"]["baseline"] - 0.5) < 0.1
    low, high = row["auc"]["interval"]
    assert 0 < low < row["auc"]["gap"] < high
    same = compare(ours, ours, fold, [r.group for r in test], n_boot=50)
    assert same["auc"]["interval"] == [0.0, 0.0]


def test_markdown_shows_every_model_and_the_liv_row() -> None:
    measure = {
        "before": 0.7,
        "ours": 0.8,
        "baseline": 0.6,
        "baseline_wmt": 0.75,
        "artefact_head": 0.55,
        "neural_head": 0.78,
        "single": 0.79,
        "previous": 0.75,
        "with_neural": 0.81,
        "no_chars": 0.79,
        "gap": 0.2,
        "interval": [0.1, 0.3],
        "gap_wmt": 0.05,
        "interval_wmt": [-0.01, 0.11],
    }
    row = {"system": "Online-A", "n_machine": 10, "n_human": 20}
    row |= {"auc": measure, "tpr_at_1pct_fpr": measure}
    liv = {**row, "system": "liv-en round trips"}
    text = markdown({"folds": [row], "liv_roundtrips": liv})
    assert (
        "| Online-A | 10 / 20 | 0.700 | 0.750 | **0.800** | 0.600 | +0.200 [+0.100, +0.300] |"
        in text
    )
    assert "+0.050 [-0.010, +0.110]" in text
    assert "| liv-en round trips |" in text and text.count("| mean |") == 2
