"""Layout, typography and page furniture must not move the probability."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from training.corpus import Record
from training.evaluation.context import Context
from training.evaluation.metrics import (
    SHIFT_LIMIT,
    check,
    rounded,
)
from training.evaluation.perturb import TRANSFORMS


def shortcut_sample(records: Sequence[Record], n: int = 300) -> list[int]:
    """A deterministic mix of labels: equal quotas per label, hash order within each."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        by_label[record.label].append(i)
    for indices in by_label.values():
        indices.sort(key=lambda i: hashlib.sha1(records[i].text.encode()).hexdigest())
    chosen: list[int] = []
    labels = sorted(by_label)
    depth = 0
    while len(chosen) < n and any(depth < len(by_label[lab]) for lab in labels):
        for lab in labels:
            if depth < len(by_label[lab]) and len(chosen) < n:
                chosen.append(by_label[lab][depth])
        depth += 1
    return sorted(chosen)


def evaluate_shortcuts(ctx: Context, n: int = 300) -> dict[str, Any]:
    """Layout, typography and page furniture must not move the probability."""
    sample = shortcut_sample(ctx.test, n)
    base = ctx.probability[sample]
    base_flag = base >= ctx.threshold
    texts = [ctx.test[i].text for i in sample]
    rows = {}
    for name, transform in TRANSFORMS.items():
        changed = ctx.score_many([transform(t) for t in texts], label=f"shortcut-{name}")
        delta = np.abs(changed - base)
        rows[name] = {
            "shortcut_mean_change": check("shortcut_mean_change", float(delta.mean())),
            "max_change": rounded(float(delta.max())),
            "share_ge_0.02": rounded(float(np.mean(delta >= SHIFT_LIMIT))),
            "verdict_flips": int(np.sum((changed >= ctx.threshold) != base_flag)),
        }
    return {
        "n_docs": len(sample),
        "labels": dict(sorted(Counter(ctx.test[i].label for i in sample).items())),
        "transforms": rows,
    }
