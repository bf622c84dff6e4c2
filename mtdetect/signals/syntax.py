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

import threading
import zlib
from collections.abc import Callable
from typing import Any

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
        ids = _shape_ids([token.text for token in doc.tokens])
        n = len(ids)
        total = sum(max(0, n - order + 1) for order in ORDERS)
        if not total:
            return [0.0] * N_BUCKETS, []
        # every n-gram as one integer (disjoint ranges per order), counted once
        grams = [ids + 1]
        for order in ORDERS[1:]:
            if n >= order:
                grams.append(grams[-1][:-1] * _WIDTH + ids[order - 1 :] + 1)
        keys, repeats = np.unique(np.concatenate(grams), return_counts=True)
        buckets = _gram_buckets(keys.tolist())
        counts = np.bincount(buckets, weights=repeats, minlength=N_BUCKETS)
        return np.sqrt(counts / total).tolist(), []

    def fingerprint(self) -> str:
        kept = zlib.crc32(" ".join(sorted(KEEP)).encode())
        return f"buckets={N_BUCKETS};orders={ORDERS};keep={kept}"


# A token's shape depends on its text alone, and an n-gram's bucket on its
# shapes alone, so both are computed once per distinct value, not per token
# (crc32 of each joined n-gram was most of the cost). Shapes get small ids
# (there are a few hundred: KEEP, the word classes, the kept marks) and an
# n-gram of ids i, j, k is the integer ((i+1)*W + j+1)*W + k+1. The caches
# are bounded: cleared when full, which only costs recomputation.
_CACHE_LIMIT = 200_000
_WIDTH = 1024  # more than the number of distinct shapes
_TOKEN_SHAPE: dict[str, int] = {}  # token text -> shape id
_SHAPE_ID: dict[str, int] = {}  # shape -> id
_SHAPES: list[str] = []  # id -> shape
_GRAM_BUCKET: dict[int, int] = {}  # packed n-gram -> bucket
_ID_LOCK = threading.Lock()


def _memoised(cache: dict, keys: list, compute: Callable[[Any], int]) -> list[int]:
    """Look every key up in ``cache``, computing (and storing) only the misses."""
    found = list(map(cache.get, keys))
    if None in found:
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        for i, value in enumerate(found):
            if value is None:
                found[i] = cache[keys[i]] = compute(keys[i])
    return found  # type: ignore[return-value]


def _shape_ids(texts: list[str]) -> np.ndarray:
    ids = _memoised(_TOKEN_SHAPE, texts, lambda text: _id_of(shape(text)))
    return np.array(ids, dtype=np.int64)


def _id_of(masked: str) -> int:
    found = _SHAPE_ID.get(masked)
    if found is None:
        with _ID_LOCK:  # ids must stay unique when threads meet a new shape at once
            found = _SHAPE_ID.get(masked)
            if found is None:
                if len(_SHAPES) >= _WIDTH - 1:
                    raise RuntimeError("more distinct shapes than syntax._WIDTH allows")
                _SHAPES.append(masked)  # before the id is visible to other threads
                found = _SHAPE_ID[masked] = len(_SHAPES) - 1
    return found


def _gram_buckets(keys: list[int]) -> list[int]:
    return _memoised(_GRAM_BUCKET, keys, _bucket)


def _bucket(key: int) -> int:
    """Bucket of a packed n-gram: crc32 of its shapes joined by spaces."""
    parts = []
    while key:
        key, digit = divmod(key, _WIDTH)
        parts.append(_SHAPES[digit - 1])
    gram = " ".join(reversed(parts))
    return zlib.crc32(gram.encode()) % N_BUCKETS
