"""mtdetect: tell whether an English news article was machine-spun, and show why."""

from mtdetect._version import __version__
from mtdetect.bundle import ModelError
from mtdetect.detector import DetectionResult, Detector, detect, score
from mtdetect.evidence import Evidence
from mtdetect.features import FeatureExtractor

__all__ = [
    "DetectionResult",
    "Detector",
    "Evidence",
    "FeatureExtractor",
    "ModelError",
    "__version__",
    "detect",
    "score",
]
