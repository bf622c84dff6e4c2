"""Report records and writers, used by `mtdetect score` and by programs alike."""

from __future__ import annotations

import io
import json

import pytest

from mtdetect.detector import DetectionResult
from mtdetect.evidence import Evidence
from mtdetect.reading import InputText
from mtdetect.report import Tally, Writer, explain_lines, make_record, text_line


def Result(*args: object, **kwargs: object) -> DetectionResult:  # noqa: N802
    """The real result type, with this module's model version and threshold."""
    kwargs.setdefault("model_version", "m1")
    kwargs.setdefault("threshold", 0.0)
    return DetectionResult(*args, **kwargs)  # type: ignore[arg-type]


def test_record_for_an_unread_input() -> None:
    record = make_record(
        InputText("x.txt", None, ("a note",), "no such file"), None, model_version="m1"
    )
    assert record["status"] == "error"
    assert record["reason"] == "no such file"
    assert record["probability"] is None and record["flagged"] is False
    assert record["notes"] == ["a note"] and record["model_version"] == "m1"


def test_record_keeps_a_zero_threshold_and_rounds() -> None:
    item = InputText("a.txt", "text", (), None)
    record = make_record(item, Result(0.123456, True, "scored"), threshold=0.5)
    assert record["threshold"] == 0.0
    assert record["probability"] == 0.1235


def test_text_lines() -> None:
    base = {"path": "p", "reason": "r", "evidence": [], "notes": []}
    flagged = {**base, "status": "scored", "flagged": True, "probability": 0.971}
    assert text_line(flagged) == "FLAGGED 0.97 p"
    ok = {**base, "status": "scored", "flagged": False, "probability": 0.03}
    assert text_line(ok) == "ok      0.03 p"
    assert text_line({**base, "status": "too_short"}) == "abstain (too_short: r) p"
    assert text_line({**base, "status": "error"}) == "error   (r) p"


def test_explain_flattens_and_shortens_spans() -> None:
    long_span = "word\nword " * 30
    record = {"evidence": [Evidence("k.f", 3, 9, long_span, "why", 0.5).to_dict()] * 3}
    lines = explain_lines(record, 2)
    assert len(lines) == 2
    assert "\n" not in lines[0] and '..."' in lines[0]
    assert lines[0].startswith("    +0.50  ")


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "text"])
def test_writers_with_no_records(fmt: str) -> None:
    stream = io.StringIO()
    Writer(stream, fmt).close()
    if fmt == "json":
        assert json.loads(stream.getvalue()) == []
    elif fmt == "csv":
        assert stream.getvalue().startswith("path,probability")
    else:
        assert stream.getvalue() == ""


def test_unknown_format() -> None:
    with pytest.raises(ValueError):
        Writer(io.StringIO(), "xml")


def test_tally() -> None:
    tally = Tally()
    for status, flagged in [("scored", True), ("scored", False), ("not_english", False)]:
        tally.add({"status": status, "flagged": flagged})
    tally.add({"status": "error", "flagged": False})
    assert tally.summary() == "4 inputs: 1 flagged, 1 ok, 1 abstained, 1 error"
