"""Detector: the embedding API. Load a bundle once, score many texts."""

from __future__ import annotations

import copy
import math
import numbers
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, overload

import numpy as np

from mtdetect.bundle import Bundle, ModelError, load_bundle
from mtdetect.evidence import Evidence, exact_spans
from mtdetect.features import Extraction, FeatureExtractor
from mtdetect.telltales import SUMMARY_FEATURES, TELLTALE_KINDS

#: fewer words than this and a verdict would be a guess: abstain
MIN_WORDS = 40
#: a base rate closer to 0 or 1 than this is not a rate but a verdict given in advance
MIN_BASE_RATE = 1e-6
#: longer texts abstain as "too_long": scoring takes about 130 bytes of memory a character
MAX_CHARS = 1_000_000
#: HTML markup is not parsed when longer than this many times ``max_chars``
HTML_MARKUP_FACTOR = 10
#: nor is the page's main text extracted when the page holds more text than this
#: many times ``max_chars`` (extraction time grows faster than the page)
HTML_TEXT_FACTOR = 2
CONTENT_TYPES = ("text", "html")
_HTML_HINT = (
    'looks like an HTML page, not plain text: pass content_type="html" to score its article'
)


@dataclass(frozen=True)
class DetectionResult:
    """The verdict on one text.

    ``probability`` is the calibrated probability that the text is machine
    translated (None when the detector abstained or failed); ``flagged`` is
    ``probability >= threshold``; ``evidence`` lists the spans behind the
    score, strongest first, with offsets into the text that was passed in,
    or into ``text`` when that is set: for ``content_type="html"``, ``text``
    is the article text extracted from the page, which is what was scored.
    """

    probability: float | None
    flagged: bool
    status: str
    reason: str = ""
    evidence: tuple[Evidence, ...] = ()
    boilerplate: tuple[Evidence, ...] = ()
    model_version: str = ""
    threshold: float | None = None
    extras: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    text: str | None = field(default=None, repr=False)
    #: reference mode: the indexed original found, and how this text was made from it
    source: str | None = None
    verdict: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "probability": None if self.probability is None else round(self.probability, 4),
            "flagged": self.flagged,
            "status": self.status,
            "reason": self.reason,
            "threshold": self.threshold,
            "evidence": [item.to_dict() for item in self.evidence],
            "boilerplate": [item.to_dict() for item in self.boilerplate],
            "model_version": self.model_version,
            "text": self.text,
            **({"source": self.source, "verdict": self.verdict} if self.source else {}),
        }


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
            extractor.set_params(gazetteer=str(gazetteer))
            extractor.__dict__.pop("_signal_cache", None)
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
        extracted: list[str | None] = [None] * len(texts)
        for i, text in enumerate(texts):
            if content_type == "html" and isinstance(text, str):
                outcome = self._from_html(text, cut, max_chars)
                if isinstance(outcome, DetectionResult):
                    results[i] = outcome
                    continue
                text = extracted[i] = outcome
            outcome = self._prepare(text, cut, max_chars, content_type == "text")
            if isinstance(outcome, DetectionResult):
                results[i] = replace(outcome, text=extracted[i])
            else:
                scored.append((i, outcome))
        if scored:
            features = np.vstack([extraction.features for _, extraction in scored])
            raw, contributions = self._probabilities(features)
            shown, flags = self._verdicts(raw, threshold)
            for row, (i, extraction) in enumerate(scored):
                probability = float(shown[row])
                results[i] = DetectionResult(
                    probability=probability,
                    flagged=bool(flags[row]),
                    status="scored",
                    reason="",
                    evidence=_weigh(
                        extraction.evidence, contributions[row], self._names, self._index
                    ),
                    boilerplate=extraction.boilerplate,
                    model_version=self.model_version,
                    threshold=cut,
                    text=extracted[i],
                )
        if self.reference is not None:
            from mtdetect.reference.scoring import apply

            for i, result in enumerate(results):
                scored_text = extracted[i] if extracted[i] is not None else texts[i]
                results[i] = apply(result, scored_text, self.reference)
        return [result for result in results if result is not None]

    def _from_html(self, markup: str, cut: float, max_chars: int | None) -> str | DetectionResult:
        """The page's article text, or an abstention when the markup is too long to parse."""
        from mtdetect import html_text

        if max_chars is not None and len(markup) > HTML_MARKUP_FACTOR * max_chars:
            return self._abstain(
                "too_long",
                f"HTML page of {len(markup):,} characters; pages over {HTML_MARKUP_FACTOR} x "
                f"max_chars ({HTML_MARKUP_FACTOR * max_chars:,}) are not parsed",
                cut,
            )
        try:
            return html_text.html_to_text(
                markup, None if max_chars is None else HTML_TEXT_FACTOR * max_chars
            )
        except html_text.PageTooLong as exc:
            return self._abstain(
                "too_long",
                f"HTML page with {exc.chars:,} characters of text; pages with over "
                f"{HTML_TEXT_FACTOR} x max_chars ({exc.limit:,}) are not extracted",
                cut,
            )
        except Exception as exc:  # a scorer in a pipeline must not crash its host
            return self._abstain("error", f"HTML extraction failed: {exc}", cut)

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

    def _prepare(
        self, text: object, cut: float, max_chars: int | None = MAX_CHARS, plain: bool = True
    ) -> DetectionResult | Extraction:
        if not isinstance(text, str):
            return self._abstain("error", f"expected str, got {type(text).__name__}", cut)
        if max_chars is not None and len(text) > max_chars:
            return self._abstain(
                "too_long",
                f"{len(text):,} characters; the detector reads at most {max_chars:,} (max_chars)",
                cut,
            )
        if plain:
            from mtdetect.html_text import looks_like_html

            if looks_like_html(text):
                return self._abstain("not_english", _HTML_HINT, cut)
        # a scorer in a pipeline must not crash its host: failures become "error"
        try:
            prepared = self._extractor.prepare(text)
        except Exception as exc:
            return self._abstain("error", f"feature extraction failed: {exc}", cut)
        # abstain before the signals run: they would be wasted
        n_words = prepared.doc.n_words
        if n_words < MIN_WORDS:
            return self._abstain(
                "too_short",
                f"{n_words} words after removing boilerplate; need at least {MIN_WORDS}",
                cut,
                prepared.boilerplate,
            )
        from mtdetect.language import english_verdict

        verdict = english_verdict(prepared.doc.text)
        if verdict is not None:
            return self._abstain("not_english", verdict, cut, prepared.boilerplate)
        try:
            extraction = self._extractor.extract_prepared(prepared)
        except Exception as exc:
            return self._abstain("error", f"feature extraction failed: {exc}", cut)
        if prepared.offsets is None:
            return extraction
        # a span that joined lines around removed boilerplate names all it covers
        return replace(extraction, evidence=exact_spans(extraction.evidence, text))

    def _abstain(
        self, status: str, reason: str, cut: float, boilerplate: tuple[Evidence, ...] = ()
    ) -> DetectionResult:
        return DetectionResult(
            None, False, status, reason, (), boilerplate, self.model_version, cut
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


def _prior_shift(bundle: Bundle, base_rate: float | None) -> float:
    """Log-odds to add to move probabilities from the calibration mix to ``base_rate``."""
    if base_rate is None:
        return 0.0
    if (
        isinstance(base_rate, bool)
        or not isinstance(base_rate, numbers.Real)
        or not MIN_BASE_RATE <= float(base_rate) <= 1.0 - MIN_BASE_RATE
    ):
        raise ValueError(
            f"base_rate must be between {MIN_BASE_RATE:g} and {1 - MIN_BASE_RATE}, "
            f"got {base_rate!r}"
        )
    share = (bundle.metadata.get("calibration") or {}).get("machine_share")
    if not isinstance(share, int | float) or not 0.0 < share < 1.0:
        raise ModelError(
            "this model does not record the machine share it was calibrated on, "
            "so its probabilities cannot be re-based; retrain it with training/train.py"
        )
    return _log_odds(float(base_rate)) - _log_odds(float(share))


def _log_odds(p: float) -> float:
    return math.log(p) - math.log1p(-p)


@overload
def _shifted(probability: float, shift: float) -> float: ...
@overload
def _shifted(probability: np.ndarray, shift: float) -> np.ndarray: ...
def _shifted(probability: Any, shift: float) -> Any:
    """``probability`` with ``shift`` added to its log-odds (0 and 1 stay put)."""
    if not shift:
        return probability
    p = np.asarray(probability, dtype=np.float64)
    with np.errstate(divide="ignore", over="ignore"):
        log_odds = np.log(p) - np.log1p(-p)
        out = 1.0 / (1.0 + np.exp(-(log_odds + shift)))
    return float(out) if np.ndim(out) == 0 else out


class _DirectScorer:
    """The scaler and calibrator arithmetic without scikit-learn's per-call checks.

    Why: validating a one-row input costs about 0.5 ms, several percent of a
    ``detect`` call. It repeats, operation for operation, what
    StandardScaler.transform, the classifier's own ``decision_function`` and
    the binary ``SigmoidCalibrator.predict_proba`` compute. A plain class,
    not a closure, so that a Detector still pickles for ``n_jobs``.
    """

    def __init__(self, scaler: Any, clf: Any, calibrator: Any) -> None:
        self.mean = scaler.mean_ if scaler.with_mean else None
        self.scale = scaler.scale_ if scaler.with_std else None
        self.clf = clf
        self.coef_t = calibrator.coef_.T
        self.intercept = calibrator.intercept_

    def __call__(self, features: np.ndarray) -> np.ndarray:
        from scipy.special import expit

        scaled = np.array(features, dtype=np.float64)  # a copy, as transform makes
        if self.mean is not None:
            scaled -= self.mean
        if self.scale is not None:
            scaled /= self.scale
        decision = np.asarray(self.clf.decision_function(scaled), dtype=np.float64)
        return expit((decision.reshape(-1, 1) @ self.coef_t + self.intercept).reshape(-1))


def _direct_scorer(
    bundle: Bundle, checked: Callable[[np.ndarray], np.ndarray]
) -> _DirectScorer | None:
    """A _DirectScorer for the bundle when it gives the very same probabilities, else None.

    Taken only for the model shape it reproduces (StandardScaler, then a
    classifier, then a binary sigmoid calibrator) and only when probe rows
    score bit for bit as through ``checked``.
    """
    from sklearn.preprocessing import StandardScaler

    from mtdetect.calibration import SigmoidCalibrator

    steps = bundle.pipeline.steps[1:]
    calibrator = bundle.calibrator
    if len(steps) != 2 or type(steps[0][1]) is not StandardScaler:
        return None
    if type(calibrator) is not SigmoidCalibrator or np.shape(calibrator.coef_) != (1, 1):
        return None
    scaler = steps[0][1]
    if len(calibrator.classes_) != 2 or (scaler.with_std and scaler.scale_ is None):
        return None
    direct = _DirectScorer(scaler, steps[1][1], calibrator)
    n = len(bundle.feature_names)
    probes = np.random.default_rng(0).normal(0.0, 3.0, size=(8, n))
    probes = np.vstack([np.zeros((1, n)), np.abs(probes), probes])
    for rows in (probes, probes[:1], probes[4:5]):
        if not np.array_equal(direct(rows), checked(rows)):
            return None
    return direct


# Dense statistics that every document has (how predictable its words are):
# their evidence is weighed against a typical training document, not against 0.
CENTRED_PREFIXES = ("fluency.",)


def _linear_basis(pipeline: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Per-feature centre and factors turning a raw value into its log-odds contribution.

    For scaler + linear classifier, a feature's contribution relative to the
    same document without that evidence (value 0) is ``coef * x / scale``; for
    a dense statistic (``CENTRED_PREFIXES``) it is relative to the training
    mean, ``coef * (x - mean) / scale``.
    """
    steps = dict(pipeline.steps)
    clf = steps.get("clf")
    coef = getattr(clf, "coef_", None)
    scaler = steps.get("scale")
    names = [str(name) for name in pipeline[0].get_feature_names_out()]
    n = len(names)
    scale = np.asarray(getattr(scaler, "scale_", None) if scaler is not None else np.ones(n))
    mean = getattr(scaler, "mean_", None)
    centred = np.array([name.startswith(CENTRED_PREFIXES) for name in names], dtype=bool)
    centre = np.where(centred, mean, 0.0) if mean is not None else np.zeros(n)
    if coef is None:
        return centre, np.ones(n), None
    return centre, np.where(scale > 0, scale, 1.0), np.asarray(coef, dtype=np.float64).ravel()


def _weigh(
    evidence: tuple[Evidence, ...],
    contributions: np.ndarray,
    names: list[str],
    index: dict[str, int] | None = None,
) -> tuple[Evidence, ...]:
    """Share each feature's contribution among its evidence items; strongest first.

    ``index`` (name -> position in ``names``) may be passed when already built.
    """
    if not evidence:
        return ()
    if index is None:
        index = {name: i for i, name in enumerate(names)}
    counts: dict[str, int] = {}
    # a signal may preset each item's relative pull (style patterns do); the
    # feature's contribution is then shared in proportion, otherwise equally
    pulls: dict[str, float] = {}
    for item in evidence:
        counts[item.kind] = counts.get(item.kind, 0) + 1
        if item.weight > 0:
            pulls[item.kind] = pulls.get(item.kind, 0.0) + item.weight
    summary = sum(float(contributions[index[name]]) for name in SUMMARY_FEATURES if name in index)
    n_telltales = sum(1 for item in evidence if item.kind in TELLTALE_KINDS)
    weighted = []
    for item in evidence:
        i = index.get(item.kind)
        share = 0.0
        if i is not None:
            pull = pulls.get(item.kind)
            part = item.weight / pull if pull else 1.0 / counts[item.kind]
            share = float(contributions[i]) * part
        if item.kind in TELLTALE_KINDS:  # the summaries' weight is theirs too
            share += summary / n_telltales
        weighted.append(item.with_weight(share))
    weighted.sort(key=lambda item: (-item.weight, item.start))
    return tuple(weighted)


# -- module-level convenience: the shipped model, loaded once -------------------
_default: Detector | None = None
_default_lock = threading.Lock()


def default_detector() -> Detector:
    """The shipped model, loaded lazily on first use and shared by all threads."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Detector.load()
    return _default


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
