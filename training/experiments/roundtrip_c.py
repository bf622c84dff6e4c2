"""Experiment: the roundtrip model's regularisation strength C.

    python -m training.experiments.roundtrip_c      # about 5 minutes on 2 cores

The roundtrip model only matters above its human ceiling (the highest
out-of-fold score of a human text it learned from), so C is chosen by what
training can see without validation or test: the share of the train split's
whole round trips whose out-of-fold score lies above that ceiling, the figure
train.py prints. Everything else is the shipped recipe
(``training.style_stack.fit_roundtrip``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

from training.corpus import native_news
from training.experiments.harness import Experiment
from training.style_stack import NATIVE_NEGATIVES, PARAMS, fit_roundtrip

GRID = (1.0, 3.0, 10.0, 30.0, 100.0)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    exp = Experiment.load()
    natives = native_news("roundtrip_negatives", NATIVE_NEGATIVES)
    records = exp.parts["train"] + exp.extra["train"]
    whole = np.array([r.label == "RT" and "partial" not in r.system for r in exp.parts["train"]])
    print("| C | train round trips above the human ceiling (out of fold) |")
    print("|---|---|")
    for C in GRID:
        fit = fit_roundtrip(records, {**PARAMS["roundtrip"], "C": C}, native=natives)
        above = float(np.mean(fit.oof[: len(exp.parts["train"])][whole] > 0))
        print(f"| {C:g} | {above:.4f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
