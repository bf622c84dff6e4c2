"""A module-level value per row of the process's type table, for families without a resource.

Why: :meth:`TypeTable.column` caches a column on the resource it was computed
from (a pattern model, the news tables). The profile and names families keep
theirs at module level (or per gazetteer), with two needs of their own: a
compute function that sees only the new rows' texts and whether the table is
fresh (so a column that numbers values can start again), and, for a list
column, which rows hold something. This object is that owner; the storage,
grown in place as the table grows, is the table's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mtdetect._type_table import TokenRows, TypeTable

#: ``compute(texts, table)``: the values of these new rows of ``table`` (called under its lock)
Compute = Callable[[Sequence[str], TypeTable], Any]


class RowColumn:
    """Per-row values of one type table, computed by ``compute(texts, table)`` for new rows only.

    ``dtype`` None keeps a Python list (any objects, None for "nothing here",
    with :meth:`present` to find the rest in numpy); otherwise a numpy array
    of that dtype. A fresh table (the process's table is replaced when full)
    starts the column afresh.
    """

    def __init__(self, compute: Compute, dtype: Any = None) -> None:
        self._compute = compute
        self._dtype = dtype

    def of(self, tokens: TokenRows) -> Any:
        """The column over every row of ``tokens`` (index it with ``tokens.rows``)."""
        return tokens.table.column(self, "values", self._more)

    def present(self, tokens: TokenRows) -> np.ndarray:
        """For a list column: per row, whether its value is not None (index it with rows)."""

        def more(table: TypeTable, start: int, stop: int) -> np.ndarray:
            values = table.column(self, "values", self._more)  # (under the table's lock)
            return np.fromiter((v is not None for v in values[start:stop]), bool, stop - start)

        return tokens.table.column(self, "present", more)

    def _more(self, table: TypeTable, start: int, stop: int) -> Any:
        more = self._compute(table.texts[start:stop], table)
        return more if self._dtype is None else np.asarray(more, dtype=self._dtype)
