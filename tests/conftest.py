"""Shared fixtures: a tiny model fitted on sentences written for the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def corpus_texts(originals: int, machine: int, learners: int = 0) -> list[str]:
    """The first real documents of 400+ characters of each kind from ../shared (or skip).

    Why here: the tests that compare the compiled core with the pure-Python path
    all read the same kind of sample.
    """
    from itertools import islice

    from training.corpus import CORPUS, learner_records, original_records, wmt_records

    if not CORPUS.is_dir():
        pytest.skip("../shared corpus is not present")
    kinds = (
        (originals, (r.text for r in original_records() if len(r.text) >= 400)),
        (machine, (r.text for r in wmt_records() if r.label == "MT" and len(r.text) >= 400)),
        (learners, (r.text for r in learner_records() if len(r.text) >= 400)),
    )
    return [text for n, found in kinds if n for text in islice(found, n)]


CLEAN = [
    "The council approved the new budget on Tuesday after a long debate. "
    "Members said the plan would fund road repairs and two new libraries. "
    "The mayor, who has pushed for the spending since spring, called the vote a relief. "
    "Opponents argued that the city should first pay down its debts. "
    "The budget takes effect in July and will be reviewed again next year.",
    "Heavy rain flooded several streets in the harbour district overnight. "
    "Firefighters pumped water from basements while volunteers handed out sandbags. "
    "No one was hurt, officials said, but a bridge stayed closed until noon. "
    "Forecasters expect drier weather later in the week. "
    "Residents were asked to report damage to the council's hotline.",
    "A local bakery has won a national prize for its sourdough bread. "
    "The owners, a brother and sister, started the business in a garage ten years ago. "
    "They now employ twelve people and sell to shops across the region. "
    "The judges praised the crust and the flavour of the loaf. "
    "The pair said they would spend the prize money on a second oven.",
]
SPUN = [
    "The council approved the new budget on Tuesday. approved after a long debate , the "
    "members said. said the plan will fund the repairs of roads and two libraries new . "
    "The mayor , who pushed for the spending since spring , called the vote a relief. "
    "And argued that the city should first pay the debts. costs $ 2.5 billion . , it said.",
    "Heavy rain flooded several streets in the district of harbour overnight. overnight the "
    "firefighters pumped water from the basements , while volunteers handed out bags. . , "
    "No one was hurt , the officials said. said a bridge stayed closed until noon g days. "
    "And expected drier weather later in the week. the residents were asked to report.",
    "A local bakery won a national prize for its bread of sourdough. won the owners , a "
    "brother and sister , started the business in a garage ten years ago. ago they employ "
    "twelve people now and sell to the shops across the region . , the judges praised the "
    "crust. And praised the flavour of the loaf for g prize money $ 3 million .",
]


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real bundle (surface + profile families) fitted on the texts above."""
    from mtdetect.bundle import Bundle, save_bundle
    from mtdetect.features import FeatureExtractor
    from training.modeling import assemble, fit_platt, fit_scorer

    extractor = FeatureExtractor(families=("surface", "profile")).fit([])
    texts = CLEAN + SPUN
    y = np.array([0] * len(CLEAN) + [1] * len(SPUN))
    X = extractor.transform(texts)
    scorer = fit_scorer(X, y, np.ones(len(y)), C=1.0)
    calibrator = fit_platt(scorer.decision_function(X), y)
    bundle = Bundle(
        pipeline=assemble(extractor, scorer),
        calibrator=calibrator,
        threshold=0.5,
        metadata={
            "model_version": "tiny-test",
            "training_data": {"train": {"HUMAN": len(CLEAN), "SPUN": len(SPUN)}},
            "metrics": {"note": "fixture model, not for use"},
            "calibration": {"machine_share": float(np.mean(y))},
        },
    )
    return save_bundle(bundle, tmp_path_factory.mktemp("model") / "tiny.joblib")


@pytest.fixture(scope="session")
def tiny_detector(tiny_model_path: Path):  # type: ignore[no-untyped-def]
    from mtdetect.detector import Detector

    return Detector.load(tiny_model_path)


@pytest.fixture(scope="session")
def shipped_detector():  # type: ignore[no-untyped-def]
    """The shipped model, loaded once for the session."""
    from mtdetect.detector import Detector

    return Detector.load()
