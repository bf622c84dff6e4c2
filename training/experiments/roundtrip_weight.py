"""Experiment: how much weight should ``roundtrip.score`` carry in the scorer?

    python -m training.experiments.roundtrip_weight      # about 10 minutes on 2 cores

Why this exists. ``roundtrip.score`` is the round-trip pattern model's
log-odds above the highest out-of-fold score of any human text it was
fitted with, 0 below it. Fitted by log loss its weight comes out small, since
round trips are already on the right side on average; what the weight has to
do is lift the round trips that score below the professional translations
whose translationese sets the 1% false-positive cut. So the weight is set by
hand (``training.modeling.ROUNDTRIP_PRIOR``), and this script prints what
each choice gains and costs.

The choice is made out of fold on the train split, nested: for each fifth of
the source documents, the roundtrip model (its ceiling included) and then
the scorer are fitted on the other four fifths only, exactly as train.py fits
them on the whole split, and the fifth is scored. Its human texts can then
rise above a ceiling they did not set, as new text can, so the cost of a
weight shows. Two more columns count false positives: the scorer's human
texts flagged at the 1% cut, and native news documents (a quarter of the news
corpus kept for this choice, ``NEWS_QUARTERS["selection"]``) flagged at the
threshold train.py would set. Validation and test figures are printed for
the record; nothing here is shipped.

The shipped weight, 8, is where the out-of-fold round-trip recall flattens
(each doubling beyond it gains 0.001 or less). The native news column moves
mostly with the threshold: with the shipped model, the roundtrip feature is
above 0 on 1 of those 2,000 documents, and the documents that cross the
threshold are newswire items a hair from it either way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np
from sklearn.model_selection import GroupKFold

from mtdetect.features import FeatureExtractor
from mtdetect.signals.patterns import above_ceiling
from training.corpus import HUMAN_LABELS, native_news
from training.dataset import featurize
from training.evaluation.metrics import tpr_at_fpr
from training.experiments.harness import DENSE, SCORED, SHRINK, C, Experiment, metrics
from training.modeling import ROUNDTRIP_FEATURE, fit_scorer
from training.style_stack import NATIVE_NEGATIVES, PARAMS, fit_roundtrip, matched_pairs

WEIGHTS: tuple[float | None, ...] = (None, 0.0, 2.0, 4.0, 8.0, 16.0, 32.0)
FOLDS = 5
SELECTION_DOCS = 2000


def nested_roundtrip(exp: Experiment, natives: list[str]) -> list[tuple[np.ndarray, ...]]:
    """Per outer fold: (other rows, held-out rows, roundtrip.score of each).

    The model is fitted without the fold's source documents (their round
    trips of translations and essays included), as train.py fits it.
    """
    train, extra = exp.parts["train"], exp.extra["train"]
    y = exp.y["train"]
    out = []
    for k, (inner, held) in enumerate(GroupKFold(n_splits=FOLDS).split(train, y, exp.groups)):
        held_groups = {exp.groups[i] for i in held}
        kept_extra = [r for r in extra if r.group not in held_groups]
        rows = [train[i] for i in inner]
        fit = fit_roundtrip(rows + kept_extra, PARAMS["roundtrip"], native=natives)
        inner_score = above_ceiling(fit.oof[: len(rows)])
        held_score = above_ceiling(fit.model.decision_function([train[i].text for i in held]))
        out.append((inner, held, inner_score, held_score))
        print(f"  fold {k + 1}/{FOLDS}: roundtrip model refitted", file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    exp = Experiment.load()
    y = exp.y
    natives = native_news("roundtrip_negatives", NATIVE_NEGATIVES)
    selection = native_news("selection", SELECTION_DOCS)
    print("fitting style, wording and roundtrip pattern models", file=sys.stderr)
    every_row = np.ones(len(y["train"]), dtype=bool)
    pairs = matched_pairs(y["train"], exp.groups)
    style = exp.pattern_scores(PARAMS["style"], every_row, extra_texts=selection)
    wording = exp.pattern_scores(PARAMS["wording"], pairs, extra_texts=selection)
    roundtrip = exp.roundtrip_scores(extra_texts=selection)
    trained = {"style.score": style, "wording.score": wording, ROUNDTRIP_FEATURE: roundtrip}
    names, S = exp.stacked(trained)
    dense = FeatureExtractor(families=DENSE).fit([])
    X_selection = exp.stack_rows(
        names, featurize(dense, selection, label="native-selection"), trained, "extra"
    )
    folds = nested_roundtrip(exp, natives)
    column = names.index(ROUNDTRIP_FEATURE)
    label = np.array([r.label for r in exp.parts["train"]])
    whole = np.array(["partial" not in r.system for r in exp.parts["train"]])
    human = np.isin(label, list(HUMAN_LABELS))
    test_learner = np.array([r.label == "LEARNER" for r in exp.parts["test"]])
    print(
        "| weight | out of fold: RT | MT | human texts above their ceiling | native news flagged "
        "| val: RT | MT | test: RT | MT | AUC | RT vs ORIG AUC | seeds | test learners flagged |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    # which human texts rise above a ceiling they did not set: the same for every weight
    above = np.zeros(len(label), dtype=bool)
    for _, held, _, held_score in folds:
        above[held] = held_score > 0
    for weight in WEIGHTS:
        prior = {"roundtrip_prior": weight}
        decision_oof = np.zeros(len(label))
        for inner, held, inner_score, held_score in folds:
            X_inner, X_held = S["train"][inner].copy(), S["train"][held].copy()
            X_inner[:, column], X_held[:, column] = inner_score, held_score
            scorer = fit_scorer(
                X_inner, y["train"][inner], exp.w[inner], C, names, shrink=SHRINK, **prior
            )
            decision_oof[held] = scorer.decision_function(X_held)
        scorer = fit_scorer(S["train"], y["train"], exp.w, C, names, shrink=SHRINK, **prior)
        decision = {k: scorer.decision_function(S[k]) for k in SCORED}
        right, flagged = exp.verdicts(decision)
        calibrator, cut = exp.threshold_rule(decision["val"])  # native news at that threshold
        news_p = calibrator.predict_proba(scorer.decision_function(X_selection).reshape(-1, 1))
        val = metrics(decision["val"], exp.parts["val"])
        test = metrics(decision["test"], exp.parts["test"])
        coef = scorer.named_steps["clf"].coef_.ravel()[column]
        unit = coef / scorer.named_steps["scale"].scale_[column]
        shown = f"learned ({unit:.2f})" if weight is None else f"{weight:g}"
        oof_rt = tpr_at_fpr(decision_oof[(label == "RT") & whole], decision_oof[human])
        oof_mt = tpr_at_fpr(decision_oof[label == "MT"], decision_oof[human])
        print(
            f"| {shown} | {oof_rt:.4f} | {oof_mt:.4f} | {int(above[human].sum())} "
            f"| {int((news_p[:, 1] >= cut).sum())}/{len(selection)} "
            f"| {val['tpr_rt']:.4f} | {val['tpr_mt']:.4f} | {test['tpr_rt']:.4f} "
            f"| {test['tpr_mt']:.4f} | {test['auc']:.4f} | {test['rt_vs_orig']:.5f} "
            f"| {right}/{len(exp.spun)} | {float(np.mean(flagged[test_learner])):.3f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
