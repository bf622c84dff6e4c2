"""Fluency: how predictable a text is for a trigram model of native news.

Neural MT decoders choose high-probability, low-variety English, so its words
are more often the model's first or one of its ten likeliest guesses (GLTR's
idea) and its surprisal is low and even; rule-based MT and word-by-word
output write English no native writer would predict. The family reports
both sides, plus how much of the vocabulary lies outside the commonest news
words (translation simplifies). Evidence: the most over-predictable passages.
"""

from __future__ import annotations

import math

import numpy as np

from mtdetect.evidence import Evidence
from mtdetect.fluency_lm import NUM, SPECIALS, TOP_K, UNK, NewsLanguageModel, news_lm
from mtdetect.signals.base import Signal
from mtdetect.text import Document

# fewer scored words than this and every feature is 0: too little to measure
MIN_SCORED_WORDS = 10
# a sentence needs this many scored words to count in the per-sentence features
SENTENCE_MIN_WORDS = 5
# ... and this many to be shown as a passage
PASSAGE_MIN_WORDS = 8
SURPRISING_BITS = 15.0  # P < 1/32768: a word the model all but rules out
COMMON_SMALL, COMMON_LARGE = 1000, 5000  # news-frequency ranks for lexical sophistication
# A passage is shown when at least this share of its words are top-10 guesses
# and its mean surprisal is at most this many bits. In the held-out quarter of
# native news, sentences of 8+ words have a median top-10 share of 0.5 and a
# median of 7.5 bits, and about 1 in 300 passes both.
PASSAGE_TOP10_SHARE = 0.9
PASSAGE_MAX_BITS = 4.5
TYPICAL_TOP10_SHARE = "about half"  # of the words of a native news sentence
MAX_PASSAGES = 3


class FluencySignal(Signal):
    """Surprisal, GLTR-style rank shares and lexical sophistication under a news LM."""

    name = "fluency"
    _shape = (
        "mean_surprisal",
        "surprisal_std",
        "top1_share",
        "top10_share",
        "surprising_share",
        "sentence_surprisal_std",
        "sentence_top10_mean",
        "sentence_top10_max",
        "outside_top1000",
        "outside_top5000",
    )

    def __init__(self, model: NewsLanguageModel | None = None) -> None:
        self._model = model

    @property
    def model(self) -> NewsLanguageModel:
        return self._model if self._model is not None else news_lm()

    def feature_names(self) -> list[str]:
        return [f"{self.name}.{f}" for f in self._shape]

    def fingerprint(self) -> str:
        return self.model.fingerprint()

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        zeros = [0.0] * len(self._shape)
        if doc.n_words < MIN_SCORED_WORDS:
            return zeros, []
        scores = self.model.score(doc)
        ids = scores.ids
        n_unknown = int(np.count_nonzero(ids == UNK))
        n = len(ids) - n_unknown
        if n < MIN_SCORED_WORDS:
            return zeros, []
        # the shares below are counts over a length: what np.mean of the flags gives
        # (an exact float64 sum divided once), without its per-call overhead
        scored = np.flatnonzero(ids != UNK) if n_unknown else slice(None)
        bits = scores.surprisal[scored]
        top1 = scores.top1[scored]
        top10 = scores.top10[scored]
        sentence = scores.tokens.sentence[scored]

        # per-sentence sums over scored words (sentence ids are non-decreasing)
        size = int(sentence[-1]) + 1
        count = np.bincount(sentence, minlength=size)
        at_least_one = np.maximum(count, 1)
        bits_mean = np.bincount(sentence, weights=bits, minlength=size) / at_least_one
        top10_share = np.bincount(sentence, weights=top10, minlength=size) / at_least_one
        ok = count >= SENTENCE_MIN_WORDS
        sentence_bits = bits_mean[ok]
        sentence_top10 = top10_share[ok]

        # words and unknown words, not numbers; ids are in descending order of news
        # frequency after the specials, so rank >= r is id >= r + len(SPECIALS)
        n_words = len(ids) - int(np.count_nonzero(ids == NUM))
        rare_small = _share(
            n_unknown + np.count_nonzero(ids >= COMMON_SMALL + len(SPECIALS)), n_words
        )
        rare_large = _share(
            n_unknown + np.count_nonzero(ids >= COMMON_LARGE + len(SPECIALS)), n_words
        )
        features = [
            float(bits.mean()),
            float(bits.std()),
            np.count_nonzero(top1) / n,
            np.count_nonzero(top10) / n,
            np.count_nonzero(bits > SURPRISING_BITS) / n,
            float(sentence_bits.std()) if len(sentence_bits) > 1 else 0.0,
            float(sentence_top10.mean()) if len(sentence_top10) else 0.0,
            float(sentence_top10.max()) if len(sentence_top10) else 0.0,
            rare_small,
            rare_large,
        ]
        evidence = _passages(doc, count, bits_mean, top10_share)
        return features, evidence


def _share(count: int, total: int) -> float:
    """``count / total`` as ``np.mean`` of ``total`` flags gives it (nan for none)."""
    return int(count) / total if total else math.nan


def _passages(
    doc: Document, count: np.ndarray, bits_mean: np.ndarray, top10_share: np.ndarray
) -> list[Evidence]:
    """The most over-predictable sentences, most predictable first."""
    chosen = np.flatnonzero(
        (count >= PASSAGE_MIN_WORDS)
        & (top10_share >= PASSAGE_TOP10_SHARE)
        & (bits_mean <= PASSAGE_MAX_BITS)
    )
    if len(chosen) == 0:
        return []
    order = np.lexsort((bits_mean[chosen], -top10_share[chosen]))[:MAX_PASSAGES]
    out = []
    for i in chosen[order]:
        sentence = doc.sentences[i]
        n, hits = int(count[i]), int(round(top10_share[i] * count[i]))
        out.append(
            Evidence(
                kind="fluency.top10_share",
                start=sentence.start,
                end=sentence.end,
                text=doc.text[sentence.start : sentence.end],
                message=(
                    f"an unusually predictable passage: {hits} of {n} words are among a "
                    f"news language model's {TOP_K} likeliest next words "
                    f"({TYPICAL_TOP10_SHARE} are, in a typical sentence of native news)"
                ),
            )
        )
    return out
