"""Leave-one-system-out: the development measure that resembles neural round trips.

Why: the articles mtdetect exists for went through modern neural MT, and the
second leg of such a round trip is neural MT into English, which the WMT
system outputs in ``../shared`` are. A model is refitted on the train split
without one strong neural system's outputs and then scored on that system's
outputs for test-split documents, so neither the system nor the source
documents were seen in training. Human text is the test split's professional
translations and originals plus held-out native news.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from training.corpus import HUMAN_LABELS, Record

# The strongest neural systems of WMT 2021-22 into English with the most
# documents: the five commercial online engines and the top research systems.
HELD_OUT_SYSTEMS: tuple[str, ...] = (
    "Online-A",
    "Online-B",
    "Online-G",
    "Online-W",
    "Online-Y",
    "Lan-Bridge",
    "HuaweiTSC",
    "JDExploreAcademy",
)
MAX_FPR = 0.01


@dataclass(frozen=True)
class Fold:
    """One held-out system: what a model may learn from, and what it is tested on."""

    system: str
    train: np.ndarray  # mask over the train records
    positive: np.ndarray  # mask over the test records: the system's outputs
    negative: np.ndarray  # mask over the test records: human text


def held_out(record: Record, system: str) -> bool:
    return record.label == "MT" and record.system == system


def folds(
    train: Sequence[Record],
    test: Sequence[Record],
    systems: Sequence[str] = HELD_OUT_SYSTEMS,
    human: np.ndarray | None = None,
) -> list[Fold]:
    """One fold per system; ``human`` (default: HT and ORIG test records) are the negatives."""
    if human is None:
        human = np.array([r.label in HUMAN_LABELS for r in test])
    out = []
    for system in systems:
        keep = np.array([not held_out(r, system) for r in train])
        positive = np.array([held_out(r, system) for r in test])
        out.append(Fold(system, keep, positive, human))
    return out


def cut_at_fpr(negative: np.ndarray, max_fpr: float = MAX_FPR) -> float:
    ordered = np.sort(np.asarray(negative, dtype=np.float64))[::-1]
    allowed = int(np.floor(max_fpr * len(ordered) + 1e-9))
    return float(np.nextafter(ordered[allowed], np.inf))


def tpr_at_fpr(positive: np.ndarray, negative: np.ndarray, max_fpr: float = MAX_FPR) -> float:
    return float(np.mean(np.asarray(positive) >= cut_at_fpr(negative, max_fpr)))


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Mann-Whitney AUC with ties counted half."""
    scores = np.concatenate([positive, negative])
    ranks = _average_ranks(scores)
    n_pos, n_neg = len(positive), len(negative)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    boundaries = np.flatnonzero(np.diff(sorted_values)) + 1
    starts = np.concatenate([[0], boundaries])
    ends = np.concatenate([boundaries, [len(values)]])
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2
    return ranks


MEASURES: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "auc": auc,
    "tpr_at_1pct_fpr": tpr_at_fpr,
}


def compare(
    ours: np.ndarray,
    baseline: np.ndarray,
    fold: Fold,
    groups: Sequence[str],
    n_boot: int = 200,
    seed: int = 20261206,
) -> dict[str, Any]:
    """Both models' AUC and TPR at 1% FPR on one fold, and the paired gap's 95% interval.

    Paired: each resample draws whole source documents (a group's outputs and
    its human translations together) and scores both models on the same draw.
    """
    rows = np.flatnonzero(fold.positive | fold.negative)
    y = fold.positive[rows]
    group_of = np.asarray(groups, dtype=object)[rows]
    _, inverse = np.unique(group_of.astype(str), return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(inverse.max() + 1)]
    a, b = ours[rows], baseline[rows]
    out: dict[str, Any] = {
        "system": fold.system,
        "n_machine": int(y.sum()),
        "n_human": int((~y).sum()),
    }
    for name, measure in MEASURES.items():
        out[name] = {
            "ours": round(measure(a[y], a[~y]), 4),
            "baseline": round(measure(b[y], b[~y]), 4),
        }
    rng = np.random.default_rng(seed)
    gaps: dict[str, list[float]] = {name: [] for name in MEASURES}
    for _ in range(n_boot):
        pick = np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])
        yy = y[pick]
        if yy.all() or not yy.any():
            continue
        for name, measure in MEASURES.items():
            gap = measure(a[pick][yy], a[pick][~yy]) - measure(b[pick][yy], b[pick][~yy])
            gaps[name].append(gap)
    for name in MEASURES:
        out[name]["gap"] = round(out[name]["ours"] - out[name]["baseline"], 4)
        if gaps[name]:
            low, high = np.percentile(gaps[name], [2.5, 97.5])
            out[name]["interval"] = [round(float(low), 4), round(float(high), 4)]
    return out


COLUMNS = (
    "before",
    "previous",
    "ours",
    "baseline",
    "baseline_wmt",
    "artefact_head",
    "neural_head",
    "single",
    "with_neural",
    "no_chars",
)
#: the recipes beside ours, each refitted on the same rows (see training.loso_report)
OTHER_RECIPES = ("artefact_head", "neural_head", "single", "with_neural", "no_chars")
HEADER = (
    "| held-out system | machine / human docs | before (v0.1) | previous | ours "
    "| baseline, same rows | ours − it (95% CI) | baseline, rows without round trips "
    "| ours − it (95% CI) | artefact head only | neural head only | one scorer, no heads "
    "| ours + `neural` | ours − `chars` |"
)


def _interval(m: dict[str, Any], gap: str, interval: str) -> str:
    low, high = m.get(interval) or (float("nan"), float("nan"))
    return f"{m[gap]:+.3f} [{low:+.3f}, {high:+.3f}]"


def _cells(row: dict[str, Any], measure: str) -> list[str]:
    m = row[measure]
    value = {k: f"{m.get(k, float('nan')):.3f}" for k in COLUMNS}
    return [
        row["system"],
        f"{row['n_machine']} / {row['n_human']}",
        value["before"],
        value["previous"],
        f"**{value['ours']}**",
        value["baseline"],
        _interval(m, "gap", "interval"),
        value["baseline_wmt"],
        _interval(m, "gap_wmt", "interval_wmt"),
        *(value[k] for k in OTHER_RECIPES),
    ]


def markdown(report: dict[str, Any]) -> str:
    """Per held-out system: before, ours, both baselines with paired gaps, head ablations."""
    lines = []
    for measure, title in (("auc", "AUC"), ("tpr_at_1pct_fpr", "TPR at 1% FPR")):
        lines += [
            f"{title}, each system held out in turn:",
            "",
            HEADER,
            "|" + "---|" * (HEADER.count("|") - 1),
        ]
        lines += ["| " + " | ".join(_cells(row, measure)) + " |" for row in report["folds"]]
        means = {
            k: np.mean([row[measure].get(k, np.nan) for row in report["folds"]]) for k in COLUMNS
        }
        lines.append(
            f"| mean | | {means['before']:.3f} | {means['previous']:.3f} | "
            f"**{means['ours']:.3f}** | "
            f"{means['baseline']:.3f} | {means['ours'] - means['baseline']:+.3f} | "
            f"{means['baseline_wmt']:.3f} | {means['ours'] - means['baseline_wmt']:+.3f} | "
            + " | ".join(f"{means[k]:.3f}" for k in OTHER_RECIPES)
            + " |"
        )
        liv = report.get("liv_roundtrips")
        if liv:
            lines.append("| " + " | ".join(_cells(liv, measure)) + " |")
        lines.append("")
    if report.get("liv_roundtrips"):
        lines.append(
            "The last row is not a fold: liv-en's real neural round trips (English sources, "
            "translated into Livonian by people and back into English by five neural "
            "systems), joined in blocks of 8 consecutive segments and set against the "
            "English originals of the same blocks, scored by models fitted on every train "
            "row (no liv-en text is long enough to be a training row)."
        )
        lines.append("")
    return "\n".join(lines)
