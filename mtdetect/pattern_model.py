"""Word patterns: how a text is put together, with topic words masked or cancelled.

Why: translation leaves its clearest statistical trace in the grammatical
glue of a sentence (which prepositions, articles and pronouns appear, in
what order, next to what punctuation), and that glue is the same whatever
an article is about. Every word outside a closed list of function words is
replaced by its shape (``C`` capitalised, ``w`` lower case, ``X`` all
capitals, ``0`` a number), so "The minister of the interior of Spain said"
reads ``<s> ^the C of the w of C w``. A linear model over the 1-4-grams of
that stream can learn "of w of the" (machine translation's chains of
genitives) or "his" for "their", but cannot learn a name, a place or a
topic: none of them survive the masking.

With ``keep_lowercase`` the lowercase words stay as they are (names are
still masked), so the model also sees word choice: "persons" for "people",
"roughly" for "about". Such a model is fitted on matched pairs only (a text
and its own machine version; see ``training/style_stack.py``): every topic
word is then on both sides in equal weight, and only what the translation
changed can earn a weight.

The vectoriser (sublinear TF-IDF with L2 norm, as scikit-learn's
``TfidfVectorizer(sublinear_tf=True)``) is written out here, so that one
document is scored with a few array look-ups and so that the n-grams
behind a score can be pointed at in the input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin

from mtdetect import _accel
from mtdetect._compact_state import pack_symbols, unpack_symbols
from mtdetect._pattern_walk import first_positions, strongest_first
from mtdetect._type_table import SENTENCE_START as SENTENCE_START  # the stream's sentence start
from mtdetect._type_table import pattern_stream
from mtdetect.linear import PatternClassifier
from mtdetect.signals.phrases import FUNCTION_WORDS
from mtdetect.text import Document

# Scoring codes each symbol as a small integer (1, 2, ...) and each n-gram as
# those codes packed ``bits_`` apart into one int64, so a document's patterns
# are counted and looked up in numpy rather than as joined strings. Codes start
# at 1, so n-grams of different n never share a key; the all-ones code of
# ``bits_`` marks a symbol the model has never seen, and is never in a key.
_MAX_KEY_BITS = 62


def token_symbol(text: str, keep_lowercase: bool) -> str:
    """The masked symbol of one token: a function word, a kept lowercase word, or a shape.

    Why apart: the symbol depends on nothing but the token and ``keep_lowercase``,
    so the type table (``mtdetect/_type_table.py``) computes it once per distinct
    token with this very function, and ``masked_tokens`` per occurrence.
    """
    first = text[0]
    if first.isalpha():
        low = text.lower()
        if low in FUNCTION_WORDS:
            return low if first.islower() else "^" + low
        if keep_lowercase and first.islower():
            return low
        if len(text) > 1 and text.isupper():
            return "X"
        return "C" if first.isupper() else "w"
    if first.isdigit():
        return "0"
    return first


def masked_tokens(doc: Document, keep_lowercase: bool = False) -> list[tuple[str, int, int]]:
    """The document as (symbol, start, end): function words kept, other words as shapes.

    A sentence start is its own symbol (from the layout-blind sentence
    splitter, so line breaks never matter). A function word keeps a ``^``
    when capitalised, since "The" in mid-sentence is itself a telltale. With
    ``keep_lowercase``, every lowercase word is kept as itself too; words
    with a capital (names, places, titles) are still reduced to their shape.
    """
    out: list[tuple[str, int, int]] = []
    for sentence in doc.sentences:
        out.append((SENTENCE_START, sentence.start, sentence.start))
        out.extend(
            (token_symbol(text, keep_lowercase), start, end) for text, start, end in sentence.tokens
        )
    return out


def patterns(symbols: Sequence[str], max_n: int) -> list[str]:
    """All 1..max_n-grams of a symbol stream, joined by spaces (the model's terms)."""
    out: list[str] = list(symbols)
    previous = out
    for n in range(2, max_n + 1):
        # each n-gram is an (n-1)-gram plus one symbol: one concatenation, no slicing
        tails = symbols[n - 1 :]  # one shorter than ``previous``
        previous = [head + " " + tail for head, tail in zip(previous, tails, strict=False)]
        out.extend(previous)
    return out


class FunctionWordModel(PatternClassifier, ClassifierMixin, BaseEstimator):
    """Logistic regression over TF-IDF of masked word n-grams.

    Parameters
    ----------
    max_n:
        Longest pattern, in symbols.
    min_df:
        A pattern must occur in at least this many training documents.
    max_features:
        Keep the most frequent patterns by total count, as scikit-learn's
        ``TfidfVectorizer`` does (ties, which it leaves to an unstable sort,
        go to the alphabetically first pattern).
    C:
        Inverse L2 regularisation strength of the logistic regression.
    keep_lowercase:
        Keep lowercase content words as themselves, not as ``w`` (names stay
        masked). Such a model sees word choice, and so topic: train it on
        matched pairs only (a text and its own translation), where every
        topic is on both sides and only the translation differs.

    Learned attributes: ``symbols_`` (the symbol table), ``keys_`` (each
    column's packed n-gram key, ascending), ``bits_``, ``idf_``, ``coef_``,
    ``intercept_``, ``classes_``; ``vocabulary_`` (pattern -> column) is
    derived from them on demand.
    """

    def __init__(
        self,
        max_n: int = 4,
        min_df: int = 3,
        max_features: int = 50_000,
        C: float = 1.0,
        keep_lowercase: bool = False,
    ) -> None:
        self.max_n = max_n
        self.min_df = min_df
        self.max_features = max_features
        self.C = C
        self.keep_lowercase = keep_lowercase

    # -- the steps, exposed so training can fit the vocabulary once -----------------
    def tokens(self, doc: Document) -> list[tuple[str, int, int]]:
        """The masked stream, shared with every model that masks the same way."""
        lower = bool(self.keep_lowercase)
        return doc.view(("masked", lower), lambda: masked_tokens(doc, lower))

    def symbols(self, text: str | Document) -> list[str]:
        """The masked symbol stream of a text (patterns are built from it on the fly).

        Read from the shared type table: the symbols of ``masked_tokens``, each
        distinct token masked once per process.
        """
        doc = text if isinstance(text, Document) else Document(text)
        stream = pattern_stream(doc)
        names = stream.symbols(self.keep_lowercase, token_symbol)
        return [names[row] for row in stream.rows.tolist()]

    def fit_vocabulary(self, streams: Sequence[Sequence[str]]) -> FunctionWordModel:
        """Learn the pattern vocabulary and IDF from unlabelled symbol streams."""
        table = sorted({symbol for stream in streams for symbol in stream})
        bits = (len(table) + 1).bit_length()  # the all-ones code stays free for "unseen"
        if self.max_n * bits > _MAX_KEY_BITS:
            raise ValueError(
                f"{len(table)} symbols in {self.max_n}-grams do not fit a 64-bit key; lower max_n"
            )
        self._set_table(table, bits)
        found_keys, found_counts = [], []
        for stream in streams:
            keys, counts = np.unique(np.concatenate(self._grams(stream)), return_counts=True)
            found_keys.append(keys)
            found_counts.append(counts)
        all_keys = np.concatenate(found_keys) if found_keys else np.zeros(0, np.int64)
        keys, where = np.unique(all_keys, return_inverse=True)
        df = np.bincount(where, minlength=len(keys))
        tf = np.bincount(where, weights=np.concatenate(found_counts) if found_counts else None)
        frequent = df >= self.min_df
        keys, df, tf = keys[frequent], df[frequent], tf[frequent]
        if len(keys) > self.max_features:
            chosen = self._most_frequent(keys, tf)
            keys, df = keys[chosen], df[chosen]
        self.keys_ = keys  # ascending: np.unique sorted them, selection kept the order
        n = len(streams)
        self.idf_ = np.log((1.0 + n) / (1.0 + df.astype(np.float64))) + 1.0
        return self

    def _most_frequent(self, keys: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """Positions of the ``max_features`` most frequent keys, ties broken by pattern text."""
        order = np.argsort(-tf, kind="stable")
        cut = tf[order[self.max_features - 1]]
        sure = np.flatnonzero(tf > cut)
        tied = np.flatnonzero(tf == cut)
        room = self.max_features - len(sure)
        tied = tied[np.argsort([self._decode(k) for k in keys[tied]], kind="stable")][:room]
        return np.sort(np.concatenate([sure, tied]))

    def vectorise(self, streams: Iterable[Sequence[str]]) -> sparse.csr_matrix:
        """Sublinear TF-IDF rows, L2-normalised, one per symbol stream."""
        indptr, indices, data = [0], [], []
        for stream in streams:
            ids, values = self._row(self._stream_codes(stream))
            indices.append(ids)
            data.append(values)
            indptr.append(indptr[-1] + len(ids))
        shape = (len(indptr) - 1, len(self.keys_))
        if not indices:
            return sparse.csr_matrix(shape)
        return sparse.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), np.array(indptr)), shape=shape
        )

    def use_vocabulary_of(self, other: FunctionWordModel) -> FunctionWordModel:
        """Share ``other``'s fitted vocabulary and IDF (to refit only the classifier)."""
        self._set_table(other.symbols_, other.bits_)
        self.keys_ = other.keys_
        self.idf_ = other.idf_
        return self

    # -- scikit-learn API (fit, predict: linear.PatternClassifier) ---------------------
    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        return np.array([self.score_symbols(self.symbols(text)) for text in X])

    # -- one document ---------------------------------------------------------------
    def score_symbols(self, stream: Sequence[str]) -> float:
        ids, values = self._row(self._stream_codes(stream))
        return float(values @ self.coef_[ids]) + self.intercept_

    def explain(self, doc: Document, top: int = 5, spans_each: int = 2) -> tuple[float, list]:
        """The document's score and, if it leans machine, its strongest telling patterns.

        Returns ``(score, [(pattern, contribution, [(start, end), ...]), ...])``,
        strongest first; a contribution is the pattern's own term of the score.
        A score of 0 or less (human on balance) has nothing to show. A lone
        function word, shape or punctuation mark ("of", "C") is never shown:
        it is a matter of rate, not something a reader can see in a passage.
        """
        stream = pattern_stream(doc)
        codes = stream.codes(self, token_symbol)
        ids, counts = _accel.matches(self, codes)
        idf, coef = _accel.take_pair(self.idf_, self.coef_, ids)  # both in one pass
        ids, values = self._tfidf(ids, counts, idf)
        parts = values * coef
        score = float(parts.sum()) + self.intercept_
        if score <= 0:
            return score, []
        items = []
        grams = [codes]  # keys by position, for the spans: built up to the longest shown
        keys, terms, bits = self.keys_, self._terms(), self.bits_
        for k in strongest_first(parts):
            if len(items) == top or parts[k] <= 0:
                break
            key = int(keys[ids[k]])
            found = terms.get(key)
            if found is None:
                found = terms[key] = self._term(key)
            term, n, shown = found
            if not shown:
                continue
            while len(grams) < n:  # as _gram_keys builds them
                grams.append((grams[-1][:-1] << bits) | codes[len(grams) :])
            at = first_positions(grams[n - 1] == key, spans_each)
            items.append((term, float(parts[k]), [stream.span(i, n) for i in at]))
        return score, items

    def _terms(self) -> dict[int, tuple[str, int, bool]]:
        """Key -> (pattern, n, shown in ``explain``), filled as ``explain`` meets keys.

        Why: the strongest patterns of one document are mostly the strongest of
        the next, so each is decoded once per process, not once per document.
        Kept with the symbol table it was decoded from, and dropped with it.
        """
        cached = self.__dict__.get("_terms_cache")
        if cached is None or cached[0] is not self.symbols_ or cached[1] != self.bits_:
            cached = (self.symbols_, self.bits_, {})
            self.__dict__["_terms_cache"] = cached
        return cached[2]

    def _term(self, key: int) -> tuple[str, int, bool]:
        term = self._decode(key)
        n = term.count(" ") + 1
        return term, n, n > 1 or _is_content_word(term)

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Pattern text -> column (derived from ``keys_``; for reading, not for scoring)."""
        cached = self.__dict__.get("_vocabulary_cache")
        if cached is None:
            cached = {self._decode(key): column for column, key in enumerate(self.keys_)}
            self.__dict__["_vocabulary_cache"] = cached
        return cached

    def terms(self) -> list[str]:
        """Each column's pattern text, in column order."""
        return [self._decode(key) for key in self.keys_]

    def _set_table(self, table: Sequence[str], bits: int) -> None:
        """A new symbol table: everything derived from the old one is dropped."""
        self.symbols_ = np.asarray(table, dtype=object)
        self.bits_ = bits
        for cache in ("_codes", "_vocabulary", "_type_codes", "_vocabulary_index", "_terms"):
            self.__dict__.pop(cache + "_cache", None)

    def _codes(self) -> dict[str, int]:
        cached = self.__dict__.get("_codes_cache")
        if cached is None:
            cached = dict(zip(self.symbols_, range(1, len(self.symbols_) + 1), strict=True))
            self.__dict__["_codes_cache"] = cached
        return cached

    def _decode(self, key: int) -> str:
        mask, parts, key = (1 << self.bits_) - 1, [], int(key)
        while key:
            parts.append(self.symbols_[(key & mask) - 1])
            key >>= self.bits_
        return " ".join(reversed(parts))

    def _stream_codes(self, stream: Sequence[str]) -> np.ndarray:
        """The model's code of each symbol of a stream (all bits set: a symbol never seen)."""
        codes, unseen = self._codes(), (1 << self.bits_) - 1
        return np.fromiter(
            (codes.get(symbol, unseen) for symbol in stream), dtype=np.int64, count=len(stream)
        )

    def _grams(self, stream: Sequence[str]) -> list[np.ndarray]:
        return self._gram_keys(self._stream_codes(stream))

    def _gram_keys(self, ids: np.ndarray) -> list[np.ndarray]:
        """Keys of the 1..max_n-grams of a stream of symbol codes, one array per n, by position."""
        grams = [ids]
        for n in range(2, self.max_n + 1):
            grams.append((grams[-1][:-1] << self.bits_) | ids[n - 1 :])
        return grams

    def _row(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vocabulary columns present in a stream of symbol codes and their TF-IDF values."""
        return self._tfidf(*_accel.matches(self, codes))

    def _tfidf(self, ids: np.ndarray, counts: np.ndarray, idf: Any = None) -> tuple[Any, Any]:
        """Sublinear TF-IDF values of the columns ``ids`` (ascending) seen ``counts`` times."""
        if not len(ids):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idf = self.idf_[ids] if idf is None else idf
        values = (np.log(counts.astype(np.float64)) + 1.0) * idf
        values /= np.sqrt(values @ values)
        return ids, values

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        digest.update(repr(self.get_params()).encode())
        digest.update("\n".join(self.symbols_).encode())
        for array in (self.keys_, self.idf_, self.coef_):
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update(repr((self.bits_, self.intercept_)).encode())
        return digest.hexdigest()[:16]

    def __getstate__(self) -> dict[str, object]:
        return pack_symbols({k: v for k, v in self.__dict__.items() if not k.endswith("_cache")})

    def __setstate__(self, state: dict[str, object]) -> None:
        super().__setstate__(unpack_symbols(state))


def _is_content_word(symbol: str) -> bool:
    """A kept lowercase word that is not a function word ("persons", not "of" or "C")."""
    if len(symbol) < 2 or symbol in FUNCTION_WORDS:
        return False
    return symbol.isalpha() and symbol.islower()
