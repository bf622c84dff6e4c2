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
        sentences = doc.sentences
        lengths = _sentence_lengths(doc)
        mean_len = float(lengths.mean())
        cv = float(lengths.std() / mean_len) if mean_len else 0.0
        tokens = doc.tokens
        n_tokens = len(tokens)
        # first character of every token, as one string: counted in C
        firsts = "".join([token[0][0] for token in tokens])
        digits = sum(map(str.isdigit, firsts))
        contractions = sum(["'" in w for w in words])
        capitalised = sum(map(str.isupper, [t[0][0] for t in doc.words]))
        shape = [
            math.log1p(mean_len),
            cv,
            float((lengths > 40).mean()),
            float((lengths < 6).mean()),
            _moving_ttr(words),
            sum(map(len, words)) / n_words,
            capitalised / n_words,
            digits / max(n_tokens, 1),
            firsts.count(",") / max(len(sentences), 1),
            firsts.count('"') / n_words,
            contractions / n_words,
            firsts.count("(") / n_words,
        ]
        found = doc.lower_word_counts
        counts = np.array([found.get(word, 0) for word in FUNCTION_WORDS], dtype=np.float64)
        rates = np.sqrt(counts / n_words)
        return shape + rates.tolist(), []


def _sentence_lengths(doc: Document) -> np.ndarray:
    """Words per sentence (at least one entry): word tokens counted between sentence bounds."""
    sentences = doc.sentences
    if not sentences:
        return np.zeros(1)
    starts = np.array([t[1] for t in doc.words], dtype=np.int64)
    bounds = np.array([(s.start, s.end) for s in sentences], dtype=np.int64)
    return (np.searchsorted(starts, bounds[:, 1]) - np.searchsorted(starts, bounds[:, 0])).astype(
        float
    )


def _moving_ttr(words: list[str]) -> float:
    """Type-token ratio averaged over 50-word windows: independent of length."""
    if len(words) <= _TTR_WINDOW:
        return len(set(words)) / max(len(words), 1)
    ratios = [
        len(set(words[i : i + _TTR_WINDOW])) / _TTR_WINDOW
        for i in range(0, len(words) - _TTR_WINDOW + 1, _TTR_WINDOW // 2)
    ]
    return float(np.mean(ratios))
