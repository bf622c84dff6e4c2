"""Calibration: ECE on the natural and the class-balanced test mix, reliability plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from training.dataset import sample_weights
from training.evaluation.context import Context
from training.evaluation.groups import LEARNER
from training.evaluation.metrics import (
    ECE_BINS,
    check,
    expected_calibration_error,
    reliability_bins,
    rounded,
)


def evaluate_calibration(ctx: Context, png: Path | None) -> dict[str, Any]:
    """ECE on the natural test mix and on the class-balanced mix the calibrator targets."""
    prob, y = ctx.probability, ctx.y
    core = ctx.positive | ctx.human
    with_learners = core | (ctx.label == LEARNER)
    balanced = sample_weights([r for r, keep in zip(ctx.test, core, strict=True) if keep])
    out = {
        "bins": ECE_BINS,
        "ece": check("ece", expected_calibration_error(prob[core], y[core])),
        "ece_with_learners": rounded(
            expected_calibration_error(prob[with_learners], y[with_learners])
        ),
        "ece_class_balanced": rounded(
            expected_calibration_error(prob[core], y[core], weights=balanced)
        ),
        "reliability": reliability_bins(prob[core], y[core]),
        "reliability_class_balanced": reliability_bins(prob[core], y[core], weights=balanced),
        "reliability_with_learners": reliability_bins(prob[with_learners], y[with_learners]),
        "note": (
            "calibrator fitted on the validation split's machine vs HT+ORIG rows as they "
            "come (no reweighting, learner essays left out); "
            "'ece' is on the natural test mix (machine vs HT+ORIG), 'ece_class_balanced' "
            "reweights it to equal class weight"
        ),
    }
    out["plot"] = _plot_reliability(out, png) if png is not None else None
    return out


def _plot_reliability(calibration: dict[str, Any], png: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib not installed (pip install mtdetect[train]); no plot"
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(6, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    top.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect")
    for key, name, marker in (
        ("reliability", "machine vs HT+ORIG", "o"),
        ("reliability_with_learners", "incl. learner essays", "s"),
        ("reliability_class_balanced", "machine vs HT+ORIG, class-balanced", "^"),
    ):
        rows = calibration[key]
        top.plot(
            [r["mean_p"] for r in rows], [r["observed"] for r in rows], marker=marker, label=name
        )
    ece = calibration["ece"]["value"]
    top.set_ylabel("observed share machine-translated")
    top.set_title(f"Reliability on the test split (ECE {ece:.3f}, {calibration['bins']} bins)")
    top.legend(loc="upper left")
    rows = calibration["reliability_with_learners"]
    bottom.bar(
        [(r["lo"] + r["hi"]) / 2 for r in rows], [r["n"] for r in rows], width=0.09, color="grey"
    )
    bottom.set_ylabel("documents\n(incl. learners)")
    bottom.set_xlabel("predicted probability")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return png.name
