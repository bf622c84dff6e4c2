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


def test_abstaining_runs_no_signal_and_a_failing_signal_fails_only_its_text(
    tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    detector = Detector.load(tiny_model_path)
    signal = detector._extractor._signals()[-1]  # the last family: the others have run
    original = signal.extract
    seen: list[str] = []

    def flaky(doc):  # type: ignore[no-untyped-def]
        seen.append(doc.text)
        if "exploding" in doc.text:
            raise RuntimeError("signal exploded")
        return original(doc)

    monkeypatch.setattr(signal, "extract", flaky)
    assert detector.detect("Far too short to judge.").status == "too_short"
    assert seen == []
    bad = SPUN[0] + " An exploding sentence ends it here."
    results = detector.detect_many([SPUN[0], bad, CLEAN[0]])
    assert [r.status for r in results] == ["scored", "error", "scored"]
    assert "signal exploded" in results[1].reason and results[1].probability is None
    # (one row or many: the matrix product may differ in the last bits)
    assert results[0].probability == pytest.approx(detector.detect(SPUN[0]).probability, rel=1e-9)


def test_detect_many_scores_every_batch_of_documents(tiny_detector: Detector) -> None:
    from mtdetect.features import BATCH_DOCUMENTS

    texts = [CLEAN[i % len(CLEAN)] for i in range(BATCH_DOCUMENTS)] + [SPUN[0], "too short"]
    results = tiny_detector.detect_many(texts)
    assert [r.status for r in results] == ["scored"] * (BATCH_DOCUMENTS + 1) + ["too_short"]
    alone = tiny_detector.detect(SPUN[0]).probability
    assert results[BATCH_DOCUMENTS].probability == pytest.approx(alone, rel=1e-9)


def test_detect_many_batches_by_characters_too(
    tiny_detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a batch keeps every document's analysis: long documents go in fewer at a time
    monkeypatch.setattr("mtdetect.features.BATCH_CHARACTERS", int(len(CLEAN[0]) * 2.5))
    extractor = tiny_detector._extractor
    original = extractor.extract_prepared_many
    sizes: list[int] = []

    def counting(prepared):  # type: ignore[no-untyped-def]
        sizes.append(len(prepared))
        return original(prepared)

    monkeypatch.setattr(extractor, "extract_prepared_many", counting)
    results = tiny_detector.detect_many([CLEAN[0]] * 7)
    assert sizes == [3, 3, 1]
    assert results[6].probability == pytest.approx(results[0].probability, rel=1e-9)


@pytest.mark.parametrize("stage", ["admit", "exact_spans", "_weigh"])
def test_a_failure_outside_the_signals_fails_only_its_text(
    tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    import mtdetect.detector as module

    original, calls = getattr(module, stage), []

    def second_fails(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError(f"{stage} exploded")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, stage, second_fails)
    detector = Detector.load(tiny_model_path)
    texts = ["[ad_1]\n" + text for text in (SPUN[0], SPUN[1], CLEAN[0])]  # spans are moved
    results = detector.detect_many(texts)
    assert [r.status for r in results] == ["scored", "error", "scored"], results[1].reason
    assert "exploded" in results[1].reason and results[1].probability is None


def test_non_string_is_an_error_result(tiny_detector: Detector) -> None:
    result = tiny_detector.detect(b"bytes are not text")  # type: ignore[arg-type]
    assert result.status == "error" and result.probability is None


def test_detect_many_matches_detect(tiny_detector: Detector) -> None:
    texts = [CLEAN[0], "too short", SPUN[2], CLEAN[2]]
    batch = tiny_detector.detect_many(texts)
    single = [tiny_detector.detect(text) for text in texts]
    assert [r.status for r in batch] == ["scored", "too_short", "scored", "scored"]
    assert [r.status for r in single] == [r.status for r in batch]
    assert batch[1].probability is None and single[1].probability is None
    # pytest.approx refuses None among expected values (pytest 9.2): compare the scored ones
    scored = [0, 2, 3]
    assert [batch[i].probability for i in scored] == pytest.approx(
        [single[i].probability for i in scored], rel=1e-9
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


def test_base_rate_moves_probabilities_by_bayes_rule_and_flags_the_same_texts(
    tiny_detector: Detector,
) -> None:
    share = tiny_detector.info()["calibration"]["machine_share"]
    rare = tiny_detector.with_base_rate(0.01)
    texts = CLEAN + SPUN
    before = tiny_detector.detect_many(texts)
    after = rare.detect_many(texts)
    for old, new in zip(before, after, strict=True):
        assert old.probability is not None and new.probability is not None
        # posterior odds = calibrated odds x (new prior odds / calibration prior odds)
        odds = old.probability / (1 - old.probability) * (0.01 / 0.99) / (share / (1 - share))
        assert new.probability == pytest.approx(odds / (1 + odds), rel=1e-9)
        assert new.flagged == old.flagged
        assert new.threshold == pytest.approx(rare.threshold)
    assert rare.threshold < tiny_detector.threshold
    assert rare.info()["base_rate"] == 0.01 and tiny_detector.info()["base_rate"] is None
    same = tiny_detector.with_base_rate(share).detect(SPUN[0]).probability
    assert same == pytest.approx(before[len(CLEAN)].probability, rel=1e-9)


def test_an_explicit_threshold_reads_on_the_rebased_scale(tiny_detector: Detector) -> None:
    rare = tiny_detector.with_base_rate(0.01)
    result = rare.detect(SPUN[0], threshold=0.999999)
    assert result.probability is not None and result.probability < 0.999999
    assert not result.flagged and result.threshold == 0.999999


@pytest.mark.parametrize("rate", [0.0, 1.0, -0.5, 2.0, 1e-320, True, "0.1"])
def test_a_base_rate_outside_0_1_is_refused(tiny_detector: Detector, rate: object) -> None:
    with pytest.raises(ValueError, match="base_rate must be between"):
        tiny_detector.with_base_rate(rate)  # type: ignore[arg-type]


def test_a_numpy_base_rate_is_a_rate(tiny_detector: Detector) -> None:
    import numpy as np

    assert tiny_detector.with_base_rate(np.float32(0.01)).threshold < tiny_detector.threshold


@pytest.mark.parametrize("rate", [1e-6, 0.01, 0.9, 0.99, 1 - 1e-6])
@pytest.mark.parametrize("cut", [0.5, 0.9883034688203111, 0.999999])
def test_rebasing_never_moves_a_text_across_the_default_threshold(
    tiny_detector: Detector, rate: float, cut: float
) -> None:
    """Probabilities a few floating-point steps either side of the threshold keep their side."""
    from dataclasses import replace

    import numpy as np

    detector = Detector(replace(tiny_detector.bundle, threshold=cut), base_rate=rate)
    steps = np.arange(-2000, 2001)
    # adjacent positive doubles have adjacent bit patterns: these are the 4,001 nearest
    raw = (np.array([cut], dtype=np.float64).view(np.int64) + steps).view(np.float64)
    assert raw[2000] == cut and np.all(np.diff(raw) > 0)
    shown, flagged = detector._verdicts(raw, None)
    assert np.array_equal(flagged, steps >= 0)
    assert np.all(np.diff(shown) >= 0)  # re-basing keeps the order


# -- HTML pages and the size cap (issue #14 items 4 and 6) ---------------------------


def page(body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><title>News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
        + "".join(f"<p>{sentence}.</p>" for sentence in body.split(". "))
        + "</article><section id='comments'><div class='comment'><p>lol . biden dont know "
        "what he doing. , sad</p></div></section></body></html>"
    )


def test_html_is_scored_on_its_article_text(tiny_detector: Detector) -> None:
    from mtdetect.html_text import html_to_text

    markup = page(SPUN[1])
    result = tiny_detector.detect(markup, content_type="html")
    assert result.status == "scored"
    assert result.text == html_to_text(markup)
    assert "biden" not in result.text
    assert result.evidence
    for item in result.evidence:
        assert result.text[item.start : item.end] == item.text
    assert result.to_dict()["text"] == result.text


def test_html_scores_like_its_article(tiny_detector: Detector) -> None:
    bare = tiny_detector.detect(CLEAN[0])
    html = tiny_detector.detect(page(CLEAN[0]), content_type="html")
    assert html.probability == pytest.approx(bare.probability, abs=0.05)


def test_plain_text_results_carry_no_copy_of_the_text(tiny_detector: Detector) -> None:
    result = tiny_detector.detect(CLEAN[0])
    assert result.text is None and result.to_dict()["text"] is None


def test_a_page_passed_as_text_points_to_content_type_html(tiny_detector: Detector) -> None:
    result = tiny_detector.detect(page(CLEAN[0]))
    assert result.status == "not_english"
    assert 'content_type="html"' in result.reason


def test_detect_many_takes_html_too(tiny_detector: Detector) -> None:
    results = tiny_detector.detect_many([page(CLEAN[0]), page(SPUN[0])], content_type="html")
    assert [r.status for r in results] == ["scored", "scored"]
    assert results[1].probability > results[0].probability


@pytest.mark.parametrize("content_type", ["pdf", "HTML", None])
def test_an_unknown_content_type_is_refused(tiny_detector: Detector, content_type: object) -> None:
    with pytest.raises(ValueError, match="content_type"):
        tiny_detector.detect(CLEAN[0], content_type=content_type)  # type: ignore[arg-type]


def test_text_over_max_chars_abstains_as_too_long(tiny_detector: Detector) -> None:
    text = " ".join(CLEAN) * 3
    result = tiny_detector.detect(text, max_chars=1000)
    assert result.status == "too_long" and result.probability is None and not result.flagged
    assert f"{len(text):,}" in result.reason and "max_chars" in result.reason
    assert tiny_detector.detect(text, max_chars=len(text)).status == "scored"
    assert tiny_detector.detect(text, max_chars=None).status == "scored"


def test_the_default_cap_is_a_million_characters(tiny_detector: Detector) -> None:
    from mtdetect.detector import MAX_CHARS

    assert MAX_CHARS == 1_000_000
    result = tiny_detector.detect("word " * 200_001)
    assert result.status == "too_long"


def test_html_over_the_cap_is_not_parsed(
    tiny_detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mtdetect.html_text

    def refuse(markup: str) -> str:
        raise AssertionError("parsed a page over the cap")

    monkeypatch.setattr(mtdetect.html_text, "html_to_text", refuse)
    markup = page(CLEAN[0]) + "<p>filler</p>" * 2000
    result = tiny_detector.detect(markup, content_type="html", max_chars=100)
    assert result.status == "too_long"


@pytest.mark.parametrize("max_chars", [0, -5, 2.5, "100", True])
def test_a_bad_max_chars_is_refused(tiny_detector: Detector, max_chars: object) -> None:
    with pytest.raises(ValueError, match="max_chars"):
        tiny_detector.detect(CLEAN[0], max_chars=max_chars)  # type: ignore[arg-type]


def test_a_page_with_too_much_text_is_not_extracted(tiny_detector: Detector) -> None:
    from mtdetect.detector import HTML_TEXT_FACTOR

    markup = page(" ".join(CLEAN) * 4)
    text_chars = len(" ".join(CLEAN) * 4)
    result = tiny_detector.detect(
        markup, content_type="html", max_chars=text_chars // (HTML_TEXT_FACTOR + 1)
    )
    assert result.status == "too_long" and "not extracted" in result.reason


def test_a_gazetteer_leaves_the_bundles_own_extractor_alone(
    shipped_detector: Detector, tmp_path: Path
) -> None:
    """``Detector(bundle, gazetteer=...)`` scores with a copy; the bundle stays as loaded."""
    names = tmp_path / "names.txt"
    names.write_text("Quarrendon\t40\n", encoding="utf-8")
    bundle = shipped_detector.bundle
    with_names = Detector(bundle, gazetteer=names)
    assert bundle.pipeline[0].gazetteer is None
    assert with_names._extractor is not bundle.pipeline[0]
    assert with_names._extractor.gazetteer == str(names)
    assert with_names.feature_names == shipped_detector.feature_names
    text = (
        "The minister said on Monday that the new rail line would open next spring, "
        "after years of delays. Engineers have finished the tunnels and most of the track, "
        "and trains will run every ten minutes at peak times. Local councils welcomed the "
        "news but warned that fares must stay low."
    )
    assert with_names.detect(text).probability == shipped_detector.detect(text).probability
