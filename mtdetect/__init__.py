"""mtdetect: tell whether an English news article was machine-spun, and show why.

The public names are imported on first use (PEP 562), so that the command
line, and its ``--jobs`` parent process, start without numpy and scikit-learn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mtdetect._version import __version__

if TYPE_CHECKING:
    from mtdetect.bundle import ModelError
    from mtdetect.detector import DetectionResult, Detector, detect, score
    from mtdetect.evidence import Evidence
    from mtdetect.features import FeatureExtractor
    from mtdetect.reference import Comparison, Reference, compare

__all__ = [
    "Comparison",
    "DetectionResult",
    "Detector",
    "Evidence",
    "FeatureExtractor",
    "ModelError",
    "Reference",
    "__version__",
    "compare",
    "detect",
    "score",
]

_WHERE = {
    "DetectionResult": "mtdetect.detector",
    "Detector": "mtdetect.detector",
    "detect": "mtdetect.detector",
    "score": "mtdetect.detector",
    "Evidence": "mtdetect.evidence",
    "FeatureExtractor": "mtdetect.features",
    "ModelError": "mtdetect.bundle",
    "Comparison": "mtdetect.reference.compare",
    "compare": "mtdetect.reference.compare",
    "Reference": "mtdetect.reference.index",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'mtdetect' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
