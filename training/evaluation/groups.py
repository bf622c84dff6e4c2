"""How the test split is grouped: labels, languages, lengths, system families, levels."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from training.corpus import (
    HUMAN_LABELS,
    Record,
)

HUMAN = HUMAN_LABELS
LEARNER = "LEARNER"
LANGS = ("cs", "is", "ja", "ru", "uk", "zh")
SOURCE_LANGS = (*LANGS, "liv")
LENGTH_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (60, 150),
    (150, 400),
    (400, 1000),
    (1000, None),
)


def length_bucket(n_words: int) -> str:
    for lo, hi in LENGTH_BUCKETS:
        if n_words >= lo and (hi is None or n_words < hi):
            return f"{lo}-{hi}" if hi is not None else f"{lo}+"
    return f"<{LENGTH_BUCKETS[0][0]}"


def system_family(system: str) -> str:
    """Commercial online systems form one family; research systems group by name stem."""
    if system.startswith("Online-"):
        return "Online-*"
    return system.split("-")[0]


def cefr_group(cefr: str) -> str:
    """'B1.ii' -> 'B1', 'C2+' -> 'C2'; empty -> 'unknown'."""
    match = re.match(r"[ABC][12]", cefr or "")
    return match.group(0) if match else "unknown"


def lolo_keep(train: Sequence[Record], lang: str) -> np.ndarray:
    """Train rows kept when source language ``lang`` is held out.

    Its MT and HT go, and the round trips of its HT (whose ``lang`` is the pivot).
    """
    return np.array(
        [
            not (
                (r.lang == lang and r.label in ("MT", "HT"))
                or (r.label == "RT-HT" and r.get("source_lang") == lang)
            )
            for r in train
        ]
    )
