"""The leave-one-system-out table: python -m training.loso_report

For each strong neural system (``training.loso.HELD_OUT_SYSTEMS``) the
models are refitted on the train split without that system's outputs and
scored on its outputs for test-split documents against human text (the test
split's professional translations and originals, and held-out native news).
Three models are refitted on exactly the same rows each time:

- ``before``: the recipe of the previous shipped model (one monotone scorer,
  no ``fluency``/``neural`` families);
- ``ours``: the current recipe (two heads, see ``training.heads``);
- ``baseline``: TF-IDF word 1-2-grams + char 2-5-grams, logistic regression.

Per fold the pattern models are refitted without the system and score the
test documents; the scorer's training rows keep the out-of-fold pattern
scores of one fit on the whole train split (a fit that saw the system's
outputs for other documents, never the test documents). That shortcut keeps
the run to minutes; it touches only how much the scorer trusts each score.
The vocabularies (pattern models and baseline) are learned once from the
train split without any held-out system's text.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression

from mtdetect.char_model import CharGramModel
from mtdetect.features import TRAINED_FAMILIES, FeatureExtractor, score_feature
from mtdetect.pattern_model import FunctionWordModel
from mtdetect.signals.patterns import above_ceiling
from mtdetect.telltales import SUMMARY_FEATURES
from training import loso
from training._progress import progress
from training.augment import partial_roundtrips
from training.baseline import CONFIG as BASELINE_CONFIG
from training.baseline import make_vectorizer
from training.corpus import HUMAN_LABELS, Record, liv_blocks, native_news
from training.dataset import CACHE as FEATURE_CACHE
from training.dataset import featurize, matched_pairs_of, sample_weights
from training.heads import fit_model, neural_columns, neural_head_rows
from training.modeling import SEED, fit_scorer
from training.records import load_records
from training.style_stack import (
    CHAR_PARAMS,
    NATIVE_NEGATIVES,
    PARAMS,
    fit_roundtrip,
    neural_rows,
    out_of_fold,
    untrained_families,
)
from training.train import SHIPPED_FAMILIES, scorer_and_extra

REPORTS = Path(__file__).resolve().parent / "reports"
CACHE = FEATURE_CACHE.parent / "loso"
BEFORE_FAMILIES = ("names", "phrases", "surface", "profile", "style", "wording", "roundtrip")
# the recipe shipped before this one (issue 13's first round): neural word patterns, no chars
PREVIOUS_FAMILIES = (*BEFORE_FAMILIES[:4], "fluency", *BEFORE_FAMILIES[4:], "neural")
NATIVE_TEST_DOCS = 1000
BASELINE_C = 10.0  # the baseline's C chosen by validation AUC (training/baseline.py)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def data() -> tuple[list[Record], list[Record], list[Record]]:
    """Train rows as train.py uses them, the test rows of the folds, the roundtrip extras."""
    records = load_records(roundtrips=True)
    parts, extra = scorer_and_extra(records)
    originals = {r.group: r for r in records if r.label == "ORIG"}
    train = parts["train"] + partial_roundtrips(parts["train"], originals)
    test = [
        r
        for r in parts["test"]
        if r.label in HUMAN_LABELS or (r.label == "MT" and r.system in loso.HELD_OUT_SYSTEMS)
    ]
    native = native_news("evaluation", NATIVE_TEST_DOCS)
    test += [
        Record(text, "ORIG", f"native-news:{i}", "native-news", "en", "original")
        for i, text in enumerate(native)
    ]
    return train, test, extra["train"]


def any_held_out(record: Record) -> bool:
    return record.label == "MT" and record.system in loso.HELD_OUT_SYSTEMS


class PatternColumns:
    """Each pattern family's out-of-fold train column and, per fold, its test column."""

    def __init__(self, train: list[Record], test: list[Record], extra: list[Record]) -> None:
        self.train, self.test = train, test
        self.y = np.array([r.y for r in train])
        self.groups = [r.group for r in train]
        self.w = sample_weights(train)
        clean = np.array([not any_held_out(r) for r in train])
        self.matrices: dict[str, tuple[Any, Any, Any]] = {}
        streams: dict[bool, tuple[list, list]] = {}
        for family in ("style", "wording", "neural"):
            model = FunctionWordModel(**PARAMS[family])
            lower = bool(model.keep_lowercase)
            if lower not in streams:
                streams[lower] = (
                    [model.symbols(r.text) for r in train],
                    [model.symbols(r.text) for r in test],
                )
            tr, te = streams[lower]
            vocab_rows = clean & (self.fit_on(family) if family == "neural" else True)
            model.fit_vocabulary([s for s, k in zip(tr, vocab_rows, strict=True) if k])
            self.matrices[family] = (model.vectorise(tr), model.vectorise(te), model)
            _log(f"loso: {family} vocabulary {len(model.keys_)} patterns")
        chars = CharGramModel(**CHAR_PARAMS)
        vocab_rows = np.flatnonzero(clean & neural_rows(train))
        chars.fit_vocabulary(chars.keys(train[i].text) for i in vocab_rows)
        self.matrices["chars"] = (
            chars.vectorise(chars.keys(r.text) for r in train),
            chars.vectorise(chars.keys(r.text) for r in test),
            chars,
        )
        _log(f"loso: chars vocabulary {len(chars.keys_)} n-grams")
        self.oof = {family: self._oof(family) for family in self.matrices}
        fit = fit_roundtrip(
            train + extra,
            PARAMS["roundtrip"],
            native=native_news("roundtrip_negatives", NATIVE_NEGATIVES),
        )
        self.oof["roundtrip"] = above_ceiling(fit.oof[: len(train)])
        self.roundtrip_test = above_ceiling(fit.model.decision_function([r.text for r in test]))

    def fit_on(self, family: str, records: list[Record] | None = None) -> np.ndarray:
        records = self.train if records is None else records
        if family in ("neural", "chars"):
            return neural_rows(records)
        if family == "wording":
            rows = np.zeros(len(records), dtype=bool)
            for _, machine, humans in matched_pairs_of(records):
                rows[machine] = rows[humans] = True
            return rows
        return np.ones(len(records), dtype=bool)

    def weights(self, family: str, keep: np.ndarray) -> np.ndarray:
        rows = self.fit_on(family) & keep
        w = np.zeros(len(self.train))
        if family in ("neural", "chars"):
            w[rows] = sample_weights([self.train[i] for i in np.flatnonzero(rows)])
        else:
            w[rows] = sample_weights([self.train[i] for i in np.flatnonzero(keep)])[rows[keep]]
        return w

    def _oof(self, family: str) -> np.ndarray:
        matrix, _, model = self.matrices[family]
        keep = np.ones(len(self.train), dtype=bool)
        fit_on = self.fit_on(family)
        if family == "style":
            fit_on = None  # style learns from every row
        return out_of_fold(
            model, matrix, self.y, self.weights(family, keep), self.groups, fit_on=fit_on
        ).oof

    def test_columns(self, keep: np.ndarray) -> dict[str, np.ndarray]:
        """Test-set scores of each family's model refitted on the ``keep`` rows."""
        out = {score_feature("roundtrip"): self.roundtrip_test}
        for family, (matrix, test_matrix, model) in self.matrices.items():
            rows = np.flatnonzero(self.fit_on(family) & keep)
            w = self.weights(family, keep)
            fitted = clone_vocabulary(model).fit_classifier(matrix[rows], self.y[rows], w[rows])
            out[score_feature(family)] = test_matrix @ fitted.coef_ + fitted.intercept_
        return out

    def train_columns(self) -> dict[str, np.ndarray]:
        return {score_feature(family): column for family, column in self.oof.items()}


def clone_vocabulary(model: FunctionWordModel) -> FunctionWordModel:
    from sklearn.base import clone

    return clone(model).use_vocabulary_of(model)


def full_matrix(
    names: list[str], dense_names: list[str], dense: np.ndarray, trained: dict[str, np.ndarray]
) -> np.ndarray:
    position = {name: i for i, name in enumerate(dense_names)}
    return np.column_stack([trained[n] if n in trained else dense[:, position[n]] for n in names])


def feature_names(families: tuple[str, ...]) -> list[str]:
    """The recipe's feature names: each family's (a trained family's one score), telltales last."""
    dense = FeatureExtractor(families=untrained_families(families)).fit([])
    dense_names = list(dense.get_feature_names_out())
    out: list[str] = []
    for family in families:
        if family in TRAINED_FAMILIES:
            out.append(score_feature(family))
        else:
            out.extend(n for n in dense_names if n.split(".")[0] == family)
    return [*out, *SUMMARY_FEATURES]


def baseline_matrices(train: list[Record], test: list[Record]) -> tuple[Any, Any]:
    path = CACHE / "baseline_matrices.joblib"
    key = (len(train), len(test), repr(BASELINE_CONFIG), hash_texts(train + test))
    if path.is_file():
        cached = joblib.load(path)
        if cached[0] == key:
            return cached[1], cached[2]
    started = time.perf_counter()
    vectorizer = make_vectorizer().fit([r.text for r in train if not any_held_out(r)])
    X, X_test = (
        vectorizer.transform([r.text for r in train]),
        vectorizer.transform([r.text for r in test]),
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    joblib.dump((key, X, X_test), path)
    _log(f"loso: baseline vectorised in {time.perf_counter() - started:.0f}s")
    return X, X_test


def hash_texts(records: list[Record]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for r in records:
        digest.update(hashlib.sha1(f"{r.label}\t{r.group}\t{r.text}".encode()).digest())
    return digest.hexdigest()[:16]


def run(C: float, shrink: float, systems: tuple[str, ...]) -> dict[str, Any]:
    train, test, extra = data()
    liv = liv_blocks()
    test_all = test + liv
    _log(f"loso: {len(train)} train rows, {len(test)} test rows, {len(liv)} liv-en blocks")
    dense_extractor = FeatureExtractor(families=untrained_families(SHIPPED_FAMILIES)).fit([])
    dense_names = list(dense_extractor.get_feature_names_out())
    X_dense = featurize(dense_extractor, [r.text for r in train], label="loso train")
    X_dense_test = featurize(dense_extractor, [r.text for r in test_all], label="loso test")
    patterns = PatternColumns(train, test_all, extra)
    X_base, X_base_test = baseline_matrices(train, test_all)
    ours = feature_names(SHIPPED_FAMILIES)
    neural = [n for n, keep in zip(ours, neural_columns(ours), strict=True) if keep]
    recipes = {
        "before": feature_names(BEFORE_FAMILIES),
        "previous": feature_names(PREVIOUS_FAMILIES),
        "ours": ours,
        "artefact_head": [n for n in ours if n not in neural],
        "neural_head": neural,
        "single": ours,  # the same features in one monotone scorer, without heads
        "with_neural": feature_names((*SHIPPED_FAMILIES, "neural")),
        "no_chars": [n for n in ours if n != score_feature("chars")],
    }
    matrices = Matrices(dense_names, X_dense, X_dense_test, patterns, X_base, X_base_test)
    in_folds = np.array([not r.group.startswith("liv-block:") for r in test_all])
    human = np.array([r.label in HUMAN_LABELS for r in test_all]) & in_folds
    groups = [r.group for r in test_all]
    table = []
    all_folds = loso.folds(train, test_all, systems, human=human)
    for fold in progress(all_folds, desc="loso refits", unit=" folds"):
        started = time.perf_counter()
        scores = score_fold(matrices, train, fold.train, recipes, C, shrink)
        table.append(compare_all(scores, fold, groups))
        _log(f"loso: {fold.system} {json.dumps(table[-1])} ({time.perf_counter() - started:.0f}s)")
    # the liv-en round trips against their own originals, all train rows kept
    everything = np.ones(len(train), dtype=bool)
    scores = score_fold(matrices, train, everything, recipes, C, shrink)
    liv_fold = loso.Fold(
        "liv-en round trips",
        everything,
        np.array([r.label == "MT-roundtrip" for r in test_all]) & ~in_folds,
        np.array([r.label == "ORIG" for r in test_all]) & ~in_folds,
    )
    return {
        "description": __doc__.split("\n\n")[1].replace("\n", " "),
        "systems": list(systems),
        "C": C,
        "shrink": shrink,
        "baseline_C": BASELINE_C,
        "native_test_docs": NATIVE_TEST_DOCS,
        "folds": table,
        "liv_roundtrips": compare_all(scores, liv_fold, groups),
    }


@dataclass
class Matrices:
    """Every model's inputs, computed once: dense features, pattern columns, TF-IDF."""

    dense_names: list[str]
    X_dense: np.ndarray
    X_dense_test: np.ndarray
    patterns: PatternColumns
    X_base: Any
    X_base_test: Any


def score_fold(
    m: Matrices,
    train: list[Record],
    keep: np.ndarray,
    recipes: dict[str, list[str]],
    C: float,
    shrink: float,
) -> dict[str, np.ndarray]:
    """Test decision values of every recipe and both baselines, fitted on the ``keep`` rows."""
    kept = [train[i] for i in np.flatnonzero(keep)]
    y = m.patterns.y[keep]
    w = sample_weights(kept)
    test_cols = m.patterns.test_columns(keep)
    scores: dict[str, np.ndarray] = {}
    for recipe, cols in recipes.items():
        X = full_matrix(cols, m.dense_names, m.X_dense, m.patterns.train_columns())[keep]
        X_test = full_matrix(cols, m.dense_names, m.X_dense_test, test_cols)
        if recipe in ("before", "artefact_head", "single"):  # one monotone scorer
            scorer = fit_scorer(X, y, w, C, cols, shrink=shrink)
        else:
            scorer = fit_model(X, y, w, cols, kept, C, shrink)
        scores[recipe] = scorer.decision_function(X_test)
    # the same-rows baseline, and the baseline on the rows without round trips (the WMT
    # part, originals and essays): the stronger of the two on neural MT
    rows, neural_w = neural_head_rows(kept)
    for name, mask, weights in (
        ("baseline", np.ones(len(kept), bool), w),
        ("baseline_wmt", rows, neural_w),
    ):
        clf = LogisticRegression(C=BASELINE_C, solver="liblinear", max_iter=1000, random_state=SEED)
        fit_rows = np.flatnonzero(keep)[mask]
        clf.fit(m.X_base[fit_rows], y[mask], sample_weight=weights[mask])
        scores[name] = clf.decision_function(m.X_base_test)
    return scores


def compare_all(scores: dict[str, np.ndarray], fold: loso.Fold, groups: list[str]) -> dict:
    """Ours against the same-rows baseline with paired intervals; every other model's value."""
    row = loso.compare(scores["ours"], scores["baseline"], fold, groups)
    wmt = loso.compare(scores["ours"], scores["baseline_wmt"], fold, groups)
    for measure in loso.MEASURES:
        row[measure]["baseline_wmt"] = wmt[measure]["baseline"]
        row[measure]["gap_wmt"] = wmt[measure]["gap"]
        row[measure]["interval_wmt"] = wmt[measure].get("interval")
    for recipe in ("before", "previous", *loso.OTHER_RECIPES):
        other = loso.compare(scores[recipe], scores["baseline"], fold, groups, n_boot=0)
        for measure in loso.MEASURES:
            row[measure][recipe] = other[measure]["ours"]
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--C", type=float, default=0.03)
    parser.add_argument("--shrink", type=float, default=0.01)
    parser.add_argument("--systems", default=",".join(loso.HELD_OUT_SYSTEMS))
    parser.add_argument("--out", type=Path, default=REPORTS / "loso.json")
    args = parser.parse_args(argv)
    report = run(args.C, args.shrink, tuple(args.systems.split(",")))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(loso.markdown(report))
    print(loso.markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
