"""A read-only hash table from 64-bit keys to column numbers, probed with numpy.

Why: looking up every n-gram of an article in a sorted vocabulary needs a
sort of the article's keys (``np.unique``) and a binary search each, a
millisecond or more for 10,000 keys. Open addressing with linear probing
looks all keys up together in a few vectorised rounds, and counting the hits
per column is then a ``bincount``. The table is rebuilt from the vocabulary
when a model is loaded; it is never pickled.
"""

from __future__ import annotations

import numpy as np

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads the top bits
_EMPTY = np.uint64(0)  # a key of exactly 0 is never stored (2**-64 odds of meeting one)


class HashIndex:
    """``lookup(keys)`` gives each key's position in ``vocabulary``, or -1."""

    def __init__(self, vocabulary: np.ndarray, load: float = 0.25) -> None:
        vocabulary = np.asarray(vocabulary, dtype=np.uint64)
        bits = max(4, int(np.ceil(np.log2(max(len(vocabulary), 1) / load))))
        self._shift = np.uint64(64 - bits)
        self._mask = np.int64((1 << bits) - 1)
        self._keys = np.full(1 << bits, _EMPTY, dtype=np.uint64)
        self._columns = np.full(1 << bits, -1, dtype=np.int32)
        stored = vocabulary != _EMPTY
        pending = np.flatnonzero(stored)
        slot = self._slot(vocabulary[pending])
        while len(pending):
            free = self._keys[slot] == _EMPTY
            # of the keys that want the same free slot, the first takes it
            taken, first = np.unique(slot[free], return_index=True)
            winners = pending[free][first]
            self._keys[taken] = vocabulary[winners]
            self._columns[taken] = winners
            placed = np.zeros(len(pending), dtype=bool)
            placed[np.flatnonzero(free)[first]] = True
            pending, slot = pending[~placed], (slot[~placed] + 1) & self._mask

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        return ((keys * _MULTIPLIER) >> self._shift).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        keys = np.asarray(keys, dtype=np.uint64)
        out = np.full(len(keys), -1, dtype=np.int64)
        active = np.arange(len(keys))
        slot = self._slot(keys)
        while len(active):
            found = self._keys[slot]
            hit = found == keys[active]
            out[active[hit]] = self._columns[slot[hit]]
            going = ~hit & (found != _EMPTY)
            active, slot = active[going], (slot[going] + 1) & self._mask
        return out
