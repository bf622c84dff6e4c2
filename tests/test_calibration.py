"""The shipped calibrator gives scikit-learn's Platt probabilities without its import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

from mtdetect.calibration import SigmoidCalibrator


def test_probabilities_match_logistic_regression_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    decision = np.concatenate([rng.normal(-1.5, 1.0, 200), rng.normal(2.0, 1.2, 200)])
    y = np.repeat([0, 1], 200)
    ours = SigmoidCalibrator().fit(decision.reshape(-1, 1), y)
    theirs = LogisticRegression(C=1e6, max_iter=1000).fit(decision.reshape(-1, 1), y)
    probe = np.linspace(-8, 8, 97).reshape(-1, 1)
    assert np.array_equal(ours.predict_proba(probe), theirs.predict_proba(probe))
    assert ours.predict_proba(probe).shape == (97, 2)
    assert np.all(np.diff(ours.predict_proba(probe)[:, 1]) >= 0)


def test_loading_the_shipped_model_does_not_import_sklearn_linear_model() -> None:
    code = (
        "import sys; from mtdetect.bundle import load_bundle, default_path; "
        "load_bundle(default_path()); print('sklearn.linear_model' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
