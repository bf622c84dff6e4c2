"""Train the shipped model: python training/train.py

Deterministic: fixed splits (by source document), fixed seeds. Model
selection by grouped cross-validation on the train split; calibration and the
threshold on the validation split; the test split is left to evaluate.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn.metrics import roc_auc_score

from mtdetect.bundle import Bundle, default_path, save_bundle
from mtdetect.features import TRAINED_FAMILIES, FeatureExtractor, model_parameter, score_feature
from mtdetect.signals.patterns import above_ceiling
from training._progress import progress
from training.augment import partial_roundtrips
from training.corpus import (
    EXTRA_ROUNDTRIP_LABELS,
    HUMAN_LABELS,
    Record,
    native_news,
    seed_expectations,
)
from training.dataset import featurize, sample_weights
from training.heads import fit_model
from training.modeling import (
    assemble,
    fit_platt,
    grouped_cv_auc,
    threshold_for_fpr,
)
from training.records import load_records
from training.style_stack import ALL_PARAMS as PATTERN_PARAMS
from training.style_stack import (
    NATIVE_NEGATIVES,
    fit_chars,
    fit_neural,
    fit_roundtrip,
    fit_style,
    neural_rows,
    stack_columns,
    untrained_families,
)

REPORTS = Path(__file__).resolve().parent / "reports"
# The shipped model's families. "syntax" (hashed function-word n-grams, 512
# columns) is left out, though available to --families: two rounds of
# ablation showed it adding nothing to AUC or to unseen languages while it
# cost round-trip ranking and 0.7 ms per article (closing note of issue #4).
# "neural" (masked word patterns on neural MT pairs) is left out too since
# "chars" came: with both, the leave-one-system-out AUC was 0.816 and TPR at 1%
# FPR 0.181; with "chars" alone 0.828 and 0.192, and on liv-en's real round
# trips 0.771 / 0.234 against 0.732 / 0.207 (python -m training.loso_report,
# column "ours + neural").
SHIPPED_FAMILIES = (
    "names",
    "phrases",
    "surface",
    "profile",
    "fluency",
    "style",
    "wording",
    "roundtrip",
    "chars",
)
# C, like shrink below, is what the leave-one-system-out table measured: grouped
# CV is flat at shrink 0.01 (AUC 0.8767, 0.8765, 0.8768 at C 0.03, 0.1, 0.3), so
# its pick would be noise. The grid was (0.03, 0.1, 0.3).
C_GRID = (0.03,)
# The threshold is the strictest of three cuts: 1% of validation HT+ORIG, 1% of
# validation learner essays, and NATIVE_FPR of native news from the selection
# quarter (none of them seen in fitting). The first alone let 2.6% of test
# learner essays and 1.4% of held-out native news through (targets: 2% and 1%).
NATIVE_FPR = 0.005
THRESHOLD_NATIVE_DOCS = 2000
# Shrink is set by the transfer measure, not by grouped CV: in the pool, 0.03
# and 0.01 are level (grouped 5-fold AUC 0.8772 and 0.8767 at C 0.03), but
# with held-out neural systems TPR at 1% FPR rose from 0.165 to 0.196 on
# Lan-Bridge, Online-W and Online-B with 0.01 (python -m
# training.experiments.chars_screen --head-C 0.01 --shrink 0.01), and the full
# leave-one-system-out table agrees (training/reports/loso.md). The profile and
# syntax rates it damps describe the training corpus's genres more than a
# machine's habits. The grid was (1.0, 0.3, 0.1, 0.03); CV took its edge.
SHRINK_GRID = (0.01,)


def scorer_and_extra(
    records: list[Record],
) -> tuple[dict[str, list[Record]], dict[str, list[Record]]]:
    """Per split: the rows of the scorer and of every headline metric, and the round
    trips of translations and essays, which only the roundtrip model learns from."""
    parts: dict[str, list[Record]] = {name: [] for name in ("train", "val", "test")}
    extra: dict[str, list[Record]] = {name: [] for name in parts}
    for record in records:
        (extra if record.label in EXTRA_ROUNDTRIP_LABELS else parts)[record.split].append(record)
    return parts, extra


def summary(records: list[Record]) -> dict[str, int]:
    return dict(sorted(Counter(r.label for r in records).items()))


def train(families: tuple[str, ...], roundtrips: bool, out: Path, partial: bool = True) -> dict:
    started = time.perf_counter()
    records = load_records(roundtrips=roundtrips)
    parts, extra = scorer_and_extra(records)
    if roundtrips and partial:
        originals = {r.group: r for r in records if r.label == "ORIG"}
        parts["train"] += partial_roundtrips(parts["train"], originals)
    extractor = FeatureExtractor(families=untrained_families(families)).fit([])
    X = {
        name: featurize(extractor, [r.text for r in part], label=name)
        for name, part in parts.items()
        if name != "test"
    }
    y = {name: np.array([r.y for r in part]) for name, part in parts.items()}
    w_train = sample_weights(parts["train"])
    groups = [r.group for r in parts["train"]]
    if any(family in TRAINED_FAMILIES for family in families):
        extractor, X = _stack_patterns(
            extractor, families, parts, extra, X, y["train"], w_train, groups
        )
    print(f"features: {X['train'].shape[1]}, train {len(parts['train'])}, val {len(parts['val'])}")

    names = list(extractor.get_feature_names_out())
    grid = [(C, shrink) for C in C_GRID for shrink in SHRINK_GRID]
    cv = {
        (C, shrink): grouped_cv_auc(
            X["train"], y["train"], w_train, groups, C, feature_names=names, shrink=shrink
        )
        for C, shrink in progress(grid, desc="grouped CV refits", unit=" fits")
    }
    for (C, shrink), auc in cv.items():
        print(f"  C={C:<5} shrink={shrink:<5} grouped 5-fold AUC {auc:.4f}")
    # ties (to 4 decimals) go to the stronger prior: smaller C, smaller shrink
    best_c, best_shrink = max(cv, key=lambda k: (round(cv[k], 4), -k[0], -k[1]))
    scorer = fit_model(X["train"], y["train"], w_train, names, parts["train"], best_c, best_shrink)

    val_decision = scorer.decision_function(X["val"])
    # calibrated on the validation split's machine and HT+ORIG rows as they come
    # (no reweighting), so that a probability reads as a frequency on news like
    # ours; the model card's ECE is measured on the same population of the test
    # split. Learner essays are a false-positive stress test, not part of the
    # news the probability describes.
    news = np.array([r.y == 1 or r.label in HUMAN_LABELS for r in parts["val"]])
    calibrator = fit_platt(val_decision[news], y["val"][news])
    val_prob = calibrator.predict_proba(val_decision.reshape(-1, 1))[:, 1]
    human = np.array([r.label in HUMAN_LABELS for r in parts["val"]])
    learner = np.array([r.label == "LEARNER" for r in parts["val"]])
    pipeline = assemble(extractor, scorer)
    native = native_news("selection", THRESHOLD_NATIVE_DOCS)
    native_decision = scorer.decision_function(featurize(extractor, native, label="native"))
    native_prob = calibrator.predict_proba(native_decision.reshape(-1, 1))[:, 1]
    cuts = {
        "val HT+ORIG": threshold_for_fpr(val_prob[human], 0.01),
        "val learner essays": threshold_for_fpr(val_prob[learner], 0.01),
        "native news, selection quarter": threshold_for_fpr(native_prob, NATIVE_FPR),
    }
    threshold = max(cuts.values())
    print("threshold: " + ", ".join(f"{k} {v:.4f}" for k, v in cuts.items()))
    metrics = {
        "selected_C": best_c,
        "selected_shrink": best_shrink,
        "cv_auc": {f"C={c},shrink={k}": round(a, 4) for (c, k), a in cv.items()},
        "val_auc": round(float(roc_auc_score(y["val"], val_decision)), 4),
        "val_fpr_human": round(float(np.mean(val_prob[human] >= threshold)), 4),
        "val_fpr_learner": round(float(np.mean(val_prob[learner] >= threshold)), 4),
        "val_tpr": round(float(np.mean(val_prob[y["val"] == 1] >= threshold)), 4),
        "native_fpr": round(float(np.mean(native_prob >= threshold)), 4),
        "threshold_cuts": {k: round(v, 4) for k, v in cuts.items()},
    }
    bundle = Bundle(
        pipeline=pipeline,
        calibrator=calibrator,
        threshold=threshold,
        metadata={
            "model_version": time.strftime("%Y.%m.%d"),
            "training_data": {
                "train": summary(parts["train"]),
                "val": summary(parts["val"]),
                "test_held_out": summary(parts["test"]),
                # what only the roundtrip model learns from: train-split round trips of
                # translations and essays, and native news documents
                "roundtrip_model_extra": summary(extra["train"]) if "roundtrip" in families else {},
                "roundtrip_model_native_news": NATIVE_NEGATIVES if "roundtrip" in families else 0,
                "roundtrips": roundtrips,
                "partial_roundtrips": bool(roundtrips and partial),
                "min_words": 60,
                "split": "by source document (sha256 of group id): 65/15/20",
            },
            "metrics": metrics,
            "calibration": {
                "method": "Platt scaling",
                "population": "validation split: machine vs HT+ORIG, as they come",
                "rows": int(news.sum()),
                # the prior a probability is calibrated to; Detector(base_rate=...) moves it
                "machine_share": round(float(np.mean(y["val"][news])), 4),
            },
            "families": list(families),
            "pattern_models": {
                family: {**PATTERN_PARAMS[family], "folds_for_stacking": 5}
                for family in families
                if family in TRAINED_FAMILIES
            },
        },
    )
    path = save_bundle(bundle, out)
    print(json.dumps(metrics, indent=2))
    print(f"threshold {threshold:.4f}; saved {path} in {time.perf_counter() - started:.0f}s")
    _check_seeds(path)
    # a scratch model (--out elsewhere) keeps its report beside it, not over the shipped one's
    reports = REPORTS if Path(out).resolve() == default_path().resolve() else Path(path).parent
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "train.json").write_text(
        json.dumps(
            {
                "metrics": metrics,
                "threshold": threshold,
                "training_data": bundle.metadata["training_data"],
            },
            indent=2,
        )
        + "\n"
    )
    return metrics


def _stack_patterns(
    dense: FeatureExtractor,
    families: tuple[str, ...],
    parts: dict[str, list[Record]],
    extra: dict[str, list[Record]],
    X: dict[str, np.ndarray],
    y_train: np.ndarray,
    w_train: np.ndarray,
    groups: list[str],
) -> tuple[FeatureExtractor, dict[str, np.ndarray]]:
    """Fit each pattern model; its out-of-fold scores join the train features.

    ``extra`` holds the round trips of translations and essays, which the
    roundtrip model (and only it) is fitted on beside ``parts``.
    """
    texts = [r.text for r in parts["train"]]
    val_texts = [r.text for r in parts["val"]]
    models, train_cols, val_cols = {}, {}, {}
    for family in (f for f in families if f in TRAINED_FAMILIES):
        started = time.perf_counter()
        if family == "roundtrip":
            fit = fit_roundtrip(
                parts["train"] + extra["train"],
                PATTERN_PARAMS[family],
                native=native_news("roundtrip_negatives", NATIVE_NEGATIVES),
            )
            # the scorer's rows come first
            oof = above_ceiling(fit.oof[: len(parts["train"])])
            val = above_ceiling(fit.model.decision_function(val_texts))
            # 0 for most rows by design: say what it lifts instead of an AUC
            whole = np.array(
                [r.label == "RT" and "partial" not in r.system for r in parts["train"]]
            )
            quality = f"train round trips above the human ceiling {np.mean(oof[whole] > 0):.4f}"
        elif family in ("neural", "chars"):
            if family == "neural":
                fit = fit_neural(parts["train"], PATTERN_PARAMS[family])
            else:
                fit = fit_chars(parts["train"], PATTERN_PARAMS[family])
            oof, val = fit.oof, fit.model.decision_function(val_texts)
            neural = neural_rows(parts["train"])
            auc = roc_auc_score(y_train[neural], oof[neural])
            quality = f"out-of-fold AUC on neural MT pairs {auc:.4f}"
        else:
            fit = fit_style(texts, y_train, w_train, groups, PATTERN_PARAMS[family])
            oof, val = fit.oof, fit.model.decision_function(val_texts)
            auc = roc_auc_score(y_train, oof, sample_weight=w_train)
            quality = f"out-of-fold train AUC {auc:.4f}"
        models[model_parameter(family)] = fit.model
        train_cols[score_feature(family)] = oof
        val_cols[score_feature(family)] = val
        print(
            f"{family}: {len(fit.model.keys_)} patterns, {quality} "
            f"({time.perf_counter() - started:.0f}s)"
        )
    extractor = FeatureExtractor(families=families, **models).fit([])
    names = list(extractor.get_feature_names_out())
    dense_names = list(dense.get_feature_names_out())
    stacked = {
        "train": stack_columns(names, dense_names, X["train"], train_cols),
        "val": stack_columns(names, dense_names, X["val"], val_cols),
    }
    # the shipped extractor must give exactly the rows the scorer is fitted on
    for text, row in zip(val_texts[:25], stacked["val"][:25], strict=False):
        if not np.allclose(extractor.extract_one(text).features, row, rtol=1e-9, atol=1e-9):
            raise RuntimeError("stacked pattern features differ from the shipped extractor's")
    return extractor, stacked


def _check_seeds(path: Path) -> None:
    from mtdetect.detector import Detector

    detector = Detector.load(path)
    for seed, spun in seed_expectations():
        result = detector.detect(seed.read_text(encoding="utf-8"))
        ok = result.flagged == spun
        top = ", ".join(repr(e.text) for e in result.evidence[:5])
        print(f"  seed {seed.name}: p={result.probability:.3f} {'OK' if ok else 'WRONG'}  [{top}]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", default=",".join(SHIPPED_FAMILIES))
    parser.add_argument("--no-roundtrips", action="store_true", help="skip Apertium data")
    parser.add_argument("--no-partial", action="store_true", help="skip partial round trips")
    parser.add_argument("--out", type=Path, default=default_path())
    args = parser.parse_args(argv)
    train(tuple(args.families.split(",")), not args.no_roundtrips, args.out, not args.no_partial)
    return 0


if __name__ == "__main__":
    sys.exit(main())
