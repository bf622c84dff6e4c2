"""Which per-token core runs: the compiled extensions (``_core.pyx``, ``_tables.pyx``,
``_text.pyx``, and ``_chars.pyx`` through ``_chars_accel``) or the pure-Python path.

Why a choice: ``pip install`` builds the extension wherever a C compiler is
found, and the package must still work where none is (the build is optional).
Both paths return the same values (integers such as the vocabulary columns of
a document's n-grams and their counts, and sums done in numpy's order), so
every score is the same to the last bit; ``tests/test_accel.py`` and the other
``tests/test_*_accel.py`` check it on real documents. ``mtdetect info`` says
which one is in use; ``MTDETECT_PURE_PYTHON=1`` forces the pure-Python path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

try:
    from mtdetect import _core, _tables  # type: ignore[attr-defined]
except ImportError:  # no compiler at install time, or a source checkout never built
    _core = _tables = None
try:
    from mtdetect import _text  # type: ignore[attr-defined]
except ImportError:
    _text = None

try:
    from mtdetect import _chars  # type: ignore[attr-defined]
except ImportError:
    _chars = None
try:
    from mtdetect import _pairs  # type: ignore[attr-defined]
except ImportError:
    _pairs = None
try:
    from mtdetect import _rows  # type: ignore[attr-defined]
except ImportError:  # used by _type_table, named here for ``mtdetect info``
    _rows = None

_EXTENSIONS = {
    "mtdetect._core": _core,
    "mtdetect._tables": _tables,
    "mtdetect._pairs": _pairs,
    "mtdetect._text": _text,
    "mtdetect._chars": _chars,
    "mtdetect._rows": _rows,
}
_use_compiled = _core is not None and os.environ.get("MTDETECT_PURE_PYTHON", "") != "1"


def core_name() -> str:
    """What ``mtdetect info`` prints: which core scores documents here."""
    if _use_compiled:
        built = [name for name, module in _EXTENSIONS.items() if module is not None]
        return f"compiled (Cython extensions {', '.join(built)})"
    if _core is None:
        return "pure Python (the compiled extension was not built)"
    return "pure Python (MTDETECT_PURE_PYTHON=1)"


@contextmanager
def pure_python() -> Iterator[None]:
    """Score with the pure-Python path inside the block (to compare the two)."""
    global _use_compiled
    before = _use_compiled
    _use_compiled = False
    try:
        yield
    finally:
        _use_compiled = before


def compiled_in_use() -> bool:
    return _use_compiled


def text_scanner() -> Callable[[str, type], tuple[list, list, list]] | None:
    """The compiled one-pass (tokens, words, lower-cased words) of a ``Document``, or None."""
    return _text.scan if _use_compiled and _text is not None else None


def sentence_splitter() -> Callable[[list, type, frozenset[str]], list] | None:
    """The compiled ``split_sentences`` (given the sentence type and abbreviations), or None."""
    return _text.split_sentences if _use_compiled and _text is not None else None


def char_counter() -> Callable[[str, bytes], tuple[int, list[str], int, int]] | None:
    """The compiled one-pass character counts of the English check, or None."""
    return _text.char_counts if _use_compiled and _text is not None else None


def matches(model: Any, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A pattern model's vocabulary columns present in a code stream (ascending), and counts.

    The integers behind its TF-IDF row: those of ``np.unique`` over all the
    stream's 1..max_n-gram keys, looked up in the sorted ``keys_``.
    """
    vocabulary = model.keys_
    max_n = max(int(model.max_n), 1)  # the numpy path always counts unigrams
    if _use_compiled and 0 < len(codes) * max_n <= _core.MAX_HITS:
        bits = int(model.bits_)
        cached = model.__dict__.get("_vocabulary_index_cache")
        if cached is None or cached[0] is not vocabulary or cached[1].bits != _index_bits(bits):
            keys = np.ascontiguousarray(vocabulary, dtype=np.int64)
            cached = (vocabulary, _core.VocabularyIndex(keys, _index_bits(bits)))
            model.__dict__["_vocabulary_index_cache"] = cached
        codes = np.ascontiguousarray(codes, dtype=np.int64)
        return cached[1].matches(codes, bits, max_n)  # columns ascending
    keys, counts = np.unique(np.concatenate(model._gram_keys(codes)), return_counts=True)
    if not len(vocabulary) or not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    at = np.minimum(np.searchsorted(vocabulary, keys), len(vocabulary) - 1)
    hit = vocabulary[at] == keys
    return at[hit], counts[hit]


def take_pair(first: np.ndarray, second: np.ndarray, columns: np.ndarray) -> tuple:
    """``(first[columns], second[columns])``: a pattern model's IDF and weights of a row.

    The compiled gather overlaps the cache misses of the two tables; what it
    does not take (arrays not one-dimensional float64, negative columns, which
    numpy reads from the end) goes the numpy way.
    """
    if (
        _use_compiled
        and first.ndim == second.ndim == 1
        and first.dtype == second.dtype == np.float64
        and columns.dtype == np.int64
        and (not len(columns) or columns.min() >= 0)
    ):
        as_c = np.ascontiguousarray
        return _core.take_pair(as_c(first), as_c(second), as_c(columns))
    return first[columns], second[columns]


def _index_bits(bits: int) -> int:
    """The symbol width a ``VocabularyIndex`` gets for its direct unigram table (0: none).

    Past 24 bits the table (4 bytes a code) would be too large; such a model
    looks every key up in the hash table instead.
    """
    return bits if 0 < bits <= 24 else 0


def lm_logprob(model: Any, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> tuple | None:
    """The news trigram model's log-probabilities and history rows from the compiled core,
    or None for the pure-Python path (``NewsLanguageModel.logprob``).

    The compiled loop indexes its tables by id unchecked, so arrays that are not all ids
    of this vocabulary (of one length, integers in ``[0, len(vocab))``) go the numpy
    way, which answers them as it always did (an ``IndexError``, or numpy's negative
    indexing) instead of reading outside the tables.
    """
    if not _use_compiled:
        return None
    tables = _lm_tables(model)
    if not _are_ids((u, v, w), tables.limit):
        return None
    as_ids = [np.ascontiguousarray(a, dtype=np.int64) for a in (u, v, w)]
    return tables.logprob(*as_ids)


def lm_score(model: Any, ids: np.ndarray, sentence: np.ndarray, tie: float) -> tuple | None:
    """``NewsLanguageModel.score``'s log-probabilities and top-1 / top-k flags from the
    compiled core, or None for the pure-Python path; ids outside the vocabulary, as in
    :func:`lm_logprob`, and sentence indices that are not one integer per id go the
    numpy way."""
    if not _use_compiled or len(sentence) != len(ids) or sentence.dtype.kind not in "iu":
        return None
    tables = _lm_tables(model)
    if not _are_ids((ids,), tables.limit):
        return None
    as_ids = np.ascontiguousarray(ids, dtype=np.int64)
    return tables.score(as_ids, np.ascontiguousarray(sentence, dtype=np.int64), tie)


def _lm_tables(model: Any) -> Any:
    """The model's compiled tables (``_tables.LmTables``), built on first use and kept."""
    tables = model.__dict__.get("_compiled_tables_cache")
    if tables is None:
        tables = model.__dict__["_compiled_tables_cache"] = _tables.LmTables(model)
    return tables


def _are_ids(arrays: tuple[np.ndarray, ...], limit: int) -> bool:
    """Integer arrays of one length with every value in ``[0, limit)``."""
    if len({len(a) for a in arrays}) != 1 or any(a.dtype.kind not in "iu" for a in arrays):
        return False
    return not len(arrays[0]) or all(a.min() >= 0 and a.max() < limit for a in arrays)


def pair_positions(table: Any, want: np.ndarray) -> np.ndarray | None:
    """``NewsNgrams._positions`` from the compiled core (None: the numpy path answers)."""
    if not _use_compiled or _pairs is None:
        return None
    return _pair_table(table).positions(np.ascontiguousarray(want, dtype=np.uint32))


def pair_counts(table: Any, left: np.ndarray, right: np.ndarray) -> np.ndarray | None:
    """``NewsNgrams.bigram_counts`` from the compiled core, or None for the numpy path
    (as for ids outside ``[0, 65536)``, which numpy's key arithmetic would wrap)."""
    if not _use_compiled or _pairs is None or not _are_ids((left, right), 1 << 16):
        return None
    as_ids = [np.ascontiguousarray(a, dtype=np.int64) for a in (left, right)]
    return _pair_table(table).counts(*as_ids)


def adjacent_pair_counts(table: Any, ids: np.ndarray) -> np.ndarray | None:
    """:func:`pair_counts` of ``(ids[:-1], ids[1:])``, the ids checked once, not twice."""
    if not _use_compiled or _pairs is None or not _are_ids((ids,), 1 << 16) or len(ids) < 1:
        return None
    as_ids = np.ascontiguousarray(ids, dtype=np.int64)
    return _pair_table(table).counts(as_ids[:-1], as_ids[1:])


def pair_unsupported(
    table: Any, first: np.ndarray, second: np.ndarray, k: int
) -> np.ndarray | None:
    """``NewsNgrams.unsupported`` from the compiled core, or None for the numpy path
    (ids that are not the table's, and a k that is not in ``[1, columns]``, which numpy
    answers its own way)."""
    if not _use_compiled or _pairs is None:
        return None
    compiled = _pair_table(table)
    if not 1 <= k <= compiled.n_columns or not _are_ids((first, second), compiled.limit):
        return None
    as_ids = [np.ascontiguousarray(a, dtype=np.int64) for a in (first, second)]
    return compiled.unsupported(*as_ids, int(k))


def _pair_table(table: Any) -> Any:
    """The compiled table (``_pairs.PairTable``: a directory of where each leading id's
    keys begin, a sample of the keys, the count buckets), built on first use and kept."""
    compiled = table.__dict__.get("_pair_table_cache")
    if compiled is None:
        compiled = _pairs.PairTable(
            table.keys,
            table._bucket,
            table.bucket_count,
            table._neighbour_row,
            table._neighbours,
        )
        table.__dict__["_pair_table_cache"] = compiled
    return compiled
