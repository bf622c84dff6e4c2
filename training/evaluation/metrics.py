"""Metric helpers: pure functions over arrays, and the targets each number is held to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from training.modeling import SEED

MAX_FPR = 0.01
ECE_BINS = 10
SHIFT_LIMIT = 0.02

# Each target: (comparison, bound). ">=" means higher is better.
TARGETS: dict[str, tuple[str, float]] = {
    "auc_overall": (">=", 0.95),
    "tpr_at_1fpr_mt": (">=", 0.60),
    "tpr_at_1fpr_roundtrip": (">=", 0.95),
    "rt_vs_originals_auc": (">=", 0.995),
    "rt_paired_win_rate": (">=", 0.99),
    "ece": ("<=", 0.05),
    "leave_one_language_out_auc": (">=", 0.93),
    "learner_fpr": ("<=", 0.02),
    "shortcut_mean_change": ("<", SHIFT_LIMIT),
}


def check(name: str, value: float | None) -> dict[str, Any]:
    """A value beside its target, with an honest verdict (None when not measurable)."""
    op, bound = TARGETS[name]
    if value is None or not np.isfinite(value):
        verdict = None
    elif op == ">=":
        verdict = bool(value >= bound)
    elif op == "<=":
        verdict = bool(value <= bound)
    else:
        verdict = bool(value < bound)
    return {"value": rounded(value), "target": f"{op} {bound:g}", "pass": verdict}


def auc(y: Sequence[int] | np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC, or None when only one class is present (a slice cannot rank)."""
    y = np.asarray(y)
    if len(y) == 0 or y.min() == y.max():
        return None
    return float(roc_auc_score(y, scores))


def cut_at_fpr(negative_scores: np.ndarray, max_fpr: float = MAX_FPR) -> float:
    """Lowest cut flagging at most ``max_fpr`` of the negatives (scores on any scale).

    Unlike ``modeling.threshold_for_fpr`` this also works for unbounded decision
    values: the cut is the next float above the (allowed+1)-th highest negative.
    """
    ordered = np.sort(np.asarray(negative_scores, dtype=np.float64))[::-1]
    if len(ordered) == 0:
        return float("inf")
    allowed = int(np.floor(max_fpr * len(ordered) + 1e-9))
    if allowed >= len(ordered):
        return float("-inf")
    return float(np.nextafter(ordered[allowed], np.inf))


def rate(flags: np.ndarray) -> float | None:
    """Mean of a boolean array, None when empty."""
    return float(np.mean(flags)) if len(flags) else None


def tpr_at_fpr(
    positive_scores: np.ndarray, negative_scores: np.ndarray, max_fpr: float = MAX_FPR
) -> float | None:
    """Share of positives at or above the cut that gives ``max_fpr`` on the negatives."""
    cut = cut_at_fpr(negative_scores, max_fpr)
    return rate(np.asarray(positive_scores) >= cut)


def reliability_bins(
    probabilities: np.ndarray,
    y: np.ndarray,
    bins: int = ECE_BINS,
    weights: np.ndarray | None = None,
) -> list[dict[str, float]]:
    """Equal-width bins over [0, 1]: weight, mean predicted probability, observed rate."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 0.0, 1.0)
    y = np.asarray(y, dtype=np.float64)
    w = np.ones_like(p) if weights is None else np.asarray(weights, dtype=np.float64)
    index = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = index == b
        total = float(w[inside].sum())
        if total <= 0:
            continue
        rows.append(
            {
                "lo": b / bins,
                "hi": (b + 1) / bins,
                "n": int(inside.sum()),
                "weight": total / float(w.sum()),
                "mean_p": float(np.average(p[inside], weights=w[inside])),
                "observed": float(np.average(y[inside], weights=w[inside])),
            }
        )
    return rows


def expected_calibration_error(
    probabilities: np.ndarray,
    y: np.ndarray,
    bins: int = ECE_BINS,
    weights: np.ndarray | None = None,
) -> float:
    """ECE: bin-weighted mean gap between predicted probability and observed rate."""
    rows = reliability_bins(probabilities, y, bins, weights)
    return float(sum(r["weight"] * abs(r["mean_p"] - r["observed"]) for r in rows))


def paired_wins(machine: np.ndarray, original: np.ndarray) -> dict[str, Any]:
    """Paired test: how often the round trip scores above its own original."""
    machine = np.asarray(machine, dtype=np.float64)
    original = np.asarray(original, dtype=np.float64)
    wins = int(np.sum(machine > original))
    ties = int(np.sum(machine == original))
    n = len(machine)
    return {
        "pairs": n,
        "wins": wins,
        "ties": ties,
        "losses": n - wins - ties,
        "win_rate": wins / n if n else None,
        "mean_gap": float(np.mean(machine - original)) if n else None,
    }


def grouped_bootstrap(
    statistic: Callable[[np.ndarray], float | None],
    groups: Sequence[str] | np.ndarray,
    n: int = 200,
    seed: int = SEED,
) -> list[float] | None:
    """95% interval of ``statistic(indices)`` resampling whole source documents.

    The MT outputs of one source document (and its round trips) are not
    independent draws, so documents are resampled by group, not one by one.
    """
    _, inverse = np.unique(np.asarray(groups, dtype=object).astype(str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(inverse.max() + 2))
    members = [order[bounds[g] : bounds[g + 1]] for g in range(len(bounds) - 1)]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n):
        picked = rng.integers(0, len(members), len(members))
        value = statistic(np.concatenate([members[g] for g in picked]))
        if value is not None:
            values.append(value)
    if len(values) < n // 2:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def rounded(value: float | None, digits: int = 4) -> float | None:
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if np.isfinite(value) else None
