"""Apertium round trips against their own originals, and of other human texts."""

from __future__ import annotations

from typing import Any

import numpy as np

from training.evaluation.context import Context
from training.evaluation.groups import LEARNER
from training.evaluation.metrics import (
    auc,
    check,
    cut_at_fpr,
    grouped_bootstrap,
    paired_wins,
    rate,
    rounded,
)


def evaluate_roundtrips(ctx: Context) -> dict[str, Any]:
    """Apertium round trips against their own originals: ranked and paired."""
    index = {r.group: i for i, r in enumerate(ctx.test) if r.label == "ORIG"}
    rt = [i for i, r in enumerate(ctx.test) if r.label == "RT"]
    if not rt:
        return {
            "available": False,
            "note": "no Apertium round trips in the test split (cache empty)",
            "cache": ctx.roundtrip_info,
        }
    out: dict[str, Any] = {"available": True, "cache": ctx.roundtrip_info}
    originals = sorted(
        {index[ctx.test[i].get("orig_group")] for i in rt if ctx.test[i].get("orig_group") in index}
    )
    ranked = np.array(rt + originals)
    y = np.array([1] * len(rt) + [0] * len(originals))
    out["rt_vs_originals_auc"] = check("rt_vs_originals_auc", auc(y, ctx.decision[ranked]))
    pairs = [
        (i, index[ctx.test[i].get("orig_group")])
        for i in rt
        if ctx.test[i].get("orig_group") in index
    ]
    machine = ctx.decision[[a for a, _ in pairs]]
    human = ctx.decision[[b for _, b in pairs]]
    paired = paired_wins(machine, human)
    out["paired"] = paired
    out["rt_paired_win_rate"] = check("rt_paired_win_rate", paired["win_rate"])
    pair_groups = [ctx.test[b].group for _, b in pairs]
    out["rt_paired_win_rate"]["ci95"] = grouped_bootstrap(
        lambda idx: float(np.mean(machine[idx] > human[idx])), pair_groups
    )
    rank_groups = [ctx.test[i].group for i in ranked]
    out["rt_vs_originals_auc"]["ci95"] = grouped_bootstrap(
        lambda idx: auc(y[idx], ctx.decision[ranked[idx]]), rank_groups
    )
    out["unpaired_rt"] = len(rt) - len(pairs)
    by_pivot = {}
    for pivot in sorted({ctx.test[i].lang for i in rt}):
        mine = [(a, b) for a, b in pairs if ctx.test[a].lang == pivot]
        m = ctx.decision[[a for a, _ in mine]]
        h = ctx.decision[[b for _, b in mine]]
        y_p = np.array([1] * len(mine) + [0] * len(mine))
        by_pivot[pivot] = {
            "auc_vs_own_originals": rounded(auc(y_p, np.concatenate([m, h]))),
            **{k: rounded(v) if isinstance(v, float) else v for k, v in paired_wins(m, h).items()},
        }
    out["by_pivot"] = by_pivot
    gap = ctx.probability[[a for a, _ in pairs]] - ctx.probability[[b for _, b in pairs]]
    out["mean_probability_gap"] = rounded(float(np.mean(gap)))
    if len(ctx.extra_test):
        flagged = ctx.calibrate(ctx.extra_decision) >= ctx.threshold
        out["other_sources"] = roundtrips_of_other_texts(
            ctx, ctx.extra_decision, ctx.decision, flagged
        )
    return out


def roundtrips_of_other_texts(
    ctx: Context, extra_decision: np.ndarray, decision: np.ndarray, extra_flagged: np.ndarray
) -> dict[str, Any]:
    """Round trips of the test split's professional translations and learner essays.

    Not in any headline metric (those measure round trips of originals); shown
    because they are the hard case: a round trip of translationese, or of a
    learner's English, against the human text it came from. Recall at the
    model's threshold and at the cut that gives 1% FPR on test HT+ORIG (both
    from ``decision``, the model's test-split scores), and the AUC against the
    human texts of the same source documents.
    """
    cut = cut_at_fpr(decision[ctx.human])
    out: dict[str, Any] = {}
    for label, source in (("RT-HT", "HT"), (f"RT-{LEARNER}", LEARNER)):
        mask = np.array([r.label == label for r in ctx.extra_test])
        groups = {r.group for r in ctx.extra_test if r.label == label}
        sources = (ctx.label == source) & np.array([r.group in groups for r in ctx.test])
        scores = np.concatenate([extra_decision[mask], decision[sources]])
        y = np.array([1] * int(mask.sum()) + [0] * int(sources.sum()))
        out[label] = {
            "n": int(mask.sum()),
            "tpr_at_threshold": rounded(rate(extra_flagged[mask])),
            "tpr_at_1fpr": rounded(rate(extra_decision[mask] >= cut)),
            "auc_vs_own_sources": rounded(auc(y, scores)),
            "n_sources": int(sources.sum()),
        }
    return out
