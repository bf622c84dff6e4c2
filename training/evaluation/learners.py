"""Learner essays must never be flagged: false positives by level and first language."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from training.evaluation.context import Context
from training.evaluation.groups import (
    LEARNER,
    cefr_group,
)
from training.evaluation.metrics import (
    check,
    rate,
    rounded,
)


def evaluate_learners(ctx: Context) -> dict[str, Any]:
    """Learner essays must never be flagged: FPR at the shipped threshold by level and L1."""
    mask = ctx.label == LEARNER
    learners = [r for r in ctx.test if r.label == LEARNER]
    flags = ctx.flagged[mask]
    by_cefr: dict[str, list[bool]] = defaultdict(list)
    by_l1: dict[str, list[bool]] = defaultdict(list)
    by_corpus: dict[str, list[bool]] = defaultdict(list)
    for record, flag in zip(learners, flags, strict=True):
        by_cefr[cefr_group(record.get("cefr"))].append(bool(flag))
        by_l1[record.get("l1") or "unknown"].append(bool(flag))
        by_corpus["FCE (has L1)" if record.get("l1") else "Write & Improve (has CEFR)"].append(
            bool(flag)
        )

    def table(groups: dict[str, list[bool]]) -> dict[str, dict[str, Any]]:
        return {
            key: {"n": len(v), "flagged": int(sum(v)), "fpr": rounded(float(np.mean(v)))}
            for key, v in sorted(groups.items())
        }

    native = np.array([r.label == "ORIG" and r.source == "learner" for r in ctx.test])
    return {
        "n": int(mask.sum()),
        "learner_fpr": check("learner_fpr", rate(flags)),
        "flagged": int(flags.sum()),
        "by_cefr": table(by_cefr),
        "by_l1": table(by_l1),
        "by_corpus": table(by_corpus),
        "native_student_essays_fpr": {
            "n": int(native.sum()),
            "fpr": rounded(rate(ctx.flagged[native])),
        },
        "max_probability": rounded(float(ctx.probability[mask].max()) if mask.any() else None),
        "note": "the test split holds out learners by author; FCE carries L1, Write & Improve CEFR",
    }
