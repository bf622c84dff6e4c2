"""Refits on cached features: unseen languages and system families, family ablation."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from training.dataset import sample_weights
from training.evaluation.context import Context
from training.evaluation.groups import (
    LANGS,
    LEARNER,
    lolo_keep,
    system_family,
)
from training.evaluation.metrics import (
    auc,
    check,
    rounded,
)
from training.heads import fit_model


def _refit_auc(
    ctx: Context,
    keep_train: np.ndarray,
    columns: np.ndarray,
    eval_sets: dict[str, np.ndarray],
    keep_extra: np.ndarray | None = None,
) -> dict[str, float | None]:
    """Refit scaler+LR (bundle's C) on a subset of train rows/columns; AUC per eval mask.

    With pattern-score columns, their models are refitted on the kept rows too
    (out of fold for them), so a held-out language is unseen by every part;
    ``keep_extra`` says which round trips of translations and essays the
    roundtrip model keeps (all when None).
    """
    train = [r for r, keep in zip(ctx.train, keep_train, strict=True) if keep]
    X_train, X_test = ctx.X_train[keep_train], ctx.X_test.copy()
    for family, index in ctx.pattern_columns.items():
        if index in columns:
            X_train[:, index], X_test[:, index] = ctx.pattern_refit(family, keep_train, keep_extra)
    scorer = fit_model(
        X_train[:, columns],
        ctx.y_train[keep_train],
        sample_weights(train),
        [ctx.feature_names[i] for i in columns],
        train,
        ctx.C,
        ctx.shrink,
    )
    decision = scorer.decision_function(X_test[:, columns])
    return {name: rounded(auc(ctx.y[mask], decision[mask])) for name, mask in eval_sets.items()}


def _lolo_masks(ctx: Context) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per language: (train rows kept, extra round trips kept, test rows evaluated).

    The test rows evaluated are the language's MT and all test HT+ORIG.
    """
    masks = {}
    for lang in LANGS:
        evaluate = ctx.human | ((ctx.label == "MT") & np.array([r.lang == lang for r in ctx.test]))
        masks[lang] = (lolo_keep(ctx.train, lang), lolo_keep(ctx.extra_train, lang), evaluate)
    return masks


def leave_one_language_out(ctx: Context) -> dict[str, dict[str, Any]]:
    """Refit without each language's MT and HT; AUC of its test MT vs all test human."""
    if "lolo" in ctx.memo:
        return ctx.memo["lolo"]
    all_columns = np.arange(ctx.X_test.shape[1])
    lolo = {}
    for lang, (keep, keep_extra, evaluate) in _lolo_masks(ctx).items():
        result = _refit_auc(ctx, keep, all_columns, {"auc": evaluate}, keep_extra)
        lolo[lang] = {
            **check("leave_one_language_out_auc", result["auc"]),
            "auc_full_model": rounded(auc(ctx.y[evaluate], ctx.decision[evaluate])),
            "n_test_mt": int((evaluate & ctx.positive).sum()),
            "n_train_dropped": int((~keep).sum()),
            "n_roundtrips_of_its_translations_dropped": int((~keep_extra).sum()),
        }
    ctx.memo["lolo"] = lolo
    return lolo


def evaluate_leave_out(ctx: Context, min_test: int = 50) -> dict[str, Any]:
    """Unseen source languages and unseen MT system families."""
    all_columns = np.arange(ctx.X_test.shape[1])
    lolo = leave_one_language_out(ctx)
    families: dict[str, list[str]] = defaultdict(list)
    for system in sorted({r.system for r in ctx.test if r.label in ("MT", "MT-roundtrip")}):
        families[system_family(system)].append(system)
    losfo = {}
    skipped = {}
    for family, systems in sorted(families.items()):
        test_mask = np.isin(ctx.label, ["MT", "MT-roundtrip"]) & np.array(
            [system_family(r.system) == family for r in ctx.test]
        )
        if test_mask.sum() < min_test:
            skipped[family] = int(test_mask.sum())
            continue
        keep = np.array(
            [
                not (r.label in ("MT", "MT-roundtrip") and system_family(r.system) == family)
                for r in ctx.train
            ]
        )
        evaluate = test_mask | ctx.human
        result = _refit_auc(ctx, keep, all_columns, {"auc": evaluate})
        losfo[family] = {
            "systems": systems,
            "auc": result["auc"],
            "auc_full_model": rounded(auc(ctx.y[evaluate], ctx.decision[evaluate])),
            "n_test": int(test_mask.sum()),
            "n_train_dropped": int((~keep).sum()),
        }
    values = [v["value"] for v in lolo.values() if v["value"] is not None]
    return {
        "leave_one_language_out": lolo,
        "leave_one_language_out_min": rounded(min(values) if values else None),
        "leave_one_language_out_mean": rounded(float(np.mean(values)) if values else None),
        "leave_one_system_family_out": losfo,
        "system_families_skipped_fewer_than": {"min_test_docs": min_test, "families": skipped},
        "C": ctx.C,
        "note": (
            "refit = each pattern model, style, wording and roundtrip (logistic regression, "
            "out-of-fold scores for stacking, wording on matched pairs only, roundtrip on "
            "round-trip pairs only with its zero re-set at the refit's human ceiling; "
            "vocabulary and IDF from the train split's unlabelled text) "
            "and the StandardScaler + monotone logistic regression with the bundle's C and "
            "family shrink, with balanced sample weights, all on the train split minus the "
            "held-out language's MT, HT and round trips of its HT (or the family's MT); AUC "
            "of its test MT against all test HT+ORIG"
        ),
    }


def evaluate_ablation(ctx: Context) -> dict[str, Any]:
    """Refit without each family's columns (same rows, same C) to see what each buys."""
    names = np.array(ctx.feature_names)
    family_of = np.array([n.split(".", 1)[0] for n in names])
    label = ctx.label
    sets = {
        "auc_overall": ctx.positive | ctx.human,
        "auc_mt": (label == "MT") | ctx.human,
    }
    if (label == "RT").any():
        sets["auc_rt"] = (label == "RT") | ctx.human
    # what a family does for learner essays (human writing full of errors)
    sets["auc_vs_learners"] = ctx.positive | (label == LEARNER)
    lolo = _lolo_masks(ctx)
    rows = {}
    variants = [("(all families)", np.ones(len(names), dtype=bool))]
    variants += [(f"- {f}", family_of != f) for f in dict.fromkeys(family_of)]
    everything = np.ones(len(ctx.train), dtype=bool)
    for name, keep_cols in variants:
        columns = np.flatnonzero(keep_cols)
        row = _refit_auc(ctx, everything, columns, sets)
        lolo_aucs = [
            _refit_auc(ctx, keep, columns, {"a": ev}, keep_extra)["a"]
            for keep, keep_extra, ev in lolo.values()
        ]
        row["lolo_mean_auc"] = rounded(float(np.mean([a for a in lolo_aucs if a is not None])))
        row["n_features"] = int(keep_cols.sum())
        rows[name] = row
    return {
        "rows": rows,
        "note": "'(all families)' is the refit with every column (equals the shipped scorer "
        "when the bundle was trained on the same train split)",
    }
