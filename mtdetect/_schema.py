"""The one shape of a result as JSON, shared by the Python API and the command line.

Why: the two used to differ (``boilerplate`` a list in ``to_dict``, a count
in the command line's records), so code reading one broke on the other.
``DetectionResult.to_dict()`` is :func:`result_fields`; a command-line
record is the same fields plus what only the command line knows about the
input (``path``, ``notes``, and ``id`` for JSON Lines records).
"""

from __future__ import annotations

from typing import Any

#: bumped whenever a field changes name, type or meaning
SCHEMA_VERSION = 1


def result_fields(result: Any) -> dict[str, Any]:
    """A detection result as a JSON-ready dict (``DetectionResult`` or one like it)."""
    probability = result.probability
    threshold = getattr(result, "threshold", None)
    return {
        "schema_version": SCHEMA_VERSION,
        "probability": None if probability is None else round(float(probability), 4),
        "flagged": bool(result.flagged),
        "status": result.status,
        "reason": result.reason,
        "threshold": None if threshold is None else float(threshold),
        "evidence": [item.to_dict() for item in result.evidence],
        "boilerplate": [item.to_dict() for item in result.boilerplate],
        "model_version": result.model_version,
        "text": getattr(result, "text", None),
        **_reference_fields(result),
    }


def _reference_fields(result: Any) -> dict[str, Any]:
    """Reference mode (``score --reference``): the original found and the verdict, if any."""
    source = getattr(result, "source", None)
    return {} if source is None else {"source": source, "verdict": getattr(result, "verdict", None)}
