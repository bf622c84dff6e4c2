"""The two-head scorer: the neural head's log-odds folded into one linear model."""

from __future__ import annotations

import numpy as np
import pytest

from training.corpus import Record
from training.heads import (
    HEAD_FEATURE,
    fit_neural_head,
    fit_two_heads,
    neural_columns,
    neural_head_rows,
)
from training.modeling import fit_scorer

NAMES = [
    "names.near_miss",
    "surface.broken_join",
    "profile.comma_rate",
    "fluency.top10_share",
    "fluency.mean_surprisal",
    "neural.score",
    "telltale.surprise",
]


def synthetic(n: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Machine rows are either broken (artefacts) or smooth (high top-10 share, low surprisal)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    smooth = (rng.random(n) < 0.5) & (y == 1)
    broken = (y == 1) & ~smooth
    X = rng.normal(size=(n, len(NAMES))) * [0.5, 0.5, 1.0, 0.05, 0.5, 1.0, 0.5]
    X[:, 0] += 2.0 * broken
    X[:, 1] += 2.0 * broken
    X[:, 3] += 0.45 + 0.08 * smooth - 0.05 * broken  # broken MT is *less* predictable
    X[:, 4] += 8.0 - 0.8 * smooth + 0.8 * broken
    X[:, 5] += 1.5 * smooth
    return X, y, broken


def test_the_folded_model_equals_the_two_stage_model() -> None:
    X, y, _ = synthetic()
    w = np.ones(len(y))
    rows = np.arange(len(y)) % 3 != 0
    folded = fit_two_heads(X, y, w, NAMES, rows, w * rows, C=0.3, shrink=1.0)
    head = fit_neural_head(X, y, w * rows, NAMES, rows)
    artefact = ~head.columns
    stacked = np.column_stack([X[:, artefact], head.decision(X)])
    names = [*np.array(NAMES)[artefact], HEAD_FEATURE]
    two_stage = fit_scorer(stacked, y, w, 0.3, names, shrink=1.0)
    assert np.allclose(folded.decision_function(X), two_stage.decision_function(stacked))


def test_either_kind_of_machine_text_is_lifted() -> None:
    X, y, broken = synthetic()
    w = np.ones(len(y))
    # the neural head never sees the broken (rule-based) machine rows
    folded = fit_two_heads(X, y, w, NAMES, ~broken, w * ~broken, C=1.0, shrink=1.0)
    coef = dict(zip(NAMES, folded.named_steps["clf"].coef_.ravel(), strict=True))
    assert coef["names.near_miss"] > 0 and coef["surface.broken_join"] > 0
    assert coef["fluency.top10_share"] > 0  # smooth text pushes up ...
    assert coef["fluency.mean_surprisal"] < 0  # ... and so does low surprisal: free sign
    smooth = X[0].copy()
    smooth[[0, 1, 3, 4, 5]] = [0, 0, 0.53, 7.2, 1.5]
    human = smooth.copy()
    human[[3, 4, 5]] = [0.45, 8.0, 0.0]
    decision = folded.decision_function(np.vstack([smooth, human]))
    assert decision[0] > decision[1] + 1.0


def test_neural_columns_are_the_fluency_and_word_choice_families() -> None:
    assert neural_columns(NAMES).tolist() == [False, False, False, True, True, True, False]


def test_neural_head_learns_from_everything_but_round_trips() -> None:
    records = [
        Record("a", "MT", "g1", "wmt", "de", "Online-A"),
        Record("b", "HT", "g1", "wmt", "de", "human"),
        Record("c", "RT", "g2", "apertium-spa", "spa", "apertium-spa"),
        Record("d", "ORIG", "g2", "orig-news", "en", "original"),
        Record("e", "LEARNER", "g3", "learner", "en", "human"),
    ]
    rows, weights = neural_head_rows(records)
    assert rows.tolist() == [True, True, False, True, True]
    assert weights[2] == 0 and np.all(weights[rows] > 0)


def test_a_head_without_neural_columns_is_refused() -> None:
    X, y, _ = synthetic()
    with pytest.raises(ValueError):
        fit_neural_head(X[:, :3], y, np.ones(len(y)), NAMES[:3], np.ones(len(y), bool))


def test_dense_statistics_are_weighed_against_the_training_mean() -> None:
    """A fluency value at the training mean contributes nothing; one above it, coef * z."""
    from sklearn.pipeline import Pipeline

    from mtdetect._scoring import _linear_basis

    X, y, broken = synthetic()
    w = np.ones(len(y))
    scorer = fit_two_heads(X, y, w, NAMES, ~broken, w * ~broken, C=1.0, shrink=1.0)

    class Names:
        def get_feature_names_out(self) -> np.ndarray:
            return np.array(NAMES, dtype=object)

    pipeline = Pipeline([("features", Names()), *scorer.steps])
    centre, scale, coef = _linear_basis(pipeline)
    mean = scorer.named_steps["scale"].mean_
    i, j = NAMES.index("fluency.top10_share"), NAMES.index("names.near_miss")
    assert centre[i] == mean[i] and centre[j] == 0.0
    row = X[0].copy()
    row[i] = mean[i]
    assert ((row - centre) / scale * coef)[i] == 0.0
