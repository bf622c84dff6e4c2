"""A logistic regression whose evidence features can only count towards "machine".

A telltale such as a mangled name or a broken sentence join is evidence of
translation by construction. Left free, a linear model may still give it a
negative weight when, in the training corpus, it happens to co-occur with
some human genre; then adding an artefact to a text would make it look *more*
human, which is both wrong and an easy way to fool the detector. Here the
coefficients of the named features are bounded below by zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin


class MonotoneLogisticRegression(ClassifierMixin, BaseEstimator):
    """L2-regularised logistic regression with non-negative coefficients on some features.

    Parameters
    ----------
    C:
        Inverse regularisation strength, as in scikit-learn's LogisticRegression.
    nonnegative:
        Boolean mask (or indices) of the features whose coefficient must be >= 0.
    fixed:
        ``{feature index: coefficient}`` for coefficients set by prior knowledge
        rather than learned (the rest of the model is fitted around them).
    max_iter:
        Iterations of L-BFGS-B.
    """

    def __init__(
        self,
        C: float = 1.0,
        nonnegative: Sequence[bool] | None = None,
        fixed: dict[int, float] | None = None,
        max_iter: int = 2000,
    ) -> None:
        self.C = C
        self.nonnegative = nonnegative
        self.fixed = fixed
        self.max_iter = max_iter

    def fit(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> MonotoneLogisticRegression:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("MonotoneLogisticRegression needs exactly two classes")
        target = (y == self.classes_[1]).astype(np.float64)
        n, d = X.shape
        w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        mask = np.zeros(d, dtype=bool)
        if self.nonnegative is not None:
            mask[np.asarray(self.nonnegative)] = True
        bounds = [(0.0, None) if m else (None, None) for m in mask] + [(None, None)]
        free = np.ones(d, dtype=bool)
        start = np.zeros(d + 1)
        for index, value in (self.fixed or {}).items():
            bounds[index] = (value, value)
            free[index] = False
            start[index] = value

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            coef, intercept = params[:d], params[d]
            z = X @ coef + intercept
            # log(1 + exp(z)) - y z, stable
            value = np.sum(w * (np.logaddexp(0.0, z) - target * z))
            residual = w * (expit(z) - target)
            grad = np.empty(d + 1)
            penalised = np.where(free, coef, 0.0)  # a prior coefficient is not shrunk
            grad[:d] = X.T @ residual + penalised / self.C
            grad[d] = residual.sum()
            return value + 0.5 * float(penalised @ penalised) / self.C, grad

        result = minimize(
            loss,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": self.max_iter},
        )
        self.coef_ = result.x[:d].reshape(1, -1)
        self.intercept_ = result.x[d:].copy()
        self.n_features_in_ = d
        self.n_iter_ = np.array([result.nit])
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=np.float64) @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > 0).astype(int)]


def fit_logistic(
    model: Any, matrix: sparse.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None
) -> Any:
    """Fit ``model``'s logistic regression (``model.C``) on ``matrix``; keep only its weights.

    Shared by the word and character pattern models: scoring is a dot product,
    so the bundle holds ``coef_`` and ``intercept_``, never scikit-learn's object.
    """
    from sklearn.linear_model import LogisticRegression  # fitting only: scoring never needs it

    clf = LogisticRegression(C=model.C, solver="liblinear", max_iter=2000, random_state=0)
    clf.fit(matrix, y, sample_weight=sample_weight)
    model.classes_ = clf.classes_
    model.coef_ = clf.coef_.ravel().astype(np.float64)
    model.intercept_ = float(clf.intercept_[0])
    return model


class PatternClassifier:
    """What the word and character pattern models share: a logistic regression over their
    own TF-IDF vocabulary. A subclass gives ``symbols(text)`` (what ``vectorise`` reads),
    ``fit_vocabulary``, ``vectorise`` and ``decision_function``."""

    def fit_classifier(
        self, matrix: sparse.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> Any:
        return fit_logistic(self, matrix, y, sample_weight)

    def fit(self, X: Any, y: Sequence[int], sample_weight: np.ndarray | None = None) -> Any:
        streams = [self.symbols(text) for text in X]  # type: ignore[attr-defined]
        self.fit_vocabulary(streams)  # type: ignore[attr-defined]
        matrix = self.vectorise(streams)  # type: ignore[attr-defined]
        return self.fit_classifier(matrix, np.asarray(y), sample_weight)

    def predict(self, X: Any) -> np.ndarray:
        scores = self.decision_function(X)  # type: ignore[attr-defined]
        return self.classes_[(scores > 0).astype(int)]  # type: ignore[attr-defined]
