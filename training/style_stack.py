"""Fit the function-word pattern model and stack its score under the linear scorer.

Why out-of-fold: the pattern model has tens of thousands of weights and
scores its own training documents far better than new ones. The final
scorer must learn how much to trust ``style.score`` on documents the pattern
model has *not* seen, so each training row gets the score of a pattern model
fitted on the other folds (grouped by source document, as everything here).
Validation, test and production use the model fitted on the whole train split.

The vocabulary and IDF are learned once from the train split's text (no
labels); only the logistic regression is refitted per fold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from mtdetect.features import TRAINED_FAMILIES
from mtdetect.style import FunctionWordModel

FOLDS = 5
PARAMS = {"max_n": 4, "min_df": 3, "max_features": 50_000, "C": 1.0}


def untrained_families(families: Sequence[str]) -> tuple[str, ...]:
    """The families computed from shipped resources alone (featurised and cached as usual)."""
    return tuple(f for f in families if f not in TRAINED_FAMILIES)


@dataclass
class StyleFit:
    """The pattern model fitted on the rows given, and its out-of-fold training scores."""

    model: FunctionWordModel
    oof: np.ndarray


def out_of_fold(
    model: FunctionWordModel,
    matrix: sparse.csr_matrix,
    y: np.ndarray,
    w: np.ndarray,
    groups: Sequence[str],
    folds: int = FOLDS,
) -> StyleFit:
    """Out-of-fold scores for every row, plus the classifier refitted on all rows.

    ``model`` must have its vocabulary fitted; it is cloned, never changed.
    """
    oof = np.zeros(matrix.shape[0])
    for train, test in GroupKFold(n_splits=folds).split(matrix, y, groups):
        fold = _with_vocabulary(model).fit_classifier(matrix[train], y[train], w[train])
        oof[test] = matrix[test] @ fold.coef_ + fold.intercept_
    full = _with_vocabulary(model).fit_classifier(matrix, y, w)
    return StyleFit(full, oof)


def fit_style(
    texts: Sequence[str],
    y: np.ndarray,
    w: np.ndarray,
    groups: Sequence[str],
    params: dict[str, float] | None = None,
) -> StyleFit:
    """Vocabulary from ``texts``, then out-of-fold scores and the full model."""
    model = FunctionWordModel(**(params or PARAMS))
    streams = [model.symbols(text) for text in texts]
    model.fit_vocabulary(streams)
    return out_of_fold(model, model.vectorise(streams), y, w, groups)


def _with_vocabulary(model: FunctionWordModel) -> FunctionWordModel:
    fresh = clone(model)
    fresh.vocabulary_ = model.vocabulary_
    fresh.idf_ = model.idf_
    return fresh


def stack_columns(
    names: Sequence[str], dense_names: Sequence[str], dense: np.ndarray, style: np.ndarray
) -> np.ndarray:
    """The full feature matrix in ``names`` order from the dense block and the style column."""
    position = {name: i for i, name in enumerate(dense_names)}
    out = np.zeros((dense.shape[0], len(names)))
    for j, name in enumerate(names):
        out[:, j] = style if name == "style.score" else dense[:, position[name]]
    return out
