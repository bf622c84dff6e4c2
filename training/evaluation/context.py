"""The evaluation context: the bundle, the test split scored once, lazy train features."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone

from mtdetect.bundle import Bundle, load_bundle
from mtdetect.features import TRAINED_FAMILIES, model_parameter, score_feature
from mtdetect.signals.patterns import above_ceiling
from training.corpus import (
    EXTRA_ROUNDTRIP_LABELS,
    MIN_CORPUS_WORDS,
    Record,
    labelled_records,
    native_news,
)
from training.dataset import featurize, sample_weights
from training.evaluation.groups import HUMAN
from training.style_stack import (
    NATIVE_NEGATIVES,
    fit_roundtrip_classifier,
    native_records,
    neural_rows,
    out_of_fold,
    stack_columns,
    untrained_families,
)


def cached_roundtrips() -> tuple[list[Record], dict[str, Any]]:
    """Apertium round trips already in the cache; never runs Apertium.

    Generation is slow and may still be running, so evaluation takes what is
    there and says how much that is.
    """
    try:
        from training import roundtrip as rt

        originals = rt.sources()
        records: list[Record] = []
        found = missing = 0
        for pivot, batch in rt.planned_batches(originals):  # as labelled_records reads them
            cached = rt.read_cached(pivot, batch)
            if cached is None:
                missing += 1
                continue
            found += 1
            records.extend(cached)
    except (ImportError, AttributeError, KeyError, TypeError, ValueError) as exc:
        return [], {"available": False, "reason": f"{type(exc).__name__}: {exc}"}
    kept = [r for r in records if r.n_words >= MIN_CORPUS_WORDS]
    info = {
        "available": True,
        "batches_cached": found,
        "batches_missing": missing,
        "complete": missing == 0,
        "records": len(kept),
        "by_label": dict(sorted(Counter(r.label for r in kept).items())),
    }
    return kept, info


def _labels(records: Sequence[Record]) -> np.ndarray:
    return np.array([r.label for r in records], dtype=object)


@dataclass
class Context:
    """The bundle, the test split scored once, and (lazily) the train features."""

    bundle: Bundle
    model_path: Path
    test: list[Record]
    X_test: np.ndarray
    train_with_roundtrips: bool
    roundtrip_info: dict[str, Any]
    rt_records: list[Record] = field(default_factory=list)  # round trips of originals (RT)
    base_records: list[Record] = field(default_factory=list)  # all splits, no round trips
    # round trips of professional translations and learner essays (RT-HT, RT-LEARNER):
    # the roundtrip model's extra training pairs, and a test slice of their own
    extra_records: list[Record] = field(default_factory=list)
    extra_test: list[Record] = field(default_factory=list)
    X_extra_test: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # results shared between sections

    @cached_property
    def extractor(self) -> Any:
        return self.bundle.pipeline[0]

    @cached_property
    def scorer(self) -> Any:
        return self.bundle.pipeline[1:]

    @cached_property
    def feature_names(self) -> list[str]:
        return self.bundle.feature_names

    @cached_property
    def decision(self) -> np.ndarray:
        return np.asarray(self.scorer.decision_function(self.X_test), dtype=np.float64)

    @cached_property
    def probability(self) -> np.ndarray:
        return self.calibrate(self.decision)

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        return self.bundle.calibrator.predict_proba(decision.reshape(-1, 1))[:, 1]

    @property
    def threshold(self) -> float:
        return float(self.bundle.threshold)

    @cached_property
    def flagged(self) -> np.ndarray:
        return self.probability >= self.threshold

    @cached_property
    def label(self) -> np.ndarray:
        return _labels(self.test)

    @cached_property
    def y(self) -> np.ndarray:
        return np.array([r.y for r in self.test])

    @cached_property
    def human(self) -> np.ndarray:
        return np.isin(self.label, list(HUMAN))

    @cached_property
    def positive(self) -> np.ndarray:
        return self.y == 1

    @cached_property
    def C(self) -> float:
        metrics = self.bundle.metadata.get("metrics", {})
        if "selected_C" in metrics:
            return float(metrics["selected_C"])
        return float(self.bundle.pipeline.named_steps["clf"].C)

    # train split, as the bundle was trained on it (for refits only)
    @cached_property
    def train(self) -> list[Record]:
        records = [r for r in self.base_records if r.split == "train"]
        if self.train_with_roundtrips:
            records += [r for r in self.rt_records if r.split == "train"]
            if self.bundle.metadata.get("training_data", {}).get("partial_roundtrips"):
                from training.augment import partial_roundtrips

                originals = {r.group: r for r in records if r.label == "ORIG"}
                records += partial_roundtrips(records, originals)
        return records

    @cached_property
    def extra_train(self) -> list[Record]:
        """Round trips of translations and essays in the train split (roundtrip model only)."""
        if not self.has_roundtrip_model:
            return []
        return [r for r in self.extra_records if r.split == "train"]

    @cached_property
    def extra_decision(self) -> np.ndarray:
        if self.X_extra_test is None or not len(self.extra_test):
            return np.zeros(0)
        return np.asarray(self.scorer.decision_function(self.X_extra_test), dtype=np.float64)

    @cached_property
    def shrink(self) -> float:
        return float(self.bundle.metadata.get("metrics", {}).get("selected_shrink", 1.0))

    @cached_property
    def pattern_columns(self) -> dict[str, int]:
        """Trained family -> its score's column ("style" -> index of style.score)."""
        return {
            family: self.feature_names.index(score_feature(family))
            for family in TRAINED_FAMILIES
            if score_feature(family) in self.feature_names
        }

    @cached_property
    def X_train(self) -> np.ndarray:
        """Train features for refits; pattern-score columns are filled per refit, out of fold."""
        started = time.perf_counter()
        texts = [r.text for r in self.train]
        if not self.pattern_columns:
            matrix = featurize(self.extractor, texts, label="train")
        else:
            dense = clone(self.extractor).set_params(
                families=untrained_families(self.extractor.families),
                **{model_parameter(family): None for family in TRAINED_FAMILIES},
            )
            dense.fit([])
            X_dense = featurize(dense, texts, label="train")
            zeros = {score_feature(f): np.zeros(len(texts)) for f in self.pattern_columns}
            matrix = stack_columns(
                self.feature_names, list(dense.get_feature_names_out()), X_dense, zeros
            )
        self.timings["featurize_train_s"] = round(time.perf_counter() - started, 1)
        return matrix

    def pattern_model(self, family: str) -> Any:
        return getattr(self.extractor, model_parameter(family))

    def pattern_matrices(self, family: str) -> tuple[Any, Any]:
        """Train and test TF-IDF matrices under the shipped pattern model's vocabulary."""
        key = f"matrices:{family}"
        if key not in self.memo:
            model = self.pattern_model(family)
            train = model.vectorise(model.symbols(r.text) for r in self.train)
            test = model.vectorise(model.symbols(r.text) for r in self.test)
            self.memo[key] = (train, test)
        return self.memo[key]

    def pattern_refit(
        self, family: str, keep: np.ndarray, keep_extra: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Out-of-fold scores for the kept train rows, and test scores of their model.

        The refit sees only the kept rows' labels; the vocabulary and IDF are
        the shipped model's (learned from the whole train split's text, no labels).
        The roundtrip model is refitted on the kept rows and the kept round
        trips of translations and essays (``keep_extra``; all when None).
        """
        if family == "roundtrip":
            return self.roundtrip_refit(keep, keep_extra)
        key = f"{family}:" + hashlib.sha1(np.packbits(keep).tobytes()).hexdigest()
        if key not in self.memo:
            train, test = self.pattern_matrices(family)
            rows = [r for r, k in zip(self.train, keep, strict=True) if k]
            weights, fit_on = sample_weights(rows), None
            if family in ("neural", "chars"):  # neural MT pairs only, weighted among themselves
                fit_on = neural_rows(rows)
                weights = np.zeros(len(rows))
                weights[fit_on] = sample_weights([rows[i] for i in np.flatnonzero(fit_on)])
            fit = out_of_fold(
                self.pattern_model(family),
                train[np.flatnonzero(keep)],
                self.y_train[keep],
                weights,
                [r.group for r in rows],
                fit_on=fit_on,
            )
            self.memo[key] = (fit.oof, test @ fit.model.coef_ + fit.model.intercept_)
        return self.memo[key]

    def roundtrip_refit(
        self, keep: np.ndarray, keep_extra: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The roundtrip model refitted as training fits it, on the kept rows only.

        The kept rows, the kept round trips of translations and essays, and the
        native news negatives go through ``fit_roundtrip_classifier``, with the
        shipped model's vocabulary as for the other pattern models' refits;
        scores become the feature as the signal makes it.
        """
        if keep_extra is None:
            keep_extra = np.ones(len(self.extra_train), dtype=bool)
        natives = self.roundtrip_natives
        both = np.concatenate([keep, keep_extra, np.ones(len(natives), dtype=bool)])
        key = "roundtrip-refit:" + hashlib.sha1(np.packbits(both).tobytes()).hexdigest()
        if key not in self.memo:
            model = self.pattern_model("roundtrip")
            rows = self.train + self.extra_train + natives
            if "roundtrip-matrices" not in self.memo:
                self.memo["roundtrip-matrices"] = tuple(
                    model.vectorise(model.symbols(r.text) for r in records)
                    for records in (rows, self.test)
                )
            train, test = self.memo["roundtrip-matrices"]
            kept = [r for r, k in zip(rows, both, strict=True) if k]
            fit = fit_roundtrip_classifier(model, train[np.flatnonzero(both)], kept, len(natives))
            self.memo[key] = (
                above_ceiling(fit.oof[: int(keep.sum())]),
                above_ceiling(test @ fit.model.coef_ + fit.model.intercept_),
            )
        return self.memo[key]

    @cached_property
    def has_roundtrip_model(self) -> bool:
        """Whether the bundle has the roundtrip family (and so learned from its extra rows)."""
        return "roundtrip" in self.pattern_columns

    @cached_property
    def roundtrip_natives(self) -> list[Record]:
        """The native news negatives the roundtrip model is fitted with, as training makes them."""
        if not self.has_roundtrip_model:
            return []
        return native_records(native_news("roundtrip_negatives", NATIVE_NEGATIVES))

    @cached_property
    def y_train(self) -> np.ndarray:
        return np.array([r.y for r in self.train])

    def score_many(self, texts: Sequence[str], label: str) -> np.ndarray:
        """Calibrated probabilities for new texts through the bundle (features cached)."""
        X = featurize(self.extractor, list(texts), label=label)
        return self.calibrate(np.asarray(self.scorer.decision_function(X), dtype=np.float64))


def build_context(model: Path) -> Context:
    started = time.perf_counter()
    bundle = load_bundle(model)
    extractor = bundle.pipeline[0]
    all_roundtrips, rt_info = cached_roundtrips()
    rt_records = [r for r in all_roundtrips if r.label not in EXTRA_ROUNDTRIP_LABELS]
    extra_records = [r for r in all_roundtrips if r.label in EXTRA_ROUNDTRIP_LABELS]
    base = labelled_records()  # read once: the test, train and val splits
    base_test = [r for r in base if r.split == "test"]
    rt_test = [r for r in rt_records if r.split == "test"]
    extra_test = [r for r in extra_records if r.split == "test"]
    # separate cache entries: the round trips may still grow without re-featurising the rest
    X_base = featurize(extractor, [r.text for r in base_test], label="test")
    X_rt = featurize(extractor, [r.text for r in rt_test], label="test-rt")
    X_extra = featurize(extractor, [r.text for r in extra_test], label="test-extra")
    trained_rt = bool(bundle.metadata.get("training_data", {}).get("roundtrips", False))
    ctx = Context(
        bundle=bundle,
        model_path=model,
        test=[*base_test, *rt_test],
        X_test=np.vstack([X_base, X_rt]) if len(rt_test) else X_base,
        train_with_roundtrips=trained_rt,
        roundtrip_info=rt_info,
        rt_records=rt_records,
        base_records=base,
        extra_records=extra_records,
        extra_test=extra_test,
        X_extra_test=X_extra,
    )
    ctx.timings["load_and_featurize_test_s"] = round(time.perf_counter() - started, 1)
    return ctx
