"""FeatureExtractor: raw strings in, telltale features (and their evidence) out.

The very same object is fitted in ``training/`` and scores in production: it
is the first step of the shipped pipeline.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from mtdetect.evidence import Evidence
from mtdetect.signals.base import Signal
from mtdetect.telltales import SUMMARY_FEATURES, summarise
from mtdetect.text import Document

T = TypeVar("T")

# family name -> (module, class); imported lazily so a family costs nothing
# until it is asked for.
FAMILIES: dict[str, tuple[str, str]] = {
    "names": ("mtdetect.signals.names", "NameSignal"),
    "phrases": ("mtdetect.signals.phrases", "PhraseSignal"),
    "surface": ("mtdetect.signals.surface", "SurfaceSignal"),
    "profile": ("mtdetect.signals.profile", "ProfileSignal"),
    "syntax": ("mtdetect.signals.syntax", "SyntaxSignal"),
    "style": ("mtdetect.signals.patterns", "StyleSignal"),
    "wording": ("mtdetect.signals.patterns", "WordingSignal"),
    "roundtrip": ("mtdetect.signals.patterns", "RoundTripSignal"),
    "neural": ("mtdetect.signals.patterns", "NeuralSignal"),
    "fluency": ("mtdetect.signals.fluency", "FluencySignal"),
    "chars": ("mtdetect.signals.chars", "CharSignal"),
}
# Families that need nothing but the shipped resources; "style", "wording",
# "roundtrip" and "neural" also need a FunctionWordModel trained on labelled
# data (``style_model``, ``wording_model``, ``roundtrip_model``, ``neural_model``),
# and "chars" a CharGramModel (``chars_model``).
DEFAULT_FAMILIES: tuple[str, ...] = ("names", "phrases", "surface", "profile", "syntax")
TRAINED_FAMILIES: tuple[str, ...] = ("style", "wording", "roundtrip", "neural", "chars")
#: documents that go through the families together, one family at a time: that family's
#: tables (n-gram models, vocabularies) stay in the CPU cache from one document to the next
#: (a quarter less time than one document at a time on 5 KB articles; the same output)
BATCH_DOCUMENTS = 64
#: characters past which a batch runs with fewer documents: every document's analysis is
#: kept until the last family has run, about 100 bytes a character, so a batch holds about
#: 40 MB of analyses whatever the documents' lengths (64 news articles fit in it)
BATCH_CHARACTERS = 400_000


def batch_is_full(documents: int, characters: int) -> bool:
    """Whether a batch of this many documents and characters should run now."""
    return documents >= BATCH_DOCUMENTS or characters >= BATCH_CHARACTERS


def in_batches(items: Iterable[T], characters: Callable[[T], int]) -> Iterator[list[T]]:
    """``items`` in consecutive batches, each ended as soon as ``batch_is_full``."""
    batch: list[T] = []
    total = 0
    for item in items:
        batch.append(item)
        total += characters(item)
        if batch_is_full(len(batch), total):
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def model_parameter(family: str) -> str:
    """The parameter that holds a trained family's fitted model: "style" -> "style_model"."""
    return f"{family}_model"


def score_feature(family: str) -> str:
    """The one feature a trained family adds: "style" -> "style.score"."""
    return f"{family}.score"


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything the detector needs about one input, computed once."""

    features: np.ndarray
    evidence: tuple[Evidence, ...]  # offsets into the caller's text
    boilerplate: tuple[Evidence, ...]
    clean_text: str
    n_words: int


@dataclass(frozen=True, slots=True)
class Prepared:
    """An input with boilerplate removed and tokenised, before any signal has run.

    Why separate: a detector can abstain (too short, not English) from this
    alone, without paying for the signals.
    """

    doc: Document  # of the cleaned text
    offsets: list[int] | None  # cleaned-text offset -> caller's offset; None if unchanged
    boilerplate: tuple[Evidence, ...]


class FeatureExtractor(TransformerMixin, BaseEstimator):
    """Scikit-learn transformer from raw article strings to signal features.

    Parameters
    ----------
    families:
        Signal families to use, by name (see ``FAMILIES``).
    gazetteer:
        Optional path to a plain-text list of trusted name spellings, merged
        with the shipped gazetteer by the ``names`` family.
    strip_boilerplate:
        Remove page boilerplate lines ("[ad_1]", "Leave a Reply", ...) before
        extraction, so they can never count as evidence of translation.
    count_telltales:
        Add ``telltale.kinds`` (how many different telltales were found) and
        ``telltale.surprise`` (how unlikely they are for native news).
    style_model:
        A fitted :class:`mtdetect.pattern_model.FunctionWordModel`, required by the
        ``style`` family (its score becomes the ``style.score`` feature).
    wording_model:
        The same for the ``wording`` family (``wording.score``): a model that
        keeps lowercase words, fitted on matched pairs.
    roundtrip_model:
        The same for the ``roundtrip`` family (``roundtrip.score``): a model
        like ``wording_model`` fitted on round trips matched with their
        sources, its intercept set so that 0 is the human ceiling.
    neural_model:
        The same for the ``neural`` family (``neural.score``): a model like
        ``wording_model`` fitted only on neural MT matched with the human
        translations of the same documents.
    chars_model:
        A fitted :class:`mtdetect.char_model.CharGramModel` for the ``chars``
        family (``chars.score``), fitted on the same rows as ``neural_model``.
    """

    #: a bundle pickled before the ``chars`` family existed has no such attribute
    chars_model: object | None = None

    def __init__(
        self,
        families: Sequence[str] = DEFAULT_FAMILIES,
        gazetteer: str | None = None,
        strip_boilerplate: bool = True,
        count_telltales: bool = True,
        style_model: object | None = None,
        wording_model: object | None = None,
        roundtrip_model: object | None = None,
        neural_model: object | None = None,
        chars_model: object | None = None,
    ) -> None:
        self.families = families
        self.gazetteer = gazetteer
        self.strip_boilerplate = strip_boilerplate
        self.count_telltales = count_telltales
        self.style_model = style_model
        self.wording_model = wording_model
        self.roundtrip_model = roundtrip_model
        self.neural_model = neural_model
        self.chars_model = chars_model

    # -- scikit-learn API -------------------------------------------------
    def fit(self, X: Iterable[str], y: object = None) -> FeatureExtractor:
        """Fixes the feature layout; nothing is learned here (pattern models come fitted)."""
        signals = self._build_signals()
        names = [name for signal in signals for name in signal.feature_names()]
        if self.count_telltales:
            names.extend(SUMMARY_FEATURES)
        self.feature_names_out_ = np.asarray(names, dtype=object)
        self.n_features_out_ = len(self.feature_names_out_)
        self.fingerprints_ = self.resource_fingerprints(signals)
        return self

    def resource_fingerprints(self, signals: Sequence[Signal] | None = None) -> dict[str, str]:
        """What each family's resources (and the telltale base rates) are, as short hashes.

        Recorded in a bundle at training time and compared on loading, so a
        model never runs against resources it was not trained with.
        """
        signals = self._signals() if signals is None else signals
        fingerprints = {signal.name: signal.fingerprint() for signal in signals}
        if self.count_telltales:
            from mtdetect.telltales import fingerprint

            fingerprints["telltale"] = fingerprint()
        return fingerprints

    def transform(self, X: Iterable[str]) -> np.ndarray:
        return self.extract_features(X)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags

    # -- extraction ---------------------------------------------------------
    def extract_features(self, texts: Iterable[str]) -> np.ndarray:
        rows = [extraction.features for extraction in self.extract(texts)]
        check_is_fitted(self, "feature_names_out_")
        if not rows:
            return np.zeros((0, self.n_features_out_), dtype=np.float64)
        return np.vstack(rows)

    def extract(self, texts: Iterable[str]) -> list[Extraction]:
        """Features and evidence for each text; the first failure raises."""
        out: list[Extraction] = []
        for batch in in_batches(map(self.prepare, texts), lambda item: len(item.doc.text)):
            out.extend(_raising(self.extract_prepared_many(batch)))
        return out

    def extract_one(self, text: str) -> Extraction:
        """Features and evidence for one document, offsets in ``text``."""
        return self.extract_prepared(self.prepare(text))

    def prepare(self, text: str) -> Prepared:
        """Remove boilerplate (if asked) and tokenise; no signal runs yet."""
        if not hasattr(self, "feature_names_out_"):  # (check_is_fitted costs ~8 us a call)
            check_is_fitted(self, "feature_names_out_")
        if not self.strip_boilerplate:
            return Prepared(Document(text), None, ())
        from mtdetect.boilerplate import strip_boilerplate

        cleaned = strip_boilerplate(text)
        return Prepared(Document(cleaned.text), cleaned.offsets, tuple(cleaned.removed))

    def extract_prepared(self, prepared: Prepared) -> Extraction:
        """Run every signal on a prepared input."""
        return self._assemble(
            prepared, [signal.extract(prepared.doc) for signal in self._signals()]
        )

    def extract_prepared_many(self, prepared: Sequence[Prepared]) -> list[Extraction | Exception]:
        """Run every signal on each prepared input, one family at a time across them.

        Pass a batch from ``in_batches``, or a smaller one: the
        documents' analyses are all kept until the last family has run. A
        document on which a signal raises gets the exception in its place, and
        the others go on.
        """
        parts: list[list[tuple[Sequence[float], Sequence[Evidence]]] | Exception]
        parts = [[] for _ in prepared]
        for signal in self._signals():
            for i, item in enumerate(prepared):
                done = parts[i]
                if isinstance(done, Exception):
                    continue
                try:
                    done.append(signal.extract(item.doc))
                except Exception as exc:  # one document's failure is its own
                    parts[i] = exc
        return [
            done if isinstance(done, Exception) else self._assemble_or_failure(item, done)
            for item, done in zip(prepared, parts, strict=True)
        ]

    def _assemble_or_failure(
        self, prepared: Prepared, parts: Sequence[tuple[Sequence[float], Sequence[Evidence]]]
    ) -> Extraction | Exception:
        """``_assemble``, with a failure (a bad span, a bad value) kept to its document."""
        try:
            return self._assemble(prepared, parts)
        except Exception as exc:
            return exc

    def _assemble(
        self, prepared: Prepared, parts: Sequence[tuple[Sequence[float], Sequence[Evidence]]]
    ) -> Extraction:
        """One document's feature row and evidence from its families' outputs, in order."""
        doc, offsets = prepared.doc, prepared.offsets
        values: list[float] = []
        evidence: list[Evidence] = []
        for row, items in parts:
            values.extend(row)
            evidence.extend(items if offsets is None else [item.shifted(offsets) for item in items])
        if self.count_telltales:
            values.extend(summarise(evidence, doc.n_words))
        features = np.asarray(values, dtype=np.float64)
        if len(features) != self.n_features_out_:  # a family broke the layout: never a shifted row
            raise ValueError(f"a row of {len(features)} features, not {self.n_features_out_}")
        # nan_to_num costs about 10 us even on a short row that has nothing to
        # replace (nearly all of them): the check is a third of that
        if not np.isfinite(features).all():
            np.nan_to_num(features, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        return Extraction(features, tuple(evidence), prepared.boilerplate, doc.text, doc.n_words)

    def with_gazetteer(self, gazetteer: str | Path) -> FeatureExtractor:
        """A copy of this fitted extractor whose ``names`` family also reads ``gazetteer``.

        Why a copy: a bundle's extractor is shared (another Detector may hold
        the same bundle) and stays as loaded. ``clone`` would also unfit the
        pattern models, which are parameters, so the fitted ones are handed
        back to the clone; ``fit([])`` only fixes the feature layout.
        """
        from sklearn.base import clone

        fitted = {
            model_parameter(family): getattr(self, model_parameter(family))
            for family in TRAINED_FAMILIES
        }
        return clone(self).set_params(gazetteer=str(gazetteer), **fitted).fit([])

    # -- helpers --------------------------------------------------------------
    def _build_signals(self) -> list[Signal]:
        signals: list[Signal] = []
        for family in self.families:
            if family not in FAMILIES:
                raise ValueError(f"unknown signal family {family!r}; known: {sorted(FAMILIES)}")
            module_name, class_name = FAMILIES[family]
            cls = getattr(importlib.import_module(module_name), class_name)
            if family == "names":
                signals.append(cls(gazetteer=self.gazetteer))
            elif family in TRAINED_FAMILIES:
                signals.append(cls(getattr(self, model_parameter(family))))
            else:
                signals.append(cls())
        return signals

    def _signals(self) -> list[Signal]:
        cached = self.__dict__.get("_signal_cache")
        if cached is None:
            cached = self._build_signals()
            self.__dict__["_signal_cache"] = cached
        return cached

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state.pop("_signal_cache", None)  # resources are reloaded, never pickled
        return state


def _raising(outcomes: Iterable[Extraction | Exception]) -> Iterator[Extraction]:
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            raise outcome
        yield outcome
