"""Spelling distance for names: accent folding, a blocking key, a weighted edit distance.

Why these costs: a round trip through a pivot language mangles a name the way
a listener would (l/r and v/f/b/w merge, vowels drift, letters drop or
double), so those slips are cheap and the others dear. ``mtdetect.gazetteer``
looks names up with these; they know nothing of counts or files.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Lowercase ASCII-ish form: accents dropped, so 'Mélanie' and 'Melanie' compare equal."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


_VOWELS = frozenset("aeiouy")
# Sound classes used for blocking: letters a pivot language tends to confuse
# share a class, vowels and h/w are dropped (except as the first letter).
_CLASS: dict[str, str] = {}
for _letters, _cls in (
    ("bpfvw", "P"),
    ("ckqgx", "K"),
    ("sz", "S"),
    ("td", "T"),
    ("lr", "L"),
    ("mn", "N"),
    ("j", "J"),
):
    for _ch in _letters:
        _CLASS[_ch] = _cls
_SILENT = frozenset("aeiouyhw'-")
_INNER_VOWELS = "aeiou"


@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """Consonant-class skeleton: 'Blinken', 'Brinken' and 'Blnken' all give 'PLNKN'.

    Why: a blocking key that survives the confusions a pivot language makes,
    so the weighted distance is only computed for a handful of candidates.
    """
    folded = fold(word)
    if not folded:
        return ""
    first = folded[0]
    out = [_CLASS.get(first, "A" if first in _SILENT else first.upper())]
    for ch in folded[1:]:
        if ch in _SILENT:
            continue
        cls = _CLASS.get(ch, ch.upper())
        if cls != out[-1]:
            out.append(cls)
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def _deletions(key: str) -> tuple[str, ...]:
    """Distinct keys with one non-initial class removed (a dropped consonant)."""
    return tuple(dict.fromkeys(key[:i] + key[i + 1 :] for i in range(1, len(key))))


Blocks = tuple[dict[str, list[str]], dict[str, list[str]]]


def skeleton_blocks(forms: Iterable[str]) -> Blocks:
    """Forms by skeleton, and by each skeleton with one consonant dropped.

    Blocking keeps fuzzy name matching linear: only forms in a shared block
    are ever compared by edit distance.
    """
    exact: dict[str, list[str]] = {}
    deleted: dict[str, list[str]] = {}
    for form in forms:
        key = skeleton(form)
        exact.setdefault(key, []).append(form)
        for d in _deletions(key):
            deleted.setdefault(d, []).append(form)
    return exact, deleted


def block_partners(blocks: Blocks, key: str) -> list[str]:
    """Forms whose skeleton is ``key`` or one dropped consonant away (may repeat)."""
    exact, deleted = blocks
    partners = [*exact.get(key, ()), *deleted.get(key, ())]
    for d in _deletions(key):
        partners.extend(exact.get(d, ()))
    return partners


# substitution costs for confusable pairs (symmetric); everything else costs 1
_SUB: dict[tuple[str, str], float] = {}


def _set_sub(group: str, cost: float) -> None:
    for a in group:
        for b in group:
            if a != b:
                _SUB[(a, b)] = min(cost, _SUB.get((a, b), 1.0))


_set_sub("lr", 0.3)
_set_sub("vf", 0.3)
_set_sub("vw", 0.35)
_set_sub("bp", 0.4)
_set_sub("bv", 0.4)
_set_sub("fp", 0.5)
_set_sub("bf", 0.5)
_set_sub("aeiouy", 0.5)
_set_sub("ck", 0.3)
_set_sub("kq", 0.35)
_set_sub("ckgq", 0.5)
_set_sub("sz", 0.35)
_set_sub("csz", 0.5)
_set_sub("td", 0.4)
_set_sub("mn", 0.5)
_set_sub("jgy", 0.5)
_set_sub("xs", 0.6)


def _indel_cost(word: str, i: int) -> float:
    """Cost of inserting or deleting ``word[i]``: cheap for what pivots lose or add."""
    ch = word[i]
    if (i > 0 and word[i - 1] == ch) or (i + 1 < len(word) and word[i + 1] == ch):
        return 0.3  # doubled letter: "Jolly"/"Joly", "McFall"/"McFal"
    if ch in "aeiou":
        return 0.5
    if ch in "hwy'-":
        return 0.45
    if ch == "r" and i > 0 and word[i - 1] in _VOWELS:
        return 0.55  # non-rhotic pivots drop a post-vocalic r: "Vershbow" -> "Fushbo"
    if ch in "nm" and i == len(word) - 1:
        return 0.7  # a nasal glued to the end: "Zelenskiy" -> "Zelenskiyn"
    return 1.0


_TRANSPOSE = 0.6


@lru_cache(maxsize=1 << 15)
def _indel_costs(word: str) -> tuple[float, ...]:
    return tuple(_indel_cost(word, i) for i in range(len(word)))


@lru_cache(maxsize=1 << 17)
def weighted_distance(a: str, b: str, limit: float = math.inf) -> float:
    """Weighted optimal-string-alignment distance between two folded spellings.

    Confusions a pivot language makes (l/r, v/f/b/w, vowel changes, dropped
    or doubled letters, adjacent swaps) cost less than an arbitrary edit, so
    'Brinken'~'Blinken' is 0.3 while 'Iran'~'Iraq' is a full 1.0. With a
    ``limit``, the computation stops as soon as the distance must exceed it
    and returns ``math.inf``: most candidates are rejected after a few rows.
    """
    if a == b:
        return 0.0
    la, lb = len(a), len(b)
    if abs(la - lb) * 0.3 > limit:
        return math.inf
    del_a = _indel_costs(a)
    ins_b = _indel_costs(b)
    prev2: list[float] = []
    prev = [0.0] * (lb + 1)
    for j in range(1, lb + 1):
        prev[j] = prev[j - 1] + ins_b[j - 1]
    sub = _SUB
    for i in range(1, la + 1):
        ca = a[i - 1]
        cost_del = del_a[i - 1]
        cur = [prev[0] + cost_del] + [0.0] * lb
        row_min = cur[0]
        for j in range(1, lb + 1):
            cb = b[j - 1]
            if ca == cb:
                best = prev[j - 1]
            else:
                best = prev[j - 1] + sub.get((ca, cb), 1.0)
                if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                    t = prev2[j - 2] + _TRANSPOSE
                    if t < best:
                        best = t
            d = prev[j] + cost_del
            if d < best:
                best = d
            d = cur[j - 1] + ins_b[j - 1]
            if d < best:
                best = d
            cur[j] = best
            if best < row_min:
                row_min = best
        if row_min > limit:
            return math.inf
        prev2, prev = prev, cur
    return prev[lb] if prev[lb] <= limit else math.inf


def max_variant_distance(a: str, b: str) -> float:
    """The largest distance at which two spellings may still be one name.

    Grows with length: one cheap slip in a short name ('Jonas'/'Jones') is
    as likely a different name, two slips in a long one are still a variant.
    """
    n = min(len(a), len(b))
    return 0.12 * n + 0.05 if n >= 5 else 0.35


# Letters East Asian and other pivots merge outright; a spelling that differs
# from a known name only by these swaps is the classic round-trip mangle.
# (v/w is left out: 'Stanislaw'/'Stanislav' is ordinary Polish-vs-Russian spelling)
_PIVOT_KEY = str.maketrans({"r": "l", "f": "v", "p": "b"})


def pivot_key(word: str) -> str:
    """Spelling with l/r, v/f and b/p merged: 'Brinken' and 'Blinken' share 'blinken'."""
    return fold(word).translate(_PIVOT_KEY)
