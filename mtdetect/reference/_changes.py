"""What a re-translation changed, sentence pair by sentence pair, with offsets into both texts.

Only changes a moderator can check at a glance are listed: a name spelled
differently (a pivot language hears names: "Brinken" for "Blinken"), a
figure that changed, a replacement that native news would never write
("marginal policies" for "brinkmanship"), and sentences dropped or added.
Ordinary synonym swaps are left out: a round trip makes dozens of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from mtdetect._name_forms import name_parts
from mtdetect._spelling import fold, max_variant_distance, skeleton, weighted_distance
from mtdetect.reference.align import STOPWORDS, Link, Unit, number_key
from mtdetect.text import Token

#: a pair of names further apart than this is only taken when the context
#: vouches for it (same first name before it, same spelling earlier)
ANCHORED_DISTANCE = 2.0
#: endings that make another word, not another spelling (Russia/Russian, Ukraine/Ukrainian)
_INFLECTIONS = frozenset(("", "e", "a", "s", "es", "n", "an", "ian", "ians", "ns", "ans", "ese"))
#: replaced word runs longer than this are rewrites, not phrase swaps
MAX_PHRASE = 4
#: both words of an odd pair must be this common in native news
COMMON_WORD = 20


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``start:end`` of one input; ``text`` is exactly those characters."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: ``kind`` is name, phrase, number, dropped or added."""

    kind: str
    suspect: Span
    original: Span
    message: str


def span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def find(
    suspect: str, original: str, su: list[Unit], ou: list[Unit], links: list[Link]
) -> list[Change]:
    """All changes between two aligned texts, in suspect order."""
    changes: list[Change] = []
    seen_names: dict[str, str] = {}
    phrase_candidates: list[tuple[Span, Span, list[tuple[str, str]]]] = []
    for link in links:
        s_tokens = [t for i in link.suspect for t in su[i].tokens]
        o_tokens = [t for j in link.original for t in ou[j].tokens]
        if [t.text for t in s_tokens] == [t.text for t in o_tokens]:
            continue  # a sentence kept word for word changed nothing
        starts = {su[i].start for i in link.suspect}, {ou[j].start for j in link.original}
        changes.extend(_names(suspect, original, s_tokens, o_tokens, starts, seen_names))
        changes.extend(_numbers(suspect, original, s_tokens, o_tokens))
        phrase_candidates.extend(_replacements(suspect, original, s_tokens, o_tokens))
    changes.extend(_phrases(phrase_candidates))
    changes.extend(_unlinked(suspect, original, su, ou, links))
    changes.sort(key=lambda c: (c.suspect.start, c.original.start))
    return changes


# -- names ----------------------------------------------------------------------


def _name_forms(
    tokens: list[Token], starts: set[int]
) -> tuple[list[tuple[str, int, int, bool]], set[str]]:
    """Capitalised name parts (folded, start, end, opens a sentence) and all folded words."""
    forms: list[tuple[str, int, int, bool]] = []
    words: set[str] = set()
    for token in tokens:
        text = token.text
        if not text[0].isalpha():
            continue
        parts = name_parts(text) if "-" in text or "'" in text else ((text, 0),)
        for part, offset in parts:
            if not part[0].isupper():
                words.add(part if part.isascii() else fold(part))
                continue
            folded = fold(part)
            words.add(folded)
            if len(part) >= 3 and folded not in STOPWORDS:
                start = token.start + offset
                forms.append((folded, start, start + len(part), token.start in starts))
    return forms, words


def _inflected(a: str, b: str) -> bool:
    """One word made from the other by an ending (Russia, Russian; Ukraine, Ukrainians)."""
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and a[common:] in _INFLECTIONS and b[common:] in _INFLECTIONS


def _names(
    suspect: str,
    original: str,
    s_tokens: list[Token],
    o_tokens: list[Token],
    starts: tuple[set[int], set[int]],
    seen: dict[str, str],
) -> list[Change]:
    s_forms, s_words = _name_forms(s_tokens, starts[0])
    o_forms, o_words = _name_forms(o_tokens, starts[1])
    s_left = [f for f in s_forms if f[0] not in o_words]
    o_left = [f for f in o_forms if f[0] not in s_words]
    if not s_left or not o_left:
        return []
    before = _neighbours(suspect, s_tokens), _neighbours(original, o_tokens)
    candidates: list[tuple[float, int, int]] = []
    for a, s in enumerate(s_left):
        for b, o in enumerate(o_left):
            if s[0] == o[0] or _inflected(s[0], o[0]):
                continue
            distance = weighted_distance(s[0], o[0])
            close = distance <= max_variant_distance(s[0], o[0]) + 0.15
            known = seen.get(s[0]) == o[0]
            anchored = not (s[3] or o[3]) and (
                before[0].get(s[1]) is not None
                and before[0].get(s[1]) == before[1].get(o[1])
                or skeleton(s[0]) == skeleton(o[0])
            )
            if close or known or (anchored and distance <= ANCHORED_DISTANCE):
                candidates.append((distance, a, b))
    out: list[Change] = []
    used_s: set[int] = set()
    used_o: set[int] = set()
    for _distance, a, b in sorted(candidates):
        if a in used_s or b in used_o:
            continue
        used_s.add(a)
        used_o.add(b)
        s, o = s_left[a], o_left[b]
        seen[s[0]] = o[0]
        got, want = span(suspect, s[1], s[2]), span(original, o[1], o[2])
        out.append(Change("name", got, want, f"'{got.text}' for '{want.text}': a name respelled"))
    return out


def _neighbours(text: str, tokens: list[Token]) -> dict[int, str]:
    """For each name part's start, the capitalised word right before it ('Simon' Myers)."""
    out: dict[int, str] = {}
    for prev, token in zip(tokens, tokens[1:], strict=False):
        if prev.text[0].isupper() and prev.text.isalpha() and text[prev.end : token.start] == " ":
            out[token.start] = prev.text
    return out


# -- numbers ----------------------------------------------------------------------


def _numbers(
    suspect: str, original: str, s_tokens: list[Token], o_tokens: list[Token]
) -> list[Change]:
    s_nums = [t for t in s_tokens if t.text[0].isdigit()]
    o_nums = [t for t in o_tokens if t.text[0].isdigit()]
    s_keys = {number_key(t.text) for t in s_nums}
    o_keys = {number_key(t.text) for t in o_nums}
    s_left = [t for t in s_nums if number_key(t.text) not in o_keys]
    o_left = [t for t in o_nums if number_key(t.text) not in s_keys]
    out = []
    for s, o in zip(s_left, o_left, strict=False):
        got, want = span(suspect, s.start, s.end), span(original, o.start, o.end)
        out.append(Change("number", got, want, f"'{got.text}' for '{want.text}': a figure changed"))
    return out


# -- phrases --------------------------------------------------------------------


def _replacements(
    suspect: str, original: str, s_tokens: list[Token], o_tokens: list[Token]
) -> list[tuple[Span, Span, list[tuple[str, str]]]]:
    """Short replaced word runs, each with the suspect word pairs it created."""
    s_words = [t for t in s_tokens if t.text[0].isalnum()]
    o_words = [t for t in o_tokens if t.text[0].isalnum()]
    matcher = SequenceMatcher(
        None, [t.text.lower() for t in s_words], [t.text.lower() for t in o_words], autojunk=False
    )
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or i2 - i1 > MAX_PHRASE or j2 - j1 > MAX_PHRASE:
            continue
        pairs = []
        for k in range(i1, i2 - 1):  # pairs the replacement made, both words new
            left, right = s_words[k], s_words[k + 1]
            if suspect[left.end : right.start] != " ":
                continue
            if all(w.text.islower() and w.text not in STOPWORDS for w in (left, right)):
                pairs.append((left.text, right.text))
        if pairs:
            got = span(suspect, s_words[i1].start, s_words[i2 - 1].end)
            want = span(original, o_words[j1].start, o_words[j2 - 1].end)
            out.append((got, want, pairs))
    return out


def _phrases(candidates: list[tuple[Span, Span, list[tuple[str, str]]]]) -> list[Change]:
    """Replacements that created a word pair native news never writes, nor anything like it."""
    if not candidates:
        return []
    import numpy as np

    from mtdetect.ngrams import news_ngrams
    from mtdetect.signals.phrases import PhraseSignal

    ng = news_ngrams()
    flat = [pair for _, _, pairs in candidates for pair in pairs]
    left = ng.ids([a for a, _ in flat])
    right = ng.ids([b for _, b in flat])
    counts = ng.bigram_counts(left, right)
    common = (ng.word_counts(left) >= COMMON_WORD) & (ng.word_counts(right) >= COMMON_WORD)
    unseen = np.flatnonzero((counts == 0) & common & (left > 2) & (right > 2))
    odd: set[int] = set()
    if len(unseen):
        ids = np.empty(2 * len(unseen), dtype=np.int64)
        ids[0::2], ids[1::2] = left[unseen], right[unseen]
        found = PhraseSignal._odd_pairs(ng, ids, np.arange(0, len(ids), 2))
        odd = {int(unseen[k // 2]) for k in found.tolist()}
    out: list[Change] = []
    k = 0
    for got, want, pairs in candidates:
        hit = [flat[k + n] for n in range(len(pairs)) if k + n in odd]
        k += len(pairs)
        if hit:
            a, b = hit[0]
            out.append(
                Change(
                    "phrase",
                    got,
                    want,
                    f"'{got.text}' for '{want.text}': native news never says '{a} {b}'",
                )
            )
    return out


# -- dropped and added sentences ------------------------------------------------


def _unlinked(
    suspect: str, original: str, su: list[Unit], ou: list[Unit], links: list[Link]
) -> list[Change]:
    """Sentences of either side with no partner; the other side gets an empty span where."""
    out: list[Change] = []
    s_at = o_at = 0  # where the missing sentence would sit in the other text
    linked_s = {i: link for link in links for i in link.suspect}
    linked_o = {j: link for link in links for j in link.original}
    i = j = 0
    while i < len(su) or j < len(ou):
        if i < len(su) and i not in linked_s:
            unit = su[i]
            out.append(
                Change(
                    "added",
                    span(suspect, unit.start, unit.end),
                    span(original, o_at, o_at),
                    "a sentence the original does not have",
                )
            )
            s_at = unit.end
            i += 1
        elif j < len(ou) and j not in linked_o:
            unit = ou[j]
            out.append(
                Change(
                    "dropped",
                    span(suspect, s_at, s_at),
                    span(original, unit.start, unit.end),
                    "a sentence of the original left out",
                )
            )
            o_at = unit.end
            j += 1
        elif i < len(su) and j < len(ou):
            link = linked_s[i]
            s_at = su[link.suspect[-1]].end
            o_at = ou[link.original[-1]].end
            i, j = link.suspect[-1] + 1, link.original[-1] + 1
        else:
            break
    return out
