"""How English-news-like a name's spelling is: a smoothed character trigram model.

A name mangled through a pivot language often ends up with letter sequences
that English news never spells ("Fushbo", "Volodmir"). A character model
trained on the capitalised forms of native news scores that in bits per
character, cheaply and without knowing the name itself, so it works for
names that no gazetteer has seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from mtdetect._spelling import fold

#: symbols: boundary marks, apostrophe, hyphen, a-z, and one slot for anything else
ALPHABET = "^$'-abcdefghijklmnopqrstuvwxyz?"
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_OTHER = _INDEX["?"]
_BOS = _INDEX["^"]
_EOS = _INDEX["$"]
A = len(ALPHABET)


def encode(word: str) -> list[int]:
    """Symbol ids of a folded word, with two start marks and one end mark."""
    return [_BOS, _BOS, *(_INDEX.get(ch, _OTHER) for ch in fold(word)), _EOS]


class NameCharModel:
    """Interpolated character trigram model over name spellings (log2 table)."""

    def __init__(self, logp: np.ndarray, threshold: float) -> None:
        self.logp = np.asarray(logp, dtype=np.float32)  # [a, b, c] = log2 p(c | a b)
        self.threshold = float(threshold)  # bits/char above which a spelling is odd
        self._rows: list[list[list[float]]] = self.logp.tolist()
        # is_odd per spelling (names recur across documents), for the threshold it was cached at
        self._odd: tuple[float, dict[str, bool]] = (self.threshold, {})

    @classmethod
    def train(
        cls, words: Iterable[str], smoothing: float = 2.0, odd_quantile: float = 0.99
    ) -> NameCharModel:
        """Fit on distinct spellings (each counted once, so frequent names don't dominate).

        Witten-Bell-like interpolation: trigram counts backed off to bigram
        and unigram estimates with weight ``smoothing``. The oddness
        threshold is the ``odd_quantile`` of the training spellings' own
        scores, so by construction few real names exceed it.
        """
        vocab = sorted({fold(w) for w in words if w})
        tri = np.zeros((A, A, A), dtype=np.float64)
        for w in vocab:
            ids = encode(w)
            for i in range(2, len(ids)):
                tri[ids[i - 2], ids[i - 1], ids[i]] += 1
        bi = tri.sum(axis=0)  # [b, c]
        uni = bi.sum(axis=0)  # [c]
        p1 = (uni + 1.0) / (uni.sum() + A)
        p2 = (bi + smoothing * p1[None, :]) / (bi.sum(axis=1, keepdims=True) + smoothing)
        p3 = (tri + smoothing * p2[None, :, :]) / (tri.sum(axis=2, keepdims=True) + smoothing)
        logp = np.log2(p3).astype(np.float32)
        model = cls(logp, threshold=0.0)
        scores = np.array([model.surprisal(w) for w in vocab if len(w) >= 4])
        model.threshold = float(np.quantile(scores, odd_quantile)) if len(scores) else 99.0
        return model

    def surprisal(self, word: str) -> float:
        """Mean bits per character (end mark included): higher is less English-news-like."""
        ids = encode(word)
        rows = self._rows
        total = 0.0
        for i in range(2, len(ids)):
            total -= rows[ids[i - 2]][ids[i - 1]][ids[i]]
        return total / (len(ids) - 2)

    def is_odd(self, word: str) -> bool:
        threshold, cache = self._odd
        if threshold != self.threshold or len(cache) > 100_000:
            threshold, cache = self._odd = (self.threshold, {})
        found = cache.get(word)
        if found is None:
            found = cache[word] = self.surprisal(word) > threshold
        return found

    def save(self, path: str | Path) -> None:
        np.savez_compressed(
            path, logp=self.logp.astype(np.float16), threshold=np.float32(self.threshold)
        )

    @classmethod
    def load(cls, path: str | Path) -> NameCharModel:
        with np.load(path) as data:
            return cls(data["logp"].astype(np.float32), float(data["threshold"]))


_DEFAULT: NameCharModel | None = None


def default_char_model() -> NameCharModel | None:
    """The shipped model, loaded once; None if the package was built without it."""
    global _DEFAULT
    if _DEFAULT is None:
        from mtdetect.resources import data_path

        path = data_path("name_chars.npz")
        if not path.exists():
            return None
        _DEFAULT = NameCharModel.load(path)
    return _DEFAULT
