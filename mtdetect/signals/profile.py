"""Translationese profile: document-level statistics of how the text is built.

Machine translation flattens style: sentence lengths cluster, function words
shift towards the source language's habits, vocabulary narrows. None of
these are evidence on their own, so the family reports no spans; it gives the
model the background against which the telltales stand out.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence

import numpy as np

from mtdetect._row_column import RowColumn
from mtdetect._type_table import token_rows
from mtdetect.evidence import Evidence
from mtdetect.signals.base import Signal
from mtdetect.text import Document

# Function words whose rates differ between translated and native English,
# plus pronouns that separate essays and conversation from news.
FUNCTION_WORDS = (
    "the a an of to in on at for with by from as about into than "
    "and but or so also however while although because if when which that who whose "
    "this these those it its they their there is are was were be been has have had "
    "will would can could should may must not said says according i you we our"
).split()
_INDEX = {word: i for i, word in enumerate(FUNCTION_WORDS)}
_TTR_WINDOW = 50


class ProfileSignal(Signal):
    """Function-word rates, sentence-length shape, lexical variety."""

    name = "profile"
    _shape = (
        "mean_sentence_length",
        "sentence_length_cv",
        "long_sentence_rate",
        "short_sentence_rate",
        "moving_ttr",
        "mean_word_length",
        "capitalised_rate",
        "digit_rate",
        "comma_rate",
        "quote_rate",
        "contraction_rate",
        "parenthesis_rate",
    )

    def feature_names(self) -> list[str]:
        return [f"{self.name}.{f}" for f in self._shape] + [
            f"{self.name}.fw_{word}" for word in FUNCTION_WORDS
        ]

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        n_words = len(doc.words)
        if n_words == 0:
            return [0.0] * len(self.feature_names()), []
        sentences = doc.sentences
        tokens = token_rows(doc)
        info = _INFO.of(tokens)[tokens.rows]
        masked = info & _KIND_MASK
        kinds = np.bincount(masked, minlength=2 * _KINDS).tolist()
        kind = [kinds[k] + kinds[k + _KINDS] for k in range(_KINDS)]
        is_word = _IS_WORD[masked]
        lengths = _sentence_lengths(doc, is_word)
        n_sentences = len(lengths)
        # what numpy's mean and std give, without their wrappers: the sum of
        # word counts is exact, so only the squared deviations' sum is numpy's
        mean_len = int(lengths.sum()) / n_sentences
        spread = lengths - mean_len
        std = math.sqrt(float(np.add.reduce(spread * spread)) / n_sentences)
        shape = [
            math.log1p(mean_len),
            std / mean_len if mean_len else 0.0,
            np.count_nonzero(lengths > 40) / n_sentences,
            np.count_nonzero(lengths < 6) / n_sentences,
            _moving_ttr(_WORD_IDS.of(tokens)[tokens.rows[is_word]]),
            int((info >> _LENGTH_SHIFT).sum()) / n_words,
            kind[_CAPITAL] / n_words,
            kind[_DIGIT] / max(len(tokens.rows), 1),
            kind[_COMMA] / max(len(sentences), 1),
            kind[_QUOTE] / n_words,
            sum(kinds[_KINDS : _KINDS + _LOWER + 1]) / n_words,
            kind[_PAREN] / n_words,
        ]
        fw = (info >> _FW_SHIFT) & _FW_MASK
        counts = np.bincount(fw, minlength=len(FUNCTION_WORDS) + 1)[1:].astype(np.float64)
        rates = np.sqrt(counts / n_words)
        return shape + rates.tolist(), []


# What profile needs of a token depends on its text alone, so it is worked out
# once per distinct token (a column of the type table) and a document is
# counted with numpy. Per token, packed in one integer: its kind (by first
# character; +_KINDS for a word with an apostrophe), 1 + its function-word
# index (0 for none) and the length of its lower-cased form (words only).
_CAPITAL, _LOWER, _DIGIT, _COMMA, _QUOTE, _PAREN, _OTHER = range(7)
_KINDS = 8
_KIND_MASK = 2 * _KINDS - 1
_FW_SHIFT = 4
_FW_MASK = 127
_LENGTH_SHIFT = 12
#: per masked kind: a word (_CAPITAL or _LOWER, with or without an apostrophe)
_IS_WORD = np.arange(2 * _KINDS) % _KINDS <= _LOWER


def _token_info(texts: Sequence[str], table: object = None) -> list[int]:
    out = []
    for text in texts:
        first = text[0]
        if first.isalpha():
            lower = text.lower()
            kind = _CAPITAL if first.isupper() else _LOWER
            if "'" in lower:
                kind += _KINDS
            fw = _INDEX.get(lower, -1) + 1
            out.append(kind | fw << _FW_SHIFT | len(lower) << _LENGTH_SHIFT)
        else:
            kind = (
                _DIGIT
                if first.isdigit()
                else _COMMA
                if first == ","
                else _QUOTE
                if first == '"'
                else _PAREN
                if first == "("
                else _OTHER
            )
            out.append(kind)
    return out


class _WordIds:
    """Numbers lower-cased words: equal numbers for equal words (for type-token ratios).

    One numbering per type table (a fresh table numbers afresh), each extended
    only under that table's lock, so two tables never mix their numbers.
    """

    def __init__(self) -> None:
        self.ids: weakref.WeakKeyDictionary[object, dict[str, int]] = weakref.WeakKeyDictionary()

    def __call__(self, texts: Sequence[str], table: object) -> list[int]:
        ids = self.ids.setdefault(table, {})
        return [ids.setdefault(t.lower(), len(ids)) if t[0].isalpha() else -1 for t in texts]


_INFO = RowColumn(_token_info, np.int64)
_WORD_IDS = RowColumn(_WordIds(), np.int64)


def _sentence_lengths(doc: Document, is_word: np.ndarray) -> np.ndarray:
    """Words per sentence (at least one entry): word tokens counted between sentence bounds."""
    sentences = doc.sentences
    if not sentences:
        return np.zeros(1, dtype=np.int64)
    sizes = np.fromiter(map(len, (s.tokens for s in sentences)), np.int64, len(sentences))
    ends = np.cumsum(sizes)
    if ends[-1] != len(is_word):  # sentences always partition the tokens; if not, by offsets
        starts = np.array([t[1] for t in doc.words], dtype=np.int64)
        bounds = np.array([(s.start, s.end) for s in sentences], dtype=np.int64)
        return np.searchsorted(starts, bounds[:, 1]) - np.searchsorted(starts, bounds[:, 0])
    if not sizes.all():  # (reduceat below would count an empty sentence's neighbour)
        before = np.concatenate(([0], np.cumsum(is_word)))
        return before[ends] - before[ends - sizes]
    return np.add.reduceat(is_word, ends - sizes, dtype=np.int64)


def _moving_ttr(ids: np.ndarray) -> float:
    """Type-token ratio averaged over 50-word windows: independent of length."""
    n = len(ids)
    if n <= _TTR_WINDOW:
        return len(set(ids.tolist())) / max(n, 1)
    first = np.arange(0, n - _TTR_WINDOW + 1, _TTR_WINDOW // 2)
    windows = np.sort(ids[first[:, None] + _WINDOW], axis=1)
    distinct = 1 + np.count_nonzero(windows[:, 1:] != windows[:, :-1], axis=1)
    ratios = distinct / _TTR_WINDOW
    return float(np.add.reduce(ratios) / len(ratios))  # np.mean, without its wrapper


_WINDOW = np.arange(_TTR_WINDOW)
