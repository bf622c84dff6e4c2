"""Detector: statuses, evidence offsets, batching, thresholds, threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import CLEAN, SPUN

from mtdetect.detector import DetectionResult, Detector


def test_spun_text_scores_above_clean_text(tiny_detector: Detector) -> None:
    spun = tiny_detector.detect(SPUN[0])
    clean = tiny_detector.detect(CLEAN[0])
    assert spun.status == clean.status == "scored"
    assert spun.probability is not None and clean.probability is not None
    assert spun.probability > clean.probability
    assert spun.flagged and not clean.flagged


def test_evidence_offsets_point_into_the_input(tiny_detector: Detector) -> None:
    text = "[ad_1]\n" + SPUN[1]
    result = tiny_detector.detect(text)
    assert result.evidence, "spun text must come with evidence"
    for item in result.evidence:
        assert text[item.start : item.end] == item.text
    weights = [item.weight for item in result.evidence]
    assert weights == sorted(weights, reverse=True)
    assert any(item.text == "said. said" for item in result.evidence)


def test_boilerplate_is_reported_not_evidence(tiny_detector: Detector) -> None:
    text = "[ad_1]\n" + CLEAN[1] + "\nLeave a Reply\nSource link\n"
    result = tiny_detector.detect(text)
    assert {b.text for b in result.boilerplate} >= {"[ad_1]", "Leave a Reply", "Source link"}
    assert all(e.kind != "boilerplate" for e in result.evidence)
    assert abs(result.probability - tiny_detector.detect(CLEAN[1]).probability) < 1e-9


def test_short_text_abstains(tiny_detector: Detector) -> None:
    result = tiny_detector.detect("Far too short to judge.")
    assert result.status == "too_short"
    assert result.probability is None and not result.flagged
    assert "words" in result.reason


def test_non_english_abstains(tiny_detector: Detector) -> None:
    spanish = (
        "El consejo aprobó el nuevo presupuesto el martes después de un largo debate. "
        "Los miembros dijeron que el plan financiaría la reparación de carreteras y dos "
        "nuevas bibliotecas. El alcalde, que ha impulsado el gasto desde la primavera, "
        "calificó la votación como un alivio para todos los vecinos de la ciudad."
    )
    result = tiny_detector.detect(spanish)
    assert result.status == "not_english"
    assert result.reason


def test_abstaining_runs_no_signal_and_a_failing_signal_is_an_error(
    tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    detector = Detector.load(tiny_model_path)

    def broken(prepared: object) -> None:
        raise RuntimeError("signal exploded")

    monkeypatch.setattr(detector._extractor, "extract_prepared", broken)
    assert detector.detect("Far too short to judge.").status == "too_short"
    result = detector.detect(SPUN[0])
    assert result.status == "error" and "signal exploded" in result.reason


def test_non_string_is_an_error_result(tiny_detector: Detector) -> None:
    result = tiny_detector.detect(b"bytes are not text")  # type: ignore[arg-type]
    assert result.status == "error" and result.probability is None


def test_detect_many_matches_detect(tiny_detector: Detector) -> None:
    texts = [CLEAN[0], "too short", SPUN[2], CLEAN[2]]
    batch = tiny_detector.detect_many(texts)
    single = [tiny_detector.detect(text) for text in texts]
    assert [r.status for r in batch] == ["scored", "too_short", "scored", "scored"]
    assert [r.probability for r in batch] == pytest.approx(
        [r.probability for r in single], rel=1e-9
    )


def test_parallel_jobs_give_the_same_answers(tiny_detector: Detector) -> None:
    texts = CLEAN + SPUN
    serial = tiny_detector.detect_many(texts)
    parallel = tiny_detector.detect_many(texts, n_jobs=2)
    assert [r.probability for r in serial] == pytest.approx(
        [r.probability for r in parallel], rel=1e-9
    )


def test_threshold_override(tiny_detector: Detector) -> None:
    result = tiny_detector.detect(CLEAN[0], threshold=0.0)
    assert result.flagged and result.threshold == 0.0
    assert not tiny_detector.detect(SPUN[0], threshold=1.01).flagged


def test_thread_safety(tiny_detector: Detector) -> None:
    texts = (CLEAN + SPUN) * 5
    expected = [tiny_detector.detect(t).probability for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda t: tiny_detector.detect(t).probability, texts))
    assert got == pytest.approx(expected, rel=1e-9)


def test_result_serialises(tiny_detector: Detector) -> None:
    data = tiny_detector.detect(SPUN[0]).to_dict()
    assert set(data) >= {"probability", "flagged", "status", "reason", "evidence"}
    assert isinstance(data["evidence"][0]["start"], int)
    assert DetectionResult(None, False, "too_short").to_dict()["probability"] is None


def test_info_reports_bundle_metadata(tiny_detector: Detector) -> None:
    info = tiny_detector.info()
    assert info["model_version"] == "tiny-test"
    assert info["threshold"] == 0.5
    assert info["families"] == ["surface", "profile"]


def test_score_is_nan_when_abstaining(tiny_detector: Detector) -> None:
    import math

    assert math.isnan(tiny_detector.score("Too short."))
    assert 0.0 <= tiny_detector.score(SPUN[0]) <= 1.0
