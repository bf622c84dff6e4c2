"""Names: what a round trip through a pivot language does to proper names.

A pivot language hears names rather than spelling them, so the English that
comes back has mangled names ("Antony Blinken" -> "Anthony Brinken"), one
name spelled two ways in the same article ("Blinken" and "Blnken"), names
repeated in parentheses ("Vladimir Isachenkov (Vladimir Isachenkov)") and
spellings that English news never uses. Human writers, learners included,
spell a name the same way throughout, so these are cheap, explainable cues.

Only the in-document checks (variant pairs, parenthesised repeats, the
character model) need no knowledge of the name itself; the gazetteer adds
near misses to names that native news has seen.
"""

from __future__ import annotations

import math
import re
import threading
from pathlib import Path

from mtdetect.evidence import Evidence
from mtdetect.gazetteer import (
    RARE_COUNT,
    Gazetteer,
    block_partners,
    default_gazetteer,
    fold,
    is_ordinary_word,
    max_variant_distance,
    name_parts,
    skeleton,
    skeleton_blocks,
    weighted_distance,
)
from mtdetect.name_chars import NameCharModel, default_char_model
from mtdetect.signals.base import Signal
from mtdetect.text import TOKEN_RE, Document

FEATURES: tuple[str, ...] = (
    "variant_spelling",
    "mixed_transliteration",
    "near_miss",
    "paren_repeat",
    "odd_spelling",
)

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

# Capitalised common nouns a gazetteer may hold as "names": never canonical.
_NOT_CANONICAL = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december""".split()
)
# Verbs that follow a person's name in news prose: "Brinken said".
#: share of unknown lowercase words below which text counts as clean...
TYPO_RATE_OK = 0.015
#: ...and above which name oddities are put down to the writer's spelling
TYPO_RATE_CUTOFF = 0.04
_SPEECH = frozenset(
    """said says told added noted stated wrote asked explained argued warned announced
    replied insisted stressed admitted""".split()
)


def _spans(form: str, starts: list[int]) -> list[tuple[int, int]]:
    return [(s, s + len(form)) for s in starts]


def _folded(form: str) -> str:
    return form.lower() if form.isascii() else fold(form)


def _per_1000(count: float, n_words: int) -> float:
    """log1p of a per-1000-word rate, with a floor on length so short texts don't explode."""
    return math.log1p(1000.0 * count / max(n_words, 100))


_LOCK = threading.Lock()
_MERGED: dict[str, Gazetteer] = {}


def _gazetteer_for(path: str | Path | None) -> Gazetteer:
    """Shipped gazetteer, merged with a user file when given (cached per path)."""
    base = default_gazetteer()
    if path is None:
        return base
    key = str(Path(path).resolve())
    with _LOCK:
        found = _MERGED.get(key)
        if found is None:
            found = base.merged(Gazetteer.load(key))
            _MERGED[key] = found
    return found


class NameSignal(Signal):
    """Mangled, doubly spelled and parenthetically repeated names; odd name spellings.

    Parameters
    ----------
    gazetteer:
        Optional path to a file of trusted name spellings (one a line,
        optional ``<TAB>count``), merged with the shipped gazetteer. Stored
        as given and loaded on first use, so the signal pickles and clones.
    """

    name = "names"

    def __init__(self, gazetteer: str | Path | None = None) -> None:
        self.gazetteer = gazetteer

    # -- scikit-learn style parameters (so sklearn.clone works) ------------
    def get_params(self, deep: bool = True) -> dict[str, object]:
        return {"gazetteer": self.gazetteer}

    def set_params(self, **params: object) -> NameSignal:
        for key, value in params.items():
            if key != "gazetteer":
                raise ValueError(f"invalid parameter {key!r} for NameSignal")
            self.gazetteer = value  # type: ignore[assignment]
            self.__dict__.pop("_gaz", None)
        return self

    def __getstate__(self) -> dict[str, object]:
        return {"gazetteer": self.gazetteer}  # resources are reloaded, never pickled

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"NameSignal(gazetteer={self.gazetteer!r})"

    # -- resources ---------------------------------------------------------
    def use_gazetteer(self, gazetteer: Gazetteer) -> NameSignal:
        """Read ``gazetteer`` in place of the shipped one (not pickled).

        For measurement: training scores text against a gazetteer that has not
        seen it, to learn how often names new to the gazetteer look mangled.
        """
        self.__dict__["_gaz"] = gazetteer
        return self

    @property
    def _gazetteer(self) -> Gazetteer:
        gaz = self.__dict__.get("_gaz")
        if gaz is None:
            gaz = _gazetteer_for(self.gazetteer)
            self.__dict__["_gaz"] = gaz
        return gaz

    @property
    def _chars(self) -> NameCharModel | None:
        return default_char_model()

    def fingerprint(self) -> str:
        from mtdetect.resources import data_path, file_sha256

        parts = []
        for name in ("names.tsv", "name_chars.npz"):
            path = data_path(name)
            parts.append(file_sha256(path)[:16] if path.exists() else "-")
        if self.gazetteer is not None:
            user = Path(self.gazetteer)
            parts.append(file_sha256(user)[:16] if user.exists() else "missing")
        return ":".join(parts)

    def feature_names(self) -> list[str]:
        return [f"{self.name}.{feature}" for feature in FEATURES]

    # -- extraction ----------------------------------------------------------
    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        gaz = self._gazetteer
        text = doc.text
        evidence: list[Evidence] = []

        def add(kind: str, span: tuple[int, int], message: str) -> None:
            start, end = span
            evidence.append(Evidence(f"{self.name}.{kind}", start, end, text[start:end], message))

        forms = _collect_forms(doc)
        # capitalised spellings that look like names rather than ordinary words,
        # their gazetteer counts, and which of them native news has not seen
        counts = gaz.counts
        names: dict[str, list[int]] = {}
        seen: dict[str, int] = {}
        rare: list[str] = []
        for f, starts in forms.items():
            if len(f) < 3:
                continue
            ascii_form = f.isascii()
            n = counts.get(f, 0) if ascii_form else gaz.count(f)
            if is_ordinary_word(counts.get(f.lower(), 0), n):
                continue  # an ordinary word: 'Meanwhile', 'Brown'
            names[f] = starts
            seen[f] = n
            if n <= RARE_COUNT and (f.lower() if ascii_form else fold(f)) not in _TRANSLIT_GROUP:
                rare.append(f)

        # 1. the same name spelled two ways in this document
        variants = _variant_pairs(names, seen, rare)

        # 2. two established transliterations of one name, mixed
        mixed = _mixed_transliterations(forms)

        # 3. near misses to well-attested names the gazetteer knows
        near: dict[str, tuple[str, float]] = {}
        context: _Context | None = None
        for f in rare:
            if f in variants or len(f) < 5:
                continue
            hit = gaz.near_miss(f)
            if hit is None:
                continue
            canonical = _folded(hit[0])
            if canonical in _NOT_CANONICAL or any(_folded(g) == canonical for g in names):
                continue
            context = context or _Context(doc)
            if any(context.is_name_slot(s, s + len(f)) for s in names[f]):
                near[f] = hit

        # 4. "Vladimir Isachenkov (Vladimir Isachenkov)"
        repeats = _paren_repeats(doc)

        # 5. spellings English news would not produce
        model = self._chars
        odd = [f for f in rare if len(f) >= 4 and model.is_odd(f)] if model is not None else []

        # A misspelt name in a text full of misspelt words is a human typo:
        # learners' essays must not look machine-translated.
        trust = _typo_discount(doc, counts) if (variants or near) else 1.0
        if trust <= 0.0:
            variants, near, odd = {}, {}, []

        for rare, common in variants.items():
            for span in _spans(rare, names[rare]):
                msg = f"'{rare}' and '{common}' both appear: the same name spelled two ways"
                add("variant_spelling", span, msg)
        for other, main in mixed:
            msg = f"'{other}' and '{main}' both appear: two spellings of one name"
            add("mixed_transliteration", _spans(other, forms[other])[0], msg)
        for f, (canonical, _) in near.items():
            for span in _spans(f, names[f]):
                add("near_miss", span, f"'{f}' looks like a mangled form of '{canonical}'")
        for span in repeats:
            add("paren_repeat", span, f"'{text[span[0] : span[1]]}' repeats a name in parentheses")
        for f in odd:
            msg = f"'{f}' is an unusual spelling for a name in English news"
            add("odd_spelling", _spans(f, names[f])[0], msg)

        n = doc.n_words
        values = [
            trust * _per_1000(len(variants), n),
            _per_1000(len(mixed), n),
            trust * _per_1000(sum(score for _, score in near.values()), n),
            _per_1000(len(repeats), n),
            trust * len(odd) / (len(names) + 5.0),
        ]
        return values, evidence


def _collect_forms(doc: Document) -> dict[str, list[int]]:
    """Every capitalised name-shaped spelling in the document, with its start offsets.

    Only the capitalised tokens are touched, so this stays cheap on long
    documents; everything else about an occurrence is looked up lazily.
    """
    starts: dict[str, list[int]] = {}
    for tok in [t for t in doc.tokens if t.text[0].isupper()]:
        word = tok.text
        if "-" in word or "'" in word:
            for part, offset in name_parts(word):
                if part[0].isupper():
                    starts.setdefault(part, []).append(tok.start + offset)
        else:
            found = starts.get(word)
            if found is None:
                starts[word] = [tok.start]
            else:
                found.append(tok.start)
    # not acronyms ('NATO'), initials ('W') or glued numbers
    return {f: s for f, s in starts.items() if len(f) > 1 and not f.isupper() and f.isalpha()}


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


def _typo_discount(doc: Document, counts: dict[str, int]) -> float:
    """1.0 for clean prose, falling to 0.0 as unknown lowercase words pass 4% (learner text)."""
    lower = [t.text for t in doc.words if len(t.text) >= 3 and t.text.islower()]
    if len(lower) < 20:
        return 1.0
    unknown = sum(1 for w in lower if counts.get(w, 0) <= RARE_COUNT and w.isalpha())
    rate = unknown / len(lower)
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
    if not rare:
        return {}
    blocks = skeleton_blocks(f for f in names if len(f) >= 4)
    rare_set = set(rare)
    pairs: set[tuple[str, str]] = set()
    for f in rare:
        if len(f) < 4:
            continue
        for other in block_partners(blocks, skeleton(f)):
            if other != f:
                pairs.add((f, other) if f < other else (other, f))
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
