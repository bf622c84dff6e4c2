"""Per-row values of the type table in an array that grows by doubling.

Why: ``TypeTable.column`` concatenates a column with the rows added since it
was last read, which copies the whole column at every document (the table
gains a few dozen rows per document and holds tens of thousands); for the
n-gram ids of the phrases and fluency families that copy cost more than the
look-ups it feeds. Here a column is extended in place, so a document pays for
its new rows only. Values are those ``compute`` gives, as with ``column``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from mtdetect._type_table import TokenRows, TypeTable

Compute = Callable[[TypeTable, int, int], np.ndarray]
_FIRST_SIZE = 4096


class RowCache:
    """One column of values per type-table row, computed once per row, for one resource."""

    def __init__(self, compute: Compute, dtype: type | np.dtype) -> None:
        self._compute = compute
        self._dtype = np.dtype(dtype)
        self._lock = threading.Lock()
        # (table, values, rows filled): replaced whole, so a reader sees one consistent state
        self._state: tuple[TypeTable | None, np.ndarray, int] = (None, np.empty(0, self._dtype), 0)

    def values(self, tokens: TokenRows) -> np.ndarray:
        """The value of each token of ``tokens``."""
        table, values, filled = self._state
        if table is not tokens.table or filled < len(tokens.table):
            values = self._extend(tokens.table)
        return values[tokens.rows]

    def _extend(self, table: TypeTable) -> np.ndarray:
        with self._lock:
            known, values, filled = self._state
            if known is not table:  # a fresh table: its rows mean other tokens
                values, filled = np.empty(_FIRST_SIZE, self._dtype), 0
            size = len(table)
            if filled < size:
                if len(values) < size:
                    # a new array: readers of the old one keep reading it, unchanged
                    grown = np.empty(max(2 * len(values), size), self._dtype)
                    grown[:filled] = values[:filled]
                    values = grown
                # rows past ``filled``: no reader's state covers them yet
                values[filled:size] = self._compute(table, filled, size)
                filled = size
            self._state = (table, values, filled)
            return values
