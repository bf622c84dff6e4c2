"""Names inside one document: where they occur, and which two spellings are one name.

Why apart from ``names.py``: these are the in-document tests (no gazetteer
counts, no features), each a small rule about how names are spelled,
inflected or transliterated; ``NameSignal`` turns their findings into features.
"""

from __future__ import annotations

import math
import re

from mtdetect._spelling import (
    _deletions,
    fold,
    max_variant_distance,
    skeleton,
    weighted_distance,
)
from mtdetect.text import TOKEN_RE, Document

#: spellings of one name that English news uses interchangeably; finding two
#: of a group in one article is a mild sign of text stitched from sources
#: (or of a machine that knows several transliterations)
TRANSLITERATIONS: tuple[tuple[str, ...], ...] = (
    ("Kyiv", "Kiev"),
    ("Zelensky", "Zelenskiy", "Zelenskyy", "Zelenskyi", "Zelenski"),
    ("Volodymyr", "Volodimir", "Volodymir"),
    ("Kharkiv", "Kharkov"),
    ("Odesa", "Odessa"),
    ("Lviv", "Lvov"),
    ("Luhansk", "Lugansk"),
    ("Donbas", "Donbass"),
    ("Zaporizhzhia", "Zaporizhia", "Zaporozhye"),
    ("Chornobyl", "Chernobyl"),
    ("Mykolaiv", "Nikolaev", "Nikolayev"),
    ("Navalny", "Navalnyy"),
    ("Yanukovych", "Yanukovich"),
    ("Tymoshenko", "Timoshenko"),
    ("Shoigu", "Shoygu"),
    ("Gaddafi", "Qaddafi", "Kadhafi", "Gadhafi", "Qadhafi"),
    ("Qaeda", "Qaida"),
    ("Dostoevsky", "Dostoyevsky"),
    ("Tchaikovsky", "Chaikovsky"),
    ("Khrushchev", "Khruschev"),
    ("Gorbachev", "Gorbachov"),
)
_TRANSLIT_GROUP: dict[str, int] = {
    fold(form): i for i, group in enumerate(TRANSLITERATIONS) for form in group
}

#: share of unknown lowercase words below which text counts as clean...
TYPO_RATE_OK = 0.015
#: ...and above which name oddities are put down to the writer's spelling
TYPO_RATE_CUTOFF = 0.04
_SPEECH = frozenset(
    """said says told added noted stated wrote asked explained argued warned announced
    replied insisted stressed admitted""".split()
)


def _folded(form: str) -> str:
    return form.lower() if form.isascii() else fold(form)


_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ ]+$")
_WORD_AFTER = re.compile(r"[ ]+([^\W\d_]+)")


class _Context:
    """Where an occurrence stands: sentence start, beside other names, before 'said'."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._initial: set[int] | None = None

    def is_initial(self, start: int) -> bool:
        if self._initial is None:
            self._initial = set()
            for sentence in self.doc.sentences:
                for tok in sentence.tokens:
                    if tok.text[0].isalpha():
                        self._initial.add(tok.start)
                        break
        return start in self._initial

    def is_name_slot(self, start: int, end: int) -> bool:
        """Mid-sentence, and next to a capitalised word ('Anthony Brinken') or before 'said'.

        Why: a learner's misspelt 'Tuesdy' or a sentence-initial typo is not
        in a name slot; a mangled name in news almost always is.
        """
        if self.is_initial(start):
            return False
        norm = self.doc.norm
        after = _WORD_AFTER.match(norm, end)
        if after is not None:
            word = after.group(1)
            if word in _SPEECH or (len(word) > 1 and word[0].isupper()):
                return True
        before = _WORD_BEFORE.search(norm, max(0, start - 40), start)
        return before is not None and before.group(1)[0].isupper()


def _mixed_transliterations(forms: dict[str, list[int]]) -> list[tuple[str, str]]:
    """(less used, most used) spellings of one name from the transliteration table."""
    groups: dict[int, list[str]] = {}
    for f in forms:
        group = _TRANSLIT_GROUP.get(_folded(f))
        if group is not None:
            groups.setdefault(group, []).append(f)
    out: list[tuple[str, str]] = []
    for members in groups.values():
        distinct = {_folded(f): f for f in members}
        if len(distinct) >= 2:
            ordered = sorted(distinct.values(), key=lambda f: (-len(forms[f]), forms[f][0]))
            out.extend((other, ordered[0]) for other in ordered[1:])
    return out


_MORPH_SUFFIXES = frozenset(
    {"s", "es", "i", "is", "ese", "ish", "ic", "ism", "ist", "ists", "er", "ers", "ian", "ians"}
)
# Slavic surnames change their ending with gender: Petrov/Petrova,
# Tolstoy/Tolstaya, Kowalski/Kowalska, Zelensky/Zelenska.
_MASCULINE_TAILS = frozenset({"", "y", "i", "iy", "ii", "oy", "yi"})
_FEMININE_TAILS = frozenset({"a", "aya", "aia", "ya"})


_INFLECTIONS = _MORPH_SUFFIXES | _MASCULINE_TAILS | _FEMININE_TAILS


def _morphological(a: str, b: str) -> bool:
    """Legitimate related forms: plurals, demonyms, agent nouns, Slavic feminine surnames.

    Two spellings that are one stem plus different endings from that list
    ('Dravkovs'/'Dravkova') are related words, not one word spelled twice;
    two masculine endings ('Zelensky'/'Zelenskiy') are a real variant.
    """
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if long_.startswith(short):
        suffix = long_[len(short) :]
        if suffix in _MORPH_SUFFIXES:
            return True  # Iraq/Iraqi, Smith/Smiths
        if suffix in ("n", "an", "ns", "ans") and short[-1] in "aeo":
            return True  # Russia/Russian, Korea/Korean
        if (suffix in ("r", "rs") and short[-1] == "e") or suffix in ("eer", "eers"):
            return True  # YouTube/YouTuber, Brexit/Brexiteer: the people who do it
    stem = 0
    while stem < len(short) and short[stem] == long_[stem]:
        stem += 1
    if stem < 4:
        return False
    tails = (short[stem:], long_[stem:])
    if tails[0] in _MASCULINE_TAILS and tails[1] in _MASCULINE_TAILS:
        return False
    return tails[0] in _INFLECTIONS and tails[1] in _INFLECTIONS


def _short_vowel_pair(a: str, b: str) -> bool:
    """Short names one vowel apart ('Shoku'/'Shoko', 'Kunta'/'Kinta') are usually two names."""
    if len(a) != len(b) or len(a) > 6:
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0][0] in "aeiouy" and diff[0][1] in "aeiouy"


def _pairs(names: dict[str, list[int]], rare: list[str]) -> set[tuple[str, str]]:
    """Pairs (sorted) of a rare form of 4+ letters and a name whose skeletons block together.

    The blocks are only built around the rare forms' skeletons, not for every
    name: a name's skeleton is looked up, and its one-dropped keys only when
    it is one class longer than some rare form's.
    """
    rare_keys: dict[str, list[str]] = {}  # skeleton -> the rare forms that have it
    for f in rare:
        if len(f) >= 4:
            rare_keys.setdefault(skeleton(f), []).append(f)
    if not rare_keys:
        return set()
    # a rare form's partners: names with its skeleton or one with a class dropped
    # from it (looked up by the name's skeleton), and names whose skeleton has
    # one more class, dropping to it (only names of that skeleton length)
    wanted: dict[str, list[str]] = {}
    for key, found in rare_keys.items():
        for k in (key, *_deletions(key)):
            wanted.setdefault(k, []).extend(found)
    longer = {len(key) + 1 for key in rare_keys}
    pairs: set[tuple[str, str]] = set()
    for g in names:
        if len(g) < 4:
            continue
        key = skeleton(g)
        for f in wanted.get(key, ()):
            if f != g:
                pairs.add((f, g) if f < g else (g, f))
        if len(key) in longer:
            for d in _deletions(key):
                for f in rare_keys.get(d, ()):
                    if f != g:
                        pairs.add((f, g) if f < g else (g, f))
    return pairs


def _variant_pairs(
    names: dict[str, list[int]], seen: dict[str, int], rare: list[str]
) -> dict[str, str]:
    """Rarer spelling -> the spelling it varies, for pairs that look like one name.

    Only pairs with an unattested member are looked for ('Iran' and 'Iraq',
    both well known, are two names), and blocking by sound-class skeleton
    (one dropped consonant allowed) keeps this linear in the number of
    distinct names in the document.
    """
    pairs = _pairs(names, rare)
    if not pairs:
        return {}
    rare_set = set(rare)
    out: dict[str, str] = {}
    for a, b in sorted(pairs):
        fa, fb = _folded(a), _folded(b)
        if fa == fb or _morphological(fa, fb) or _short_vowel_pair(fa, fb):
            continue
        if weighted_distance(fa, fb, max_variant_distance(fa, fb)) == math.inf:
            continue
        ka = (seen[a], len(names[a]), -names[a][0])
        kb = (seen[b], len(names[b]), -names[b][0])
        # the rarer spelling (then the less repeated, then the later one) is the deviant
        deviant, common = (a, b) if ka < kb else (b, a)
        if deviant in rare_set and deviant not in out:
            out[deviant] = common
    return out


_BRACKETED = re.compile(r"\(([^()]{2,80})\)")


def _paren_repeats(doc: Document) -> list[tuple[int, int]]:
    """Spans 'X (X)' where a capitalised phrase is repeated (near-)verbatim in brackets.

    A pivot that keeps the original spelling of a name beside its own
    rendering gives this away; English writes 'Organization (OSCE)', never
    'Organization (Organization)'.
    """
    norm = doc.norm
    found: list[tuple[int, int]] = []
    for m in _BRACKETED.finditer(norm):
        inner = [t.group() for t in TOKEN_RE.finditer(m.group(1))]
        if not 1 <= len(inner) <= 6 or not inner[0][0].isupper():
            continue
        if not all(w[0].isalpha() for w in inner) or any(w.isupper() for w in inner):
            continue
        window_start = max(0, m.start() - 2 * len(m.group(1)) - 10)
        before = list(TOKEN_RE.finditer(norm, window_start, m.start()))[-len(inner) :]
        if len(before) < len(inner) or not all(t.group()[0].isalpha() for t in before):
            continue
        a = fold(" ".join(t.group() for t in before))
        b = fold(" ".join(inner))
        if a == b or (len(a) >= 6 and weighted_distance(a, b, 0.1 * len(a)) < math.inf):
            found.append((before[0].start(), m.end()))
    return found
