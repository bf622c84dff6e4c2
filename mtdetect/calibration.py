"""Platt scaling: a decision value becomes a probability through one fitted sigmoid.

Why a class of our own: the shipped bundle must unpickle without importing
``sklearn.linear_model`` (a tenth of a second of a cold start) just to apply
``1 / (1 + exp(-(a * d + b)))``. Fitting still uses scikit-learn's
LogisticRegression, imported only then; the arithmetic at scoring time is
operation for operation that of its binary ``predict_proba``, so probabilities
are bit for bit the same.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin


class SigmoidCalibrator(ClassifierMixin, BaseEstimator):
    """Maps a one-column decision value to P(machine) with ``expit(coef * d + intercept)``.

    Parameters
    ----------
    C:
        Inverse regularisation of the two sigmoid parameters (large: plain Platt scaling).
    max_iter:
        Iterations of the solver.
    """

    def __init__(self, C: float = 1e6, max_iter: int = 1000) -> None:
        self.C = C
        self.max_iter = max_iter

    def fit(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> SigmoidCalibrator:
        from sklearn.linear_model import LogisticRegression

        fitted = LogisticRegression(C=self.C, max_iter=self.max_iter)
        fitted.fit(np.asarray(X, dtype=np.float64).reshape(-1, 1), y, sample_weight=sample_weight)
        self.coef_ = fitted.coef_
        self.intercept_ = fitted.intercept_
        self.classes_ = fitted.classes_
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64).reshape(-1, 1)
        return (X @ self.coef_.T + self.intercept_).ravel()

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        probability = expit(self.decision_function(X))
        return np.vstack([1 - probability, probability]).T
