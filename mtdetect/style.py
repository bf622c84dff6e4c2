"""Function-word patterns: how a text is put together, with every topic word masked.

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

The vectoriser (sublinear TF-IDF with L2 norm, as scikit-learn's
``TfidfVectorizer(sublinear_tf=True)``) is written out here, so that one
document is scored with a few dictionary look-ups and so that the n-grams
behind a score can be pointed at in the input.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from mtdetect.evidence import Evidence
from mtdetect.signals.phrases import FUNCTION_WORDS
from mtdetect.text import Document

SENTENCE_START = "<s>"
# Scoring codes each symbol as a small integer and each n-gram as those codes
# packed _BITS apart into one int64, so a document's patterns are counted and
# looked up in numpy rather than as joined strings. Codes start at 1 (so
# n-grams of different n never share a key); _UNKNOWN, a symbol absent from
# the vocabulary, is never part of a vocabulary key.
_BITS = 10
_UNKNOWN = (1 << _BITS) - 1


def masked_tokens(doc: Document) -> list[tuple[str, int, int]]:
    """The document as (symbol, start, end): function words kept, other words as shapes.

    A sentence start is its own symbol (from the layout-blind sentence
    splitter, so line breaks never matter). A function word keeps a ``^``
    when capitalised, since "The" in mid-sentence is itself a telltale.
    """
    out: list[tuple[str, int, int]] = []
    for sentence in doc.sentences:
        out.append((SENTENCE_START, sentence.start, sentence.start))
        for text, start, end in sentence.tokens:
            first = text[0]
            if first.isalpha():
                low = text.lower()
                if low in FUNCTION_WORDS:
                    symbol = low if first.islower() else "^" + low
                elif len(text) > 1 and text.isupper():
                    symbol = "X"
                else:
                    symbol = "C" if first.isupper() else "w"
            elif first.isdigit():
                symbol = "0"
            else:
                symbol = first
            out.append((symbol, start, end))
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


class FunctionWordModel(ClassifierMixin, BaseEstimator):
    """Logistic regression over TF-IDF of masked function-word n-grams.

    Parameters
    ----------
    max_n:
        Longest pattern, in symbols.
    min_df:
        A pattern must occur in at least this many training documents.
    max_features:
        Keep the most frequent patterns (by total count), as scikit-learn does.
    C:
        Inverse L2 regularisation strength of the logistic regression.
    """

    def __init__(
        self, max_n: int = 4, min_df: int = 3, max_features: int = 50_000, C: float = 1.0
    ) -> None:
        self.max_n = max_n
        self.min_df = min_df
        self.max_features = max_features
        self.C = C

    # -- the steps, exposed so training can fit the vocabulary once -----------------
    def symbols(self, text: str | Document) -> list[str]:
        """The masked symbol stream of a text (patterns are built from it on the fly)."""
        doc = text if isinstance(text, Document) else Document(text)
        return [symbol for symbol, _, _ in masked_tokens(doc)]

    def fit_vocabulary(self, streams: Sequence[Sequence[str]]) -> FunctionWordModel:
        """Learn the pattern vocabulary and IDF from unlabelled symbol streams."""
        df: Counter[str] = Counter()
        tf: Counter[str] = Counter()
        for stream in streams:
            counts = Counter(patterns(stream, self.max_n))
            df.update(counts.keys())
            tf.update(counts)
        kept = [term for term, d in df.items() if d >= self.min_df]
        # most frequent first, ties by term, as TfidfVectorizer's max_features
        kept.sort(key=lambda term: (-tf[term], term))
        kept = sorted(kept[: self.max_features])
        self.vocabulary_ = {term: i for i, term in enumerate(kept)}
        self.__dict__.pop("_index_cache", None)  # derived from the old vocabulary
        self.__dict__.pop("_terms_cache", None)
        n = len(streams)
        dfs = np.array([df[term] for term in kept], dtype=np.float64)
        self.idf_ = np.log((1.0 + n) / (1.0 + dfs)) + 1.0
        return self

    def vectorise(self, streams: Iterable[Sequence[str]]) -> sparse.csr_matrix:
        """Sublinear TF-IDF rows, L2-normalised, one per symbol stream."""
        indptr, indices, data = [0], [], []
        for stream in streams:
            ids, values = self._row(self._grams(stream))
            indices.append(ids)
            data.append(values)
            indptr.append(indptr[-1] + len(ids))
        shape = (len(indptr) - 1, len(self.vocabulary_))
        if not indices:
            return sparse.csr_matrix(shape)
        return sparse.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), np.array(indptr)), shape=shape
        )

    def fit_classifier(
        self, matrix: sparse.spmatrix, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> FunctionWordModel:
        clf = LogisticRegression(C=self.C, solver="liblinear", max_iter=2000, random_state=0)
        clf.fit(matrix, y, sample_weight=sample_weight)
        self.classes_ = clf.classes_
        self.coef_ = clf.coef_.ravel().astype(np.float64)
        self.intercept_ = float(clf.intercept_[0])
        return self

    # -- scikit-learn API -------------------------------------------------------------
    def fit(
        self, X: Iterable[str], y: Sequence[int], sample_weight: np.ndarray | None = None
    ) -> FunctionWordModel:
        streams = [self.symbols(text) for text in X]
        self.fit_vocabulary(streams)
        return self.fit_classifier(self.vectorise(streams), np.asarray(y), sample_weight)

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        return np.array([self.score_symbols(self.symbols(text)) for text in X])

    def predict(self, X: Iterable[str]) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    # -- one document ---------------------------------------------------------------
    def score_symbols(self, stream: Sequence[str]) -> float:
        ids, values = self._row(self._grams(stream))
        return float(values @ self.coef_[ids]) + self.intercept_

    def explain(self, doc: Document, top: int = 5, spans_each: int = 2) -> tuple[float, list]:
        """The document's score and, if it leans machine, its strongest patterns with spans.

        Returns ``(score, [(pattern, contribution, [(start, end), ...]), ...])``,
        strongest first; a contribution is the pattern's own term of the score.
        A score of 0 or less (human on balance) has nothing to show.
        """
        tokens = masked_tokens(doc)
        symbols = [symbol for symbol, _, _ in tokens]
        grams = self._grams(symbols)
        ids, values = self._row(grams)
        parts = values * self.coef_[ids]
        score = float(parts.sum()) + self.intercept_
        if score <= 0:
            return score, []
        order = [k for k in np.argsort(-parts)[:top] if parts[k] > 0]
        items = []
        for k in order:
            term = self._terms()[ids[k]]
            n = term.count(" ") + 1
            key = self._index()[3][ids[k]]
            spans = []
            for i in np.flatnonzero(grams[n - 1] == key)[:spans_each].tolist():
                real = [t for t in tokens[i : i + n] if t[0] != SENTENCE_START] or [tokens[i]]
                spans.append((real[0][1], real[-1][2]))
            items.append((term, float(parts[k]), spans))
        return score, items

    def _grams(self, stream: Sequence[str]) -> list[np.ndarray]:
        """Integer keys of the stream's 1..max_n-grams, one array per n, by position."""
        codes = self._index()[0]
        ids = np.fromiter(
            (codes.get(symbol, _UNKNOWN) for symbol in stream), dtype=np.int64, count=len(stream)
        )
        grams = [ids]
        for n in range(2, self.max_n + 1):
            grams.append((grams[-1][:-1] << _BITS) | ids[n - 1 :])
        return grams

    def _row(self, grams: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Vocabulary columns present in a document and their TF-IDF values."""
        _, sorted_keys, sorted_columns, _ = self._index()
        keys, counts = np.unique(np.concatenate(grams), return_counts=True)
        at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
        hit = sorted_keys[at] == keys if len(sorted_keys) else np.zeros(len(keys), dtype=bool)
        if not hit.any():
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        ids = sorted_columns[at[hit]]
        values = (np.log(counts[hit].astype(np.float64)) + 1.0) * self.idf_[ids]
        values /= np.sqrt(values @ values)
        return ids, values

    def _index(self) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
        """Symbol codes, sorted vocabulary keys, their columns, and each column's key.

        Derived from ``vocabulary_`` on first use (about 50 ms for 50,000
        patterns) and never pickled.
        """
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            if self.max_n * _BITS > 62:
                raise ValueError(f"max_n={self.max_n} patterns do not fit a 64-bit key")
            codes: dict[str, int] = {}
            column_keys = np.zeros(len(self.vocabulary_), dtype=np.int64)
            for term, column in self.vocabulary_.items():
                key = 0
                for symbol in term.split(" "):
                    code = codes.setdefault(symbol, len(codes) + 1)
                    key = (key << _BITS) | code
                column_keys[column] = key
            if len(codes) >= _UNKNOWN:
                raise ValueError(f"{len(codes)} distinct symbols do not fit {_BITS}-bit codes")
            order = np.argsort(column_keys)
            cached = (codes, column_keys[order], order, column_keys)
            self.__dict__["_index_cache"] = cached
        return cached

    def _terms(self) -> list[str]:
        cached = self.__dict__.get("_terms_cache")
        if cached is None:
            cached = [""] * len(self.vocabulary_)
            for term, i in self.vocabulary_.items():
                cached[i] = term
            self.__dict__["_terms_cache"] = cached
        return cached

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        digest.update(repr(self.get_params()).encode())
        digest.update("\n".join(self._terms()).encode())
        digest.update(np.ascontiguousarray(self.idf_).tobytes())
        digest.update(np.ascontiguousarray(self.coef_).tobytes())
        digest.update(repr(self.intercept_).encode())
        return digest.hexdigest()[:16]

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state.pop("_terms_cache", None)
        state.pop("_index_cache", None)
        return state


def describe(term: str) -> str:
    """A pattern in words a moderator can read."""
    return term.replace(SENTENCE_START, "[start]")


def evidence_items(
    items: Sequence[tuple[str, float, Sequence[tuple[int, int]]]], text: str, kind: str
) -> list[Evidence]:
    """Evidence for each pattern occurrence; ``weight`` holds the pattern's relative pull."""
    out = []
    for term, contribution, spans in items:
        message = (
            f"word pattern '{describe(term)}' (C/w/X: other words, 0: a number) is "
            "typical of machine-translated English"
        )
        for start, end in spans:
            share = contribution / max(len(spans), 1)
            out.append(Evidence(kind, start, end, text[start:end], message, share))
    return out
