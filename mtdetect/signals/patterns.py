"""The trained pattern models as features, with their strongest patterns as evidence.

Why signals and not separate models: each pattern score joins the other
telltales in the same explainable linear scorer, so its weight is set against
theirs, and its strongest patterns are shown as spans like any other evidence.

- ``style.score``: function words and punctuation only, every other word
  masked to its shape, so it cannot see what a text is about.
- ``wording.score``: lowercase words kept as well (names still masked),
  trained on matched pairs (a text and its own machine version), so topic
  cancels and only the translation's word choice ("persons", "roughly")
  and word order remain.
- ``roundtrip.score``: the same kind of model trained on round trips only,
  each matched with the human text it was made from (an original, a
  professional translation, a learner essay), so translationese and
  learners' errors are on both sides and only what the round trip added
  counts; native news documents are among its human texts too. Its
  intercept is set so that 0 is the highest out-of-fold score any of its
  human training texts reached; the feature is the score above that
  ceiling, and 0 below it, so text like the human texts it learned from
  never gets a round-trip push.
- ``neural.score``: ``wording``'s kind of model trained only on neural MT
  (WMT system outputs) matched with the professional translations of the
  same documents: the word choice of fluent neural output, which rule-based
  round trips would otherwise drown out.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from mtdetect.evidence import Evidence, make_evidence
from mtdetect.features import model_parameter, score_feature
from mtdetect.pattern_model import SENTENCE_START, FunctionWordModel
from mtdetect.signals.base import Signal
from mtdetect.text import Document

SCORE = score_feature("style")


class PatternSignal(Signal):
    """One feature, ``<name>.score``: a fitted pattern model's log-odds for the document."""

    name = "pattern"
    #: what the model's patterns are typical of, in its evidence messages
    typical_of = "machine-translated English"

    #: the kind of model the family reads, named in the error when it is missing
    model_kind = "FunctionWordModel"

    def __init__(self, model: FunctionWordModel | None) -> None:
        if model is None or not hasattr(model, "coef_"):
            raise ValueError(
                f"the {self.name!r} family needs a fitted {self.model_kind} "
                f"(FeatureExtractor({model_parameter(self.name)}=...)); "
                "it is trained by training/train.py"
            )
        self.model = model

    def feature_names(self) -> list[str]:
        return [score_feature(self.name)]

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        score, items = self.model.explain(doc)
        kind = score_feature(self.name)
        return [score], evidence_items(items, doc.text, kind, self.typical_of)

    def fingerprint(self) -> str:
        return self.model.fingerprint()


class StyleSignal(PatternSignal):
    """``style.score``: the function-word pattern model."""

    name = "style"


class WordingSignal(PatternSignal):
    """``wording.score``: the word pattern model trained on matched pairs."""

    name = "wording"


class NeuralSignal(PatternSignal):
    """``neural.score``: the word pattern model trained on neural MT pairs only."""

    name = "neural"
    typical_of = "fluent neural machine translation"


def above_ceiling(score: float | np.ndarray) -> np.ndarray:
    """``roundtrip.score`` from the roundtrip model's log-odds: the excess over 0, else 0.

    Training and evaluation compute the feature for many texts at once with
    this same function, so it is the signal's value exactly.
    """
    return np.maximum(score, 0.0)


class RoundTripSignal(PatternSignal):
    """``roundtrip.score``: how far round-trip patterns go beyond any human text seen.

    The model (trained on round trips matched with their sources) has its
    intercept shifted so that 0 is the human ceiling; below it the feature is
    0, and the model's ``explain`` shows no evidence, so a human text can only
    be lifted by this family where it reads like no human text in training.
    """

    name = "roundtrip"
    typical_of = "English sent through machine translation and back"

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        (score,), evidence = super().extract(doc)
        return [float(above_ceiling(score))], evidence


_SHAPES = {"C": "a capitalised word", "w": "a word", "X": "an all-capitals word", "0": "a number"}


def describe(term: str) -> str:
    """A pattern in words a moderator can read."""
    return term.replace(SENTENCE_START, "[start]")


def evidence_items(
    items: Sequence[tuple[str, float, Sequence[tuple[int, int]]]],
    text: str,
    kind: str,
    typical_of: str = "machine-translated English",
) -> list[Evidence]:
    """Evidence for each pattern occurrence; ``weight`` holds the pattern's relative pull."""
    out = []
    append = out.append
    for term, contribution, spans in items:
        message, share = _message(term, typical_of), contribution / max(len(spans), 1)
        for start, end in spans:
            append(make_evidence(kind, start, end, text[start:end], message, share))
    return out


@lru_cache(maxsize=4096)
def _message(term: str, typical_of: str) -> str:
    """Cached: a model shows the same patterns again and again (and lru_cache is thread-safe)."""
    shapes = [f"{s}: {_SHAPES[s]}" for s in dict.fromkeys(term.split(" ")) if s in _SHAPES]
    legend = f" ({', '.join(shapes)})" if shapes else ""
    return f"word pattern '{describe(term)}'{legend} is typical of {typical_of}"
