"""Names inside one document: where they occur, and which two spellings are one name.

Why apart from ``names.py``: these are the in-document tests (no gazetteer
counts, no features), each a small rule about how names are spelled,
inflected or transliterated; ``NameSignal`` turns their findings into features.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Sequence

import numpy as np

from mtdetect._name_forms import name_parts
from mtdetect._row_column import RowColumn
from mtdetect._spelling import (
    _deletions,
    fold,
    max_variant_distance,
    skeleton,
    weighted_distance,
)
from mtdetect._type_table import token_rows
from mtdetect.gazetteer import RARE_COUNT, Gazetteer
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


def _is_form(part: str) -> bool:
    """Name-shaped: not an acronym ('NATO'), an initial ('W') or glued to a number."""
    return len(part) > 1 and not part.isupper() and part.isalpha()


FormPart = tuple[str, int, bool]  # form, offset inside the token, in a transliteration group


def _token_forms(texts: Sequence[str]) -> list[tuple[FormPart, ...] | None]:
    """The name forms each distinct token holds (None for the many that hold none)."""
    out: list[tuple[FormPart, ...] | None] = []
    for word in texts:
        if not word[0].isupper():
            out.append(None)
            continue
        if "-" in word or "'" in word:
            parts = [(p, o) for p, o in name_parts(word) if p[0].isupper() and _is_form(p)]
        else:
            parts = [(word, 0)] if _is_form(word) else []
        found = tuple((p, o, _folded(p) in _TRANSLIT_GROUP) for p, o in parts)
        out.append(found or None)
    return out


_FORMS = RowColumn(_token_forms)
_HAS_FORMS = RowColumn(lambda texts: [p is not None for p in _token_forms(texts)], np.bool_)


def _collect_forms(doc: Document) -> tuple[dict[str, list[int]], list[str]]:
    """Every capitalised name-shaped spelling in the document, with its start offsets.

    Also the spellings that belong to a transliteration group, in order of
    first occurrence. Each distinct token is split into forms once per
    process (a column of the type table), so only the tokens that hold a
    form are visited here, not every token.
    """
    tokens = token_rows(doc)
    rows = tokens.rows
    where = np.flatnonzero(_HAS_FORMS.of(tokens)[rows])
    column = _FORMS.of(tokens)
    doc_tokens = doc.tokens
    starts: dict[str, list[int]] = {}
    translit: list[str] = []
    for i, row in zip(where.tolist(), rows[where].tolist(), strict=True):
        begin = doc_tokens[i][1]
        for form, offset, grouped in column[row]:
            found = starts.get(form)
            if found is None:
                starts[form] = [begin + offset]
                if grouped:
                    translit.append(form)
            else:
                found.append(begin + offset)
    return starts, translit


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


def _typo_codes(gaz: Gazetteer) -> RowColumn:
    """Per distinct token: 0 not a lowercase word of 3+ letters, 1 a known one, 2 an unknown one."""
    column = _TYPO_CODES.get(gaz)
    if column is None:
        counts = gaz.counts

        def code(texts: Sequence[str]) -> list[int]:
            return [
                0
                if not (w[0].isalpha() and len(w) >= 3 and w.islower())
                else 2
                if counts.get(w, 0) <= RARE_COUNT and w.isalpha()
                else 1
                for w in texts
            ]

        column = _TYPO_CODES[gaz] = RowColumn(code, np.int8)
    return column


# one typo column per gazetteer (its counts decide what is a known word)
_TYPO_CODES: weakref.WeakKeyDictionary[Gazetteer, RowColumn] = weakref.WeakKeyDictionary()


def _typo_discount(doc: Document, gaz: Gazetteer) -> float:
    """1.0 for clean prose, falling to 0.0 as unknown lowercase words pass 4% (learner text)."""
    tokens = token_rows(doc)
    codes = _typo_codes(gaz).of(tokens)[tokens.rows]
    n_lower = int(np.count_nonzero(codes))
    if n_lower < 20:
        return 1.0
    unknown = int(np.count_nonzero(codes == 2))
    rate = unknown / n_lower
    return min(1.0, max(0.0, (TYPO_RATE_CUTOFF - rate) / (TYPO_RATE_CUTOFF - TYPO_RATE_OK)))


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


def _variant_pairs(
    names: dict[str, list[int]], seen: dict[str, int], rare: list[str]
) -> dict[str, str]:
    """Rarer spelling -> the spelling it varies, for pairs that look like one name.

    Only pairs with an unattested member are looked for ('Iran' and 'Iraq',
    both well known, are two names), and blocking by sound-class skeleton
    (one dropped consonant allowed) keeps this linear in the number of
    distinct names in the document.
    """
    rare_keys: dict[str, list[str]] = {}  # skeleton -> the rare forms that have it
    for f in rare:
        if len(f) >= 4:
            rare_keys.setdefault(skeleton(f), []).append(f)
    if not rare_keys:
        return {}
    # a rare form's partners: names with its skeleton or one with a class dropped
    # from it (looked up by the name's skeleton), and names whose skeleton has
    # one more class, dropping to it (only names of that skeleton length)
    wanted: dict[str, list[str]] = {}
    for key, found in rare_keys.items():
        for k in (key, *_deletions(key)):
            wanted.setdefault(k, []).extend(found)
    longer = {len(key) + 1 for key in rare_keys}
    rare_set = set(rare)
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
