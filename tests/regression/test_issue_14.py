"""Regressions from issue #14 ("Real pages and real pipelines"), one test per defect.

Each test reproduces what the issue reported with the shipped model and the
user's seeds; the unit tests beside each module cover the general behaviour.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHARED

from mtdetect.detector import Detector

SEEDS = SHARED / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return Path(path).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "line", ["www.apnews.com", "https://apnews.com/article/russia-ukraine-talks-1a2b3c"]
)
def test_item_2_a_bare_address_line_is_no_broken_join(
    shipped_detector: Detector, line: str
) -> None:
    bare = seed("001")
    result = shipped_detector.detect(bare + "\n" + line + "\n")
    assert not any(line[:5] in item.text for item in result.evidence)
    assert line in [item.text for item in result.boilerplate]
    assert result.probability == pytest.approx(shipped_detector.detect(bare).probability)


def test_item_3_seed_002_spans_are_the_text_they_name(shipped_detector: Detector) -> None:
    text = seed("002")
    result = shipped_detector.detect(text)
    assert result.evidence
    for item in result.evidence:
        assert text[item.start : item.end] == item.text


def test_item_8_explain_before_a_path_reads_the_path(capsys: pytest.CaptureFixture[str]) -> None:
    from mtdetect.cli import main

    (path,) = SEEDS.glob("004_*.txt")
    code = main(["score", "--explain", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("FLAGGED ") and out.splitlines()[0].endswith(str(path))
    assert len([line for line in out.splitlines() if line.startswith("    +")]) >= 3
