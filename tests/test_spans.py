"""Every evidence span is exactly the text it names: ``text[e.start:e.end] == e.text``.

A property of every result, checked over the seeds (shipped model) and over the
test fixtures with page boilerplate inserted at every sentence boundary, where
a span found in the cleaned text can straddle a removed line (issue #14 item 3).
"""

from __future__ import annotations

import re

import pytest
from conftest import CLEAN, SHARED, SPUN

from mtdetect.detector import DetectionResult, Detector

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
# lines strip_boilerplate removes: a cut between two sentences joins them
FURNITURE = ["Advertisement", "[ad_1]", "Share this:", "Copyright 2022 Example Media Inc."]


def assert_spans_exact(text: str, result: DetectionResult) -> None:
    for item in (*result.evidence, *result.boilerplate):
        assert text[item.start : item.end] == item.text, (item.kind, item.start, item.end)
        assert 0 <= item.start <= item.end <= len(text)


def with_furniture(text: str, line: str) -> list[str]:
    """``text`` with ``line`` on a line of its own after each sentence in turn."""
    ends = [match.end() for match in re.finditer(r"[.!?](?= )", text)]
    return [text[:end] + "\n" + line + "\n" + text[end + 1 :] for end in ends]


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not present")
@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.name[:3])
def test_seed_evidence_spans_are_exact(path, shipped_detector: Detector) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    assert_spans_exact(text, shipped_detector.detect(text))


@pytest.mark.parametrize("line", FURNITURE)
@pytest.mark.parametrize("text", CLEAN + SPUN, ids=lambda t: t[:12])
def test_fixture_spans_stay_exact_with_boilerplate_anywhere(
    tiny_detector: Detector, text: str, line: str
) -> None:
    variants = with_furniture(text, line)
    assert variants
    for variant in variants:
        assert_spans_exact(variant, tiny_detector.detect(variant))


def test_a_span_across_removed_boilerplate_names_the_caller_text(tiny_detector: Detector) -> None:
    text = SPUN[0].replace(
        "debate , the members said. said", "debate , the members said.\nAdvertisement\nsaid"
    )
    result = tiny_detector.detect(text)
    joins = [item for item in result.evidence if item.kind == "surface.echo_join"]
    crossing = [item for item in joins if "Advertisement" in item.text]
    assert crossing, [item.text for item in joins]
    assert_spans_exact(text, result)
    assert "boilerplate" in crossing[0].message
