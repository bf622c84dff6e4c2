"""Reference mode: find the original a spun article came from, and show what changed.

``compare(suspect, original)`` aligns two texts and lists the changes;
``Reference`` is an index of trusted originals to find the original in.
Names are imported on first use, so that the command line starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mtdetect.reference.compare import Comparison, compare
    from mtdetect.reference.index import IndexFileError, Match, Reference, Source

__all__ = ["Comparison", "IndexFileError", "Match", "Reference", "Source", "compare"]

_WHERE = {
    "Comparison": "mtdetect.reference.compare",
    "compare": "mtdetect.reference.compare",
    "IndexFileError": "mtdetect.reference.index",
    "Match": "mtdetect.reference.index",
    "Reference": "mtdetect.reference.index",
    "Source": "mtdetect.reference.index",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'mtdetect.reference' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
