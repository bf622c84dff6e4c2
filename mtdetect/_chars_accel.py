"""The compiled character-model scorer and surface scan (``mtdetect/_chars.pyx``), or None.

Why a separate module from ``_accel``: the character and surface families own
this extension; ``_accel`` says which core is in use (its ``pure_python()``
and ``MTDETECT_PURE_PYTHON=1`` switch this one off too). Each function returns
None where the pure-Python path must answer, which then gives the same numbers
(``tests/test_chars_accel.py`` checks both on real documents).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mtdetect import _accel

try:
    from mtdetect import _chars  # type: ignore[attr-defined]
except ImportError:  # no compiler at install time, or a source checkout never built
    _chars = None

# np.log(c) at c - 1, computed by numpy (its log may differ from C's in the last bit)
_logs = np.zeros(0)
_MAX_KEPT_LOGS = 1 << 20  # 8 MB

# What char_scores' mode asks for: the score only, per-character shares, running sums.
SCORE, SHARES, RUNNING = 0, 1, 2


def available() -> bool:
    return _chars is not None and _accel.compiled_in_use()


def _log_table(size: int) -> np.ndarray:
    """``np.log`` of 1..size (a count is at most the text's length), kept up to a size."""
    global _logs
    table = _logs
    if size > _MAX_KEPT_LOGS:  # a very long text: its table is not kept (memory stays bounded)
        return np.log(np.arange(1, size + 1.0))
    if len(table) < size:
        table = _logs = np.log(np.arange(1, max(size, 2 * len(table), 1 << 14) + 1.0))
    return table


def char_scores(model: Any, text: str, mode: int) -> tuple[int, float, np.ndarray | None] | None:
    """``(found, raw, array)`` for normalised ``text`` (see ``_chars.CharScorer.score``), or
    None for the pure-Python path: no compiled core, a model whose arrays are not
    float64 vectors over ``keys_``, or a text whose lower-casing changes its length.

    The scorer is built on first use and kept with the model while ``keys_``, ``idf_``
    and ``coef_`` stay the same objects (fitting replaces them; nothing edits them in
    place).
    """
    if not available() or model.min_n < 1 or model.max_n < model.min_n:
        return None
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    keys, idf, coef = model.keys_, model.idf_, model.coef_
    cached = model.__dict__.get("_char_scorer_cache")
    if cached is None or cached[0] is not keys or cached[1] is not idf or cached[2] is not coef:
        if not all(
            isinstance(a, np.ndarray) and a.ndim == 1 and len(a) == len(keys)
            for a in (keys, idf, coef)
        ):
            return None
        if keys.dtype != np.uint64 or idf.dtype != np.float64 or coef.dtype != np.float64:
            return None
        scorer = _chars.CharScorer(
            np.ascontiguousarray(keys), np.ascontiguousarray(idf), np.ascontiguousarray(coef)
        )
        cached = model.__dict__["_char_scorer_cache"] = (keys, idf, coef, scorer)
    logs = _log_table(len(lowered))
    return cached[3].score(lowered, int(model.min_n), int(model.max_n), logs, mode)


def surface_starts(text: str) -> tuple[list[int] | None, ...] | None:
    """Where each surface pattern may match in ``text`` (ascending; a superset of where it
    does), in ``signals.surface``'s order, or None: the regexes scan the whole text (one
    list may be None too: that pattern's regex scans the whole text)."""
    return _chars.surface_starts(text) if available() else None
