"""Headline numbers, the shipped threshold, operating points and slices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from training.evaluation.context import Context
from training.evaluation.groups import (
    LEARNER,
    LENGTH_BUCKETS,
    SOURCE_LANGS,
    length_bucket,
    system_family,
)
from training.evaluation.metrics import (
    auc,
    check,
    cut_at_fpr,
    grouped_bootstrap,
    rate,
    rounded,
    tpr_at_fpr,
)


def _slice(ctx: Context, mask: np.ndarray) -> dict[str, Any]:
    """Counts, AUC within the slice (both classes) or vs all test human, TPR/FPR at threshold."""
    pos = mask & ctx.positive
    neg = mask & ctx.human
    row: dict[str, Any] = {
        "n": int(mask.sum()),
        "n_machine": int(pos.sum()),
        "n_human": int(neg.sum()),
    }
    inside = pos | neg
    row["auc"] = rounded(auc(ctx.y[inside], ctx.decision[inside]))
    if pos.any():
        vs_all = pos | ctx.human
        row["auc_vs_all_human"] = rounded(auc(ctx.y[vs_all], ctx.decision[vs_all]))
        row["tpr_at_threshold"] = rounded(rate(ctx.flagged[pos]))
    if neg.any():
        row["fpr_at_threshold"] = rounded(rate(ctx.flagged[neg]))
    learners = mask & (ctx.label == LEARNER)
    if learners.any():
        row["n_learner"] = int(learners.sum())
        row["fpr_learner_at_threshold"] = rounded(rate(ctx.flagged[learners]))
    return row


def evaluate_headline(ctx: Context, bootstrap: int = 200) -> dict[str, Any]:
    """Overall ranking and the low-FPR operating points, with grouped 95% intervals."""
    dec, label = ctx.decision, ctx.label
    core = ctx.positive | ctx.human
    with_learners = core | (label == LEARNER)
    is_mt = label == "MT"
    is_roundtrip = np.isin(label, ["RT", "MT-roundtrip"])
    human_scores = dec[ctx.human]

    def auc_of(idx: np.ndarray) -> float | None:
        idx = idx[core[idx]]
        return auc(ctx.y[idx], dec[idx])

    def tpr_of(kind: np.ndarray) -> Callable[[np.ndarray], float | None]:
        return lambda idx: tpr_at_fpr(dec[idx[kind[idx]]], dec[idx[ctx.human[idx]]])

    groups = np.array([r.group for r in ctx.test], dtype=object)
    out = {
        "auc_overall": check("auc_overall", auc(ctx.y[core], dec[core])),
        "auc_with_learners_as_human": rounded(auc(ctx.y[with_learners], dec[with_learners])),
        "auc_machine_vs_learners": rounded(
            auc(ctx.y[ctx.positive | (label == LEARNER)], dec[ctx.positive | (label == LEARNER)])
        ),
        "test_cut_at_1pct_fpr": {
            "probability": rounded(float(ctx.calibrate(np.array([cut_at_fpr(human_scores)]))[0])),
            "shipped_threshold": rounded(ctx.threshold),
        },
        "tpr_at_1fpr_mt": check("tpr_at_1fpr_mt", tpr_at_fpr(dec[is_mt], human_scores)),
        "tpr_at_1fpr_roundtrip": check(
            "tpr_at_1fpr_roundtrip", tpr_at_fpr(dec[is_roundtrip], human_scores)
        ),
        "tpr_at_1fpr_apertium_rt": rounded(tpr_at_fpr(dec[label == "RT"], human_scores)),
        "tpr_at_1fpr_mt_roundtrip": rounded(tpr_at_fpr(dec[label == "MT-roundtrip"], human_scores)),
        "n": {
            "machine": int(ctx.positive.sum()),
            "human": int(ctx.human.sum()),
            "learner": int((label == LEARNER).sum()),
            "mt": int(is_mt.sum()),
            "roundtrip": int(is_roundtrip.sum()),
            "apertium_rt": int((label == "RT").sum()),
            "mt_roundtrip": int((label == "MT-roundtrip").sum()),
        },
    }
    if bootstrap:
        out["auc_overall"]["ci95"] = grouped_bootstrap(auc_of, groups, bootstrap)
        out["tpr_at_1fpr_mt"]["ci95"] = grouped_bootstrap(tpr_of(is_mt), groups, bootstrap)
        if is_roundtrip.any():
            out["tpr_at_1fpr_roundtrip"]["ci95"] = grouped_bootstrap(
                tpr_of(is_roundtrip), groups, bootstrap
            )
        out["bootstrap"] = f"{bootstrap} resamples of source-document groups, 2.5-97.5 percentiles"
    return out


def evaluate_threshold(ctx: Context) -> dict[str, Any]:
    """Error rates at the shipped threshold, by kind of text."""
    label, flagged = ctx.label, ctx.flagged
    fpr = {}
    for kind in ("HT", "ORIG", LEARNER):
        mask = label == kind
        fpr[kind] = {"n": int(mask.sum()), "fpr": rounded(rate(flagged[mask]))}
    fpr["HT+ORIG"] = {"n": int(ctx.human.sum()), "fpr": rounded(rate(flagged[ctx.human]))}
    by_source = {}
    for source in sorted({r.source for r in ctx.test if r.label == "ORIG"}):
        mask = (label == "ORIG") & np.array([r.source == source for r in ctx.test])
        by_source[source] = {"n": int(mask.sum()), "fpr": rounded(rate(flagged[mask]))}
    tpr = {}
    kinds: list[tuple[str, np.ndarray]] = [("MT", label == "MT")]
    for pivot in sorted({r.lang for r in ctx.test if r.label == "RT"}):
        kinds.append(
            (f"RT:{pivot}", (label == "RT") & np.array([r.lang == pivot for r in ctx.test]))
        )
    kinds.append(("RT (all pivots)", label == "RT"))
    kinds.append(("MT-roundtrip", label == "MT-roundtrip"))
    for kind, mask in kinds:
        tpr[kind] = {"n": int(mask.sum()), "tpr": rounded(rate(flagged[mask]))}
    return {
        "threshold": rounded(ctx.threshold),
        "fpr": fpr,
        "fpr_orig_by_source": by_source,
        "tpr": tpr,
        "operating_points": operating_points(ctx),
    }


# Other thresholds a moderator might pick (--threshold), measured, not chosen, on test.
OPERATING_POINTS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.998, 0.999)


def operating_points(ctx: Context) -> list[dict[str, Any]]:
    """Error rates by kind of text at the shipped threshold and at a few others."""
    cuts = sorted({*OPERATING_POINTS, float(ctx.threshold)})
    label, probability = ctx.label, ctx.probability
    rows = []
    for cut in cuts:
        flagged = probability >= cut
        row: dict[str, Any] = {"threshold": rounded(cut), "shipped": cut == float(ctx.threshold)}
        for kind in ("HT", "ORIG", LEARNER):
            row[f"fpr_{kind}"] = rounded(rate(flagged[label == kind]))
        for kind in ("MT", "RT"):
            row[f"tpr_{kind}"] = rounded(rate(flagged[label == kind]))
        rows.append(row)
    return rows


def evaluate_slices(ctx: Context) -> dict[str, Any]:
    """By source language, pivot, system and length."""
    test = ctx.test
    by_lang = {}
    for lang in SOURCE_LANGS:
        mask = np.array([r.lang == lang and r.source == "wmt" for r in test])
        by_lang[lang] = _slice(ctx, mask)
    for pivot in sorted({r.lang for r in test if r.label == "RT"}):
        mask = np.array([r.label == "RT" and r.lang == pivot for r in test])
        by_lang[f"RT:{pivot}"] = _slice(ctx, mask)
    by_system = {}
    systems = Counter(r.system for r in test if r.label in ("MT", "MT-roundtrip"))
    for system in sorted(systems):
        mask = np.array([r.system == system and r.label in ("MT", "MT-roundtrip") for r in test])
        row = _slice(ctx, mask)
        row["family"] = system_family(system)
        by_system[system] = row
    for ref in sorted({r.system for r in test if r.label == "HT"}):
        by_system[f"{ref} (human reference)"] = _slice(
            ctx, np.array([r.system == ref and r.label == "HT" for r in test])
        )
    buckets = np.array([length_bucket(r.n_words) for r in test])
    by_length = {}
    for lo, _ in LENGTH_BUCKETS:
        name = length_bucket(lo)
        by_length[name] = _slice(ctx, buckets == name)
    return {"by_language": by_lang, "by_system": by_system, "by_length_words": by_length}
