"""RowCache gives each token the value its compute function gives, as the table grows."""

from __future__ import annotations

import numpy as np

from mtdetect._row_cache import RowCache
from mtdetect._type_table import TokenRows, TypeTable


def _lengths(types: TypeTable, start: int, stop: int) -> np.ndarray:
    return np.array([len(t) for t in types.texts[start:stop]], dtype=np.int64)


def test_values_follow_the_growing_table_and_a_fresh_one() -> None:
    cache = RowCache(_lengths, np.int64)
    table = TypeTable()
    words = [f"w{'x' * (i % 7)}{i}" for i in range(10_000)]
    for start in range(0, len(words), 900):  # documents that add rows past the first size
        texts = words[start : start + 1200]
        got = cache.values(TokenRows(table, table.lookup(texts)))
        assert got.tolist() == [len(t) for t in texts]
    fresh = TypeTable()  # its row numbers mean other tokens
    texts = ["a", "bbb", "cc", "a"]
    assert cache.values(TokenRows(fresh, fresh.lookup(texts))).tolist() == [1, 3, 2, 1]
    assert cache.values(TokenRows(fresh, fresh.lookup([]))).tolist() == []
