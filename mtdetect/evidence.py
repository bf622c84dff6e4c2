"""Evidence: a span of the input that a signal points at, and why."""

from __future__ import annotations

from dataclasses import dataclass, replace


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

    def with_weight(self, weight: float) -> Evidence:
        return replace(self, weight=weight)

    def shifted(self, offset_map: list[int] | None) -> Evidence:
        """Map offsets from cleaned text back to the caller's text."""
        if offset_map is None:
            return self
        end = offset_map[self.end - 1] + 1 if self.end > self.start else offset_map[self.start]
        return replace(self, start=offset_map[self.start], end=end)

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "weight": round(self.weight, 4),
        }
