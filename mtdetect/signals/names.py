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
from dataclasses import dataclass
from pathlib import Path

from mtdetect.evidence import Evidence
from mtdetect.gazetteer import (
    RARE_COUNT,
    Gazetteer,
    _deletions,
    default_gazetteer,
    fold,
    is_capitalised_name_shape,
    max_variant_distance,
    name_parts,
    skeleton,
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


@dataclass(slots=True)
class _Form:
    """One capitalised spelling in a document, with where it occurs."""

    text: str
    starts: list[int]

    @property
    def spans(self) -> list[tuple[int, int]]:
        n = len(self.text)
        return [(s, s + n) for s in self.starts]


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
        # capitalised spellings that look like names rather than ordinary words
        names = {f: info for f, info in forms.items() if len(f) >= 3 and not gaz.is_word(f)}

        def unattested(form: str) -> bool:
            return gaz.count(form) <= RARE_COUNT and fold(form) not in _TRANSLIT_GROUP

        # 1. the same name spelled two ways in this document
        variants = _variant_pairs(names, gaz, unattested)

        # 2. two established transliterations of one name, mixed
        mixed = _mixed_transliterations(forms)

        # 3. near misses to well-attested names the gazetteer knows
        near: dict[str, tuple[str, float]] = {}
        present = {fold(f) for f in names}
        context = _Context(doc)
        for f, info in names.items():
            if f in variants or len(f) < 5 or not unattested(f):
                continue
            hit = gaz.near_miss(f)
            if hit is None or fold(hit[0]) in _NOT_CANONICAL or fold(hit[0]) in present:
                continue
            if any(context.is_name_slot(s, s + len(f)) for s in info.starts):
                near[f] = hit

        # 4. "Vladimir Isachenkov (Vladimir Isachenkov)"
        repeats = _paren_repeats(doc)

        # 5. spellings English news would not produce
        odd: list[str] = []
        model = self._chars
        if model is not None:
            for f in names:
                if (
                    len(f) >= 4
                    and unattested(f)
                    and gaz.word_count(f) <= RARE_COUNT
                    and model.is_odd(f)
                ):
                    odd.append(f)

        # A misspelt name in a text full of misspelt words is a human typo:
        # learners' essays must not look machine-translated.
        trust = _typo_discount(doc, gaz) if (variants or near or odd) else 1.0
        if trust < 1.0:
            variants = variants if trust > 0 else {}
            near = near if trust > 0 else {}
            odd = odd if trust > 0 else []

        for rare, common in variants.items():
            for span in names[rare].spans:
                msg = f"'{rare}' and '{common}' both appear: the same name spelled two ways"
                add("variant_spelling", span, msg)
        for other, main in mixed:
            msg = f"'{other.text}' and '{main.text}' both appear: two spellings of one name"
            add("mixed_transliteration", other.spans[0], msg)
        for f, (canonical, _) in near.items():
            for span in names[f].spans:
                add("near_miss", span, f"'{f}' looks like a mangled form of '{canonical}'")
        for span in repeats:
            add("paren_repeat", span, f"'{text[span[0] : span[1]]}' repeats a name in parentheses")
        for f in odd:
            msg = f"'{f}' is an unusual spelling for a name in English news"
            add("odd_spelling", names[f].spans[0], msg)

        n = doc.n_words
        values = [
            trust * _per_1000(len(variants), n),
            _per_1000(len(mixed), n),
            trust * _per_1000(sum(score for _, score in near.values()), n),
            _per_1000(len(repeats), n),
            trust * len(odd) / (len(names) + 5.0),
        ]
        return values, evidence


def _collect_forms(doc: Document) -> dict[str, _Form]:
    """Every capitalised name-shaped spelling in the document, with its start offsets.

    Only the capitalised tokens are touched, so this stays cheap on long
    documents; everything else about an occurrence is looked up lazily.
    """
    starts: dict[str, list[int]] = {}
    for tok in [t for t in doc.tokens if t.text[0].isupper()]:
        word = tok.text
        if "-" in word or "'" in word:
            for part, offset in name_parts(word):
                starts.setdefault(part, []).append(tok.start + offset)
        else:
            found = starts.get(word)
            if found is None:
                starts[word] = [tok.start]
            else:
                found.append(tok.start)
    return {f: _Form(f, s) for f, s in starts.items() if is_capitalised_name_shape(f)}


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


def _typo_discount(doc: Document, gaz: Gazetteer) -> float:
    """1.0 for clean prose, falling to 0.0 as unknown lowercase words pass 4% (learner text)."""
    lower = [t.text for t in doc.words if len(t.text) >= 3 and t.text.islower()]
    if len(lower) < 20:
        return 1.0
    unknown = sum(1 for w in lower if gaz.counts.get(w, 0) <= RARE_COUNT and w.isalpha())
    rate = unknown / len(lower)
    return min(1.0, max(0.0, (TYPO_RATE_CUTOFF - rate) / (TYPO_RATE_CUTOFF - TYPO_RATE_OK)))


def _mixed_transliterations(forms: dict[str, _Form]) -> list[tuple[_Form, _Form]]:
    """(less used, most used) spellings of one name from the transliteration table."""
    groups: dict[int, dict[str, _Form]] = {}
    for f, info in forms.items():
        group = _TRANSLIT_GROUP.get(fold(f))
        if group is not None:
            groups.setdefault(group, {})[fold(f)] = info
    out: list[tuple[_Form, _Form]] = []
    for members in groups.values():
        if len(members) >= 2:
            ordered = sorted(members.values(), key=lambda m: (-len(m.starts), m.starts[0]))
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
    """Legitimate related forms: plurals, demonyms, Slavic feminine surnames.

    Two spellings that are one stem plus different endings from that list
    ('Dravkovs'/'Dravkova') are related words, not one word spelled twice;
    two masculine endings ('Zelensky'/'Zelenskiy') are a real variant.
    """
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if long_.startswith(short):
        suffix = long_[len(short) :]
        if suffix in ("n", "an", "ns", "ans") and short[-1] in "aeo":
            return True  # Russia/Russian, Korea/Korean
    stem = 0
    while stem < len(short) and short[stem] == long_[stem]:
        stem += 1
    if stem < 4:
        return False
    tails = (short[stem:], long_[stem:])
    if tails[0] in _MASCULINE_TAILS and tails[1] in _MASCULINE_TAILS:
        return False
    return tails[0] in _INFLECTIONS and tails[1] in _INFLECTIONS


def _variant_pairs(names: dict[str, _Form], gaz: Gazetteer, unattested) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Rarer spelling -> the spelling it varies, for pairs that look like one name.

    Blocking by sound-class skeleton (one dropped consonant allowed) keeps
    this linear in the number of distinct names; a pair counts only when the
    rarer spelling is unattested in native news, so 'Iran' and 'Iraq' (both
    well known) never pair.
    """
    exact: dict[str, list[str]] = {}
    folded = {f: fold(f) for f in names if len(f) >= 4}
    for f, ff in folded.items():
        exact.setdefault(skeleton(ff), []).append(f)
    pairs: set[tuple[str, str]] = set()
    for f, ff in folded.items():
        key = skeleton(ff)
        for other in exact.get(key, ()):
            if other != f:
                pairs.add((f, other) if f < other else (other, f))
        for d in set(_deletions(key)):
            for other in exact.get(d, ()):
                if other != f:
                    pairs.add((f, other) if f < other else (other, f))
    out: dict[str, str] = {}
    for a, b in sorted(pairs):
        ua, ub = unattested(a), unattested(b)
        if not (ua or ub):
            continue  # two known spellings ('Iran', 'Iraq') are two names
        fa, fb = folded[a], folded[b]
        if fa == fb or _morphological(fa, fb):
            continue
        if weighted_distance(fa, fb, max_variant_distance(fa, fb)) == math.inf:
            continue
        ka = (gaz.count(a), len(names[a].starts), -names[a].starts[0])
        kb = (gaz.count(b), len(names[b].starts), -names[b].starts[0])
        # the rarer spelling (then the less repeated, then the later one) is the deviant
        rare, common = (a, b) if ka < kb else (b, a)
        if not (ua if rare == a else ub):
            continue
        if rare not in out:
            out[rare] = common
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
