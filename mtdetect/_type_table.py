"""One row per distinct token seen in this process, with what each family needs of it.

Why: the families used to look every token up on their own: each pattern
model masked each token (lower-casing it, testing it against the function
words) and coded the symbol, token by token and model by model, and the
phrases and fluency families lower-cased every token again for their own
vocabularies. A 5 KB article has about 1,100 tokens but only about 500
distinct ones, and news repeats its words from one article to the next; so a
document's tokens are looked up here once (``token_rows``), a distinct token
is analysed once per process (a *column* of the table, computed lazily by
the family that needs it and cached on its resource), and a family maps a
whole document to its values with one numpy index.

Each column is computed by the family's own function (for the pattern models
:func:`mtdetect.pattern_model.token_symbol`, the function behind
``masked_tokens``), so the values are those of the token-by-token path
exactly (``tests/test_type_table.py`` checks it on real documents).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Protocol

import numpy as np

from mtdetect import _accel
from mtdetect.text import Document

try:
    from mtdetect import _rows  # type: ignore[attr-defined]
except ImportError:  # not built: the pure-Python look-up below
    _rows = None

#: rows before a fresh table is started, so memory stays bounded (a row costs
#: about 200 bytes with one code per model)
MAX_ROWS = 200_000
SENTENCE_ROW = 0  # row 0 stands for the sentence start
SENTENCE_START = "<s>"  # the pattern models' sentence-start symbol


class _CodedModel(Protocol):
    """What a pattern model (``FunctionWordModel``) offers the table."""

    keep_lowercase: bool
    bits_: int

    def _codes(self) -> dict[str, int]: ...


Symbol = Callable[[str, bool], str]


class TypeTable:
    """Distinct token texts -> rows, and per-row columns that their users compute lazily."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.texts: list[str] = [SENTENCE_START]  # row 0: the sentence start
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self.texts)

    def lookup(self, texts: Sequence[str]) -> np.ndarray:
        """The row of each token text, adding rows for texts not seen before."""
        found = np.fromiter(
            map(self.rows.get, texts, repeat(-1, len(texts))), dtype=np.int64, count=len(texts)
        )
        return self._add_missing(texts, found)

    def lookup_tokens(self, tokens: Sequence[tuple]) -> np.ndarray:
        """:meth:`lookup` of the tokens' texts (each token a tuple, its text first).

        Why: the compiled look-up reads the texts from the tokens, skipping
        the list of texts; most tokens are already rows, so the texts are
        listed only when some are not.
        """
        if _rows is None or not _accel.compiled_in_use() or type(tokens) is not list:
            return self.lookup([t[0] for t in tokens])
        found, missing = _rows.token_rows(self.rows, tokens)
        if not missing:
            return found
        return self._add_missing([t[0] for t in tokens], found)

    def _add_missing(self, texts: Sequence[str], found: np.ndarray) -> np.ndarray:
        """``found`` (rows, -1 where unseen) with rows added for the unseen texts."""
        missing = np.flatnonzero(found < 0)
        if len(missing):
            with self._lock:
                for i in missing.tolist():
                    text = texts[i]
                    row = self.rows.get(text)
                    if row is None:
                        self.texts.append(text)
                        row = self.rows[text] = len(self.texts) - 1
                    found[i] = row
        return found

    def column(self, owner: object, key: str, compute: Compute) -> Any:
        """A value per row, computed once per row by ``compute(table, start, stop)``.

        Cached on ``owner`` (a pattern model, the news n-gram table, ...) under
        ``_<key>_cache``, so it goes with the resource it was computed from and
        is never pickled; extended when the table has grown since.
        """
        name = f"_{key}_cache"
        cached = owner.__dict__.get(name)
        if cached is not None and cached[0] is self and cached[2] == len(self):
            return cached[1]
        with self._lock:
            cached = owner.__dict__.get(name)
            mine = cached is not None and cached[0] is self
            have = cached[2] if mine else 0
            more = compute(self, have, len(self))
            values = _grown(cached[1] if mine else None, more, cached[3] if mine else None)
            buffer = values.base if isinstance(values, np.ndarray) else None
            owner.__dict__[name] = (self, values, len(values), buffer)
            return values


def _grown(done: Any, more: Any, buffer: Any) -> Any:
    """``done`` followed by ``more``, without copying ``done`` each time the table grows.

    Why: a column is extended by the few rows each new document adds, and
    copying the whole column (tens of thousands of rows) every time cost more
    than computing the new rows. A list grows in place (rows are only ever
    appended, so anyone holding it still reads the same values); an array
    lives in a buffer with room to spare and is handed out as a view of its
    filled part.
    """
    if not isinstance(more, np.ndarray):
        if done is None:
            return list(more)
        if isinstance(done, list):
            done.extend(more)
            return done
        return [*done, *more]
    if done is None:
        buffer = np.empty((max(2 * len(more), 1024), *more.shape[1:]), dtype=more.dtype)
        buffer[: len(more)] = more
        return buffer[: len(more)]
    size = len(done) + len(more)
    if not isinstance(done, np.ndarray) or (more.dtype, more.shape[1:]) != (
        done.dtype,
        done.shape[1:],
    ):
        return np.concatenate([done, more])  # as before: a fresh array (and its own buffer)
    if buffer is None or len(buffer) < size:
        buffer = np.empty((2 * size, *done.shape[1:]), dtype=done.dtype)
        buffer[: len(done)] = done
    buffer[len(done) : size] = more
    return buffer[:size]


Compute = Callable[[TypeTable, int, int], Any]

_TABLE: TypeTable | None = None
_TABLE_LOCK = threading.Lock()


def table() -> TypeTable:
    """The process's table; a fresh one once it holds :data:`MAX_ROWS` rows."""
    global _TABLE
    current = _TABLE
    if current is None or len(current) >= MAX_ROWS:
        with _TABLE_LOCK:
            if _TABLE is None or len(_TABLE) >= MAX_ROWS:
                _TABLE = TypeTable()
            current = _TABLE
    return current


@dataclass(frozen=True, slots=True)
class TokenRows:
    """A document's tokens as rows of one type table."""

    table: TypeTable
    rows: np.ndarray

    def values(self, owner: object, key: str, compute: Compute) -> np.ndarray:
        """Per token, a column of the table (see :meth:`TypeTable.column`)."""
        return np.asarray(self.table.column(owner, key, compute))[self.rows]


def token_rows(doc: Document) -> TokenRows:
    """The rows of the document's tokens, looked up once and shared by every family."""
    return doc.view("type_rows", lambda: _rows_of(doc))


def _rows_of(doc: Document) -> TokenRows:
    types = table()
    return TokenRows(types, types.lookup_tokens(doc.tokens))


@dataclass(frozen=True, slots=True)
class PatternStream:
    """A document's masked stream as table rows: ``<s>`` then the tokens of each sentence.

    ``opens`` marks the sentence starts, ``before`` counts them up to each
    position (a token's position less that count is its index in ``tokens``).
    The document's ``tokens`` and ``sentences`` are read for the offsets of
    the few spans shown as evidence (a sentence start is empty, at the
    sentence's start), so no per-position offsets are built for every document.
    """

    table: TypeTable
    rows: np.ndarray
    opens: np.ndarray
    before: np.ndarray  # sentence starts up to and including each position
    tokens: Sequence[Any]
    sentences: Sequence[Any]

    def symbols(self, keep_lowercase: bool, symbol: Symbol) -> list[str]:
        """Each row's masked symbol, shared by every model that masks the same way."""
        keep = bool(keep_lowercase)

        def compute(types: TypeTable, start: int, stop: int) -> list[str]:
            texts = types.texts[start:stop]
            # no token is "<s>" (a token that opens with a mark is one character)
            return [SENTENCE_START if t == SENTENCE_START else symbol(t, keep) for t in texts]

        return self.table.column(self.table, f"symbols_{keep}", compute)

    def codes(self, model: _CodedModel, symbol: Symbol) -> np.ndarray:
        """The stream as ``model``'s symbol codes (those ``masked_tokens`` would give)."""

        def compute(types: TypeTable, start: int, stop: int) -> np.ndarray:
            names = self.symbols(model.keep_lowercase, symbol)[start:stop]
            get, unseen = model._codes().get, (1 << model.bits_) - 1
            return np.fromiter(map(get, names, repeat(unseen, len(names))), np.int64, len(names))

        return self.table.column(model, "type_codes", compute)[self.rows]

    def span(self, i: int, n: int) -> tuple[int, int]:
        """Offsets of the ``n`` positions from ``i``, sentence starts left out unless alone."""
        opens = self.opens[i : i + n].tolist()
        if all(opens):  # sentence starts only: the first one's (empty) offsets
            start = self.sentences[int(self.before[i]) - 1].start
            return int(start), int(start)
        first = i + opens.index(False)
        last = i + len(opens) - 1 - opens[::-1].index(False)
        # a position's token is its index less the sentence starts up to it
        before = self.before
        return (
            int(self.tokens[first - int(before[first])][1]),
            int(self.tokens[last - int(before[last])][2]),
        )


def pattern_stream(doc: Document) -> PatternStream:
    """The document's masked stream, built once and shared by every pattern model."""
    return doc.view("pattern_stream", lambda: _build(doc, token_rows(doc)))


def _build(doc: Document, tokens: TokenRows) -> PatternStream:
    sentences = doc.sentences
    size = len(tokens.rows) + len(sentences)
    lengths = np.fromiter(map(len, (s.tokens for s in sentences)), np.int64, len(sentences))
    first = np.cumsum(lengths + 1) - (lengths + 1)  # stream position of each sentence start
    opens = np.zeros(size, dtype=bool)
    opens[first] = True
    rows = np.full(size, SENTENCE_ROW, dtype=np.int64)
    rows[~opens] = tokens.rows
    return PatternStream(tokens.table, rows, opens, np.cumsum(opens), doc.tokens, sentences)
