"""The user's own examples: the shipped model must get all five right."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import SHARED

from mtdetect.boilerplate import strip_boilerplate
from mtdetect.detector import Detector

SEEDS = SHARED / "seeds"
MANIFEST = Path(__file__).resolve().parents[1] / "seeds" / "expected.csv"
# An original's evidence may exist, but none of it may move the score much.
SMALL_WEIGHT = 0.25

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")


def rows() -> list[dict[str, str]]:
    with open(MANIFEST, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def shipped() -> Detector:
    return Detector.load()


@pytest.mark.parametrize("row", rows(), ids=lambda row: row["file"][:3])
def test_seed_verdict_and_evidence(shipped: Detector, row: dict[str, str]) -> None:
    text = (SEEDS / row["file"]).read_text(encoding="utf-8")
    result = shipped.detect(text)
    assert result.status == "scored"
    assert result.flagged == (row["expected"] == "spun"), result.probability
    shown = " | ".join(item.text for item in result.evidence)
    for needle in filter(None, row["must_show_evidence"].split("|")):
        assert needle in shown, f"{needle!r} missing from evidence of {row['file']}"
    if row["expected"] == "original":
        assert all(item.weight < SMALL_WEIGHT for item in result.evidence)


@pytest.mark.parametrize("row", rows(), ids=lambda row: row["file"][:3])
def test_seed_verdict_without_boilerplate(shipped: Detector, row: dict[str, str]) -> None:
    raw = (SEEDS / row["file"]).read_text(encoding="utf-8")
    cleaned = strip_boilerplate(raw).text
    assert shipped.detect(cleaned).flagged == (row["expected"] == "spun")


def test_cli_flags_exactly_the_spun_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from mtdetect.cli import main

    code = main(["score", str(SEEDS), "--format", "jsonl"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    flagged = {Path(item["path"]).name[:3] for item in lines if item["flagged"]}
    assert flagged == {"000", "002", "004"}
    assert code == 1
