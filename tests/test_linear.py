"""MonotoneLogisticRegression: matches scikit-learn when free, honours its bounds."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from mtdetect.linear import MonotoneLogisticRegression


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] - X[:, 1] + rng.normal(size=400) > 0).astype(int)
    return X, y


def test_unconstrained_fit_matches_sklearn() -> None:
    X, y = data()
    ours = MonotoneLogisticRegression(C=0.5).fit(X, y)
    theirs = LogisticRegression(C=0.5).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-3)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-3)


def test_nonnegative_coefficient_is_clipped_at_zero() -> None:
    X, y = data()
    model = MonotoneLogisticRegression(nonnegative=[False, True, False]).fit(X, y)
    assert model.coef_[0, 1] == 0.0
    assert model.coef_[0, 0] > 0.5


def test_fixed_coefficient_is_kept_and_others_adapt() -> None:
    X, y = data()
    model = MonotoneLogisticRegression(fixed={2: 0.7}).fit(X, y)
    assert model.coef_[0, 2] == 0.7
    assert set(model.predict(X)) <= {0, 1}


def test_clone_keeps_parameters() -> None:
    model = MonotoneLogisticRegression(C=2.0, nonnegative=[True], fixed={0: 1.0})
    assert clone(model).get_params() == model.get_params()
