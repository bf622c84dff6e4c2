"""The scoring arithmetic behind ``Detector``: log-odds, the fast scorer, evidence weights.

Why apart from ``detector.py``: this is numbers in, numbers out (no texts, no
options, no loading), so it can be read and tested on its own.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, overload

import numpy as np

from mtdetect.bundle import Bundle
from mtdetect.evidence import Evidence, make_evidence
from mtdetect.exceptions import ModelError
from mtdetect.telltales import SUMMARY_FEATURES, TELLTALE_KINDS

#: a base rate closer to 0 or 1 than this is not a rate but a verdict given in advance
MIN_BASE_RATE = 1e-6


def _prior_shift(bundle: Bundle, base_rate: float | None) -> float:
    """Log-odds to add to move probabilities from the calibration mix to ``base_rate``."""
    if base_rate is None:
        return 0.0
    if (
        isinstance(base_rate, bool)
        or not isinstance(base_rate, numbers.Real)
        or not MIN_BASE_RATE <= float(base_rate) <= 1.0 - MIN_BASE_RATE
    ):
        raise ValueError(
            f"base_rate must be between {MIN_BASE_RATE:g} and {1 - MIN_BASE_RATE}, "
            f"got {base_rate!r}"
        )
    share = (bundle.metadata.get("calibration") or {}).get("machine_share")
    if not isinstance(share, int | float) or not 0.0 < share < 1.0:
        raise ModelError(
            "this model does not record the machine share it was calibrated on, "
            "so its probabilities cannot be re-based; retrain it with training/train.py"
        )
    return _log_odds(float(base_rate)) - _log_odds(float(share))


def _log_odds(p: float) -> float:
    return math.log(p) - math.log1p(-p)


@overload
def _shifted(probability: float, shift: float) -> float: ...
@overload
def _shifted(probability: np.ndarray, shift: float) -> np.ndarray: ...
def _shifted(probability: Any, shift: float) -> Any:
    """``probability`` with ``shift`` added to its log-odds (0 and 1 stay put)."""
    if not shift:
        return probability
    p = np.asarray(probability, dtype=np.float64)
    with np.errstate(divide="ignore", over="ignore"):
        log_odds = np.log(p) - np.log1p(-p)
        out = 1.0 / (1.0 + np.exp(-(log_odds + shift)))
    return float(out) if np.ndim(out) == 0 else out


class _DirectScorer:
    """The scaler and calibrator arithmetic without scikit-learn's per-call checks.

    Why: validating a one-row input costs about 0.5 ms, several percent of a
    ``detect`` call. It repeats, operation for operation, what
    StandardScaler.transform, the classifier's own ``decision_function`` and
    the binary ``SigmoidCalibrator.predict_proba`` compute. A plain class,
    not a closure, so that a Detector still pickles for ``n_jobs``.
    """

    def __init__(self, scaler: Any, clf: Any, calibrator: Any) -> None:
        self.mean = scaler.mean_ if scaler.with_mean else None
        self.scale = scaler.scale_ if scaler.with_std else None
        self.clf = clf
        self.coef_t = calibrator.coef_.T
        self.intercept = calibrator.intercept_

    def __call__(self, features: np.ndarray) -> np.ndarray:
        from scipy.special import expit

        scaled = np.array(features, dtype=np.float64)  # a copy, as transform makes
        if self.mean is not None:
            scaled -= self.mean
        if self.scale is not None:
            scaled /= self.scale
        decision = np.asarray(self.clf.decision_function(scaled), dtype=np.float64)
        return expit((decision.reshape(-1, 1) @ self.coef_t + self.intercept).reshape(-1))


def _direct_scorer(
    bundle: Bundle, checked: Callable[[np.ndarray], np.ndarray]
) -> _DirectScorer | None:
    """A _DirectScorer for the bundle when it gives the very same probabilities, else None.

    Taken only for the model shape it reproduces (StandardScaler, then a
    classifier, then a binary sigmoid calibrator) and only when probe rows
    score bit for bit as through ``checked``.
    """
    from sklearn.preprocessing import StandardScaler

    from mtdetect.calibration import SigmoidCalibrator

    steps = bundle.pipeline.steps[1:]
    calibrator = bundle.calibrator
    if len(steps) != 2 or type(steps[0][1]) is not StandardScaler:
        return None
    if type(calibrator) is not SigmoidCalibrator or np.shape(calibrator.coef_) != (1, 1):
        return None
    scaler = steps[0][1]
    if len(calibrator.classes_) != 2 or (scaler.with_std and scaler.scale_ is None):
        return None
    direct = _DirectScorer(scaler, steps[1][1], calibrator)
    n = len(bundle.feature_names)
    probes = np.random.default_rng(0).normal(0.0, 3.0, size=(8, n))
    probes = np.vstack([np.zeros((1, n)), np.abs(probes), probes])
    for rows in (probes, probes[:1], probes[4:5]):
        if not np.array_equal(direct(rows), checked(rows)):
            return None
    return direct


# Dense statistics that every document has (how predictable its words are):
# their evidence is weighed against a typical training document, not against 0.
CENTRED_PREFIXES = ("fluency.",)


def _linear_basis(pipeline: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Per-feature centre and factors turning a raw value into its log-odds contribution.

    For scaler + linear classifier, a feature's contribution relative to the
    same document without that evidence (value 0) is ``coef * x / scale``; for
    a dense statistic (``CENTRED_PREFIXES``) it is relative to the training
    mean, ``coef * (x - mean) / scale``.
    """
    steps = dict(pipeline.steps)
    clf = steps.get("clf")
    coef = getattr(clf, "coef_", None)
    scaler = steps.get("scale")
    names = [str(name) for name in pipeline[0].get_feature_names_out()]
    n = len(names)
    scale = np.asarray(getattr(scaler, "scale_", None) if scaler is not None else np.ones(n))
    mean = getattr(scaler, "mean_", None)
    centred = np.array([name.startswith(CENTRED_PREFIXES) for name in names], dtype=bool)
    centre = np.where(centred, mean, 0.0) if mean is not None else np.zeros(n)
    if coef is None:
        return centre, np.ones(n), None
    return centre, np.where(scale > 0, scale, 1.0), np.asarray(coef, dtype=np.float64).ravel()


def _order(item: Evidence) -> tuple[float, int]:
    return (-item.weight, item.start)


def _weigh(
    evidence: tuple[Evidence, ...],
    contributions: np.ndarray,
    names: list[str],
    index: dict[str, int] | None = None,
) -> tuple[Evidence, ...]:
    """Share each feature's contribution among its evidence items; strongest first.

    ``index`` (name -> position in ``names``) may be passed when already built.
    Why per kind: a document's items fall under a few kinds, so each kind's
    position, count and equal share are found once, and the row is read as
    Python floats (``tolist``, the very values ``float()`` of each cell gives).
    """
    if not evidence:
        return ()
    if index is None:
        index = {name: i for i, name in enumerate(names)}
    values = np.asarray(contributions).tolist()
    counts: dict[str, int] = {}
    # a signal may preset each item's relative pull (style patterns do); the
    # feature's contribution is then shared in proportion, otherwise equally
    pulls: dict[str, float] = {}
    for item in evidence:
        kind = item.kind
        counts[kind] = counts.get(kind, 0) + 1
        if item.weight > 0:
            pulls[kind] = pulls.get(kind, 0.0) + item.weight
    summary = sum(values[index[name]] for name in SUMMARY_FEATURES if name in index)
    n_telltales = sum(count for kind, count in counts.items() if kind in TELLTALE_KINDS)
    extra = summary / n_telltales if n_telltales else 0.0
    # kind -> (contribution or None, its pull or None, the equal share, a telltale?)
    plans: dict[str, tuple[float | None, float | None, float, bool]] = {}
    for kind, count in counts.items():
        i = index.get(kind)
        value = None if i is None else values[i]
        pull = pulls.get(kind)
        equal = 0.0 if value is None or pull else value * (1.0 / count)
        plans[kind] = (value, pull, equal, kind in TELLTALE_KINDS)
    weighted = []
    append = weighted.append
    for item in evidence:
        value, pull, share, telltale = plans[item.kind]
        if pull and value is not None:
            share = value * (item.weight / pull)
        if telltale:  # the summaries' weight is theirs too
            share += extra
        append(make_evidence(item.kind, item.start, item.end, item.text, item.message, share))
    weighted.sort(key=_order)
    return tuple(weighted)
