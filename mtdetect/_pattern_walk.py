"""Walking a pattern model's terms strongest first, and finding a pattern's first places.

Why apart from ``pattern_model``: both read only numpy arrays (no model),
``explain`` reads a few of each per document, and each answers exactly as
the whole-array numpy call it stands for (``tests/test_pattern_accel.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def strongest_first(parts: np.ndarray, ahead: int = 32) -> Iterator[int]:
    """``np.argsort(-parts)``'s order, sorted only as far as read (``explain`` reads a few).

    Each ``argmin`` (microseconds; sorting a thousand parts costs tens) is argsort's
    next while it ties with nothing left; at a tie or a non-finite part argsort answers.
    """
    negated, count = -parts, 0
    if len(negated) > 1 and np.isfinite(negated).all():
        left = negated.copy()  # what is taken becomes +inf
        k = int(left.argmin())
        while count < ahead:
            value = left[k]
            left[k] = np.inf
            following = int(left.argmin())
            if left[following] == value:
                break
            yield k
            count += 1
            k = following
    yield from np.argsort(negated)[count:].tolist()


def first_positions(hits: np.ndarray, count: int) -> list[int]:
    """``np.flatnonzero(hits)[:count].tolist()``, reading ``hits`` only as far as needed.

    Why: ``explain`` wants a pattern's first two places in a stream of a
    thousand; a boolean ``argmax`` stops at the first True, where
    ``flatnonzero`` scans all and builds an array (half the time again).
    """
    if count < 0:  # (a slice from the end: not what explain asks for)
        return np.flatnonzero(hits)[:count].tolist()
    out: list[int] = []
    at, size = 0, len(hits)
    while len(out) < count and at < size:
        found = at + int(hits[at:].argmax())
        if not hits[found]:
            break
        out.append(found)
        at = found + 1
    return out
