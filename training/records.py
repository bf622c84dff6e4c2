"""Every labelled record training reads: the shared corpus and, optionally, its round trips.

Why a module of its own: ``training.roundtrip`` builds round trips from
``training.corpus``, so the union of the two lives above both and neither
imports the other back.
"""

from __future__ import annotations

from training.corpus import MIN_CORPUS_WORDS, Record, labelled_records
from training.roundtrip import roundtrip_records


def load_records(min_words: int = MIN_CORPUS_WORDS, roundtrips: bool = True) -> list[Record]:
    """All labelled records of at least ``min_words`` words (round trips generated if missing)."""
    records = labelled_records(min_words)
    if roundtrips:
        records.extend(r for r in roundtrip_records() if r.n_words >= min_words)
    return records
