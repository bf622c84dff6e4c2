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
from itertools import chain

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

    Why: a 50 x 100 sentence pairing is 15,000 set comparisons in Python, but
    three small binary matrix products here. The products run on one BLAS
    thread: on a busy machine a thread pool makes a 1 ms product take 100 ms.
    """
    from threadpoolctl import threadpool_limits

    parts = []
    with threadpool_limits(1, user_api="blas"):
        for field in ("stems", "grams", "numbers"):
            vocab: dict[str, int] = {}
            rows_a = [[vocab.setdefault(f, len(vocab)) for f in getattr(u, field)] for u in suspect]
            rows_b = [
                [vocab.setdefault(f, len(vocab)) for f in getattr(u, field)] for u in original
            ]
            a, b = _binary(rows_a, len(vocab)), _binary(rows_b, len(vocab))
            a2 = np.maximum(a[:-1], a[1:])  # suspect sentences i-1 and i together
            b2 = np.maximum(b[:-1], b[1:])
            parts.append((_dice_matrix(a, b), _dice_matrix(a2, b), _dice_matrix(a, b2)))
    out = []
    for k in range(3):
        stems, grams, numbers = parts[0][k], parts[1][k], parts[2][k]
        score = 0.5 * np.maximum(stems, 0.0) + 0.5 * np.maximum(grams, 0.0)
        has = numbers >= 0  # -1 where neither side has a number
        out.append(np.where(has, 0.8 * score + 0.2 * np.maximum(numbers, 0.0), score))
    return out[0], out[1], out[2]


def _binary(rows: list[list[int]], width: int) -> np.ndarray:
    """One row per sentence, one column per feature id."""
    sizes = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    ids = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(sizes.sum()))
    matrix = np.zeros((len(rows), max(width, 1)), dtype=np.float32)
    matrix[np.repeat(np.arange(len(rows)), sizes), ids] = 1.0
    return matrix


def _dice_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dice of every row of ``a`` with every row of ``b``; -1 where both are empty."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    inter = (a @ b.T).astype(np.float64)  # counts, exact in float32
    total = a.sum(axis=1, dtype=np.float64)[:, None] + b.sum(axis=1, dtype=np.float64)[None, :]
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
    one, two_s, two_o = _matrices(suspect, original)
    # score[i, j]: best gain aligning suspect[:i] with original[:j]; move[i, j]: how
    # (0 skip a suspect sentence, 1 skip an original one, 2 link 1-1, 3 2-1, 4 1-2).
    # No move into a row reads that row, except skipping an original sentence,
    # which is a running maximum: so each row is a handful of vector operations.
    score = np.zeros((n + 1, m + 1))
    move = np.zeros((n + 1, m + 1), dtype=np.int8)
    never = np.full(m, -np.inf)
    for i in range(1, n + 1):
        prev, sims = score[i - 1], one[i - 1]
        best = np.where(sims > gap, prev[:-1] + sims - gap, never)
        code = np.full(m, 2, dtype=np.int8)
        halves = sims > gap / 2  # a split or merge has at least one good half
        if i > 1:
            both = two_s[i - 2]
            ok = halves & (both > np.maximum(np.maximum(sims, one[i - 2]), gap) + MERGE_MARGIN)
            gain = np.where(ok, score[i - 2, :-1] + 1.5 * (both - gap), never)
            code[gain > best] = 3
            best = np.maximum(best, gain)
        if m > 1:
            both = two_o[i - 1]  # original sentences j-2 and j-1, for j = 2..m
            ok = halves[1:] & (
                both > np.maximum(np.maximum(sims[1:], sims[:-1]), gap) + MERGE_MARGIN
            )
            gain = np.concatenate(
                ([-np.inf], np.where(ok, prev[:-2] + 1.5 * (both - gap), -np.inf))
            )
            code[gain > best] = 4
            best = np.maximum(best, gain)
        linked = best > prev[1:]
        base = np.where(linked, best, prev[1:])
        row = np.maximum.accumulate(np.concatenate(([0.0], base)))
        score[i] = row
        move[i, 1:] = np.where(row[1:] > base, 1, np.where(linked, code, 0))
    links: list[Link] = []
    i, j = n, m
    steps = {0: (1, 0), 1: (0, 1), 2: (1, 1), 3: (2, 1), 4: (1, 2)}
    while i > 0 and j > 0:
        kind = int(move[i, j])
        di, dj = steps[kind]
        if kind == 2:
            links.append(Link((i - 1,), (j - 1,), float(one[i - 1, j - 1])))
        elif kind == 3:
            links.append(Link((i - 2, i - 1), (j - 1,), float(two_s[i - 2, j - 1])))
        elif kind == 4:
            links.append(Link((i - 1,), (j - 2, j - 1), float(two_o[i - 1, j - 2])))
        i, j = i - di, j - dj
    links.reverse()
    return links
