"""Experiment: which training rows should the ``style`` pattern model learn from?

    python -m training.experiments.style_rows      # about 6 minutes on 2 cores

Why this exists. At 1% FPR the cut is set by a few professional translations
whose ``style.score`` is high: the style model is fitted on all rows, so it
also learns what any translation into English shares (translationese), which
human translators show as well. The ``wording`` model avoids that by fitting
on matched pairs only (a document's machine and human versions). This script
refits the style model on other row sets and prints, for each, the stacked
scorer's validation and test figures, seeds right and test learner essays
flagged, as ``training.experiments.roundtrip_head`` does:

- ``all rows``: the shipped recipe;
- ``matched pairs``: machine and human versions of one source document only;
- ``matched pairs + learners``: the same plus learner essays as human text,
  since without them nothing teaches the style model that learner errors are
  not machine output.

Nothing here is shipped; it reuses training's own code for every step.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

from training.corpus import HUMAN_LABELS
from training.experiments.harness import SCORED, SHRINK, C, Experiment, metrics
from training.modeling import fit_scorer
from training.style_stack import PARAMS, matched_pairs


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    exp = Experiment.load()
    train, y = exp.parts["train"], exp.y
    paired = matched_pairs(y["train"], exp.groups)
    learner = np.array([r.label == "LEARNER" for r in train])

    def pattern_scores(family: str, fit_on: np.ndarray) -> dict[str, np.ndarray]:
        print(f"{family}: fitted on {int(fit_on.sum())} rows", file=sys.stderr)
        return exp.pattern_scores(PARAMS[family], fit_on)

    wording = pattern_scores("wording", paired)
    variants: dict[str, dict[str, np.ndarray]] = {}
    for name, fit_on in (
        ("all rows (shipped)", np.ones(len(train), dtype=bool)),
        ("matched pairs", paired),
        ("matched pairs + learners", paired | learner),
    ):
        trained = {"style.score": pattern_scores("style", fit_on), "wording.score": wording}
        names, S = exp.stacked(trained)
        scorer = fit_scorer(S["train"], y["train"], exp.w, C, names, shrink=SHRINK)
        variants[name] = {k: scorer.decision_function(S[k]) for k in SCORED}

    test_label = np.array([r.label for r in exp.parts["test"]])
    print(
        "| style fitted on | split | AUC | TPR@1% RT | TPR@1% MT | RT vs own original AUC "
        "| seeds | test FPR at threshold: HT | ORIG | learners |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, decision in variants.items():
        right, flagged = exp.verdicts(decision)
        fpr = {lab: float(np.mean(flagged[test_label == lab])) for lab in HUMAN_LABELS}
        fpr["LEARNER"] = float(np.mean(flagged[test_label == "LEARNER"]))
        for split in ("val", "test"):
            m = metrics(decision[split], exp.parts[split])
            print(
                f"| {name} | {split} | {m['auc']:.4f} | {m['tpr_rt']:.4f} | "
                f"{m['tpr_mt']:.4f} | {m['rt_vs_orig']:.5f} | {right}/{len(exp.spun)} | "
                f"{fpr['HT']:.3f} | {fpr['ORIG']:.3f} | {fpr['LEARNER']:.3f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
