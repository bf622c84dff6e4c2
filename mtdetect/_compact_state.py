"""A pattern model's symbol table pickled as one string, so a bundle loads in a blink.

Why: ``joblib.load`` unpickles with Python's pure-Python unpickler, which read
the shipped bundle's 116,000 symbol strings (three object arrays) one call at a
time: over half of ``Detector.load``. Joined into one string they are read in
one go. A table holding a symbol with a newline is kept as it is, and a bundle
saved before this (object arrays) loads unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_MARK = "mtdetect-joined-symbols-1"


def pack_symbols(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` with ``symbols_`` as ``(mark, joined, count)`` where that is lossless."""
    symbols = state.get("symbols_")
    if isinstance(symbols, np.ndarray) and symbols.dtype == object:
        items = symbols.tolist()
        if all(isinstance(s, str) and "\n" not in s for s in items):
            state = {**state, "symbols_": (_MARK, "\n".join(items), len(items))}
    return state


def unpack_symbols(state: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`pack_symbols`; any other state is returned as it is."""
    packed = state.get("symbols_")
    if isinstance(packed, tuple) and len(packed) == 3 and packed[0] == _MARK:
        _, joined, count = packed
        items = joined.split("\n") if count else []
        if len(items) != count:
            raise ValueError("a packed symbol table does not have its recorded length")
        state = {**state, "symbols_": np.asarray(items, dtype=object)}
    return state
