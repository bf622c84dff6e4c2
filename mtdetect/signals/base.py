"""The contract every signal family follows."""

from __future__ import annotations

from abc import ABC, abstractmethod

from mtdetect.evidence import Evidence
from mtdetect.text import Document


class Signal(ABC):
    """A family of telltales: numeric features plus the spans behind them.

    Features must be normalised by document length (rates, not counts) so
    that a long article and a short one are comparable, and must not depend
    on line layout or quote style. Each evidence item's ``kind`` is the full
    name of the feature it counts towards, so the model's weight for that
    feature can be shared out among the items.
    """

    #: family prefix, e.g. "surface"; feature names are "<name>.<feature>"
    name: str = ""

    @abstractmethod
    def feature_names(self) -> list[str]:
        """Full feature names, in the order :meth:`extract` returns values."""

    @abstractmethod
    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        """Return one value per feature name, and the evidence spans."""

    def fingerprint(self) -> str:
        """A string that changes when the resources this signal reads change."""
        return ""
