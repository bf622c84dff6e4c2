"""Word and bigram counts of native English news, loaded once, looked up in bulk.

Why: "is this word pair something native news says?" is the question behind
the ``phrases`` signal, and it must be answered for a whole document at once
(numpy ``searchsorted``), not word by word.

File format (``news_ngrams.npz``, built by ``training/build_ngrams.py``):
``vocab`` UTF-8 tokens joined by newlines (id = position; the first ids are
:data:`SPECIALS`), ``unigram`` uint32 counts per id, ``bigram_delta`` the
sorted keys ``(id1 << 16) | id2`` delta-encoded, ``bigram_bucket`` each
bigram's count as ``round(8 * log2(count))`` in a uint8, ``n_tokens`` and
``n_bigrams`` (corpus totals), and
``neighbour_ids`` / ``neighbours``: for each common word, the ids of the 20
words used most like it (distributional similarity over left/right contexts),
so that an unseen pair can be checked against pairs of similar words;
``function_word`` (the phrases signal's FUNCTION_WORDS, as flags per id), and
``content_after`` / ``content_before``: the percentage of each word's right /
left neighbours in news that are content words (a word that is usually
followed by one sits in a modifier slot, like an adjective).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mtdetect import _accel
from mtdetect.resources import data_path, file_sha256, shared

UNK, NUM, BOUNDARY = 0, 1, 2
SPECIALS = ("<unk>", "<num>", "<s>")
FILENAME = "news_ngrams.npz"
_BACKOFF = 0.4  # stupid backoff factor (Brants et al. 2007)
_BLOCK = 64  # keys per block of the two-level bigram search
_ABSENT = 256  # bucket of a bigram that is not in the table
# count of each bucket (see bucket_counts), and 0 for _ABSENT
_BUCKET_COUNT = np.append(np.exp2(np.arange(256) / 8.0), 0.0)


def bucket_counts(counts: np.ndarray) -> np.ndarray:
    """Counts as uint8 log2 buckets, 1/8 octave apart (about 9% resolution)."""
    q = np.rint(8.0 * np.log2(np.maximum(counts, 1)))
    return np.clip(q, 0, 255).astype(np.uint8)


class NewsNgrams:
    """The native news table: token ids, word counts, bigram counts."""

    def __init__(self, path: Path) -> None:
        # hashed once, as it is loaded: several checks ask for it (np.load reads a
        # path faster than the same bytes in memory, so the file is read twice)
        self._fingerprint = file_sha256(path)[:16]
        with np.load(path) as data:
            self.vocab: list[str] = bytes(data["vocab"]).decode("utf-8").split("\n")
            self.unigram = data["unigram"].astype(np.float64)
            self.n_tokens = int(data["n_tokens"][0])
            self.keys = np.cumsum(data["bigram_delta"], dtype=np.uint32)
            self._block_first = self.keys[::_BLOCK].copy()
            bucket = data["bigram_bucket"]
            nb_ids = data["neighbour_ids"].astype(np.int64)
            self._neighbours = data["neighbours"].astype(np.int64)
            self.function_word: np.ndarray = data["function_word"]
            self.content_after: np.ndarray = data["content_after"] / 100.0
            self.content_before: np.ndarray = data["content_before"] / 100.0
        self._neighbour_row = np.full(len(self.vocab), -1, dtype=np.int64)
        self._neighbour_row[nb_ids] = np.arange(len(nb_ids))
        self.index: dict[str, int] = dict(zip(self.vocab, range(len(self.vocab)), strict=True))
        # one bucket per key, then the _ABSENT slot at index len(keys)
        self._bucket = np.append(bucket.astype(np.uint16), np.uint16(_ABSENT))
        self._log_unigram_p = np.log(np.maximum(self.unigram, 0.5) / self.n_tokens)
        # bigram_logprob's backoff per id, added once here rather than per document
        self._backoff_logprob = np.log(_BACKOFF) + self._log_unigram_p
        self.path = path
        self.bucket_count = _BUCKET_COUNT

    def ids(self, tokens: Sequence[str]) -> np.ndarray:
        """Ids of tokens (case-folded here); numbers become ``<num>``, unknown words ``<unk>``."""
        get = self.index.get
        out = np.array([get(t.lower(), UNK) for t in tokens], dtype=np.int64)
        for i in np.flatnonzero(out == UNK):
            if tokens[i][:1].isdigit():
                out[i] = NUM
        return out

    def word_counts(self, ids: np.ndarray) -> np.ndarray:
        """Corpus count of each id (``<unk>`` gets the count of all unknown words)."""
        return self.unigram[ids]

    def bigram_counts(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Approximate corpus counts of the pairs ``(left[i], right[i])``; 0 = never seen."""
        fast = _accel.pair_counts(self, left, right)
        if fast is not None:
            return fast
        want = (left.astype(np.uint32) << 16) | right.astype(np.uint32)
        return _BUCKET_COUNT[self._bucket[self._positions(want)]]

    def adjacent_counts(self, ids: np.ndarray) -> np.ndarray:
        """``bigram_counts(ids[:-1], ids[1:])``: the counts of a document's adjacent pairs."""
        fast = _accel.adjacent_pair_counts(self, ids)
        if fast is not None:
            return fast
        return self.bigram_counts(ids[:-1], ids[1:])

    def _positions(self, want: np.ndarray) -> np.ndarray:
        """Index of each key in ``keys``, or ``len(keys)`` when absent.

        Two levels, because one binary search over 9 MB of keys misses the
        cache at every step: first every 64th key (140 KB), then a vectorised
        binary search inside the 64-key block.
        """
        fast = _accel.pair_positions(self, want)
        if fast is not None:
            return fast
        n = len(self.keys)
        lo = np.maximum(np.searchsorted(self._block_first, want, side="right") - 1, 0) * _BLOCK
        hi = np.minimum(lo + _BLOCK, n)
        for _ in range(_BLOCK.bit_length()):
            mid = (lo + hi) >> 1
            right_half = self.keys[np.minimum(mid, n - 1)] < want
            lo = np.where(right_half, mid + 1, lo)
            hi = np.where(right_half, hi, mid)
        hit = self.keys[np.minimum(lo, n - 1)] == want
        return np.where(hit, lo, n)

    def neighbours(self, ids: np.ndarray, k: int) -> np.ndarray:
        """The ``k`` nearest distributional neighbours of each id, ``[len(ids), k]``.

        Words without a list (rare words, punctuation) get themselves.
        """
        rows = self._neighbour_row[ids]
        out = self._neighbours[np.maximum(rows, 0), :k]
        out[rows < 0] = ids[rows < 0, None]
        return out

    def unsupported(self, first: np.ndarray, second: np.ndarray, k: int) -> np.ndarray:
        """Per pair ``(first[i], second[i])``: whether no pair of one of the ``k`` words
        used most like either word with the other is seen ("marginal measures",
        "modest policies" for "marginal policies")."""
        fast = _accel.pair_unsupported(self, first, second, k)
        if fast is not None:
            return fast
        # one lookup for both sides: (similar-to-first, second) then (first, similar-to-second)
        counts = self.bigram_counts(
            np.concatenate([self.neighbours(first, k).ravel(), np.repeat(first, k)]),
            np.concatenate([np.repeat(second, k), self.neighbours(second, k).ravel()]),
        )
        return (counts > 0).reshape(2, -1, k).sum(axis=(0, 2)) == 0

    def bigram_logprob(
        self, ids: np.ndarray, pair: np.ndarray | None = None, counts: np.ndarray | None = None
    ) -> np.ndarray:
        """Stupid-backoff log P(w_i | w_{i-1}) for i >= 1 (natural log).

        ``pair`` may pass ``bigram_counts(ids[:-1], ids[1:])`` and ``counts``
        ``word_counts(ids)`` when already computed.
        """
        if len(ids) < 2:
            return np.zeros(0)
        left, right = ids[:-1], ids[1:]
        if pair is None:
            pair = self.bigram_counts(left, right)
        left_counts = self.unigram[left] if counts is None else counts[:-1]
        # the same operations as log(max(pair, 1e-9) / max(left, 1)), written in place
        cond = np.maximum(pair, 1e-9).astype(np.float64, copy=False)  # (a copy for float32)
        np.divide(cond, np.maximum(left_counts, 1.0), out=cond)
        np.minimum(np.log(cond, out=cond), 0.0, out=cond)
        return np.where(pair > 0, cond, self._backoff_logprob[right])

    def __getstate__(self) -> dict[str, object]:
        """Without the per-process caches (compiled tables cannot be pickled; rebuilt on use)."""
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_cache")}

    def fingerprint(self) -> str:
        return self._fingerprint


def news_ngrams() -> NewsNgrams:
    """The shared table, loaded on first use (thread-safe)."""
    return shared(FILENAME, lambda: NewsNgrams(data_path(FILENAME)))
