"""The verdict on one text, as every caller receives it (``Detector.detect`` and friends).

Why its own module: writers of results (the command line, reports, services)
need the type without the machinery that scores.
``mtdetect.detector.DetectionResult`` remains the same class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mtdetect.evidence import Evidence


@dataclass(frozen=True)
class DetectionResult:
    """The verdict on one text.

    ``probability`` is the calibrated probability that the text is machine
    translated (None when the detector abstained or failed); ``flagged`` is
    ``probability >= threshold``; ``evidence`` lists the spans behind the
    score, strongest first, with offsets into the text that was passed in,
    or into ``text`` when that is set: for ``content_type="html"``, ``text``
    is the article text extracted from the page, which is what was scored.
    """

    probability: float | None
    flagged: bool
    status: str
    reason: str = ""
    evidence: tuple[Evidence, ...] = ()
    boilerplate: tuple[Evidence, ...] = ()
    model_version: str = ""
    threshold: float | None = None
    extras: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    text: str | None = field(default=None, repr=False)
    #: reference mode: the indexed original found, and how this text was made from it
    source: str | None = None
    verdict: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data, the same fields as a command-line record."""
        from mtdetect._schema import result_fields

        return result_fields(self)
