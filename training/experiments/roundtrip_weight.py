"""Experiment: how much weight should ``roundtrip.score`` carry in the scorer?

    python -m training.experiments.roundtrip_weight      # about 8 minutes on 2 cores

Why this exists. ``roundtrip.score`` is the round-trip pattern model's
log-odds above the highest score any human text in training or validation
reached, 0 below it. Fitted by log loss its weight comes out small, since
round trips are already on the right side on average; what the weight has to
do is lift the round trips that score below the professional translations
whose translationese sets the 1% false-positive cut. So the weight is set by
hand (``training.modeling.ROUNDTRIP_PRIOR``), and this script prints what
each choice does:

- out of fold on the train split (the scorer refitted on four fifths of the
  source documents, scored on the fifth), where the weight is chosen;
- on validation (which also set the human ceiling) and on test, for the record.

The shipped weight, 8, is where the out-of-fold round-trip recall flattens:
each doubling beyond it gains less than 0.001 while MT recall keeps falling.

Columns: round-trip (RT) and single-leg MT recall at 1% FPR on HT+ORIG,
overall AUC, round trips against originals, seeds right and test learner
essays flagged at the threshold train.py would set. Reuses training's own
code for every step; nothing here is shipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np
from sklearn.model_selection import GroupKFold

from training.corpus import HUMAN_LABELS
from training.evaluate import tpr_at_fpr
from training.experiments.harness import SCORED, SHRINK, C, Experiment, metrics
from training.modeling import ROUNDTRIP_FEATURE, fit_scorer
from training.style_stack import PARAMS, matched_pairs

WEIGHTS: tuple[float | None, ...] = (None, 0.0, 2.0, 4.0, 8.0, 16.0, 32.0)


def out_of_fold_recall(
    exp: Experiment, names: list[str], X: np.ndarray, weight: float | None
) -> tuple[float, float]:
    """RT and MT recall at 1% FPR of the scorer refitted out of fold on the train split."""
    y, w = exp.y["train"], exp.w
    decision = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(X, y, exp.groups):
        scorer = fit_scorer(X[train], y[train], w[train], C, names, shrink=SHRINK, **_prior(weight))
        decision[test] = scorer.decision_function(X[test])
    records = exp.parts["train"]
    label = np.array([r.label for r in records])
    whole = np.array(["partial" not in r.system for r in records])  # partial round trips aside
    human = np.isin(label, list(HUMAN_LABELS))
    return (
        tpr_at_fpr(decision[(label == "RT") & whole], decision[human]),
        tpr_at_fpr(decision[label == "MT"], decision[human]),
    )


def _prior(weight: float | None) -> dict[str, float | None]:
    return {"roundtrip_prior": weight}


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    exp = Experiment.load()
    y = exp.y
    print("fitting style, wording and roundtrip pattern models", file=sys.stderr)
    every_row = np.ones(len(y["train"]), dtype=bool)
    pairs = matched_pairs(y["train"], exp.groups)
    trained = {
        "style.score": exp.pattern_scores(PARAMS["style"], every_row),
        "wording.score": exp.pattern_scores(PARAMS["wording"], pairs),
        ROUNDTRIP_FEATURE: exp.roundtrip_scores(),
    }
    names, S = exp.stacked(trained)
    test_learner = np.array([r.label == "LEARNER" for r in exp.parts["test"]])
    print(
        "| weight | out of fold: RT | MT | val: RT | MT | AUC | test: RT | MT | AUC "
        "| RT vs ORIG AUC | seeds | test learners flagged |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for weight in WEIGHTS:
        prior = _prior(weight)
        scorer = fit_scorer(S["train"], y["train"], exp.w, C, names, shrink=SHRINK, **prior)
        decision = {k: scorer.decision_function(S[k]) for k in SCORED}
        right, flagged = exp.verdicts(decision)
        oof_rt, oof_mt = out_of_fold_recall(exp, names, S["train"], weight)
        val = metrics(decision["val"], exp.parts["val"])
        test = metrics(decision["test"], exp.parts["test"])
        coef = scorer.named_steps["clf"].coef_.ravel()[names.index(ROUNDTRIP_FEATURE)]
        unit = coef / scorer.named_steps["scale"].scale_[names.index(ROUNDTRIP_FEATURE)]
        shown = f"learned ({unit:.2f})" if weight is None else f"{weight:g}"
        print(
            f"| {shown} | {oof_rt:.4f} | {oof_mt:.4f} | {val['tpr_rt']:.4f} | {val['tpr_mt']:.4f} "
            f"| {val['auc']:.4f} | {test['tpr_rt']:.4f} | {test['tpr_mt']:.4f} | {test['auc']:.4f} "
            f"| {test['rt_vs_orig']:.5f} | {right}/{len(exp.spun)} "
            f"| {float(np.mean(flagged[test_learner])):.3f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
