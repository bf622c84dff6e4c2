"""Sentence alignment of a suspect text with its original, robust to re-translation.

A round trip rewrites nearly every word sequence ("the chasm is deep" comes
back as "the gap is deep"), so sentences are compared on what survives a
re-translation: content-word stems, character trigrams of content words
(which still match a mangled name, "Brinken" and "Blinken" share "ink" and
"ken"), and numbers. A monotone dynamic programme then links sentences in
order, and lets any sentence go unlinked (dropped or added), or two
sentences link to one (a split or a merge), when that scores better.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mtdetect.signals.phrases import FUNCTION_WORDS
from mtdetect.text import Document, Token

#: a link must beat this similarity to be worth more than leaving both unlinked
GAP = 0.22
#: a split or merge must beat its better half alone by this much: a stray line
#: ("World", "Read more") glued to a sentence is a dropped line, not a merge
MERGE_MARGIN = 0.05
#: content words are cut to this many letters, so inflections compare equal
STEM = 5
_EXTRA_STOP = frozenset(
    "said says say also just new would could like more most very much many said told".split()
)
STOPWORDS = FUNCTION_WORDS | _EXTRA_STOP
_NUMBER = re.compile(r"\d")


def stem(word: str) -> str:
    """A crude stem: the first letters of the lowercased word, enough for inflections."""
    return word.lower()[:STEM]


def number_key(token: str) -> str:
    """'100,000' and '100000' are one figure; a trailing '.0' or '%' is kept."""
    return token.replace(",", "")


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence (or headline line) with the features that survive re-translation."""

    start: int
    end: int
    tokens: tuple[Token, ...]
    stems: frozenset[str]
    grams: frozenset[str]
    numbers: frozenset[str]

    @property
    def weight(self) -> int:
        """How much of the text the sentence carries: its word count."""
        return max(1, sum(1 for t in self.tokens if t.text[0].isalnum()))


@lru_cache(maxsize=1 << 16)
def _word_features(word: str) -> tuple[str, tuple[str, ...]] | None:
    """A word's stem and character trigrams; None for a function word."""
    lower = word.lower()
    if lower in STOPWORDS or len(lower) < 3:
        return None
    padded = f" {lower} "
    return lower[:STEM], tuple(padded[i : i + 3] for i in range(len(padded) - 2))


def features(tokens: Iterable[Token]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Stems, character trigrams and numbers of a run of tokens."""
    stems: set[str] = set()
    grams: set[str] = set()
    numbers: set[str] = set()
    for token in tokens:
        word = token[0]
        first = word[0]
        if first.isdigit():
            numbers.add(number_key(word))
        elif first.isalpha():
            found = _word_features(word)
            if found is not None:
                stems.add(found[0])
                grams.update(found[1])
    return frozenset(stems), frozenset(grams), frozenset(numbers)


def units(text: str) -> list[Unit]:
    """Sentences of ``text``, also cut at line breaks (a headline has no full stop)."""
    doc = Document(text)
    out: list[Unit] = []
    for sentence in doc.sentences:
        run: list[Token] = []
        for token in sentence.tokens:
            if run and "\n" in text[run[-1].end : token.start]:
                _add_unit(out, run)
                run = []
            run.append(token)
        _add_unit(out, run)
    return out


def _add_unit(out: list[Unit], run: list[Token]) -> None:
    if not any(t.text[0].isalnum() for t in run):
        return
    stems, grams, numbers = features(run)
    out.append(Unit(run[0].start, run[-1].end, tuple(run), stems, grams, numbers))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    total = len(a) + len(b)
    return 2.0 * len(a & b) / total if total else 0.0


def similarity(
    a: tuple[frozenset[str], frozenset[str], frozenset[str]],
    b: tuple[frozenset[str], frozenset[str], frozenset[str]],
) -> float:
    """How much two sentences share after re-translation, 0 to 1.

    Stems catch the words a translator keeps, trigrams the names it mangles;
    a number in common is strong evidence of the same sentence.
    """
    score = 0.5 * _dice(a[0], b[0]) + 0.5 * _dice(a[1], b[1])
    if a[2] or b[2]:
        score = 0.8 * score + 0.2 * _dice(a[2], b[2])
    return score


@dataclass(frozen=True, slots=True)
class Link:
    """Suspect sentences linked to original sentences (1-1, 2-1 or 1-2), in order."""

    suspect: tuple[int, ...]
    original: tuple[int, ...]
    similarity: float


def _matrices(
    suspect: Sequence[Unit], original: Sequence[Unit]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Similarity of every 1-1, 2-1 and 1-2 pairing, as matrices.

    Why: a 50 x 100 sentence pairing is 15,000 set comparisons in Python; here
    each feature shared by two sentences is one entry of a ``bincount``.
    """
    parts = []
    for field in ("stems", "grams", "numbers"):
        vocab: dict[str, int] = {}
        rows_s = [[vocab.setdefault(f, len(vocab)) for f in getattr(u, field)] for u in suspect]
        rows_o = [[vocab.setdefault(f, len(vocab)) for f in getattr(u, field)] for u in original]
        pairs_s = _pairs(rows_s)  # suspect sentences i-1 and i together
        pairs_o = _pairs(rows_o)
        parts.append(
            (
                _dice_matrix(rows_s, rows_o),
                _dice_matrix(pairs_s, rows_o),
                _dice_matrix(rows_s, pairs_o),
            )
        )
    out = []
    for k in range(3):
        stems, grams, numbers = parts[0][k], parts[1][k], parts[2][k]
        score = 0.5 * np.maximum(stems, 0.0) + 0.5 * np.maximum(grams, 0.0)
        has = numbers >= 0  # -1 where neither side has a number
        out.append(np.where(has, 0.8 * score + 0.2 * np.maximum(numbers, 0.0), score))
    return out[0], out[1], out[2]


def _pairs(rows: list[list[int]]) -> list[list[int]]:
    return [list(set(a) | set(b)) for a, b in zip(rows, rows[1:], strict=False)]


def _flat(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Feature ids and the row each belongs to, as two arrays."""
    sizes = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    ids = np.fromiter((f for row in rows for f in row), dtype=np.int64, count=int(sizes.sum()))
    return ids, np.repeat(np.arange(len(rows)), sizes)


def _dice_matrix(rows_a: list[list[int]], rows_b: list[list[int]]) -> np.ndarray:
    """Dice of every row of ``a`` with every row of ``b``; -1 where both are empty."""
    n, m = len(rows_a), len(rows_b)
    if n == 0 or m == 0:
        return np.zeros((n, m))
    ids_a, row_a = _flat(rows_a)
    ids_b, row_b = _flat(rows_b)
    order = np.argsort(ids_b, kind="stable")
    ids_b, row_b = ids_b[order], row_b[order]
    lo = np.searchsorted(ids_b, ids_a, side="left")
    hits = np.searchsorted(ids_b, ids_a, side="right") - lo
    # every (a entry, b entry) pair that shares a feature
    first = np.repeat(lo - (np.cumsum(hits) - hits), hits) + np.arange(int(hits.sum()))
    cells = np.repeat(row_a, hits) * m + row_b[first]
    inter = np.bincount(cells, minlength=n * m).reshape(n, m)
    size_a = np.fromiter((len(r) for r in rows_a), dtype=np.float64, count=n)
    size_b = np.fromiter((len(r) for r in rows_b), dtype=np.float64, count=m)
    total = size_a[:, None] + size_b[None, :]
    return np.where(total > 0, 2.0 * inter / np.maximum(total, 1.0), -1.0)


def align(suspect: Sequence[Unit], original: Sequence[Unit], gap: float = GAP) -> list[Link]:
    """The best monotone alignment: links whose similarity beats ``gap``, in order.

    Moves: link one to one, two suspect sentences to one original (a merge
    undone by the spinner) or one to two (a split), or leave a sentence of
    either side unlinked at no cost. A link gains ``similarity - gap``; a
    split or merge gains half as much again, but only when the pair together
    beats its better half alone by ``MERGE_MARGIN``.
    """
    n, m = len(suspect), len(original)
    if n == 0 or m == 0:
        return []
    one, two_s, two_o = (x.tolist() for x in _matrices(suspect, original))
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, prev, sims = score[i], score[i - 1], one[i - 1]
        back_row = back[i]
        for j in range(1, m + 1):
            best, move = prev[j], (1, 0, 0.0)
            if row[j - 1] > best:
                best, move = row[j - 1], (0, 1, 0.0)
            sim = sims[j - 1]
            if sim > gap and prev[j - 1] + sim - gap > best:
                best, move = prev[j - 1] + sim - gap, (1, 1, sim)
            if sim > gap / 2:  # a split or merge has at least one good half
                if i > 1:
                    both = two_s[i - 2][j - 1]
                    gain = score[i - 2][j - 1] + 1.5 * (both - gap)
                    if both > max(gap, sim, one[i - 2][j - 1]) + MERGE_MARGIN and gain > best:
                        best, move = gain, (2, 1, both)
                if j > 1:
                    both = two_o[i - 1][j - 2]
                    gain = prev[j - 2] + 1.5 * (both - gap)
                    if both > max(gap, sim, sims[j - 2]) + MERGE_MARGIN and gain > best:
                        best, move = gain, (1, 2, both)
            row[j] = best
            back_row[j] = move
    links: list[Link] = []
    i, j = n, m
    while i > 0 and j > 0:
        di, dj, sim = back[i][j] or (1, 1, 0.0)
        if di and dj and sim > 0:
            links.append(Link(tuple(range(i - di, i)), tuple(range(j - dj, j)), sim))
        i, j = i - di, j - dj
    links.reverse()
    return links
