"""A character n-gram model, hashed with numpy: how a text is spelled, not what it says.

Why characters: neural MT output differs from human English in small,
pervasive habits (punctuation and spacing, contractions, hyphenation,
suffixes, function-word sequences) that a word model only sees through its
vocabulary. A TF-IDF character model is the strongest bag-of-n-grams
baseline on neural MT here, so its evidence belongs among the signals.

Why numpy: scikit-learn's character analyzer builds every n-gram as a Python
string (several milliseconds for a 5 KB article). Here each n-gram is a
64-bit polynomial hash of its code points, computed for all positions at
once; the vocabulary is a sorted array of hashes, looked up with
``searchsorted``. The hash never changes between processes or platforms.

The text is normalised as every family reads it (``mtdetect.text.normalise``:
one kind of quote, dash and space), digits are folded to ``0`` and every run
of white space to one space, so typography, figures and layout are not learned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin

from mtdetect import _chars_accel
from mtdetect._chars_accel import RUNNING, SCORE, SHARES
from mtdetect._hash_index import HashIndex
from mtdetect.linear import PatternClassifier
from mtdetect.text import normalise

_PRIME = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime: odd, well spread
_GOLDEN = 0x9E3779B97F4A7C15


def _salt(n: int) -> np.uint64:
    """A different constant per n-gram length, so "abc" as a 3-gram is not a 4-gram's key."""
    return np.uint64((n * _GOLDEN) & 0xFFFFFFFFFFFFFFFF)


_SPACE = 32
# white space other than " " that folds to it (str.isspace's set, below U+3001)
_WHITE = np.zeros(0x3001, dtype=bool)
_WHITE[[c for c in range(0x3001) if chr(c).isspace()]] = True
_DIGIT_0, _DIGIT_9 = ord("0"), ord("9")


def fold(text: str) -> np.ndarray:
    """Code points, lower-cased, digits as 0 and white space as " ", one per character.

    One code point per character of ``text``, so offsets stay the caller's.
    """
    lower = text.lower()
    if len(lower) != len(text):  # "İ" lower-cases to two characters: keep the first
        lower = "".join(ch.lower()[:1] or ch for ch in text)
    codes = np.frombuffer(lower.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = codes.astype(np.uint64)
    codes[(codes >= _DIGIT_0) & (codes <= _DIGIT_9)] = _DIGIT_0
    codes[_WHITE[np.minimum(codes, 0x3000)] & (codes <= 0x3000)] = _SPACE
    return codes


def char_grams(text: str, min_n: int, max_n: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Hashes of every ``min_n``..``max_n``-gram, one array per n, and each position's offset.

    Runs of spaces count as one space. ``grams[n - min_n][i]`` is the n-gram
    starting at folded character ``i``, which is ``offsets[i]`` in ``text``.
    """
    codes = fold(text)
    space = codes == _SPACE
    keep = ~(space & np.concatenate(([False], space[:-1])))
    codes = codes[keep]
    offsets = np.flatnonzero(keep)
    grams: list[np.ndarray] = []
    rolling = codes.copy()
    for n in range(2, max_n + 1):
        rolling = rolling[:-1] * _PRIME + codes[n - 1 :]
        if n >= min_n:
            grams.append(rolling ^ _salt(n))
    if min_n == 1:
        grams.insert(0, codes ^ _salt(1))
    return grams, offsets


class CharGramModel(PatternClassifier, ClassifierMixin, BaseEstimator):
    """Logistic regression over TF-IDF of hashed character n-grams.

    Parameters
    ----------
    min_n, max_n:
        Shortest and longest n-gram, in characters.
    min_df:
        An n-gram must occur in at least this many training documents.
    max_features:
        Keep the n-grams found in the most training documents.
    C:
        Inverse L2 regularisation strength of the logistic regression.

    Learned attributes: ``keys_`` (each column's hash, ascending), ``idf_``,
    ``coef_``, ``intercept_``, ``classes_``.
    """

    def __init__(
        self,
        min_n: int = 3,
        max_n: int = 5,
        min_df: int = 3,
        max_features: int = 200_000,
        C: float = 1.0,
    ) -> None:
        self.min_n = min_n
        self.max_n = max_n
        self.min_df = min_df
        self.max_features = max_features
        self.C = C

    # -- the steps, exposed so training can fit the vocabulary once -----------------
    def keys(self, text: str, normalised: bool = False) -> np.ndarray:
        """Every n-gram hash of ``text`` (all lengths together).

        ``normalised``: ``text`` is already ``normalise``d (a ``Document.norm``).
        """
        grams, _ = char_grams(text if normalised else normalise(text), self.min_n, self.max_n)
        return np.concatenate(grams) if grams else np.zeros(0, dtype=np.uint64)

    def symbols(self, text: str) -> np.ndarray:
        """What ``vectorise`` reads for one document, as for the word pattern models."""
        return self.keys(text)

    def fit_vocabulary(self, key_arrays: Iterable[np.ndarray]) -> CharGramModel:
        """Document frequencies in chunks (memory stays small), then the commonest n-grams."""
        chunks: list[tuple[np.ndarray, np.ndarray]] = []
        batch: list[np.ndarray] = []
        n_docs = 0
        for keys in key_arrays:
            batch.append(np.unique(keys))
            n_docs += 1
            if len(batch) == 500:
                chunks.append(_merge([np.unique(np.concatenate(batch), return_counts=True)]))
                batch = []
                if len(chunks) > 8:
                    chunks = [_merge(chunks)]
        if batch:
            chunks.append(np.unique(np.concatenate(batch), return_counts=True))
        keys, df = _merge(chunks) if chunks else (np.zeros(0, np.uint64), np.zeros(0, np.int64))
        frequent = df >= self.min_df
        keys, df = keys[frequent], df[frequent]
        if len(keys) > self.max_features:
            order = np.lexsort((keys, -df))[: self.max_features]  # ties: the smaller hash
            keys, df = keys[order], df[order]
            ascending = np.argsort(keys)
            keys, df = keys[ascending], df[ascending]
        self.keys_ = keys
        self.__dict__.pop("_index_cache", None)
        self.idf_ = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        return self

    def vectorise(self, key_arrays: Iterable[np.ndarray]) -> sparse.csr_matrix:
        indptr, indices, data = [0], [], []
        for keys in key_arrays:
            ids, values = self._row(keys)
            indices.append(ids)
            data.append(values)
            indptr.append(indptr[-1] + len(ids))
        shape = (len(indptr) - 1, len(self.keys_))
        if not indices:
            return sparse.csr_matrix(shape)
        return sparse.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), np.array(indptr)), shape=shape
        )

    def use_vocabulary_of(self, other: CharGramModel) -> CharGramModel:
        self.keys_, self.idf_ = other.keys_, other.idf_
        self.__dict__["_index_cache"] = other._index()
        return self

    # -- scikit-learn API (fit, predict: linear.PatternClassifier) ---------------------
    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        return np.array([self.score(text) for text in X])

    # -- one document ---------------------------------------------------------------
    def score(self, text: str, normalised: bool = False) -> float:
        """The log-odds, equal to ``_row``'s TF-IDF dot product without finding the
        distinct columns: each occurrence of a column counted ``c`` times carries
        ``1/c`` of its value (a sort or a scan of the vocabulary would cost more)."""
        return self.contributions(text, normalised, share=False)[0]

    def contributions(
        self, text: str, normalised: bool = False, share: bool = True
    ) -> tuple[float, np.ndarray]:
        """The score and each character's share of it, for finding the passages that carry it.

        An n-gram column's term of the score is split evenly among its
        occurrences, and each occurrence's part goes to the character it starts
        at. ``share=False`` skips the shares (an empty array comes back).
        """
        text = text if normalised else normalise(text)
        fast = _chars_accel.char_scores(self, text, SHARES if share else SCORE)
        if fast is not None:
            return self._compiled_answer(fast, len(text) if share else 0)
        shares = np.zeros(len(text) if share else 0)
        columns, counts, starts = self._occurrences(text)
        if not len(columns):
            return self.intercept_, shares
        counts = counts.astype(np.float64)
        values = (np.log(counts) + 1.0) * self.idf_[columns]
        norm = np.sqrt(np.sum(values * values / counts))
        terms = values * self.coef_[columns] / counts
        score = float(np.sum(terms) / norm) + self.intercept_
        if share:
            shares += np.bincount(starts, weights=terms / norm, minlength=len(text))
        return score, shares

    def running_contributions(self, text: str) -> tuple[float, np.ndarray]:
        """The score and the running sum of the shares of normalised ``text`` (one more
        value than characters, from 0.0): a passage's share is a difference of two."""
        fast = _chars_accel.char_scores(self, text, RUNNING)
        if fast is not None:
            return self._compiled_answer(fast, len(text) + 1)
        score, shares = self.contributions(text, normalised=True)
        return score, np.concatenate(([0.0], np.cumsum(shares)))

    def _compiled_answer(
        self, fast: tuple[int, float, np.ndarray | None], size: int
    ) -> tuple[float, np.ndarray]:
        """``contributions``' answer from the compiled scorer's (no occurrence: zeros)."""
        found, raw, array = fast
        if not found:
            return self.intercept_, np.zeros(size)
        return float(raw) + self.intercept_, np.zeros(0) if array is None else array

    def _occurrences(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each vocabulary n-gram occurrence of normalised ``text``: its column, how often
        that column occurs in the text, and the offset it starts at (all ``min_n``-grams
        first, then longer ones, each in text order): the pure-Python path, which the
        compiled scorer (``mtdetect._chars_accel.char_scores``) matches to the last bit."""
        grams, offsets = char_grams(text, self.min_n, self.max_n)
        if not grams:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        columns = self._index().lookup(np.concatenate(grams))
        known = columns >= 0
        columns = columns[known]
        counts = np.bincount(columns, minlength=len(self.keys_))[columns]
        starts = np.concatenate([offsets[: len(array)] for array in grams])[known]
        return columns, counts, starts

    def spell(self, columns: Sequence[int], texts: Iterable[str]) -> list[str]:
        """A spelling of each column's n-gram (as folded text), found by hashing ``texts``.

        Why: the vocabulary keeps hashes, not strings; reading the strongest
        weights (are they grammar, not topic?) needs some text that has them.
        Columns seen nowhere in ``texts`` are spelled "?".
        """
        wanted = {int(self.keys_[c]): i for i, c in enumerate(columns)}
        found = ["?"] * len(wanted)
        targets = np.fromiter(wanted, dtype=np.uint64, count=len(wanted))
        for text in texts:
            norm = normalise(text)
            grams, offsets = char_grams(norm, self.min_n, self.max_n)
            folded = "".join(chr(c) for c in fold(norm)[offsets])
            for i, array in enumerate(grams):
                n = self.min_n + i
                for at in np.flatnonzero(np.isin(array, targets)).tolist():
                    slot = wanted[int(array[at])]
                    if found[slot] == "?":
                        found[slot] = folded[at : at + n]
            if "?" not in found:
                break
        return found

    def _row(self, keys: np.ndarray, return_inverse: bool = False) -> tuple[np.ndarray, ...]:
        """Vocabulary columns present and their TF-IDF values (and, if asked, each key's
        position among those columns, -1 where the key is not in the vocabulary)."""
        columns = self._index().lookup(keys)
        known = columns >= 0
        counts = np.bincount(columns[known], minlength=len(self.keys_))
        ids = np.flatnonzero(counts)
        values = (np.log(counts[ids].astype(np.float64)) + 1.0) * self.idf_[ids]
        norm = np.sqrt(values @ values)
        if norm > 0:
            values /= norm
        if not return_inverse:
            return ids, values
        position = np.full(len(self.keys_), -1)
        position[ids] = np.arange(len(ids))
        where = np.full(len(keys), -1)
        where[known] = position[columns[known]]
        return ids, values, where

    def _index(self) -> HashIndex:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = self.__dict__["_index_cache"] = HashIndex(self.keys_)
        return cached

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_cache")}

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        digest.update(repr(self.get_params()).encode())
        for array in (self.keys_, self.idf_, self.coef_):
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update(repr(self.intercept_).encode())
        return digest.hexdigest()[:16]


def _merge(chunks: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Sum the counts of equal keys across chunks of (keys, counts)."""
    keys = np.concatenate([k for k, _ in chunks])
    counts = np.concatenate([c for _, c in chunks])
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)
