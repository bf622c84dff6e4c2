"""Evidence: a span of the input that a signal points at, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: added to the message of an item whose span reaches over removed boilerplate
ACROSS_BOILERPLATE = " (the span reaches over page boilerplate removed before scoring)"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One observation a reviewer can check in the input.

    ``kind`` is the name of the feature the observation counts towards (for
    example ``"names.variant_spelling"``); ``start``/``end`` are character
    offsets into the text the caller passed in; ``weight`` is this item's
    share of the feature's contribution to the document's log-odds under the
    trained model (0.0 until a model has scored it).
    """

    kind: str
    start: int
    end: int
    text: str
    message: str
    weight: float = 0.0

    # The copies below call the constructor, as dataclasses.replace would, without
    # replace's walk over the fields (a few times slower; a document has dozens).

    def with_weight(self, weight: float) -> Evidence:
        return make_evidence(self.kind, self.start, self.end, self.text, self.message, weight)

    def shifted(self, offset_map: list[int] | None) -> Evidence:
        """Map offsets from cleaned text back to the caller's text."""
        if offset_map is None:
            return self
        end = offset_map[self.end - 1] + 1 if self.end > self.start else offset_map[self.start]
        start = offset_map[self.start]
        return make_evidence(self.kind, start, end, self.text, self.message, self.weight)

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "weight": round(self.weight, 4),
        }


_new = object.__new__
_SET_KIND, _SET_START, _SET_END, _SET_TEXT, _SET_MESSAGE, _SET_WEIGHT = (
    Evidence.__dict__[name].__set__
    for name in ("kind", "start", "end", "text", "message", "weight")
)


def make_evidence(
    kind: str, start: int, end: int, text: str, message: str, weight: float = 0.0
) -> Evidence:
    """``Evidence(kind, start, end, text, message, weight)``, the same object, made faster.

    Why: the frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__`` (about 0.8 us an item); writing the slots directly
    takes about half that, and a document's evidence is made and re-weighed
    dozens of times. ``tests/test_evidence_fast.py`` checks the fields and
    equality against the constructor.
    """
    item = _new(Evidence)
    _SET_KIND(item, kind)
    _SET_START(item, start)
    _SET_END(item, end)
    _SET_TEXT(item, text)
    _SET_MESSAGE(item, message)
    _SET_WEIGHT(item, weight)
    return item


def exact_spans(items: Iterable[Evidence], source: str) -> tuple[Evidence, ...]:
    """``items`` with each one's ``text`` exactly ``source[start:end]``.

    Why: a signal finds a span in the text with boilerplate removed; mapped
    back to the caller's text, a span that joined two lines around a removed
    one ("said.\n[ad]\nsaid") covers the removed line too. The item then
    names everything its offsets cover, and says so in its message.
    """
    out = []
    for item in items:
        covered = source[item.start : item.end]
        if covered != item.text:
            message = item.message
            if len(covered) > len(item.text) and not message.endswith(ACROSS_BOILERPLATE):
                message += ACROSS_BOILERPLATE
            item = make_evidence(item.kind, item.start, item.end, covered, message, item.weight)
        out.append(item)
    return tuple(out)
