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


class RowColumn:
    """Per-row values of one type table, computed by ``compute(texts)`` for new rows only.

    ``dtype`` None keeps a Python list (any objects); otherwise a numpy array
    of that dtype. A fresh table (the process's table is replaced when full)
    starts the column afresh.
    """

    def __init__(self, compute: Callable[[Sequence[str]], Any], dtype: Any = None) -> None:
        self._compute = compute
        self._dtype = dtype
        # (table, values, rows filled): replaced as one tuple so readers see a consistent view
        self._state: tuple[TypeTable | None, Any, int] = (None, None, 0)
        self._lock = threading.Lock()

    def of(self, tokens: TokenRows) -> Any:
        """The column over at least every row of ``tokens`` (index it with ``tokens.rows``)."""
        table, values, filled = self._state
        if table is tokens.table and filled >= len(table.texts):
            return values
        return self._extend(tokens.table)

    def _extend(self, table: TypeTable) -> Any:
        with self._lock:
            known, values, filled = self._state
            if known is not table:
                values, filled = ([] if self._dtype is None else np.empty(0, self._dtype)), 0
            stop = len(table.texts)
            if stop <= filled:
                return values
            more = self._compute(table.texts[filled:stop])
            if self._dtype is None:
                values.extend(more)
            else:
                if len(values) < stop:  # grow the capacity geometrically
                    grown = np.empty(max(stop, 2 * len(values), 1024), self._dtype)
                    grown[:filled] = values[:filled]
                    values = grown
                values[filled:stop] = more
            self._state = (table, values, stop)
            return values
