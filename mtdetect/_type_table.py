"""One row per distinct token seen in this process: its pattern symbols and each model's code.

Why: every pattern model used to turn each token of a document into a masked
symbol (lower-casing it, testing it against the function words) and the
symbol into its own code, token by token and model by model. A 5 KB article
has about 1,100 tokens but only about 500 distinct ones, and news repeats its
words from one article to the next; so a distinct token is analysed once per
process, and a model maps a whole document to its codes with one numpy index.

The symbols come from :func:`mtdetect.pattern_model.token_symbol`, the very
function behind ``masked_tokens``, so the codes are those of the masked
stream exactly (``tests/test_type_table.py`` checks it on real documents).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Protocol

import numpy as np

from mtdetect.text import Document

#: rows before a fresh table is started, so memory stays bounded (a row costs
#: about 200 bytes with one code per model)
MAX_ROWS = 200_000
SENTENCE_ROW = 0  # row 0 stands for the sentence-start symbol


class _CodedModel(Protocol):
    """What the table needs of a pattern model (``FunctionWordModel``)."""

    keep_lowercase: bool
    bits_: int
    __dict__: dict[str, object]

    def _codes(self) -> dict[str, int]: ...


class TypeTable:
    """Distinct tokens -> rows; per row the two masked symbols; per model, a code per row."""

    def __init__(self, symbol: Callable[[str, bool], str], sentence_start: str) -> None:
        self._symbol = symbol
        self.rows: dict[str, int] = {}
        # symbols by ``keep_lowercase`` (False, True), row 0 the sentence start
        self.symbols: tuple[list[str], list[str]] = ([sentence_start], [sentence_start])
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.symbols[0])

    def lookup(self, texts: Sequence[str]) -> np.ndarray:
        """The row of each token text, adding rows for texts not seen before."""
        found = np.fromiter(
            map(self.rows.get, texts, repeat(-1, len(texts))), dtype=np.int64, count=len(texts)
        )
        missing = np.flatnonzero(found < 0)
        if len(missing):
            with self._lock:
                for i in missing.tolist():
                    found[i] = self._add(texts[i])
        return found

    def _add(self, text: str) -> int:
        row = self.rows.get(text)
        if row is None:
            masked, kept = self.symbols
            masked.append(self._symbol(text, False))
            kept.append(self._symbol(text, True))
            row = self.rows[text] = len(masked) - 1
        return row

    def codes(self, model: _CodedModel) -> np.ndarray:
        """``model``'s code for every row of this table (cached on the model, extended lazily)."""
        cached = model.__dict__.get("_type_codes_cache")
        if cached is not None and cached[0] is self and len(cached[1]) == len(self):
            return cached[1]
        with self._lock:
            done = cached[1] if cached is not None and cached[0] is self else np.zeros(0, np.int64)
            symbols = self.symbols[bool(model.keep_lowercase)][len(done) :]
            unseen = (1 << model.bits_) - 1
            get = model._codes().get
            more = np.fromiter(
                map(get, symbols, repeat(unseen, len(symbols))), np.int64, count=len(symbols)
            )
            array = np.concatenate([done, more])
            model.__dict__["_type_codes_cache"] = (self, array)
            return array


_TABLE: TypeTable | None = None
_TABLE_LOCK = threading.Lock()


def table(symbol: Callable[[str, bool], str], sentence_start: str) -> TypeTable:
    """The process's table; a fresh one once it holds :data:`MAX_ROWS` rows."""
    global _TABLE
    current = _TABLE
    if current is None or len(current) >= MAX_ROWS:
        with _TABLE_LOCK:
            if _TABLE is None or len(_TABLE) >= MAX_ROWS:
                _TABLE = TypeTable(symbol, sentence_start)
            current = _TABLE
    return current


@dataclass(frozen=True, slots=True)
class PatternStream:
    """A document's masked stream as table rows: ``<s>`` then the tokens of each sentence.

    ``starts``/``ends`` are each position's offsets (a sentence start is empty,
    at the sentence's start), ``opens`` marks the sentence starts.
    """

    table: TypeTable
    rows: np.ndarray
    opens: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def codes(self, model: _CodedModel) -> np.ndarray:
        """The stream as ``model``'s symbol codes (those ``masked_tokens`` would give)."""
        return self.table.codes(model)[self.rows]

    def span(self, i: int, n: int) -> tuple[int, int]:
        """Offsets of the ``n`` positions from ``i``, sentence starts left out unless alone."""
        real = np.flatnonzero(~self.opens[i : i + n])
        if not len(real):
            return int(self.starts[i]), int(self.ends[i])
        return int(self.starts[i + real[0]]), int(self.ends[i + real[-1]])


def pattern_stream(doc: Document, symbol: Callable[[str, bool], str], start: str) -> PatternStream:
    """The document's stream, built once and shared by every pattern model."""
    return doc.view("pattern_stream", lambda: _build(doc, table(symbol, start)))


def _build(doc: Document, types: TypeTable) -> PatternStream:
    tokens = doc.tokens
    sentences = doc.sentences
    size = len(tokens) + len(sentences)
    lengths = np.fromiter((len(s.tokens) for s in sentences), np.int64, count=len(sentences))
    first = np.cumsum(lengths + 1) - (lengths + 1)  # stream position of each sentence start
    opens = np.zeros(size, dtype=bool)
    opens[first] = True
    rows = np.full(size, SENTENCE_ROW, dtype=np.int64)
    rows[~opens] = types.lookup([t[0] for t in tokens])
    starts = np.empty(size, dtype=np.int64)
    ends = np.empty(size, dtype=np.int64)
    starts[~opens] = [t[1] for t in tokens]
    ends[~opens] = [t[2] for t in tokens]
    starts[first] = ends[first] = [s.start for s in sentences]
    return PatternStream(types, rows, opens, starts, ends)
