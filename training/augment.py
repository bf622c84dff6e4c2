"""Partial round trips: originals with only some segments round-tripped.

Spun articles are rarely garbled everywhere: many sentences survive the round
trip almost intact and the artefacts are sparse. Apertium round trips are
garbled throughout, so a model trained on them alone learns "broken
everywhere". Mixing each original with its own round trip, segment by
segment, gives positives with sparse artefacts. Used for training only: the
evaluation measures whole round trips, as generated.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from training.corpus import Record

FRACTIONS = (0.1, 0.25, 0.5)


def partial_roundtrips(
    roundtrips: Iterable[Record],
    originals: dict[str, Record],
    fractions: Sequence[float] = FRACTIONS,
    seed: int = 20261125,
) -> list[Record]:
    """One mixed record per round trip and fraction, aligned segment by segment."""
    out: list[Record] = []
    for n, record in enumerate(roundtrips):
        original = originals.get(record.group)
        if record.label != "RT" or original is None:
            continue
        source, target = original.text.split("\n"), record.text.split("\n")
        if len(source) != len(target):
            continue
        for fraction in fractions:
            rng = random.Random(f"{seed}:{n}:{fraction}")
            lines = [
                t if rng.random() < fraction else s for s, t in zip(source, target, strict=True)
            ]
            if lines == source:
                continue
            out.append(
                Record(
                    text="\n".join(lines),
                    label="RT",
                    group=record.group,
                    source=f"{record.source}-partial",
                    lang=record.lang,
                    system=f"{record.system}-partial{int(fraction * 100)}",
                    meta=(*record.meta, ("partial", str(fraction))),
                )
            )
    return out
