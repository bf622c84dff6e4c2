"""What the stacking experiments share: the data as training sees it, and how a variant is judged.

Why: each experiment (``roundtrip_head``, ``style_rows``) changes one step of
the shipped recipe and compares the outcome; the splits, features, pattern
model fits and the threshold rule must be exactly training's, and identical
across experiments, so that their tables can be read side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from mtdetect.calibration import SigmoidCalibrator
from mtdetect.features import FeatureExtractor
from mtdetect.pattern_model import FunctionWordModel
from mtdetect.signals.patterns import above_ceiling
from training.augment import partial_roundtrips
from training.corpus import (
    HUMAN_LABELS,
    Record,
    native_news,
    seed_expectations,
)
from training.dataset import featurize, sample_weights
from training.evaluation.metrics import tpr_at_fpr
from training.modeling import fit_platt, threshold_for_fpr
from training.records import load_records
from training.style_stack import (
    NATIVE_NEGATIVES,
    PARAMS,
    fit_roundtrip,
    out_of_fold,
    stack_columns,
)
from training.train import scorer_and_extra

DENSE = ("names", "phrases", "surface", "profile")
C, SHRINK = 0.03, 0.01  # what train.py selects for the shipped recipe
SPLITS = ("train", "val", "test")
SCORED = ("val", "test", "seeds")


@dataclass
class Experiment:
    """The splits (train with partial round trips), dense features, and the seed pages.

    ``parts`` are the scorer's rows, as train.py splits them; ``extra`` the
    round trips of translations and essays, which only the roundtrip model sees.
    """

    parts: dict[str, list[Record]]
    y: dict[str, np.ndarray]
    w: np.ndarray  # training sample weights
    groups: list[str]  # training rows' source documents
    dense_names: list[str]
    X: dict[str, np.ndarray]  # dense features per split, and for "seeds"
    seed_docs: list[Any]
    spun: np.ndarray  # per seed: expected to be flagged
    extra: dict[str, list[Record]]

    @classmethod
    def load(cls) -> Experiment:
        records = load_records(roundtrips=True)
        parts, extra = scorer_and_extra(records)
        originals = {r.group: r for r in records if r.label == "ORIG"}
        parts["train"] += partial_roundtrips(parts["train"], originals)
        train = parts["train"]
        dense = FeatureExtractor(families=DENSE).fit([])
        X = {name: featurize(dense, [r.text for r in parts[name]], label=name) for name in SPLITS}
        seeds = seed_expectations()
        prepared = [dense.prepare(path.read_text(encoding="utf-8")) for path, _ in seeds]
        X["seeds"] = np.vstack([dense.extract_prepared(p).features for p in prepared])
        return cls(
            parts=parts,
            y={name: np.array([r.y for r in parts[name]]) for name in SPLITS},
            w=sample_weights(train),
            groups=[r.group for r in train],
            dense_names=list(dense.get_feature_names_out()),
            X=X,
            seed_docs=[p.doc for p in prepared],
            spun=np.array([expected for _, expected in seeds]),
            extra=extra,
        )

    def pattern_scores(
        self, params: dict[str, Any], fit_on: np.ndarray, extra_texts: Sequence[str] = ()
    ) -> dict[str, np.ndarray]:
        """A pattern model fitted on ``fit_on`` training rows.

        Out-of-fold scores for the training rows, the full model's elsewhere
        (``extra_texts`` too, under the key "extra").
        """
        model = FunctionWordModel(**params)
        streams = {name: [model.symbols(r.text) for r in self.parts[name]] for name in SPLITS}
        streams["seeds"] = [model.symbols(doc) for doc in self.seed_docs]
        streams["extra"] = [model.symbols(text) for text in extra_texts]
        model.fit_vocabulary(streams["train"])
        matrices = {name: model.vectorise(rows) for name, rows in streams.items()}
        fit = out_of_fold(
            model, matrices["train"], self.y["train"], self.w, self.groups, fit_on=fit_on
        )
        out = {"train": fit.oof}
        for name in (*SCORED, "extra"):
            out[name] = matrices[name] @ fit.model.coef_ + fit.model.intercept_
        return out

    def roundtrip_scores(self, extra_texts: Sequence[str] = ()) -> dict[str, np.ndarray]:
        """``roundtrip.score`` as train.py computes it: out of fold on train, clamped at 0."""
        fit = fit_roundtrip(
            self.parts["train"] + self.extra["train"],
            PARAMS["roundtrip"],
            native=native_news("roundtrip_negatives", NATIVE_NEGATIVES),
        )
        docs: dict[str, Sequence[Any]] = {
            "val": [r.text for r in self.parts["val"]],
            "test": [r.text for r in self.parts["test"]],
            "seeds": self.seed_docs,
            "extra": extra_texts,
        }
        out = {name: above_ceiling(fit.model.decision_function(d)) for name, d in docs.items()}
        out["train"] = above_ceiling(fit.oof[: len(self.parts["train"])])
        return out

    def stack_rows(
        self,
        names: list[str],
        dense: np.ndarray,
        trained: dict[str, dict[str, np.ndarray]],
        key: str,
    ) -> np.ndarray:
        """Rows in ``names`` order for texts outside the splits: their dense features and
        each trained family's scores under ``key``."""
        return stack_columns(
            names, self.dense_names, dense, {k: v[key] for k, v in trained.items()}
        )

    def stacked(
        self, trained: dict[str, dict[str, np.ndarray]], drop: str = "\0"
    ) -> tuple[list[str], dict[str, np.ndarray]]:
        """Names and matrices: dense features (less those starting ``drop``), then ``trained``."""
        names = [n for n in self.dense_names if not n.startswith(drop)] + list(trained)
        return names, {
            name: stack_columns(
                names, self.dense_names, self.X[name], {k: v[name] for k, v in trained.items()}
            )
            for name in (*SPLITS, "seeds")
        }

    def threshold_rule(self, val_decision: np.ndarray) -> tuple[SigmoidCalibrator, float]:
        """The calibrator and probability threshold train.py would set from validation scores.

        As in training: Platt-calibrated on validation machine vs HT+ORIG rows,
        threshold at 1% FPR on the validation human rows.
        """
        label = np.array([r.label for r in self.parts["val"]])
        human = np.isin(label, list(HUMAN_LABELS))
        news = human | (self.y["val"] == 1)
        calibrator = fit_platt(val_decision[news], self.y["val"][news])
        probability = calibrator.predict_proba(val_decision.reshape(-1, 1))[:, 1]
        return calibrator, threshold_for_fpr(probability[human], 0.01)

    def verdicts(self, decision: dict[str, np.ndarray]) -> tuple[int, np.ndarray]:
        """Seeds right, and which test rows are flagged, at the threshold train.py would set."""
        calibrator, cut = self.threshold_rule(decision["val"])
        probability = {
            k: calibrator.predict_proba(decision[k].reshape(-1, 1))[:, 1] for k in SCORED
        }
        right = int(np.sum((probability["seeds"] >= cut) == self.spun))
        return right, probability["test"] >= cut


def metrics(decision: np.ndarray, records: list[Record]) -> dict[str, float]:
    """Ranking and low-FPR recall of one split's decision values."""
    label = np.array([r.label for r in records])
    y = np.array([r.y for r in records])
    human = np.isin(label, list(HUMAN_LABELS))
    core = human | (y == 1)
    own = (label == "RT") | (label == "ORIG")
    return {
        "auc": roc_auc_score(y[core], decision[core]),
        "tpr_rt": tpr_at_fpr(decision[label == "RT"], decision[human]),
        "tpr_mt": tpr_at_fpr(decision[label == "MT"], decision[human]),
        "rt_vs_orig": roc_auc_score(y[own], decision[own]),
    }
