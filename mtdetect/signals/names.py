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
import threading
from pathlib import Path

from mtdetect.evidence import Evidence, make_evidence
from mtdetect.gazetteer import Gazetteer, default_gazetteer
from mtdetect.name_chars import NameCharModel, default_char_model
from mtdetect.signals._name_rows import _collect_forms, _name_forms, _typo_discount
from mtdetect.signals._name_variants import (
    _Context,
    _folded,
    _mixed_transliterations,
    _paren_repeats,
    _variant_pairs,
)
from mtdetect.signals.base import Signal
from mtdetect.text import Document

FEATURES: tuple[str, ...] = (
    "variant_spelling",
    "mixed_transliteration",
    "near_miss",
    "paren_repeat",
    "odd_spelling",
)

# Capitalised common nouns a gazetteer may hold as "names": never canonical.
_NOT_CANONICAL = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december""".split()
)


# Verbs that follow a person's name in news prose: "Brinken said".
def _spans(form: str, starts: list[int]) -> list[tuple[int, int]]:
    return [(s, s + len(form)) for s in starts]


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
            evidence.append(
                make_evidence(f"{self.name}.{kind}", start, end, text[start:end], message)
            )

        forms, translit = _collect_forms(doc, gaz)
        # capitalised spellings that look like names rather than ordinary words,
        # their gazetteer counts, and which of them native news has not seen
        verdicts = _name_forms(gaz)
        names: dict[str, list[int]] = {}
        seen: dict[str, int] = {}
        rare: list[str] = []
        for f, starts in forms.items():
            found = verdicts[f]
            if found is None:
                continue  # too short, or an ordinary word: 'Meanwhile', 'Brown'
            names[f] = starts
            seen[f] = found[0]
            if found[1] and f not in translit:
                rare.append(f)

        # 1. the same name spelled two ways in this document
        variants = _variant_pairs(names, seen, rare)

        # 2. two established transliterations of one name, mixed
        mixed = _mixed_transliterations({f: forms[f] for f in translit})

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
        trust = _typo_discount(doc, gaz) if (variants or near) else 1.0
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
