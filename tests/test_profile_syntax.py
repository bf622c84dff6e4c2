"""Document-level profile and masked syntax n-grams."""

from __future__ import annotations

import numpy as np

from mtdetect.signals.profile import ProfileSignal
from mtdetect.signals.syntax import SyntaxSignal, shape
from mtdetect.text import Document

TEXT = (
    "The committee met on Tuesday and approved the plan. It will cost about 40 million "
    "dollars, officials said. Critics were not convinced, and they said so loudly."
)


def test_profile_values_match_names_and_are_finite() -> None:
    signal = ProfileSignal()
    values, evidence = signal.extract(Document(TEXT))
    assert len(values) == len(signal.feature_names())
    assert np.all(np.isfinite(values))
    assert evidence == []


def test_profile_sees_sentence_length() -> None:
    signal = ProfileSignal()
    names = signal.feature_names()
    short = dict(zip(names, signal.extract(Document("It rained. We left. " * 10))[0], strict=True))
    long = dict(zip(names, signal.extract(Document(TEXT))[0], strict=True))
    assert short["profile.mean_sentence_length"] < long["profile.mean_sentence_length"]


def test_shape_masks_content_words_but_keeps_function_words() -> None:
    assert [shape(w) for w in ["the", "Paris", "running", "quickly", "2021", "of", "cat"]] == [
        "the",
        "CAP",
        "ING",
        "LY",
        "NUM",
        "of",
        "W",
    ]


def test_syntax_ignores_topic_words() -> None:
    signal = SyntaxSignal()
    a = signal.extract(Document("The farmer sold the apples at the market on Monday."))[0]
    b = signal.extract(Document("The banker sold the shares at the exchange on Friday."))[0]
    c = signal.extract(Document("Sold apples market Monday farmer the the at on."))[0]
    assert a == b
    assert a != c


def test_syntax_is_layout_invariant() -> None:
    signal = SyntaxSignal()
    assert (
        signal.extract(Document("One line. Two lines."))[0]
        == signal.extract(Document("One line.\n\nTwo lines."))[0]
    )
