"""Compare a suspect article with its original: verdict, coverage, and what changed.

Once the original is known, the verdict no longer rests on statistics: the
sentences are aligned (``align``), and within each aligned pair a word diff
shows each mangled name ("Brinken" for "Blinken"), changed figure and
unidiomatic replacement ("marginal policies" for "brinkmanship"), with exact
offsets into both texts. How much of the wording survives tells a copy
(verbatim or lightly edited) from a re-translation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from mtdetect.reference import _changes
from mtdetect.reference._changes import Change, Span
from mtdetect.reference.align import STOPWORDS, Link, Unit, align, units

VERDICTS = ("spun", "copy", "related", "unrelated")
#: share of the words linked to the other text, on the side where it is larger
#: (a spun text of a cut original, or a cut copy), for a re-translation...
SPUN_COVERAGE = 0.6
#: ... whose linked sentences are this similar on average (Apertium round
#: trips: 5th percentile 0.68; two articles on one story with shared quotes: 0.55)
SPUN_SIMILARITY = 0.6
#: share of a linked sentence's word pairs kept verbatim, on average, for a copy
#: (Apertium round trips keep at most 0.63, seed 001 of its republication 003 0.94)...
COPY_EXACT = 0.8
#: ... of which this much must be linked (a short copy padded with boilerplate)
COPY_COVERAGE = 0.4
#: two articles share the story: this much is linked, or they share names
RELATED_COVERAGE = 0.3
RELATED_NAMES = 3
RELATED_NAME_DICE = 0.2


@dataclass(frozen=True, slots=True)
class SentencePair:
    """A suspect sentence, the original sentence(s) linked to it, and how alike they are."""

    suspect: Span
    original: Span | None
    similarity: float
    exact: float


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`."""

    verdict: str
    coverage: float
    similarity: float
    exact: float
    sentences: tuple[SentencePair, ...] = field(repr=False)
    changes: tuple[Change, ...] = field(repr=False)
    #: the sentence links behind it, for :func:`with_changes`
    links: tuple[Link, ...] = field(default=(), repr=False, compare=False)

    @property
    def profile(self) -> tuple[float, ...]:
        """Similarity of each suspect sentence to the original (0 when unlinked)."""
        return tuple(pair.similarity for pair in self.sentences)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for change in self.changes:
            out[change.kind] = out.get(change.kind, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "coverage": round(self.coverage, 4),
            "similarity": round(self.similarity, 4),
            "exact": round(self.exact, 4),
            "profile": [round(x, 3) for x in self.profile],
            "sentences": [asdict(pair) for pair in self.sentences],
            "changes": [asdict(change) for change in self.changes],
        }


def _words(parts: list[Unit]) -> list[str]:
    return [t.text.lower() for u in parts for t in u.tokens if t.text[0].isalnum()]


def _exact(a: list[str], b: list[str]) -> float:
    """Share of ``a``'s word pairs that ``b`` has too: a copy keeps nearly all, a
    re-translation few (pairs, not words: a literal translation keeps the words)."""
    if a == b:
        return 1.0 if a else 0.0
    if len(a) < 2:
        return float(bool(a) and a[0] in b)
    kept = set(zip(b, b[1:], strict=False))
    pairs = list(zip(a, a[1:], strict=False))
    return sum(pair in kept for pair in pairs) / len(pairs)


def compare(suspect: str, original: str) -> Comparison:
    """Align ``suspect`` with ``original`` and say how the one was made from the other.

    ``verdict`` is ``spun`` (most sentences link, but little wording is kept:
    a re-translation), ``copy`` (links, and the wording kept), ``related``
    (few sentences link, but the two share the story's names and words) or
    ``unrelated``. Offsets in ``changes`` and ``sentences`` point into the
    two inputs as given.
    """
    return compare_units(suspect, units(suspect), original, units(original))


def compare_units(
    suspect: str, su: list[Unit], original: str, ou: list[Unit], *, changes: bool = True
) -> Comparison:
    """:func:`compare` on sentences already split (an index splits the query once).

    With ``changes=False`` the word-level differences are left for
    :func:`with_changes`, so that ranking candidates costs only the alignment.
    """
    links = align(su, ou)
    by_suspect: dict[int, Link] = {i: link for link in links for i in link.suspect}
    total = sum(u.weight for u in su) or 1
    linked = sum(su[i].weight for i in by_suspect)
    coverage = linked / total
    pairs: list[SentencePair] = []
    exact_sum = sim_sum = 0.0
    exact_of: dict[int, float] = {}
    for link in links:
        a = _words([su[i] for i in link.suspect])
        b = _words([ou[j] for j in link.original])
        exact_of[id(link)] = _exact(a, b)
        weight = sum(su[i].weight for i in link.suspect)
        exact_sum += exact_of[id(link)] * weight
        sim_sum += link.similarity * weight
    for i, unit in enumerate(su):
        link = by_suspect.get(i)
        if link is None:
            pairs.append(SentencePair(_changes.span(suspect, unit.start, unit.end), None, 0.0, 0.0))
            continue
        first, last = ou[link.original[0]], ou[link.original[-1]]
        pairs.append(
            SentencePair(
                _changes.span(suspect, unit.start, unit.end),
                _changes.span(original, first.start, last.end),
                round(link.similarity, 4),
                round(exact_of[id(link)], 4),
            )
        )
    exact = exact_sum / linked if linked else 0.0
    similarity = sim_sum / linked if linked else 0.0
    o_total = sum(u.weight for u in ou) or 1
    o_linked = sum(ou[j].weight for link in links for j in link.original)
    verdict = _verdict(max(coverage, o_linked / o_total), similarity, exact, su, ou)
    comparison = Comparison(verdict, coverage, similarity, exact, tuple(pairs), (), tuple(links))
    return with_changes(comparison, suspect, su, original, ou) if changes else comparison


def with_changes(
    comparison: Comparison, suspect: str, su: list[Unit], original: str, ou: list[Unit]
) -> Comparison:
    """The comparison with its changes listed (only a spun text or a copy has any)."""
    if comparison.verdict not in ("spun", "copy"):
        return comparison
    found = _changes.find(suspect, original, su, ou, list(comparison.links))
    if comparison.verdict == "copy":  # an edited copy's word swaps are not translation
        found = [change for change in found if change.kind != "phrase"]
    return replace(comparison, changes=tuple(found))


def _verdict(
    coverage: float, similarity: float, exact: float, su: list[Unit], ou: list[Unit]
) -> str:
    """``coverage`` is the larger of the two sides' linked shares."""
    if exact >= COPY_EXACT and coverage >= COPY_COVERAGE:
        return "copy"
    if coverage >= SPUN_COVERAGE and similarity >= SPUN_SIMILARITY:
        return "spun"
    if coverage >= RELATED_COVERAGE:
        return "related"
    a, b = _names(su), _names(ou)
    shared = len(a & b)
    if shared >= RELATED_NAMES and 2 * shared / (len(a) + len(b)) >= RELATED_NAME_DICE:
        return "related"
    return "unrelated"


def _names(parts: list[Unit]) -> set[str]:
    """Capitalised words inside sentences: the people, places and bodies a story is about."""
    return {
        t.text.lower()
        for u in parts
        for t in u.tokens[1:]
        if t.text[0].isupper() and len(t.text) > 2 and t.text.lower() not in STOPWORDS
    }
