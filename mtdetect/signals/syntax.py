"""Syntax profile: n-grams of function words and word shapes, with content masked.

Translated text keeps the scaffolding of its source: how clauses are linked,
where prepositions fall, how often a determiner opens a phrase. Masking every
content word down to a coarse shape (capitalised, number, ``-ing``, ``-ed``,
``-ly``, plural, other) keeps that scaffolding and throws the topic away, so
the model cannot learn what an article is about, only how it is built.
The n-grams are hashed into a fixed number of buckets, so nothing is learned
at fit time and the feature layout never changes.
"""

from __future__ import annotations

import zlib

import numpy as np

from mtdetect.evidence import Evidence
from mtdetect.signals.base import Signal
from mtdetect.text import Document

KEEP = frozenset(
    """the a an this that these those some any no every each all both either neither
    of to in on at for with by from as about into onto over under after before during
    since until than between through against among without within upon via per
    and but or nor so yet also however while although though because if unless when
    whether where which who whom whose what how why there here then thus therefore
    i you he she it we they me him her us them my your his its our their one
    is are was were be been being am has have had having do does did done
    will would can could should may might must shall not n't
    said says say more most less least very much many such only just even still already
    other another same own up out off down again""".split()
)
_SUFFIXES = (("ing", "ING"), ("ed", "ED"), ("ly", "LY"), ("tion", "TION"), ("s", "S"))
N_BUCKETS = 512
ORDERS = (1, 2, 3)


def shape(token: str) -> str:
    """The masked form of one token."""
    lower = token.lower()
    if lower in KEEP:
        return lower
    first = token[0]
    if first.isdigit():
        return "NUM"
    if not first.isalpha():
        return token if token in ".,;:!?\"'()-$%" else "SYM"
    if first.isupper():
        return "CAP"
    for suffix, name in _SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            return name
    return "W"


class SyntaxSignal(Signal):
    """Hashed 1-3-grams of masked tokens, as relative frequencies."""

    name = "syntax"

    def feature_names(self) -> list[str]:
        return [f"{self.name}.h{i:03d}" for i in range(N_BUCKETS)]

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        shapes = [shape(token.text) for token in doc.tokens]
        counts = np.zeros(N_BUCKETS)
        total = 0
        for order in ORDERS:
            for i in range(len(shapes) - order + 1):
                gram = " ".join(shapes[i : i + order]).encode()
                counts[zlib.crc32(gram) % N_BUCKETS] += 1
                total += 1
        if total:
            counts = np.sqrt(counts / total)
        return counts.tolist(), []

    def fingerprint(self) -> str:
        kept = zlib.crc32(" ".join(sorted(KEEP)).encode())
        return f"buckets={N_BUCKETS};orders={ORDERS};keep={kept}"
