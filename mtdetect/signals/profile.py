"""Translationese profile: document-level statistics of how the text is built.

Machine translation flattens style: sentence lengths cluster, function words
shift towards the source language's habits, vocabulary narrows. None of
these are evidence on their own, so the family reports no spans; it gives the
model the background against which the telltales stand out.
"""

from __future__ import annotations

import math

import numpy as np

from mtdetect.evidence import Evidence
from mtdetect.signals.base import Signal
from mtdetect.text import Document

# Function words whose rates differ between translated and native English,
# plus pronouns that separate essays and conversation from news.
FUNCTION_WORDS = (
    "the a an of to in on at for with by from as about into than "
    "and but or so also however while although because if when which that who whose "
    "this these those it its they their there is are was were be been has have had "
    "will would can could should may must not said says according i you we our"
).split()
_INDEX = {word: i for i, word in enumerate(FUNCTION_WORDS)}
_TTR_WINDOW = 50


class ProfileSignal(Signal):
    """Function-word rates, sentence-length shape, lexical variety."""

    name = "profile"
    _shape = (
        "mean_sentence_length",
        "sentence_length_cv",
        "long_sentence_rate",
        "short_sentence_rate",
        "moving_ttr",
        "mean_word_length",
        "capitalised_rate",
        "digit_rate",
        "comma_rate",
        "quote_rate",
        "contraction_rate",
        "parenthesis_rate",
    )

    def feature_names(self) -> list[str]:
        return [f"{self.name}.{f}" for f in self._shape] + [
            f"{self.name}.fw_{word}" for word in FUNCTION_WORDS
        ]

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        words = doc.lower_words
        n_words = len(words)
        if n_words == 0:
            return [0.0] * len(self.feature_names()), []
        lengths = np.asarray(
            [sum(1 for t in s.tokens if t.is_word) for s in doc.sentences] or [0], dtype=float
        )
        mean_len = float(lengths.mean())
        cv = float(lengths.std() / mean_len) if mean_len else 0.0
        tokens = doc.tokens
        n_tokens = len(tokens)
        punct = {",": 0, '"': 0, "(": 0, "'": 0}
        digits = 0
        for token in tokens:
            first = token.text[0]
            if first in punct:
                punct[first] += 1
            elif first.isdigit():
                digits += 1
        contractions = sum(1 for w in words if "'" in w)
        capitalised = sum(1 for t in doc.words if t.text[0].isupper())
        shape = [
            math.log1p(mean_len),
            cv,
            float((lengths > 40).mean()),
            float((lengths < 6).mean()),
            _moving_ttr(words),
            sum(len(w) for w in words) / n_words,
            capitalised / n_words,
            digits / max(n_tokens, 1),
            punct[","] / max(len(doc.sentences), 1),
            punct['"'] / n_words,
            contractions / n_words,
            punct["("] / n_words,
        ]
        counts = np.zeros(len(FUNCTION_WORDS))
        for word in words:
            i = _INDEX.get(word)
            if i is not None:
                counts[i] += 1
        rates = np.sqrt(counts / n_words)
        return shape + rates.tolist(), []


def _moving_ttr(words: list[str]) -> float:
    """Type-token ratio averaged over 50-word windows: independent of length."""
    if len(words) <= _TTR_WINDOW:
        return len(set(words)) / max(len(words), 1)
    ratios = [
        len(set(words[i : i + _TTR_WINDOW])) / _TTR_WINDOW
        for i in range(0, len(words) - _TTR_WINDOW + 1, _TTR_WINDOW // 2)
    ]
    return float(np.mean(ratios))
