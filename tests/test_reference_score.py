"""score --reference: a found original adds source, verdict and reference.* evidence."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from reference_texts import ORIGINAL, OTHER, SPUN

from mtdetect.cli import main
from mtdetect.detector import Detector
from mtdetect.reference.index import IndexFileError, Reference, Source


@pytest.fixture
def index(tmp_path: Path) -> Path:
    path = tmp_path / "ref.sqlite"
    Reference.build(path, [Source("storm", ORIGINAL), Source("bakery-2019", OTHER + " Old.")])
    return path


def test_a_spun_text_gets_its_source_and_is_flagged(tiny_model_path: Path, index: Path) -> None:
    plain = Detector.load(tiny_model_path)
    detector = Detector.load(tiny_model_path, reference=index)
    before, result = plain.detect(SPUN), detector.detect(SPUN)
    assert before.source is None and "source" not in before.to_dict()
    assert result.source == "storm" and result.verdict == "spun" and result.flagged
    assert result.probability == before.probability  # the model's score is unchanged
    kinds = [item.kind for item in result.evidence if item.kind.startswith("reference.")]
    assert kinds == ["reference.number", "reference.name", "reference.phrase"]
    for item in result.evidence:
        assert SPUN[item.start : item.end] == item.text
    assert result.to_dict()["source"] == "storm"


def test_without_a_source_scoring_is_unchanged(tiny_model_path: Path, index: Path) -> None:
    text = "A new story about something else entirely, told at some length. " * 8
    plain = Detector.load(tiny_model_path).detect(text)
    assert Detector.load(tiny_model_path).with_reference(index).detect(text) == plain


def test_an_index_travels_to_worker_processes_by_path(index: Path) -> None:
    copy = pickle.loads(pickle.dumps(Reference.open(index)))
    assert copy.path == index and copy.match(SPUN, k=1)[0].id == "storm"


def test_a_missing_index_fails_on_load(tiny_model_path: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexFileError):
        Detector.load(tiny_model_path, reference=tmp_path / "none.sqlite")


def test_score_reference_on_the_command_line(
    tiny_model_path: Path, index: Path, tmp_path: Path, capsys: Any
) -> None:
    spun = tmp_path / "spun.txt"
    spun.write_text(SPUN, encoding="utf-8")
    argv = ["score", "-m", str(tiny_model_path), "--reference", str(index), "-f", "jsonl"]
    code = main([*argv, str(spun), str(spun)])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    found = [(r["source"], r["verdict"], r["flagged"]) for r in rows]
    assert found == [("storm", "spun", True)] * 2


def test_score_with_a_missing_reference_is_exit_2(
    tiny_model_path: Path, tmp_path: Path, capsys: Any
) -> None:
    spun = tmp_path / "spun.txt"
    spun.write_text(SPUN, encoding="utf-8")
    for jobs in ("1", "2"):
        code = main(
            ["score", "-m", str(tiny_model_path), "--reference", str(tmp_path / "x"), "-j", jobs,
             str(spun)]
        )  # fmt: skip
        err = capsys.readouterr().err
        assert code == 2 and err.startswith("mtdetect: error: --reference: no reference index")
