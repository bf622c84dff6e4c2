"""A value per row of the process's type table, grown in place as the table grows.

Why not ``TypeTable.column``: that rebuilds the whole column (a list copy or
a numpy concatenate) whenever the table has grown, and news adds a few dozen
new distinct tokens in most articles, so a column over tens of thousands of
rows was copied once per document. Here a column is extended in place: a
list grows by ``extend``, an array by doubling its capacity, so each row is
computed once and copied O(1) times on average.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mtdetect._type_table import TokenRows, TypeTable

#: ``compute(texts, fresh)``: the values of these new rows; ``fresh`` on a table's first rows
Compute = Callable[[Sequence[str], bool], Any]


class RowColumn:
    """Per-row values of one type table, computed by ``compute(texts)`` for new rows only.

    ``dtype`` None keeps a Python list (any objects, None for "nothing here",
    with :meth:`present` to find the rest in numpy); otherwise a numpy array
    of that dtype. A fresh table (the process's table is replaced when full)
    starts the column afresh, and ``compute`` is then called with ``fresh``
    true (so a column that numbers values can start its numbering again).
    """

    def __init__(self, compute: Compute, dtype: Any = None) -> None:
        self._compute = compute
        self._dtype = dtype
        # (table, values, rows filled, present): replaced as one tuple so readers
        # see a consistent view; present is only kept for a list column
        self._state: tuple[TypeTable | None, Any, int, np.ndarray] = (None, None, 0, _NONE)
        self._lock = threading.Lock()

    def of(self, tokens: TokenRows) -> Any:
        """The column over at least every row of ``tokens`` (index it with ``tokens.rows``)."""
        return self._current(tokens.table)[1]

    def present(self, tokens: TokenRows) -> np.ndarray:
        """For a list column: per row, whether its value is not None (index it with rows)."""
        return self._current(tokens.table)[3]

    def _current(self, table: TypeTable) -> tuple[TypeTable | None, Any, int, np.ndarray]:
        state = self._state
        if state[0] is table and state[2] >= len(table.texts):
            return state
        with self._lock:
            known, values, filled, present = self._state
            if known is not table:
                values = [] if self._dtype is None else np.empty(0, self._dtype)
                filled, present = 0, _NONE
            stop = len(table.texts)
            if stop <= filled:
                return self._state
            more = self._compute(table.texts[filled:stop], filled == 0)
            if self._dtype is None:
                values.extend(more)
                present = _grown(present, filled, stop)
                present[filled:stop] = [value is not None for value in more]
            else:
                values = _grown(values, filled, stop)
                values[filled:stop] = more
            self._state = (table, values, stop, present)
            return self._state


_NONE = np.zeros(0, dtype=bool)


def _grown(values: np.ndarray, filled: int, stop: int) -> np.ndarray:
    """``values`` with room for ``stop`` rows (the first ``filled`` kept), doubling its capacity."""
    if len(values) >= stop:
        return values
    grown = np.empty(max(stop, 2 * len(values), 1024), values.dtype)
    grown[:filled] = values[:filled]
    return grown
