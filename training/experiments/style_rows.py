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

from mtdetect.features import FeatureExtractor
from mtdetect.style import FunctionWordModel
from training.augment import partial_roundtrips
from training.corpus import HUMAN_LABELS, load_records, seed_expectations
from training.dataset import featurize, sample_weights
from training.experiments.roundtrip_head import (
    DENSE,
    SCORED,
    SHRINK,
    SPLITS,
    C,
    metrics,
    pattern_columns,
)
from training.modeling import fit_platt, fit_scorer, threshold_for_fpr
from training.style_stack import PARAMS, matched_pairs, stack_columns
from training.train import split_records


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    records = load_records(roundtrips=True)
    parts = split_records(records)
    originals = {r.group: r for r in records if r.label == "ORIG"}
    parts["train"] += partial_roundtrips(parts["train"], originals)
    train = parts["train"]
    y = {name: np.array([r.y for r in parts[name]]) for name in SPLITS}
    w = sample_weights(train)
    groups = [r.group for r in train]

    dense = FeatureExtractor(families=DENSE).fit([])
    dense_names = list(dense.get_feature_names_out())
    X = {name: featurize(dense, [r.text for r in parts[name]], label=name) for name in SPLITS}
    seeds = seed_expectations()
    prepared = [dense.prepare(path.read_text(encoding="utf-8")) for path, _ in seeds]
    X["seeds"] = np.vstack([dense.extract_prepared(p).features for p in prepared])
    seed_docs = [p.doc for p in prepared]
    spun = np.array([expected for _, expected in seeds])

    paired = matched_pairs(y["train"], groups)
    learner = np.array([r.label == "LEARNER" for r in train])

    def pattern_scores(family: str, fit_on: np.ndarray) -> dict[str, np.ndarray]:
        model = FunctionWordModel(**PARAMS[family])
        streams = {name: [model.symbols(r.text) for r in parts[name]] for name in SPLITS}
        streams["seeds"] = [model.symbols(doc) for doc in seed_docs]
        model.fit_vocabulary(streams["train"])
        print(f"{family}: fitted on {int(fit_on.sum())} rows", file=sys.stderr)
        return pattern_columns(model, streams, y["train"], w, groups, fit_on)

    wording = pattern_scores("wording", paired)
    variants: dict[str, dict[str, np.ndarray]] = {}
    for name, fit_on in (
        ("all rows (shipped)", np.ones(len(train), dtype=bool)),
        ("matched pairs", paired),
        ("matched pairs + learners", paired | learner),
    ):
        trained = {"style.score": pattern_scores("style", fit_on), "wording.score": wording}
        names = dense_names + list(trained)
        S = {
            k: stack_columns(names, dense_names, X[k], {f: v[k] for f, v in trained.items()})
            for k in (*SPLITS, "seeds")
        }
        scorer = fit_scorer(S["train"], y["train"], w, C, names, shrink=SHRINK)
        variants[name] = {k: scorer.decision_function(S[k]) for k in SCORED}

    val_human = np.isin([r.label for r in parts["val"]], list(HUMAN_LABELS))
    test_label = np.array([r.label for r in parts["test"]])
    print(
        "| style fitted on | split | AUC | TPR@1% RT | TPR@1% MT | RT vs own original AUC "
        "| seeds | test FPR at threshold: HT | ORIG | learners |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    news = np.array([r.y == 1 or r.label in HUMAN_LABELS for r in parts["val"]])
    for name, decision in variants.items():
        # calibrated as train.py does it: machine vs HT+ORIG validation rows
        calibrator = fit_platt(decision["val"][news], y["val"][news])
        probability = {
            k: calibrator.predict_proba(decision[k].reshape(-1, 1))[:, 1] for k in SCORED
        }
        cut = threshold_for_fpr(probability["val"][val_human], 0.01)
        right = int(np.sum((probability["seeds"] >= cut) == spun))
        flagged = probability["test"] >= cut
        fpr = {lab: float(np.mean(flagged[test_label == lab])) for lab in HUMAN_LABELS}
        fpr["LEARNER"] = float(np.mean(flagged[test_label == "LEARNER"]))
        for split in ("val", "test"):
            m = metrics(decision[split], parts[split])
            print(
                f"| {name} | {split} | {m['auc']:.4f} | {m['tpr_rt']:.4f} | "
                f"{m['tpr_mt']:.4f} | {m['rt_vs_orig']:.5f} | {right}/{len(seeds)} | "
                f"{fpr['HT']:.3f} | {fpr['ORIG']:.3f} | {fpr['LEARNER']:.3f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
