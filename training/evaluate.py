"""Honest evaluation of a model bundle on the untouched test split.

    python training/evaluate.py [--model PATH] [--out-dir DIR] [--skip baseline,...]

The test split (20% of source documents, see ``training.corpus.split_of``) is
never used for fitting, selection, calibration or the threshold; this is the
only place that looks at it. Every number is printed next to its target with
PASS or MISS, misses included. Features are computed once (cached on disk by
``training.dataset.featurize``); everything else, the refits of the
leave-one-out and ablation studies included, is matrix work on cached
features, so a rerun takes minutes.

Outputs: ``metrics.json`` (everything), ``metrics.md`` (the model card, rendered
from the same dict) and ``reliability.png`` (needs matplotlib, the optional
``train`` extra; skipped with a note when it is missing).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from mtdetect.bundle import Bundle, default_path, load_bundle
from mtdetect.features import TRAINED_FAMILIES, model_parameter, score_feature
from mtdetect.signals.patterns import above_ceiling
from training.corpus import (
    EXTRA_ROUNDTRIP_LABELS,
    HUMAN_LABELS,
    MIN_WORDS,
    Record,
    load_records,
    native_news,
    seed_expectations,
)
from training.dataset import featurize, sample_weights
from training.heads import fit_model
from training.model_card import fmt, render_markdown, target_checks, verdict
from training.modeling import SEED
from training.style_stack import (
    NATIVE_NEGATIVES,
    fit_roundtrip_classifier,
    native_records,
    neural_rows,
    out_of_fold,
    stack_columns,
    untrained_families,
)

REPORTS = Path(__file__).resolve().parent / "reports"

HUMAN = HUMAN_LABELS
LEARNER = "LEARNER"
LANGS = ("cs", "is", "ja", "ru", "uk", "zh")
SOURCE_LANGS = (*LANGS, "liv")
LENGTH_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (60, 150),
    (150, 400),
    (400, 1000),
    (1000, None),
)
MAX_FPR = 0.01
ECE_BINS = 10
SHIFT_LIMIT = 0.02
SECTIONS = ("slices", "leave_out", "ablation", "baseline", "seeds", "shortcuts", "native_news")
NATIVE_NEWS_DOCS = 2000

# Each target: (comparison, bound). ">=" means higher is better.
TARGETS: dict[str, tuple[str, float]] = {
    "auc_overall": (">=", 0.95),
    "tpr_at_1fpr_mt": (">=", 0.60),
    "tpr_at_1fpr_roundtrip": (">=", 0.95),
    "rt_vs_originals_auc": (">=", 0.995),
    "rt_paired_win_rate": (">=", 0.99),
    "ece": ("<=", 0.05),
    "leave_one_language_out_auc": (">=", 0.93),
    "learner_fpr": ("<=", 0.02),
    "shortcut_mean_change": ("<", SHIFT_LIMIT),
}


# -- metric helpers (pure functions over arrays) ---------------------------------------
def check(name: str, value: float | None) -> dict[str, Any]:
    """A value beside its target, with an honest verdict (None when not measurable)."""
    op, bound = TARGETS[name]
    if value is None or not np.isfinite(value):
        verdict = None
    elif op == ">=":
        verdict = bool(value >= bound)
    elif op == "<=":
        verdict = bool(value <= bound)
    else:
        verdict = bool(value < bound)
    return {"value": rounded(value), "target": f"{op} {bound:g}", "pass": verdict}


def auc(y: Sequence[int] | np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC, or None when only one class is present (a slice cannot rank)."""
    y = np.asarray(y)
    if len(y) == 0 or y.min() == y.max():
        return None
    return float(roc_auc_score(y, scores))


def cut_at_fpr(negative_scores: np.ndarray, max_fpr: float = MAX_FPR) -> float:
    """Lowest cut flagging at most ``max_fpr`` of the negatives (scores on any scale).

    Unlike ``modeling.threshold_for_fpr`` this also works for unbounded decision
    values: the cut is the next float above the (allowed+1)-th highest negative.
    """
    ordered = np.sort(np.asarray(negative_scores, dtype=np.float64))[::-1]
    if len(ordered) == 0:
        return float("inf")
    allowed = int(np.floor(max_fpr * len(ordered) + 1e-9))
    if allowed >= len(ordered):
        return float("-inf")
    return float(np.nextafter(ordered[allowed], np.inf))


def rate(flags: np.ndarray) -> float | None:
    """Mean of a boolean array, None when empty."""
    return float(np.mean(flags)) if len(flags) else None


def tpr_at_fpr(
    positive_scores: np.ndarray, negative_scores: np.ndarray, max_fpr: float = MAX_FPR
) -> float | None:
    """Share of positives at or above the cut that gives ``max_fpr`` on the negatives."""
    cut = cut_at_fpr(negative_scores, max_fpr)
    return rate(np.asarray(positive_scores) >= cut)


def reliability_bins(
    probabilities: np.ndarray,
    y: np.ndarray,
    bins: int = ECE_BINS,
    weights: np.ndarray | None = None,
) -> list[dict[str, float]]:
    """Equal-width bins over [0, 1]: weight, mean predicted probability, observed rate."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 0.0, 1.0)
    y = np.asarray(y, dtype=np.float64)
    w = np.ones_like(p) if weights is None else np.asarray(weights, dtype=np.float64)
    index = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = index == b
        total = float(w[inside].sum())
        if total <= 0:
            continue
        rows.append(
            {
                "lo": b / bins,
                "hi": (b + 1) / bins,
                "n": int(inside.sum()),
                "weight": total / float(w.sum()),
                "mean_p": float(np.average(p[inside], weights=w[inside])),
                "observed": float(np.average(y[inside], weights=w[inside])),
            }
        )
    return rows


def expected_calibration_error(
    probabilities: np.ndarray,
    y: np.ndarray,
    bins: int = ECE_BINS,
    weights: np.ndarray | None = None,
) -> float:
    """ECE: bin-weighted mean gap between predicted probability and observed rate."""
    rows = reliability_bins(probabilities, y, bins, weights)
    return float(sum(r["weight"] * abs(r["mean_p"] - r["observed"]) for r in rows))


def paired_wins(machine: np.ndarray, original: np.ndarray) -> dict[str, Any]:
    """Paired test: how often the round trip scores above its own original."""
    machine = np.asarray(machine, dtype=np.float64)
    original = np.asarray(original, dtype=np.float64)
    wins = int(np.sum(machine > original))
    ties = int(np.sum(machine == original))
    n = len(machine)
    return {
        "pairs": n,
        "wins": wins,
        "ties": ties,
        "losses": n - wins - ties,
        "win_rate": wins / n if n else None,
        "mean_gap": float(np.mean(machine - original)) if n else None,
    }


def grouped_bootstrap(
    statistic: Callable[[np.ndarray], float | None],
    groups: Sequence[str] | np.ndarray,
    n: int = 200,
    seed: int = SEED,
) -> list[float] | None:
    """95% interval of ``statistic(indices)`` resampling whole source documents.

    The MT outputs of one source document (and its round trips) are not
    independent draws, so documents are resampled by group, not one by one.
    """
    _, inverse = np.unique(np.asarray(groups, dtype=object).astype(str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(inverse.max() + 2))
    members = [order[bounds[g] : bounds[g + 1]] for g in range(len(bounds) - 1)]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n):
        picked = rng.integers(0, len(members), len(members))
        value = statistic(np.concatenate([members[g] for g in picked]))
        if value is not None:
            values.append(value)
    if len(values) < n // 2:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def length_bucket(n_words: int) -> str:
    for lo, hi in LENGTH_BUCKETS:
        if n_words >= lo and (hi is None or n_words < hi):
            return f"{lo}-{hi}" if hi is not None else f"{lo}+"
    return f"<{LENGTH_BUCKETS[0][0]}"


def system_family(system: str) -> str:
    """Commercial online systems form one family; research systems group by name stem."""
    if system.startswith("Online-"):
        return "Online-*"
    return system.split("-")[0]


def cefr_group(cefr: str) -> str:
    """'B1.ii' -> 'B1', 'C2+' -> 'C2'; empty -> 'unknown'."""
    match = re.match(r"[ABC][12]", cefr or "")
    return match.group(0) if match else "unknown"


# -- shortcut transforms: layout and typography must not change a verdict -------------------
_SENTENCE_END = re.compile(r"[.!?][\"')\]\u201d\u2019]*$")


def reflow_sentences(text: str) -> str:
    """One line per sentence: words kept, line breaks after sentence-final punctuation."""
    lines: list[list[str]] = [[]]
    for word in text.split():
        lines[-1].append(word)
        if _SENTENCE_END.search(word):
            lines.append([])
    return "\n".join(" ".join(line) for line in lines if line)


def single_line(text: str) -> str:
    """The whole document on one line."""
    return " ".join(text.split())


def paragraphs(text: str, every: int = 3) -> str:
    """A blank line after every ``every`` lines, as in paragraph-formatted pages."""
    lines = [line for line in text.split("\n") if line.strip()]
    blocks = ["\n".join(lines[i : i + every]) for i in range(0, len(lines), every)]
    return "\n\n".join(blocks)


_CURLY_TO_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def swap_quotes(text: str) -> str:
    """Straight quotes become typographic ones and typographic ones straight."""
    out: list[str] = []
    double_open = True
    for i, char in enumerate(text):
        if char in "\u2018\u2019\u201c\u201d":
            out.append(char.translate(_CURLY_TO_STRAIGHT))
        elif char == '"':
            out.append("\u201c" if double_open else "\u201d")
            double_open = not double_open
        elif char == "'":
            before = text[i - 1] if i else " "
            out.append("\u2018" if before.isspace() or before in "([\u201c" else "\u2019")
        else:
            out.append(char)
    return "".join(out)


BOILERPLATE_TOP = ("[ad_1]",)
BOILERPLATE_END = ("Share this:", "Leave a Reply", "Source link")


def add_boilerplate(text: str) -> str:
    """Typical page furniture around the article, as scraped pages carry it."""
    return "\n".join([*BOILERPLATE_TOP, text, *BOILERPLATE_END])


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "reflow_one_sentence_per_line": reflow_sentences,
    "single_line": single_line,
    "paragraphs_every_3_lines": paragraphs,
    "quotes_swapped": swap_quotes,
    "boilerplate_added": add_boilerplate,
}


# -- data -------------------------------------------------------------------------------
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
        for pivot, batch in rt.planned_batches(originals):  # as load_records reads them
            cached = rt.read_cached(pivot, batch)
            if cached is None:
                missing += 1
                continue
            found += 1
            records.extend(cached)
    except (ImportError, AttributeError, KeyError, TypeError, ValueError) as exc:
        return [], {"available": False, "reason": f"{type(exc).__name__}: {exc}"}
    kept = [r for r in records if r.n_words >= MIN_WORDS]
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
            if family == "neural":  # neural MT pairs only, weighted among themselves
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
    base = load_records(roundtrips=False)  # read once: the test, train and val splits
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


# -- sections ----------------------------------------------------------------------------
def _slice(ctx: Context, mask: np.ndarray) -> dict[str, Any]:
    """Counts, AUC within the slice (both classes) or vs all test human, TPR/FPR at threshold."""
    pos = mask & ctx.positive
    neg = mask & ctx.human
    row: dict[str, Any] = {
        "n": int(mask.sum()),
        "n_machine": int(pos.sum()),
        "n_human": int(neg.sum()),
    }
    inside = pos | neg
    row["auc"] = rounded(auc(ctx.y[inside], ctx.decision[inside]))
    if pos.any():
        vs_all = pos | ctx.human
        row["auc_vs_all_human"] = rounded(auc(ctx.y[vs_all], ctx.decision[vs_all]))
        row["tpr_at_threshold"] = rounded(rate(ctx.flagged[pos]))
    if neg.any():
        row["fpr_at_threshold"] = rounded(rate(ctx.flagged[neg]))
    learners = mask & (ctx.label == LEARNER)
    if learners.any():
        row["n_learner"] = int(learners.sum())
        row["fpr_learner_at_threshold"] = rounded(rate(ctx.flagged[learners]))
    return row


def evaluate_headline(ctx: Context, bootstrap: int = 200) -> dict[str, Any]:
    """Overall ranking and the low-FPR operating points, with grouped 95% intervals."""
    dec, label = ctx.decision, ctx.label
    core = ctx.positive | ctx.human
    with_learners = core | (label == LEARNER)
    is_mt = label == "MT"
    is_roundtrip = np.isin(label, ["RT", "MT-roundtrip"])
    human_scores = dec[ctx.human]

    def auc_of(idx: np.ndarray) -> float | None:
        idx = idx[core[idx]]
        return auc(ctx.y[idx], dec[idx])

    def tpr_of(kind: np.ndarray) -> Callable[[np.ndarray], float | None]:
        return lambda idx: tpr_at_fpr(dec[idx[kind[idx]]], dec[idx[ctx.human[idx]]])

    groups = np.array([r.group for r in ctx.test], dtype=object)
    out = {
        "auc_overall": check("auc_overall", auc(ctx.y[core], dec[core])),
        "auc_with_learners_as_human": rounded(auc(ctx.y[with_learners], dec[with_learners])),
        "auc_machine_vs_learners": rounded(
            auc(ctx.y[ctx.positive | (label == LEARNER)], dec[ctx.positive | (label == LEARNER)])
        ),
        "test_cut_at_1pct_fpr": {
            "probability": rounded(float(ctx.calibrate(np.array([cut_at_fpr(human_scores)]))[0])),
            "shipped_threshold": rounded(ctx.threshold),
        },
        "tpr_at_1fpr_mt": check("tpr_at_1fpr_mt", tpr_at_fpr(dec[is_mt], human_scores)),
        "tpr_at_1fpr_roundtrip": check(
            "tpr_at_1fpr_roundtrip", tpr_at_fpr(dec[is_roundtrip], human_scores)
        ),
        "tpr_at_1fpr_apertium_rt": rounded(tpr_at_fpr(dec[label == "RT"], human_scores)),
        "tpr_at_1fpr_mt_roundtrip": rounded(tpr_at_fpr(dec[label == "MT-roundtrip"], human_scores)),
        "n": {
            "machine": int(ctx.positive.sum()),
            "human": int(ctx.human.sum()),
            "learner": int((label == LEARNER).sum()),
            "mt": int(is_mt.sum()),
            "roundtrip": int(is_roundtrip.sum()),
            "apertium_rt": int((label == "RT").sum()),
            "mt_roundtrip": int((label == "MT-roundtrip").sum()),
        },
    }
    if bootstrap:
        out["auc_overall"]["ci95"] = grouped_bootstrap(auc_of, groups, bootstrap)
        out["tpr_at_1fpr_mt"]["ci95"] = grouped_bootstrap(tpr_of(is_mt), groups, bootstrap)
        if is_roundtrip.any():
            out["tpr_at_1fpr_roundtrip"]["ci95"] = grouped_bootstrap(
                tpr_of(is_roundtrip), groups, bootstrap
            )
        out["bootstrap"] = f"{bootstrap} resamples of source-document groups, 2.5-97.5 percentiles"
    return out


def evaluate_threshold(ctx: Context) -> dict[str, Any]:
    """Error rates at the shipped threshold, by kind of text."""
    label, flagged = ctx.label, ctx.flagged
    fpr = {}
    for kind in ("HT", "ORIG", LEARNER):
        mask = label == kind
        fpr[kind] = {"n": int(mask.sum()), "fpr": rounded(rate(flagged[mask]))}
    fpr["HT+ORIG"] = {"n": int(ctx.human.sum()), "fpr": rounded(rate(flagged[ctx.human]))}
    by_source = {}
    for source in sorted({r.source for r in ctx.test if r.label == "ORIG"}):
        mask = (label == "ORIG") & np.array([r.source == source for r in ctx.test])
        by_source[source] = {"n": int(mask.sum()), "fpr": rounded(rate(flagged[mask]))}
    tpr = {}
    kinds: list[tuple[str, np.ndarray]] = [("MT", label == "MT")]
    for pivot in sorted({r.lang for r in ctx.test if r.label == "RT"}):
        kinds.append(
            (f"RT:{pivot}", (label == "RT") & np.array([r.lang == pivot for r in ctx.test]))
        )
    kinds.append(("RT (all pivots)", label == "RT"))
    kinds.append(("MT-roundtrip", label == "MT-roundtrip"))
    for kind, mask in kinds:
        tpr[kind] = {"n": int(mask.sum()), "tpr": rounded(rate(flagged[mask]))}
    return {
        "threshold": rounded(ctx.threshold),
        "fpr": fpr,
        "fpr_orig_by_source": by_source,
        "tpr": tpr,
        "operating_points": operating_points(ctx),
    }


# Other thresholds a moderator might pick (--threshold), measured, not chosen, on test.
OPERATING_POINTS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.998, 0.999)


def operating_points(ctx: Context) -> list[dict[str, Any]]:
    """Error rates by kind of text at the shipped threshold and at a few others."""
    cuts = sorted({*OPERATING_POINTS, float(ctx.threshold)})
    label, probability = ctx.label, ctx.probability
    rows = []
    for cut in cuts:
        flagged = probability >= cut
        row: dict[str, Any] = {"threshold": rounded(cut), "shipped": cut == float(ctx.threshold)}
        for kind in ("HT", "ORIG", LEARNER):
            row[f"fpr_{kind}"] = rounded(rate(flagged[label == kind]))
        for kind in ("MT", "RT"):
            row[f"tpr_{kind}"] = rounded(rate(flagged[label == kind]))
        rows.append(row)
    return rows


def evaluate_slices(ctx: Context) -> dict[str, Any]:
    """By source language, pivot, system and length."""
    test = ctx.test
    by_lang = {}
    for lang in SOURCE_LANGS:
        mask = np.array([r.lang == lang and r.source == "wmt" for r in test])
        by_lang[lang] = _slice(ctx, mask)
    for pivot in sorted({r.lang for r in test if r.label == "RT"}):
        mask = np.array([r.label == "RT" and r.lang == pivot for r in test])
        by_lang[f"RT:{pivot}"] = _slice(ctx, mask)
    by_system = {}
    systems = Counter(r.system for r in test if r.label in ("MT", "MT-roundtrip"))
    for system in sorted(systems):
        mask = np.array([r.system == system and r.label in ("MT", "MT-roundtrip") for r in test])
        row = _slice(ctx, mask)
        row["family"] = system_family(system)
        by_system[system] = row
    for ref in sorted({r.system for r in test if r.label == "HT"}):
        by_system[f"{ref} (human reference)"] = _slice(
            ctx, np.array([r.system == ref and r.label == "HT" for r in test])
        )
    buckets = np.array([length_bucket(r.n_words) for r in test])
    by_length = {}
    for lo, _ in LENGTH_BUCKETS:
        name = length_bucket(lo)
        by_length[name] = _slice(ctx, buckets == name)
    return {"by_language": by_lang, "by_system": by_system, "by_length_words": by_length}


def evaluate_roundtrips(ctx: Context) -> dict[str, Any]:
    """Apertium round trips against their own originals: ranked and paired."""
    index = {r.group: i for i, r in enumerate(ctx.test) if r.label == "ORIG"}
    rt = [i for i, r in enumerate(ctx.test) if r.label == "RT"]
    if not rt:
        return {
            "available": False,
            "note": "no Apertium round trips in the test split (cache empty)",
            "cache": ctx.roundtrip_info,
        }
    out: dict[str, Any] = {"available": True, "cache": ctx.roundtrip_info}
    originals = sorted(
        {index[ctx.test[i].get("orig_group")] for i in rt if ctx.test[i].get("orig_group") in index}
    )
    ranked = np.array(rt + originals)
    y = np.array([1] * len(rt) + [0] * len(originals))
    out["rt_vs_originals_auc"] = check("rt_vs_originals_auc", auc(y, ctx.decision[ranked]))
    pairs = [
        (i, index[ctx.test[i].get("orig_group")])
        for i in rt
        if ctx.test[i].get("orig_group") in index
    ]
    machine = ctx.decision[[a for a, _ in pairs]]
    human = ctx.decision[[b for _, b in pairs]]
    paired = paired_wins(machine, human)
    out["paired"] = paired
    out["rt_paired_win_rate"] = check("rt_paired_win_rate", paired["win_rate"])
    pair_groups = [ctx.test[b].group for _, b in pairs]
    out["rt_paired_win_rate"]["ci95"] = grouped_bootstrap(
        lambda idx: float(np.mean(machine[idx] > human[idx])), pair_groups
    )
    rank_groups = [ctx.test[i].group for i in ranked]
    out["rt_vs_originals_auc"]["ci95"] = grouped_bootstrap(
        lambda idx: auc(y[idx], ctx.decision[ranked[idx]]), rank_groups
    )
    out["unpaired_rt"] = len(rt) - len(pairs)
    by_pivot = {}
    for pivot in sorted({ctx.test[i].lang for i in rt}):
        mine = [(a, b) for a, b in pairs if ctx.test[a].lang == pivot]
        m = ctx.decision[[a for a, _ in mine]]
        h = ctx.decision[[b for _, b in mine]]
        y_p = np.array([1] * len(mine) + [0] * len(mine))
        by_pivot[pivot] = {
            "auc_vs_own_originals": rounded(auc(y_p, np.concatenate([m, h]))),
            **{k: rounded(v) if isinstance(v, float) else v for k, v in paired_wins(m, h).items()},
        }
    out["by_pivot"] = by_pivot
    gap = ctx.probability[[a for a, _ in pairs]] - ctx.probability[[b for _, b in pairs]]
    out["mean_probability_gap"] = rounded(float(np.mean(gap)))
    if len(ctx.extra_test):
        flagged = ctx.calibrate(ctx.extra_decision) >= ctx.threshold
        out["other_sources"] = roundtrips_of_other_texts(
            ctx, ctx.extra_decision, ctx.decision, flagged
        )
    return out


def roundtrips_of_other_texts(
    ctx: Context, extra_decision: np.ndarray, decision: np.ndarray, extra_flagged: np.ndarray
) -> dict[str, Any]:
    """Round trips of the test split's professional translations and learner essays.

    Not in any headline metric (those measure round trips of originals); shown
    because they are the hard case: a round trip of translationese, or of a
    learner's English, against the human text it came from. Recall at the
    model's threshold and at the cut that gives 1% FPR on test HT+ORIG (both
    from ``decision``, the model's test-split scores), and the AUC against the
    human texts of the same source documents.
    """
    cut = cut_at_fpr(decision[ctx.human])
    out: dict[str, Any] = {}
    for label, source in (("RT-HT", "HT"), (f"RT-{LEARNER}", LEARNER)):
        mask = np.array([r.label == label for r in ctx.extra_test])
        groups = {r.group for r in ctx.extra_test if r.label == label}
        sources = (ctx.label == source) & np.array([r.group in groups for r in ctx.test])
        scores = np.concatenate([extra_decision[mask], decision[sources]])
        y = np.array([1] * int(mask.sum()) + [0] * int(sources.sum()))
        out[label] = {
            "n": int(mask.sum()),
            "tpr_at_threshold": rounded(rate(extra_flagged[mask])),
            "tpr_at_1fpr": rounded(rate(extra_decision[mask] >= cut)),
            "auc_vs_own_sources": rounded(auc(y, scores)),
            "n_sources": int(sources.sum()),
        }
    return out


def evaluate_calibration(ctx: Context, png: Path | None) -> dict[str, Any]:
    """ECE on the natural test mix and on the class-balanced mix the calibrator targets."""
    prob, y = ctx.probability, ctx.y
    core = ctx.positive | ctx.human
    with_learners = core | (ctx.label == LEARNER)
    balanced = sample_weights([r for r, keep in zip(ctx.test, core, strict=True) if keep])
    out = {
        "bins": ECE_BINS,
        "ece": check("ece", expected_calibration_error(prob[core], y[core])),
        "ece_with_learners": rounded(
            expected_calibration_error(prob[with_learners], y[with_learners])
        ),
        "ece_class_balanced": rounded(
            expected_calibration_error(prob[core], y[core], weights=balanced)
        ),
        "reliability": reliability_bins(prob[core], y[core]),
        "reliability_class_balanced": reliability_bins(prob[core], y[core], weights=balanced),
        "reliability_with_learners": reliability_bins(prob[with_learners], y[with_learners]),
        "note": (
            "calibrator fitted on the validation split's machine vs HT+ORIG rows as they "
            "come (no reweighting, learner essays left out); "
            "'ece' is on the natural test mix (machine vs HT+ORIG), 'ece_class_balanced' "
            "reweights it to equal class weight"
        ),
    }
    out["plot"] = _plot_reliability(out, png) if png is not None else None
    return out


def _plot_reliability(calibration: dict[str, Any], png: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib not installed (pip install mtdetect[train]); no plot"
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(6, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    top.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect")
    for key, name, marker in (
        ("reliability", "machine vs HT+ORIG", "o"),
        ("reliability_with_learners", "incl. learner essays", "s"),
        ("reliability_class_balanced", "machine vs HT+ORIG, class-balanced", "^"),
    ):
        rows = calibration[key]
        top.plot(
            [r["mean_p"] for r in rows], [r["observed"] for r in rows], marker=marker, label=name
        )
    ece = calibration["ece"]["value"]
    top.set_ylabel("observed share machine-translated")
    top.set_title(f"Reliability on the test split (ECE {ece:.3f}, {calibration['bins']} bins)")
    top.legend(loc="upper left")
    rows = calibration["reliability_with_learners"]
    bottom.bar(
        [(r["lo"] + r["hi"]) / 2 for r in rows], [r["n"] for r in rows], width=0.09, color="grey"
    )
    bottom.set_ylabel("documents\n(incl. learners)")
    bottom.set_xlabel("predicted probability")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return png.name


def _refit_auc(
    ctx: Context,
    keep_train: np.ndarray,
    columns: np.ndarray,
    eval_sets: dict[str, np.ndarray],
    keep_extra: np.ndarray | None = None,
) -> dict[str, float | None]:
    """Refit scaler+LR (bundle's C) on a subset of train rows/columns; AUC per eval mask.

    With pattern-score columns, their models are refitted on the kept rows too
    (out of fold for them), so a held-out language is unseen by every part;
    ``keep_extra`` says which round trips of translations and essays the
    roundtrip model keeps (all when None).
    """
    train = [r for r, keep in zip(ctx.train, keep_train, strict=True) if keep]
    X_train, X_test = ctx.X_train[keep_train], ctx.X_test.copy()
    for family, index in ctx.pattern_columns.items():
        if index in columns:
            X_train[:, index], X_test[:, index] = ctx.pattern_refit(family, keep_train, keep_extra)
    scorer = fit_model(
        X_train[:, columns],
        ctx.y_train[keep_train],
        sample_weights(train),
        [ctx.feature_names[i] for i in columns],
        train,
        ctx.C,
        ctx.shrink,
    )
    decision = scorer.decision_function(X_test[:, columns])
    return {name: rounded(auc(ctx.y[mask], decision[mask])) for name, mask in eval_sets.items()}


def lolo_keep(train: Sequence[Record], lang: str) -> np.ndarray:
    """Train rows kept when source language ``lang`` is held out.

    Its MT and HT go, and the round trips of its HT (whose ``lang`` is the pivot).
    """
    return np.array(
        [
            not (
                (r.lang == lang and r.label in ("MT", "HT"))
                or (r.label == "RT-HT" and r.get("source_lang") == lang)
            )
            for r in train
        ]
    )


def _lolo_masks(ctx: Context) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per language: (train rows kept, extra round trips kept, test rows evaluated).

    The test rows evaluated are the language's MT and all test HT+ORIG.
    """
    masks = {}
    for lang in LANGS:
        evaluate = ctx.human | ((ctx.label == "MT") & np.array([r.lang == lang for r in ctx.test]))
        masks[lang] = (lolo_keep(ctx.train, lang), lolo_keep(ctx.extra_train, lang), evaluate)
    return masks


def leave_one_language_out(ctx: Context) -> dict[str, dict[str, Any]]:
    """Refit without each language's MT and HT; AUC of its test MT vs all test human."""
    if "lolo" in ctx.memo:
        return ctx.memo["lolo"]
    all_columns = np.arange(ctx.X_test.shape[1])
    lolo = {}
    for lang, (keep, keep_extra, evaluate) in _lolo_masks(ctx).items():
        result = _refit_auc(ctx, keep, all_columns, {"auc": evaluate}, keep_extra)
        lolo[lang] = {
            **check("leave_one_language_out_auc", result["auc"]),
            "auc_full_model": rounded(auc(ctx.y[evaluate], ctx.decision[evaluate])),
            "n_test_mt": int((evaluate & ctx.positive).sum()),
            "n_train_dropped": int((~keep).sum()),
            "n_roundtrips_of_its_translations_dropped": int((~keep_extra).sum()),
        }
    ctx.memo["lolo"] = lolo
    return lolo


def evaluate_leave_out(ctx: Context, min_test: int = 50) -> dict[str, Any]:
    """Unseen source languages and unseen MT system families."""
    all_columns = np.arange(ctx.X_test.shape[1])
    lolo = leave_one_language_out(ctx)
    families: dict[str, list[str]] = defaultdict(list)
    for system in sorted({r.system for r in ctx.test if r.label in ("MT", "MT-roundtrip")}):
        families[system_family(system)].append(system)
    losfo = {}
    skipped = {}
    for family, systems in sorted(families.items()):
        test_mask = np.isin(ctx.label, ["MT", "MT-roundtrip"]) & np.array(
            [system_family(r.system) == family for r in ctx.test]
        )
        if test_mask.sum() < min_test:
            skipped[family] = int(test_mask.sum())
            continue
        keep = np.array(
            [
                not (r.label in ("MT", "MT-roundtrip") and system_family(r.system) == family)
                for r in ctx.train
            ]
        )
        evaluate = test_mask | ctx.human
        result = _refit_auc(ctx, keep, all_columns, {"auc": evaluate})
        losfo[family] = {
            "systems": systems,
            "auc": result["auc"],
            "auc_full_model": rounded(auc(ctx.y[evaluate], ctx.decision[evaluate])),
            "n_test": int(test_mask.sum()),
            "n_train_dropped": int((~keep).sum()),
        }
    values = [v["value"] for v in lolo.values() if v["value"] is not None]
    return {
        "leave_one_language_out": lolo,
        "leave_one_language_out_min": rounded(min(values) if values else None),
        "leave_one_language_out_mean": rounded(float(np.mean(values)) if values else None),
        "leave_one_system_family_out": losfo,
        "system_families_skipped_fewer_than": {"min_test_docs": min_test, "families": skipped},
        "C": ctx.C,
        "note": (
            "refit = each pattern model, style, wording and roundtrip (logistic regression, "
            "out-of-fold scores for stacking, wording on matched pairs only, roundtrip on "
            "round-trip pairs only with its zero re-set at the refit's human ceiling; "
            "vocabulary and IDF from the train split's unlabelled text) "
            "and the StandardScaler + monotone logistic regression with the bundle's C and "
            "family shrink, with balanced sample weights, all on the train split minus the "
            "held-out language's MT, HT and round trips of its HT (or the family's MT); AUC "
            "of its test MT against all test HT+ORIG"
        ),
    }


def evaluate_learners(ctx: Context) -> dict[str, Any]:
    """Learner essays must never be flagged: FPR at the shipped threshold by level and L1."""
    mask = ctx.label == LEARNER
    learners = [r for r in ctx.test if r.label == LEARNER]
    flags = ctx.flagged[mask]
    by_cefr: dict[str, list[bool]] = defaultdict(list)
    by_l1: dict[str, list[bool]] = defaultdict(list)
    by_corpus: dict[str, list[bool]] = defaultdict(list)
    for record, flag in zip(learners, flags, strict=True):
        by_cefr[cefr_group(record.get("cefr"))].append(bool(flag))
        by_l1[record.get("l1") or "unknown"].append(bool(flag))
        by_corpus["FCE (has L1)" if record.get("l1") else "Write & Improve (has CEFR)"].append(
            bool(flag)
        )

    def table(groups: dict[str, list[bool]]) -> dict[str, dict[str, Any]]:
        return {
            key: {"n": len(v), "flagged": int(sum(v)), "fpr": rounded(float(np.mean(v)))}
            for key, v in sorted(groups.items())
        }

    native = np.array([r.label == "ORIG" and r.source == "learner" for r in ctx.test])
    return {
        "n": int(mask.sum()),
        "learner_fpr": check("learner_fpr", rate(flags)),
        "flagged": int(flags.sum()),
        "by_cefr": table(by_cefr),
        "by_l1": table(by_l1),
        "by_corpus": table(by_corpus),
        "native_student_essays_fpr": {
            "n": int(native.sum()),
            "fpr": rounded(rate(ctx.flagged[native])),
        },
        "max_probability": rounded(float(ctx.probability[mask].max()) if mask.any() else None),
        "note": "the test split holds out learners by author; FCE carries L1, Write & Improve CEFR",
    }


def evaluate_ablation(ctx: Context) -> dict[str, Any]:
    """Refit without each family's columns (same rows, same C) to see what each buys."""
    names = np.array(ctx.feature_names)
    family_of = np.array([n.split(".", 1)[0] for n in names])
    label = ctx.label
    sets = {
        "auc_overall": ctx.positive | ctx.human,
        "auc_mt": (label == "MT") | ctx.human,
    }
    if (label == "RT").any():
        sets["auc_rt"] = (label == "RT") | ctx.human
    # what a family does for learner essays (human writing full of errors)
    sets["auc_vs_learners"] = ctx.positive | (label == LEARNER)
    lolo = _lolo_masks(ctx)
    rows = {}
    variants = [("(all families)", np.ones(len(names), dtype=bool))]
    variants += [(f"- {f}", family_of != f) for f in dict.fromkeys(family_of)]
    everything = np.ones(len(ctx.train), dtype=bool)
    for name, keep_cols in variants:
        columns = np.flatnonzero(keep_cols)
        row = _refit_auc(ctx, everything, columns, sets)
        lolo_aucs = [
            _refit_auc(ctx, keep, columns, {"a": ev}, keep_extra)["a"]
            for keep, keep_extra, ev in lolo.values()
        ]
        row["lolo_mean_auc"] = rounded(float(np.mean([a for a in lolo_aucs if a is not None])))
        row["n_features"] = int(keep_cols.sum())
        rows[name] = row
    return {
        "rows": rows,
        "note": "'(all families)' is the refit with every column (equals the shipped scorer "
        "when the bundle was trained on the same train split)",
    }


def top_features(ctx: Context, k: int = 20) -> list[dict[str, Any]]:
    """Our model's strongest standardised weights (positive = towards machine)."""
    coef = np.asarray(ctx.bundle.pipeline.named_steps["clf"].coef_, dtype=np.float64).ravel()
    order = np.argsort(-np.abs(coef))[:k]
    return [{"feature": ctx.feature_names[i], "coef": rounded(float(coef[i]))} for i in order]


def top_style_patterns(ctx: Context, k: int = 15) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each pattern model's strongest weights: they should read as grammar and word
    choice, never topic or names."""
    out = {}
    for family in ctx.pattern_columns:
        model = ctx.pattern_model(family)
        terms = model.terms()
        order = np.argsort(model.coef_)

        def pick(indices: np.ndarray, model: Any = model, terms: list[str] = terms) -> list:
            return [{"pattern": terms[i], "coef": rounded(float(model.coef_[i]))} for i in indices]

        out[family] = {"machine": pick(order[::-1][:k]), "human": pick(order[:k])}
    return out


def evaluate_seeds(ctx: Context) -> dict[str, Any]:
    """The five real articles the project started from: each must be scored right."""
    if "seeds" in ctx.memo:
        return ctx.memo["seeds"]
    from mtdetect.detector import Detector

    detector = Detector(ctx.bundle)
    rows = []
    for path, spun in seed_expectations():
        result = detector.detect(path.read_text(encoding="utf-8"))
        rows.append(
            {
                "file": path.name,
                "expected": "spun" if spun else "original",
                "status": result.status,
                "probability": rounded(result.probability),
                "flagged": result.flagged,
                "correct": result.flagged == spun,
                "evidence": [f"{e.kind}: {e.text!r}" for e in result.evidence[:5]],
                "boilerplate_lines_removed": len(result.boilerplate),
            }
        )
    ctx.memo["seeds"] = {"rows": rows, "all_correct": all(r["correct"] for r in rows)}
    return ctx.memo["seeds"]


def evaluate_native_news(ctx: Context, n: int = NATIVE_NEWS_DOCS) -> dict[str, Any]:
    """False positives on native English news no model learned from.

    The news corpus (``english-news-lm``) is the reference for the n-gram and
    compound tables, the gazetteer and the telltale base rates, so its names
    and word pairs are known to those resources, and this rate is optimistic
    for the ``names`` and ``phrases`` families. These documents are the
    corpus's evaluation quarter (``training.corpus.NEWS_QUARTERS``; the
    roundtrip model's native negatives are another), its first ``n`` of 60
    words or more, so for the pattern models they are new.
    """
    texts = native_news("evaluation", n)
    X = featurize(ctx.extractor, texts, label="native-news")
    probability = ctx.calibrate(np.asarray(ctx.scorer.decision_function(X), dtype=np.float64))
    flagged = probability >= ctx.threshold
    out: dict[str, Any] = {
        "n": len(texts),
        "fpr_at_threshold": rounded(rate(flagged)),
        "flagged": int(flagged.sum()),
        "max_probability": rounded(float(probability.max()) if len(texts) else None),
    }
    if "roundtrip" in ctx.pattern_columns:
        above = X[:, ctx.pattern_columns["roundtrip"]] > 0
        out["share_with_roundtrip_score_above_0"] = rounded(rate(above))
    return out


def shortcut_sample(records: Sequence[Record], n: int = 300) -> list[int]:
    """A deterministic mix of labels: equal quotas per label, hash order within each."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        by_label[record.label].append(i)
    for indices in by_label.values():
        indices.sort(key=lambda i: hashlib.sha1(records[i].text.encode()).hexdigest())
    chosen: list[int] = []
    labels = sorted(by_label)
    depth = 0
    while len(chosen) < n and any(depth < len(by_label[lab]) for lab in labels):
        for lab in labels:
            if depth < len(by_label[lab]) and len(chosen) < n:
                chosen.append(by_label[lab][depth])
        depth += 1
    return sorted(chosen)


def evaluate_shortcuts(ctx: Context, n: int = 300) -> dict[str, Any]:
    """Layout, typography and page furniture must not move the probability."""
    sample = shortcut_sample(ctx.test, n)
    base = ctx.probability[sample]
    base_flag = base >= ctx.threshold
    texts = [ctx.test[i].text for i in sample]
    rows = {}
    for name, transform in TRANSFORMS.items():
        changed = ctx.score_many([transform(t) for t in texts], label=f"shortcut-{name}")
        delta = np.abs(changed - base)
        rows[name] = {
            "shortcut_mean_change": check("shortcut_mean_change", float(delta.mean())),
            "max_change": rounded(float(delta.max())),
            "share_ge_0.02": rounded(float(np.mean(delta >= SHIFT_LIMIT))),
            "verdict_flips": int(np.sum((changed >= ctx.threshold) != base_flag)),
        }
    return {
        "n_docs": len(sample),
        "labels": dict(sorted(Counter(ctx.test[i].label for i in sample).items())),
        "transforms": rows,
    }


def model_summary(ctx: Context) -> dict[str, Any]:
    meta = ctx.bundle.metadata
    families: dict[str, list[str]] = defaultdict(list)
    for name in ctx.feature_names:
        family, _, feature = name.partition(".")
        families[family].append(feature)
    return {
        "path": str(ctx.model_path),
        "model_version": ctx.bundle.model_version,
        "created": meta.get("created"),
        "sha256": meta.get("sha256"),
        "threshold": rounded(ctx.threshold),
        "selected_C": ctx.C,
        "selected_shrink": ctx.shrink,
        "pattern_models": meta.get("pattern_models"),
        "families": {f: {"n": len(v), "features": v} for f, v in families.items()},
        "n_features": len(ctx.feature_names),
        "training_data": meta.get("training_data", {}),
        "training_metrics": meta.get("metrics", {}),
        "test_split": dict(sorted(Counter(ctx.label.tolist()).items())),
        "roundtrip_cache": ctx.roundtrip_info,
    }


def evaluate(
    model: Path | None = None,
    out_dir: Path | None = REPORTS,
    skip: Sequence[str] = (),
    shortcut_docs: int = 300,
) -> dict[str, Any]:
    """Run every section; write metrics.json/.md and reliability.png when ``out_dir``."""
    started = time.perf_counter()
    ctx = build_context(Path(model) if model is not None else default_path())
    report: dict[str, Any] = {"model": model_summary(ctx)}

    def timed(name: str, fn: Callable[[], Any]) -> None:
        t0 = time.perf_counter()
        report[name] = fn()
        ctx.timings[f"{name}_s"] = round(time.perf_counter() - t0, 1)
        print(f"  {name}: {ctx.timings[f'{name}_s']}s", file=sys.stderr)

    png = out_dir / "reliability.png" if out_dir is not None else None
    timed("headline", lambda: evaluate_headline(ctx))
    timed("threshold", lambda: evaluate_threshold(ctx))
    timed("roundtrips", lambda: evaluate_roundtrips(ctx))
    timed("calibration", lambda: evaluate_calibration(ctx, png))
    timed("learners", lambda: evaluate_learners(ctx))
    timed("top_features", lambda: top_features(ctx))
    timed("top_style_patterns", lambda: top_style_patterns(ctx))
    if "slices" not in skip:
        timed("slices", lambda: evaluate_slices(ctx))
    if "seeds" not in skip:
        timed("seeds", lambda: evaluate_seeds(ctx))
    if "shortcuts" not in skip:
        timed("shortcuts", lambda: evaluate_shortcuts(ctx, shortcut_docs))
    if "native_news" not in skip:
        timed("native_news", lambda: evaluate_native_news(ctx))
    if "leave_out" not in skip:
        timed("leave_out", lambda: evaluate_leave_out(ctx))
    if "ablation" not in skip:
        timed("ablation", lambda: evaluate_ablation(ctx))
    if "baseline" not in skip:
        from training.baseline import evaluate_baseline

        timed("baseline", lambda: evaluate_baseline(ctx))
    loso_json = REPORTS / "loso.json"  # python -m training.loso_report (refits; run apart)
    if loso_json.is_file():
        report["loso"] = json.loads(loso_json.read_text(encoding="utf-8"))
    report["summary"] = summarise(report)
    ctx.timings["total_s"] = round(time.perf_counter() - started, 1)
    report["runtime"] = dict(ctx.timings)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
        (out_dir / "metrics.md").write_text(render_markdown(report))
    return report


def summarise(report: dict[str, Any]) -> dict[str, Any]:
    checks = [(p, c) for p, c in target_checks(report) if p.split(".")[0] != "summary"]
    return {
        "targets_checked": len(checks),
        "passed": sum(c["pass"] is True for _, c in checks),
        "missed": [p for p, c in checks if c["pass"] is False],
        "not_measured": [p for p, c in checks if c["pass"] is None],
    }


def rounded(value: float | None, digits: int = 4) -> float | None:
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if np.isfinite(value) else None


def print_summary(report: dict[str, Any]) -> None:
    for path, c in target_checks({k: v for k, v in report.items() if k != "summary"}):
        print(f"{verdict(c).strip('*'):>5}  {path:<70} {fmt(c['value'])}  ({c['target']})")
    s = report["summary"]
    print(
        f"{s['passed']}/{s['targets_checked']} targets met; "
        f"runtime {report['runtime'].get('total_s')}s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--model", type=Path, default=None, help="bundle (.joblib); default shipped"
    )
    parser.add_argument("--out-dir", type=Path, default=REPORTS)
    parser.add_argument(
        "--skip", default="", help=f"comma-separated sections to skip: {','.join(SECTIONS)}"
    )
    parser.add_argument("--shortcut-docs", type=int, default=300)
    args = parser.parse_args(argv)
    skip = tuple(s for s in args.skip.split(",") if s)
    unknown = set(skip) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; known: {SECTIONS}")
    report = evaluate(args.model, args.out_dir, skip, args.shortcut_docs)
    print_summary(report)
    print(f"wrote {args.out_dir / 'metrics.json'} and metrics.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
