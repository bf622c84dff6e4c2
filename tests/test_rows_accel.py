"""The compiled token look-up (``mtdetect/_rows.pyx``) gives the rows the pure-Python one gives.

Why: ``TypeTable.lookup_tokens`` reads a document's rows through the compiled
look-up when it is built; the rows (and the rows it adds) must be those of
``TypeTable.lookup`` over the tokens' texts, on real documents and odd input.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from conftest import corpus_texts

from mtdetect import _accel, _type_table
from mtdetect._type_table import TypeTable
from mtdetect.text import Document, Token

compiled = pytest.mark.skipif(
    _type_table._rows is None or not _accel.compiled_in_use(),
    reason="mtdetect._rows is not built here, or MTDETECT_PURE_PYTHON=1",
)


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return [Document(t) for t in corpus_texts(100, 100)]


def _both_ways(token_lists: list) -> None:
    fast, slow = TypeTable(), TypeTable()
    for tokens in token_lists:
        got = fast.lookup_tokens(tokens)
        want = slow.lookup([t[0] for t in tokens])
        assert got.dtype == want.dtype == np.int64
        assert got.tolist() == want.tolist()
    assert fast.texts == slow.texts and fast.rows == slow.rows


@compiled
def test_documents_get_the_same_rows_both_ways(docs: list[Document]) -> None:
    _both_ways([doc.tokens for doc in docs] * 2)  # the second time, every token is a row


@compiled
@pytest.mark.parametrize(
    "tokens",
    [
        [],
        [("a",)],
        [Token("x", 0, 1), ("x", 5, 6), Token("y", 2, 3), ("x", 9, 9)],
        [(7, 0, 0), ((1, 2), 0, 0), (None,)],  # any hashable text
        [("é" * 300, 0, 300), ("\U0001f600", 0, 1), ("", 0, 0)],
    ],
)
def test_odd_tokens_get_the_same_rows_both_ways(tokens: list) -> None:
    _both_ways([tokens, tokens, list(reversed(tokens))])


@compiled
@pytest.mark.parametrize(
    ("tokens", "error"), [([()], TypeError), (["ab"], TypeError), ([([], 0, 0)], TypeError)]
)
def test_compiled_look_up_refuses_what_is_not_a_token(tokens: list, error: type) -> None:
    with pytest.raises(error):
        _type_table._rows.token_rows({}, tokens)


@compiled
def test_large_rows_are_read_whole() -> None:
    rows, missing = _type_table._rows.token_rows({"a": 2**40}, [("a",), ("b",)])
    assert rows.tolist() == [2**40, -1] and missing == 1


def test_look_ups_from_threads_agree_with_the_table() -> None:
    types = TypeTable()
    token_lists = [[(f"w{(k * 7 + i) % 300}", 0, 0) for i in range(500)] for k in range(16)]
    results: dict[int, np.ndarray] = {}

    def work(k: int) -> None:
        results[k] = types.lookup_tokens(token_lists[k])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(token_lists))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for k, tokens in enumerate(token_lists):
        assert [types.texts[r] for r in results[k].tolist()] == [t[0] for t in tokens]
