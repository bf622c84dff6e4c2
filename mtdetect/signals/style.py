"""Style: the trained function-word pattern model as one feature, with its patterns as evidence.

Why a signal and not a separate model: the pattern score joins the other
telltales in the same explainable linear scorer, so its weight is set against
theirs, and its strongest patterns are shown as spans like any other evidence.
"""

from __future__ import annotations

from mtdetect.evidence import Evidence
from mtdetect.signals.base import Signal
from mtdetect.style import FunctionWordModel, evidence_items
from mtdetect.text import Document

SCORE = "style.score"


class StyleSignal(Signal):
    """``style.score``: the function-word pattern model's log-odds for the document."""

    name = "style"

    def __init__(self, model: FunctionWordModel | None) -> None:
        if model is None or not hasattr(model, "coef_"):
            raise ValueError(
                "the 'style' family needs a fitted FunctionWordModel "
                "(FeatureExtractor(style_model=...)); it is trained by training/train.py"
            )
        self.model = model

    def feature_names(self) -> list[str]:
        return [SCORE]

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        score, items = self.model.explain(doc)
        return [score], evidence_items(items, doc.text, SCORE)

    def fingerprint(self) -> str:
        return self.model.fingerprint()
