"""Reference mode inside ``score``: a found original turns statistics into evidence.

When the index holds the original of a scored text, the verdict no longer
rests on the model: the result gains ``source`` and ``verdict``, each
mangled name, changed figure and odd phrase becomes an evidence item
(``reference.name``, ``reference.number``, ``reference.phrase``), and a
``spun`` verdict flags the text whatever its probability. When no original
is found, the result is left exactly as the model made it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from mtdetect.evidence import Evidence

#: the changes that are evidence of a round trip (dropped and added sentences are not)
EVIDENCE_KINDS = ("name", "phrase", "number")


def open_reference(reference: Any) -> Any:
    """A :class:`Reference` from a path, or the object itself; None stays None."""
    if reference is None or not isinstance(reference, str | Path):
        return reference
    from mtdetect.reference.index import Reference

    return Reference.open(reference)


def apply(result: Any, text: str | None, reference: Any) -> Any:
    """``result`` with the reference verdict added, when an original is found for ``text``."""
    if reference is None or not isinstance(text, str) or not text.strip():
        return result
    if result.status == "error":
        return result
    matches = reference.match(text, k=1)
    best = matches[0] if matches else None
    if best is None or best.verdict not in ("spun", "copy"):
        return result
    found = tuple(
        Evidence(
            f"reference.{change.kind}",
            change.suspect.start,
            change.suspect.end,
            change.suspect.text,
            f"{change.message} (original: {best.id})",
        )
        for change in best.comparison.changes
        if change.kind in EVIDENCE_KINDS
    )
    return replace(
        result,
        source=best.id,
        verdict=best.verdict,
        flagged=result.flagged or best.verdict == "spun",
        evidence=found + tuple(result.evidence),
    )
