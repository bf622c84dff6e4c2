"""Fit the pattern models (style, wording) and stack their scores under the linear scorer.

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
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from mtdetect.char_model import CharGramModel
from mtdetect.features import TRAINED_FAMILIES
from mtdetect.pattern_model import FunctionWordModel
from training.corpus import Record
from training.dataset import matched_pairs_of, sample_weights

FOLDS = 5
# One pattern model per trained family. "wording" keeps lowercase words, so it
# has far more distinct n-grams: trigrams at most, and a larger vocabulary.
PARAMS: dict[str, dict[str, Any]] = {
    "style": {"max_n": 4, "min_df": 3, "max_features": 50_000, "C": 1.0},
    "wording": {
        "max_n": 3,
        "min_df": 3,
        "max_features": 200_000,
        "C": 1.0,
        "keep_lowercase": True,
    },
    # wording's kind of model on round-trip pairs only. C: the share of train
    # round trips above the human ceiling, out of fold, is flat from C = 1 to 10
    # and falls beyond (1, 3, 10, 30, 100: 0.9886, 0.9892, 0.9883, 0.9851,
    # 0.9792; python -m training.experiments.roundtrip_c). 10 was picked in an
    # earlier scratch run, before the native negatives, and is kept.
    "roundtrip": {
        "max_n": 3,
        "min_df": 3,
        "max_features": 200_000,
        "C": 10.0,
        "keep_lowercase": True,
    },
    # wording's kind of model on neural MT pairs only (WMT system outputs and the
    # human translations of the same documents): fluent neural word choice.
    "neural": {
        "max_n": 3,
        "min_df": 3,
        "max_features": 200_000,
        "C": 1.0,
        "keep_lowercase": True,
    },
}
# Character n-grams (mtdetect.char_model) on the neural rows, like "neural".
CHAR_PARAMS: dict[str, Any] = {
    "min_n": 3,
    "max_n": 5,
    "min_df": 3,
    "max_features": 200_000,
    "C": 1.0,
}
# Every trained family's parameters, as recorded in the bundle.
ALL_PARAMS: dict[str, dict[str, Any]] = {**PARAMS, "chars": CHAR_PARAMS}
# The human texts whose highest round-trip score sets the ``roundtrip`` ceiling.
CEILING_LABELS = frozenset({"HT", "ORIG", "LEARNER"})
# Native news documents the roundtrip model learns from as human text (see fit_roundtrip).
NATIVE_NEGATIVES = 3000
NATIVE_SOURCE = "native-news"


def untrained_families(families: Sequence[str]) -> tuple[str, ...]:
    """The families computed from shipped resources alone (featurised and cached as usual)."""
    return tuple(f for f in families if f not in TRAINED_FAMILIES)


@dataclass
class StyleFit:
    """The pattern model fitted on the rows given, and its out-of-fold training scores."""

    model: FunctionWordModel
    oof: np.ndarray


def matched_pairs(y: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    """Rows whose source document has both a machine and a human version."""
    sides: dict[str, set[int]] = {}
    for label, group in zip(y.tolist(), groups, strict=True):
        sides.setdefault(group, set()).add(label)
    return np.array([len(sides[group]) == 2 for group in groups])


def out_of_fold(
    model: FunctionWordModel,
    matrix: sparse.csr_matrix,
    y: np.ndarray,
    w: np.ndarray,
    groups: Sequence[str],
    folds: int = FOLDS,
    fit_on: np.ndarray | None = None,
) -> StyleFit:
    """Out-of-fold scores for every row, plus the classifier refitted on all rows.

    A model that keeps lowercase words (and so could learn topic) is fitted
    on the matched pairs among the rows only: there, every topic is on both
    sides in equal weight. ``fit_on`` (a boolean mask) names other rows to fit
    on instead. Every row is still scored. ``model`` must have its vocabulary
    fitted; it is cloned, never changed.
    """
    if fit_on is None:
        fit_on = matched_pairs(y, groups) if model.keep_lowercase else np.ones(len(y), dtype=bool)
    oof = np.zeros(matrix.shape[0])
    for train, test in GroupKFold(n_splits=folds).split(matrix, y, groups):
        rows = train[fit_on[train]]
        fold = _with_vocabulary(model).fit_classifier(matrix[rows], y[rows], w[rows])
        oof[test] = matrix[test] @ fold.coef_ + fold.intercept_
    rows = np.flatnonzero(fit_on)
    full = _with_vocabulary(model).fit_classifier(matrix[rows], y[rows], w[rows])
    return StyleFit(full, oof)


def fit_style(
    texts: Sequence[str],
    y: np.ndarray,
    w: np.ndarray,
    groups: Sequence[str],
    params: dict[str, Any],
) -> StyleFit:
    """Vocabulary from ``texts``, then out-of-fold scores and the full model."""
    model = FunctionWordModel(**params)
    streams = [model.symbols(text) for text in texts]
    model.fit_vocabulary(streams)
    return out_of_fold(model, model.vectorise(streams), y, w, groups)


def roundtrip_rows(records: Sequence[Record]) -> np.ndarray:
    """Rows of round-trip pairs: every round trip and the human texts of its kind in its group.

    The human side is the group's texts of the kind the round trip was made
    from (an original, a document's professional translations, an author's
    essays), as ``training.dataset.matched_pairs_of`` pairs them.
    """
    rows = np.zeros(len(records), dtype=bool)
    for kind, machine, humans in matched_pairs_of(records):
        if kind.startswith("RT"):
            rows[machine] = True
            rows[humans] = True
    return rows


def neural_rows(records: Sequence[Record]) -> np.ndarray:
    """Rows of neural MT pairs: every WMT system output and the human texts of its document."""
    rows = np.zeros(len(records), dtype=bool)
    for kind, machine, humans in matched_pairs_of(records):
        if kind == "MT":
            rows[machine] = True
            rows[humans] = True
    return rows


def fit_neural(records: Sequence[Record], params: dict[str, Any]) -> StyleFit:
    """The ``neural`` model: fitted on neural MT pairs only, every row scored out of fold.

    Why apart from ``wording``: that model shares its weight with rule-based
    round trips, whose clumsy English points the other way from the smooth,
    over-probable English of neural systems.
    """
    fit_on = neural_rows(records)
    model = FunctionWordModel(**params)
    streams = [model.symbols(r.text) for r in records]
    model.fit_vocabulary([s for s, keep in zip(streams, fit_on, strict=True) if keep])
    weights = np.zeros(len(records))
    weights[fit_on] = sample_weights([records[i] for i in np.flatnonzero(fit_on)])
    y = np.array([r.y for r in records])
    groups = [r.group for r in records]
    return out_of_fold(model, model.vectorise(streams), y, weights, groups, fit_on=fit_on)


def fit_chars(records: Sequence[Record], params: dict[str, Any]) -> StyleFit:
    """The ``chars`` model: character n-grams on neural MT pairs, every row out of fold.

    Keys are hashed twice (vocabulary, then matrix) rather than kept: a
    document's n-gram hashes take about 80 KB, too much for every row at once.
    """
    fit_on = neural_rows(records)
    model = CharGramModel(**params)
    model.fit_vocabulary(model.keys(records[i].text) for i in np.flatnonzero(fit_on))
    matrix = model.vectorise(model.keys(r.text) for r in records)
    weights = np.zeros(len(records))
    weights[fit_on] = sample_weights([records[i] for i in np.flatnonzero(fit_on)])
    y = np.array([r.y for r in records])
    groups = [r.group for r in records]
    return out_of_fold(model, matrix, y, weights, groups, fit_on=fit_on)  # type: ignore[arg-type]


def native_records(texts: Sequence[str]) -> list[Record]:
    """Native news documents as unpaired human rows of the roundtrip model."""
    return [
        Record(text, "ORIG", f"native-news:{i}", NATIVE_SOURCE, "en", "original")
        for i, text in enumerate(texts)
    ]


def fit_roundtrip(
    records: Sequence[Record], params: dict[str, Any], native: Sequence[str] = ()
) -> StyleFit:
    """The ``roundtrip`` model: fitted on round-trip pairs, its zero at the human ceiling.

    The vocabulary is learned from ``records`` and the ``native`` news
    documents; :func:`fit_roundtrip_classifier` does the rest. Returned
    out-of-fold scores are for ``records`` only.
    """
    rows_in = [*records, *native_records(native)]
    model = FunctionWordModel(**params)
    streams = [model.symbols(r.text) for r in rows_in]
    model.fit_vocabulary(streams)
    fit = fit_roundtrip_classifier(model, model.vectorise(streams), rows_in, len(native))
    return StyleFit(fit.model, fit.oof[: len(records)])


def fit_roundtrip_classifier(
    model: FunctionWordModel, matrix: sparse.csr_matrix, rows: Sequence[Record], n_native: int
) -> StyleFit:
    """The roundtrip model's classifier on a fitted vocabulary, its zero at the human ceiling.

    ``rows`` (one per row of ``matrix``) ends with ``n_native`` native news
    documents. Every row is scored out of fold (grouped by source document);
    the classifier is fitted on round trips and the texts they were made from
    (partial round trips of originals included), each kind of pair with the
    same total weight, and on the native documents as unpaired human text.
    Why those: a round trip turns "Electronics Association" into "Association
    of Electronics", and names like "Bank of England" look the same once
    masked; native news, which is full of them, teaches the model they are
    English. The intercept and the out-of-fold scores are then shifted by the
    highest out-of-fold score of any human text, so that a score above 0 is
    one no human text in training reached. Validation text plays no part, so
    that the threshold and calibration chosen there see the feature fire on
    human text as it would on new text.
    """
    fit_on = roundtrip_rows(rows)
    fit_on[len(rows) - n_native :] = True
    weights = np.zeros(len(rows))
    weights[fit_on] = sample_weights([rows[i] for i in np.flatnonzero(fit_on)])
    y = np.array([r.y for r in rows])
    fit = out_of_fold(model, matrix, y, weights, [r.group for r in rows], fit_on=fit_on)
    human = np.array([r.label in CEILING_LABELS for r in rows], dtype=bool)
    ceiling = float(fit.oof[human].max(initial=-np.inf))
    fit.model.intercept_ -= ceiling
    return StyleFit(fit.model, fit.oof - ceiling)


def _with_vocabulary(model: FunctionWordModel) -> FunctionWordModel:
    return clone(model).use_vocabulary_of(model)


def stack_columns(
    names: Sequence[str],
    dense_names: Sequence[str],
    dense: np.ndarray,
    trained: dict[str, np.ndarray],
) -> np.ndarray:
    """The full feature matrix in ``names`` order: the dense block plus trained columns.

    ``trained`` maps a trained family's feature name ("style.score") to its column.
    """
    position = {name: i for i, name in enumerate(dense_names)}
    out = np.zeros((dense.shape[0], len(names)))
    for j, name in enumerate(names):
        out[:, j] = trained[name] if name in trained else dense[:, position[name]]
    return out
