"""Two heads, one explainable linear scorer.

Why two: rule-based MT leaves artefacts (broken joins, mangled names,
under-probable English), while neural MT leaves smooth, over-probable,
lexically flat English. A single monotone model trained on both learns
whichever kind dominates its data and points the other kind's statistics the
wrong way. So the *neural head*, a free-signed logistic regression over the
fluency statistics and the word-choice pattern scores, is fitted on neural MT
and human text alone (no round trips), and its log-odds joins the artefact
features as one non-negative input of the main scorer: either kind of
evidence can lift a text, and neither can push the other's towards human.

The composition of two linear maps is linear, so the shipped scorer is folded
back into one scaler + one linear model: every feature's contribution to the
log-odds stays ``coef * x / scale``, and evidence weights work as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from mtdetect.linear import MonotoneLogisticRegression
from training.corpus import Record
from training.dataset import sample_weights
from training.modeling import SEED, fit_scorer

# The neural head's inputs: what fluent neural MT changes.
NEURAL_PREFIXES = ("fluency.", "neural.", "chars.", "wording.", "style.")
HEAD_FEATURE = "neural_head.score"
# The head is fitted in-pool on out-of-fold scores, where every system it is
# tested on was seen (other documents); a strong penalty keeps it from leaning
# on whichever score looks best there. Screened on leave-one-system-out TPR at
# 1% FPR (Lan-Bridge, Online-W, Online-B; python -m
# training.experiments.chars_screen --head-C X): 1.0, 0.1, 0.01, 0.003 gave
# 0.151, 0.154, 0.165, 0.170 (liv-en 0.234, 0.234, 0.226, 0.223).
NEURAL_HEAD_C = 0.01


def neural_head_rows(records: Sequence[Record]) -> tuple[np.ndarray, np.ndarray]:
    """The neural head's rows (everything but round trips) and their matched-pair weights."""
    rows = np.array([not r.label.startswith("RT") for r in records])
    weights = np.zeros(len(records))
    weights[rows] = sample_weights([records[i] for i in np.flatnonzero(rows)])
    return rows, weights


def neural_columns(feature_names: Sequence[str]) -> np.ndarray:
    return np.array([str(n).startswith(NEURAL_PREFIXES) for n in feature_names])


@dataclass
class NeuralHead:
    """A free-signed logistic regression over standardised neural columns."""

    columns: np.ndarray  # boolean mask over the full feature vector
    scaler: StandardScaler
    clf: LogisticRegression

    def decision(self, X: np.ndarray) -> np.ndarray:
        return self.clf.decision_function(self.scaler.transform(X[:, self.columns]))


def fit_neural_head(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    feature_names: Sequence[str],
    rows: np.ndarray,
    C: float = NEURAL_HEAD_C,
) -> NeuralHead:
    """Fitted on ``rows`` (neural MT and human text: no round trips)."""
    columns = neural_columns(feature_names)
    if not columns.any():
        raise ValueError(f"no neural head columns ({NEURAL_PREFIXES}) among the features")
    scaler = StandardScaler().fit(X[rows][:, columns])
    clf = LogisticRegression(C=C, max_iter=2000, random_state=SEED)
    clf.fit(scaler.transform(X[rows][:, columns]), y[rows], sample_weight=w[rows])
    return NeuralHead(columns, scaler, clf)


def fit_two_heads(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    feature_names: Sequence[str],
    neural_rows: np.ndarray,
    neural_w: np.ndarray,
    C: float,
    shrink: float,
) -> Pipeline:
    """The neural head, then the main scorer over artefact columns plus the head's
    log-odds, folded into one scaler + linear model over the full feature vector."""
    head = fit_neural_head(X, y, neural_w, feature_names, neural_rows)
    artefact = ~head.columns
    names = [n for n, keep in zip(feature_names, artefact, strict=True) if keep]
    stacked = np.column_stack([X[:, artefact], head.decision(X)])
    main = fit_scorer(stacked, y, w, C, [*names, HEAD_FEATURE], shrink=shrink)
    return fold(main, head, artefact)


def fold(main: Pipeline, head: NeuralHead, artefact: np.ndarray) -> Pipeline:
    """One StandardScaler + MonotoneLogisticRegression equal to main(artefact, head(neural))."""
    main_scaler, main_clf = main.named_steps["scale"], main.named_steps["clf"]
    d = len(artefact)
    mean, scale, coef = np.zeros(d), np.ones(d), np.zeros(d)
    n_art = int(artefact.sum())
    mean[artefact] = main_scaler.mean_[:n_art]
    scale[artefact] = main_scaler.scale_[:n_art]
    coef[artefact] = main_clf.coef_.ravel()[:n_art]
    # the head's log-odds, standardised by the main scaler, times its main weight
    head_weight = main_clf.coef_.ravel()[n_art] / main_scaler.scale_[n_art]
    mean[head.columns] = head.scaler.mean_
    scale[head.columns] = head.scaler.scale_
    coef[head.columns] = head_weight * head.clf.coef_.ravel()
    intercept = float(main_clf.intercept_[0]) + head_weight * (
        float(head.clf.intercept_[0]) - main_scaler.mean_[n_art]
    )
    scaler = StandardScaler()
    scaler.mean_, scaler.scale_, scaler.var_ = mean, scale, scale**2
    scaler.n_features_in_, scaler.n_samples_seen_ = d, 1
    clf = MonotoneLogisticRegression(C=main_clf.C)
    clf.classes_ = main_clf.classes_
    clf.coef_, clf.intercept_ = coef.reshape(1, -1), np.array([intercept])
    clf.n_features_in_ = d
    return Pipeline([("scale", scaler), ("clf", clf)])


def fit_model(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    feature_names: Sequence[str],
    records: Sequence[Record],
    C: float,
    shrink: float,
) -> Pipeline:
    """The shipped recipe for any feature set: two heads when there are neural columns.

    Training, evaluation's refits and the leave-one-system-out report all fit
    through here, so what they measure is what ships.
    """
    names = list(feature_names)
    if not neural_columns(names).any():
        return fit_scorer(X, y, w, C, names, shrink=shrink)
    if neural_columns(names).all():  # the neural head alone (an ablation)
        rows, neural_w = neural_head_rows(records)
        head = fit_neural_head(X, y, neural_w, names, rows)
        return Pipeline([("scale", head.scaler), ("clf", head.clf)])
    rows, neural_w = neural_head_rows(records)
    return fit_two_heads(X, y, w, names, rows, neural_w, C, shrink)
