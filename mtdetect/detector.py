"""Detector: the embedding API. Load a bundle once, score many texts."""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from mtdetect import _accel
from mtdetect._admission import HTML_MARKUP_FACTOR as HTML_MARKUP_FACTOR
from mtdetect._admission import HTML_TEXT_FACTOR as HTML_TEXT_FACTOR
from mtdetect._admission import MAX_CHARS as MAX_CHARS
from mtdetect._admission import MIN_WORDS_TO_SCORE as MIN_WORDS_TO_SCORE
from mtdetect._admission import Refusal, admit, page_text
from mtdetect._scoring import MIN_BASE_RATE as MIN_BASE_RATE  # the bound base_rate obeys
from mtdetect._scoring import _direct_scorer, _linear_basis, _prior_shift, _shifted, _weigh
from mtdetect.bundle import Bundle, load_bundle
from mtdetect.evidence import exact_spans
from mtdetect.features import Extraction, FeatureExtractor, Prepared, in_batches
from mtdetect.result import DetectionResult

CONTENT_TYPES = ("text", "html")


class Detector:
    """Scores texts with a model bundle; immutable after loading, so thread-safe."""

    def __init__(
        self,
        bundle: Bundle,
        gazetteer: str | Path | None = None,
        base_rate: float | None = None,
        reference: Any = None,
    ) -> None:
        from mtdetect.reference.scoring import open_reference

        self.bundle = bundle
        self.reference = open_reference(reference)
        self.base_rate = base_rate
        self._shift = _prior_shift(bundle, base_rate)
        extractor: FeatureExtractor = bundle.pipeline[0]
        if gazetteer is not None:
            from mtdetect.gazetteer import check_file

            check_file(gazetteer)  # GazetteerError here, once, not on every text
            extractor = extractor.with_gazetteer(gazetteer)
        self._extractor = extractor
        self._scorer = bundle.pipeline[1:]
        self._contribution_basis = _linear_basis(bundle.pipeline)
        self._names = bundle.feature_names
        self._index = {name: i for i, name in enumerate(self._names)}
        self._direct = _direct_scorer(bundle, self._probabilities_checked)

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        gazetteer: str | Path | None = None,
        base_rate: float | None = None,
        reference: Any = None,
    ) -> Detector:
        """Load a bundle (the shipped one by default); raises ``ModelError``.

        ``gazetteer`` is a file of trusted name spellings added to the shipped
        ones; a file that cannot be used raises ``GazetteerError`` here.
        ``base_rate`` is the share of machine-spun texts expected in your
        traffic (say 0.01); see :meth:`with_base_rate`. ``reference`` is an
        index of trusted originals (a path or a ``Reference``); see
        :meth:`with_reference`.
        """
        return cls(load_bundle(path), gazetteer=gazetteer, base_rate=base_rate, reference=reference)

    def with_reference(self, reference: Any) -> Detector:
        """This detector, looking each text's original up in ``reference`` (a path or index).

        When the original is found, the result gains ``source`` and ``verdict``,
        the changes become ``reference.*`` evidence, and a ``spun`` verdict
        flags the text; otherwise scoring is unchanged. ``None`` turns it off.
        Raises ``IndexFileError`` for a missing or damaged index.
        """
        from mtdetect.reference.scoring import open_reference

        other = copy.copy(self)
        other.reference = open_reference(reference)
        return other

    def with_base_rate(self, base_rate: float | None) -> Detector:
        """This detector with probabilities re-based to ``base_rate``.

        Why: a calibrated probability holds for the mix it was calibrated on
        (``info()["calibration"]["machine_share"]``, about four machine texts
        to one human). Where 1 text in 100 is spun, Bayes' rule moves every
        probability's log-odds by the difference of the two priors' log-odds.
        The default threshold moves by the same amount and is applied before
        the shift, so exactly the same texts are flagged; an explicit
        ``threshold`` is read on the new scale.
        ``None`` restores the calibration mix.
        """
        other = copy.copy(self)
        other.base_rate = base_rate
        other._shift = _prior_shift(self.bundle, base_rate)
        return other

    @property
    def threshold(self) -> float:
        return _shifted(float(self.bundle.threshold), self._shift)

    @property
    def model_version(self) -> str:
        return self.bundle.model_version

    @property
    def feature_names(self) -> list[str]:
        return self.bundle.feature_names

    def info(self) -> dict[str, Any]:
        meta = self.bundle.metadata
        return {
            "model_version": self.model_version,
            "threshold": self.threshold,
            "created": meta.get("created"),
            "versions": meta.get("versions", {}),
            "training_data": meta.get("training_data", {}),
            "calibration": meta.get("calibration", {}),
            "base_rate": self.base_rate,
            "metrics": meta.get("metrics", {}),
            "n_features": len(self.feature_names),
            "families": list(self._extractor.families),
            "core": _accel.core_name(),  # the per-token core: compiled, or pure Python
        }

    # -- scoring --------------------------------------------------------------
    def detect(
        self,
        text: str,
        threshold: float | None = None,
        *,
        content_type: str = "text",
        max_chars: int | None = MAX_CHARS,
    ) -> DetectionResult:
        """Score one text; never raises for any input, only for bad options.

        ``threshold`` overrides the model's (read on this detector's scale).
        ``content_type="html"`` takes a web page and scores its article text
        (``result.text``, into which the evidence offsets then point).
        A text longer than ``max_chars`` characters (``None``: no limit)
        abstains with status ``too_long``, and so does a page whose markup is
        over ``HTML_MARKUP_FACTOR`` times that or whose text (scripts and
        styles aside) is over ``HTML_TEXT_FACTOR`` times that.
        """
        return self.detect_many(
            [text], threshold=threshold, content_type=content_type, max_chars=max_chars
        )[0]

    def score(
        self, text: str, *, content_type: str = "text", max_chars: int | None = MAX_CHARS
    ) -> float:
        """Calibrated probability; NaN when the detector abstains (too short, not English)."""
        probability = self.detect(text, content_type=content_type, max_chars=max_chars).probability
        return math.nan if probability is None else probability

    def detect_many(
        self,
        texts: Sequence[str],
        threshold: float | None = None,
        n_jobs: int = 1,
        *,
        content_type: str = "text",
        max_chars: int | None = MAX_CHARS,
    ) -> list[DetectionResult]:
        """Score a batch: extract every document, then one ``predict_proba``."""
        _check_options(content_type, max_chars)
        texts = list(texts)
        if n_jobs != 1 and len(texts) > 1:  # each worker applies the reference itself
            return self._detect_parallel(texts, threshold, n_jobs, content_type, max_chars)
        cut = self.threshold if threshold is None else float(threshold)
        results: list[DetectionResult | None] = [None] * len(texts)
        scored: list[tuple[int, Extraction]] = []
        extracted: list[str | None] = [None] * len(texts)  # a page's article text
        admitted = self._admitted(texts, extracted, results, cut, content_type, max_chars)
        for batch in in_batches(admitted, lambda pair: len(pair[1].doc.text)):
            self._extract(batch, texts, extracted, cut, results, scored)
        if scored:
            features = np.vstack([extraction.features for _, extraction in scored])
            raw, contributions = self._probabilities(features)
            shown, flags = self._verdicts(raw, threshold)
            # read as Python values once (tolist gives what float()/bool() of each cell does)
            probabilities, flagged = np.asarray(shown).tolist(), np.asarray(flags).tolist()
            names, index, version = self._names, self._index, self.model_version
            for row, (i, extraction) in enumerate(scored):
                try:
                    evidence = _weigh(extraction.evidence, contributions[row], names, index)
                except Exception as exc:
                    results[i] = self._failed(cut, extracted[i], "weighing the evidence", exc)
                    continue
                results[i] = DetectionResult(
                    probability=probabilities[row],
                    flagged=flagged[row],
                    status="scored",
                    reason="",
                    evidence=evidence,
                    boilerplate=extraction.boilerplate,
                    model_version=version,
                    threshold=cut,
                    text=extracted[i],
                )
        if self.reference is not None:
            self._compare_with_reference(results, texts, extracted, cut)
        return [result for result in results if result is not None]

    def _admitted(
        self,
        texts: Sequence[str],
        extracted: list[str | None],
        results: list[DetectionResult | None],
        cut: float,
        content_type: str,
        max_chars: int | None,
    ) -> Iterator[tuple[int, Prepared]]:
        """Each input ready for the signals, as it comes; the others' results are filled in."""
        for i, text in enumerate(texts):
            try:
                admitted = self._admit(i, text, extracted, content_type, max_chars)
            except Exception as exc:  # one input's failure is its own
                admitted = Refusal("error", f"reading the input failed: {exc}")
            if isinstance(admitted, Refusal):
                results[i] = replace(self._abstain(admitted, cut), text=extracted[i])
            else:
                yield i, admitted

    def _admit(
        self,
        i: int,
        text: str,
        extracted: list[str | None],
        content_type: str,
        max_chars: int | None,
    ) -> Prepared | Refusal:
        """Input ``i`` ready for the signals, or why it is not scored (a page's text kept)."""
        if content_type == "html" and isinstance(text, str):
            page = page_text(text, max_chars)
            if isinstance(page, Refusal):
                return page
            text = extracted[i] = page
        return admit(self._extractor, text, max_chars, content_type == "text")

    def _compare_with_reference(
        self,
        results: list[DetectionResult | None],
        texts: Sequence[str],
        extracted: list[str | None],
        cut: float,
    ) -> None:
        from mtdetect.reference.scoring import apply

        for i, result in enumerate(results):
            scored_text = extracted[i] if extracted[i] is not None else texts[i]
            try:
                results[i] = apply(result, scored_text, self.reference)
            except Exception as exc:
                results[i] = self._failed(cut, extracted[i], "comparing with the reference", exc)

    def _verdicts(self, raw: np.ndarray, threshold: float | None) -> tuple[np.ndarray, np.ndarray]:
        """Re-based probabilities, and which of them are flagged.

        The model's own threshold is applied before re-basing, where rounding
        cannot move a probability across it; a caller's threshold is read on
        the scale the caller sees.
        """
        shown = _shifted(raw, self._shift)
        if threshold is None:
            return shown, raw >= float(self.bundle.threshold)
        return shown, shown >= float(threshold)

    def _extract(
        self,
        waiting: list[tuple[int, Prepared]],
        texts: Sequence[str],
        extracted: list[str | None],
        cut: float,
        results: list[DetectionResult | None],
        scored: list[tuple[int, Extraction]],
    ) -> None:
        """Run the signals on admitted texts together; a failure is that text's "error"."""
        outcomes = self._extractor.extract_prepared_many([prepared for _, prepared in waiting])
        for (i, prepared), outcome in zip(waiting, outcomes, strict=True):
            if isinstance(outcome, Exception):
                results[i] = self._failed(cut, extracted[i], "feature extraction", outcome)
            elif prepared.offsets is None:
                scored.append((i, outcome))
            else:  # a span that joined lines around removed boilerplate names all it covers
                text = extracted[i] if extracted[i] is not None else texts[i]
                try:
                    evidence = exact_spans(outcome.evidence, text)
                except Exception as exc:
                    results[i] = self._failed(cut, extracted[i], "placing the evidence", exc)
                    continue
                scored.append((i, replace(outcome, evidence=evidence)))

    def _failed(self, cut: float, text: str | None, stage: str, exc: object) -> DetectionResult:
        """The "error" result of one input that failed where the others went on."""
        return replace(self._abstain(Refusal("error", f"{stage} failed: {exc}"), cut), text=text)

    def _abstain(self, refusal: Refusal, cut: float) -> DetectionResult:
        return DetectionResult(
            None,
            False,
            refusal.status,
            refusal.reason,
            (),
            refusal.boilerplate,
            self.model_version,
            cut,
        )

    def _probabilities(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self._direct is not None:
            probabilities = self._direct(features)
        else:
            probabilities = self._probabilities_checked(features)
        centre, scale, coef = self._contribution_basis
        if coef is None:
            return probabilities, np.zeros_like(features)
        return probabilities, (features - centre) / scale * coef

    def _probabilities_checked(self, features: np.ndarray) -> np.ndarray:
        """Probabilities through scikit-learn's own (input-validating) calls."""
        decision = np.asarray(self._scorer.decision_function(features), dtype=np.float64)
        return self.bundle.calibrator.predict_proba(decision.reshape(-1, 1))[:, 1]

    def _detect_parallel(
        self,
        texts: list[str],
        threshold: float | None,
        n_jobs: int,
        content_type: str,
        max_chars: int | None,
    ) -> list[DetectionResult]:
        from joblib import Parallel, delayed, effective_n_jobs

        workers = effective_n_jobs(n_jobs)
        size = max(1, -(-len(texts) // (workers * 4)))
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        options = {"content_type": content_type, "max_chars": max_chars}
        parts = Parallel(n_jobs=workers)(
            delayed(self.detect_many)(chunk, threshold, 1, **options) for chunk in chunks
        )
        return [result for part in parts for result in part]


def _check_options(content_type: object, max_chars: object) -> None:
    if content_type not in CONTENT_TYPES:
        raise ValueError(f"content_type must be one of {CONTENT_TYPES}, got {content_type!r}")
    if max_chars is not None and (
        isinstance(max_chars, bool) or not isinstance(max_chars, numbers.Integral) or max_chars < 1
    ):
        raise ValueError(
            f"max_chars must be a whole number of 1 or more, or None, got {max_chars!r}"
        )


# -- module-level convenience: the shipped model, loaded once -------------------
def default_detector() -> Detector:
    """The shipped model, loaded lazily on first use and shared by all threads."""
    from mtdetect.resources import shared

    return shared("detector:shipped", Detector.load)


def detect(
    text: str,
    threshold: float | None = None,
    *,
    content_type: str = "text",
    max_chars: int | None = MAX_CHARS,
) -> DetectionResult:
    """Score ``text`` with the shipped model; see :meth:`Detector.detect`."""
    return default_detector().detect(
        text, threshold=threshold, content_type=content_type, max_chars=max_chars
    )


def score(text: str, *, content_type: str = "text", max_chars: int | None = MAX_CHARS) -> float:
    """Calibrated probability that ``text`` is machine translated; NaN on abstain.

    NaN compares false with every threshold, so ``score(t) >= 0.5`` never
    flags a text the detector declined to judge; use :func:`detect` to see why.
    """
    return default_detector().score(text, content_type=content_type, max_chars=max_chars)
