"""The command line: inputs of every kind, output formats, exit statuses, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mtdetect import _batch, cli
from mtdetect._version import __version__
from mtdetect.boilerplate import strip_boilerplate
from mtdetect.detector import DetectionResult
from mtdetect.evidence import Evidence
from mtdetect.html_text import html_to_text
from mtdetect.language import english_verdict

ROOT = Path(__file__).resolve().parents[1]

# Hand-written articles. The fake detector below flags any text naming
# "Brinken" (a misspelt name, as a spun article would carry), gives 0.6 to a
# text saying "borderline", and 0.03 to the rest.
ORIGINAL = (
    "The harbour council voted on Tuesday to close the old ferry pier after engineers "
    "found cracks in two of its supports. Residents said the decision came too late for "
    "the fishing fleet, which has used the pier for more than sixty years. The council "
    "promised to build a new landing stage by the end of next summer."
)
SPUN = (
    "Secretary of State Anthony Brinken said on Friday that the talks will be held in "
    "Geneva. And discussed the preparations. He said that the two sides have deep "
    "differences and there is no lack of complexity in finding prospects for the crisis, "
    "and the meeting will be held in the next month according to the plan."
)
BORDERLINE = ORIGINAL.replace("Tuesday", "Tuesday in a borderline vote")
SPANISH = (
    "El ayuntamiento de la ciudad aprobó ayer un nuevo plan para mejorar el transporte "
    "público. Según el alcalde, los autobuses nocturnos volverán a circular a partir del "
    "próximo mes y se ampliarán las rutas hacia los barrios del norte de la ciudad."
)


def FakeResult(*args: object, **kwargs: object) -> DetectionResult:  # noqa: N802
    """The real result type, stamped with the fake model's version."""
    kwargs.setdefault("model_version", "fake-1")
    return DetectionResult(*args, **kwargs)  # type: ignore[arg-type]


class FakeDetector:
    """Implements the Detector API with rules a test can predict."""

    threshold = 0.5
    model_version = "fake-1"

    def __init__(self) -> None:
        self.batches: list[tuple[int, int]] = []

    def info(self) -> dict[str, Any]:
        return {
            "model_version": self.model_version,
            "threshold": self.threshold,
            "training_data": {"train": {"ORIG": 10, "MT": 12}},
            "metrics": {"roc_auc": 0.91},
            "created": "2024-01-01T00:00:00Z",
            "versions": {"mtdetect": __version__},
        }

    def detect_many(
        self,
        texts: Sequence[str],
        threshold: float | None = None,
        n_jobs: int = 1,
        *,
        content_type: str = "text",
    ) -> list[DetectionResult]:
        self.batches.append((len(texts), content_type))
        return [self.detect(text, threshold, content_type=content_type) for text in texts]

    def detect(
        self, text: str, threshold: float | None = None, *, content_type: str = "text"
    ) -> DetectionResult:
        if content_type == "html":
            page = html_to_text(text)
            return replace(self.detect(page, threshold), text=page)
        if "EXPLODE" in text:
            raise RuntimeError("the scorer blew up")
        cut = self.threshold if threshold is None else threshold
        cleaned = strip_boilerplate(text)
        n_words = len(cleaned.text.split())
        if n_words < 20:
            return FakeResult(None, False, "too_short", f"{n_words} words", threshold=cut)
        verdict = english_verdict(cleaned.text)
        if verdict is not None:
            return FakeResult(None, False, "not_english", verdict, threshold=cut)
        evidence: tuple[Evidence, ...] = ()
        probability = 0.6 if "borderline" in text else 0.03
        if "Brinken" in text:
            probability = 0.97
            at = text.index("Brinken")
            evidence = (
                Evidence("names.near_miss", at, at + 7, "Brinken", "looks like Blinken", 0.8),
                Evidence("surface.fragment", 0, 3, "And", "a fragment", 0.2),
            )
        return FakeResult(
            probability,
            probability >= cut,
            "scored",
            evidence=evidence,
            boilerplate=cleaned.removed,
            threshold=cut,
        )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeDetector:
    detector = FakeDetector()
    monkeypatch.setattr(cli, "load_detector", lambda model, gazetteer: detector)
    return detector


def put(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def jsonl(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


# -- verdicts and exit statuses -------------------------------------------------------


def test_nothing_flagged_exits_0(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    code, out, err = run(capsys, "score", put(tmp_path, "a.txt", ORIGINAL))
    assert code == 0
    assert out.startswith("ok      0.03 ")
    assert out.strip().endswith("a.txt")
    assert err == ""


def test_flagged_input_exits_1(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    a, b = put(tmp_path, "a.txt", ORIGINAL), put(tmp_path, "b.txt", SPUN)
    code, out, _ = run(capsys, "score", a, b)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"ok      0.03 {a}"
    assert lines[1] == f"FLAGGED 0.97 {b}"
    assert lines[-1] == "2 inputs: 1 flagged, 1 ok, 0 abstained, 0 errors"


def test_unreadable_input_exits_2_and_the_rest_are_still_scored(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    missing = str(tmp_path / "missing.txt")
    spun = put(tmp_path, "b.txt", SPUN)
    code, out, _ = run(capsys, "score", missing, spun, "--format", "jsonl")
    records = jsonl(out)
    assert code == 2  # 2 wins over 1
    assert records[0]["status"] == "error" and records[0]["reason"] == "no such file"
    assert records[1]["flagged"] is True


def test_a_detector_failure_costs_only_its_input(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    bad = put(tmp_path, "bad.txt", ORIGINAL + " EXPLODE")
    good = put(tmp_path, "good.txt", ORIGINAL)
    code, out, err = run(capsys, "score", bad, good, "-f", "jsonl")
    records = jsonl(out)
    assert code == 2
    assert records[0]["status"] == "error"
    assert "the scorer blew up" in records[0]["reason"]
    assert records[1]["status"] == "scored"
    assert "Traceback" not in out + err


# -- every kind of input --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "status", "note"),
    [
        ("bom.txt", b"\xef\xbb\xbf" + ORIGINAL.encode(), "scored", None),
        ("crlf.txt", ORIGINAL.replace(". ", ".\r\n").encode(), "scored", None),
        ("utf16.txt", ORIGINAL.encode("utf-16"), "scored", "UTF-16"),
        ("latin.txt", ORIGINAL.replace("the", "th\xe9").encode("cp1252"), "scored", "UTF-8"),
        ("mixed.txt", ORIGINAL.encode() + b" \xff\xfe caf\xc3\xa9", "scored", "invalid byte"),
        ("empty.txt", b"", "too_short", "file is empty"),
        ("page.html", f"<html><body><nav>Home</nav><p>{ORIGINAL}</p></body></html>".encode(),
         "scored", "HTML"),
        ("sniffed.txt", f"<!DOCTYPE html><html><p>{SPUN}</p></html>".encode(), "scored", "HTML"),
        ("spanish.txt", SPANISH.encode(), "not_english", None),
        ("short.txt", b"Council closes pier.", "too_short", None),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "error", None),
    ],
)  # fmt: skip
def test_input_kinds(
    fake: FakeDetector,
    tmp_path: Path,
    capsys: Any,
    name: str,
    data: bytes,
    status: str,
    note: str | None,
) -> None:
    code, out, _ = run(capsys, "score", "-f", "jsonl", put(tmp_path, name, data))
    (record,) = jsonl(out)
    assert record["status"] == status, record
    if note is not None:
        assert any(note in text for text in record["notes"]), record["notes"]
    assert code == (2 if status == "error" else 1 if record["flagged"] else 0)


def test_binary_file_reason(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    code, out, _ = run(capsys, "score", put(tmp_path, "x.bin", b"\x00\x01\x02" * 50))
    assert code == 2
    assert out.startswith("error   (binary file, not text) ")


def test_not_english_and_too_short_abstain_in_text(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    es, short = put(tmp_path, "es.txt", SPANISH), put(tmp_path, "s.txt", "Too short.")
    code, out, _ = run(capsys, "score", es, short)
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == f"abstain (not_english: text is not English (looks like Spanish)) {es}"
    assert lines[1].startswith("abstain (too_short: ")


def test_input_over_the_cap_is_cut_with_a_note(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    path = put(tmp_path, "big.txt", ORIGINAL * 20)
    code, out, _ = run(capsys, "score", "-f", "jsonl", "--max-bytes", "400", path)
    (record,) = jsonl(out)
    assert record["status"] == "scored"
    assert any("only the first 400" in note for note in record["notes"])


def test_reading_stops_where_nothing_could_be_scored(
    fake: FakeDetector, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # issue #14 item 6: memory stays bounded whatever --max-bytes allows
    monkeypatch.setattr(_batch, "READ_CEILING", 500)
    path = put(tmp_path, "big.txt", ORIGINAL * 20)
    _, out, _ = run(capsys, "score", "-f", "jsonl", "--max-bytes", "60000000", path)
    (record,) = jsonl(out)
    assert any("only the first 500" in note for note in record["notes"])


def test_the_read_ceiling_agrees_with_the_detector() -> None:
    from mtdetect.detector import HTML_MARKUP_FACTOR, MAX_CHARS

    assert _batch.READ_CEILING == 4 * HTML_MARKUP_FACTOR * MAX_CHARS + 4


def test_stdin(fake: FakeDetector, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SPUN.encode("utf-16"))))
    code, out, _ = run(capsys, "score", "-")
    assert code == 1
    assert out.splitlines() == ["FLAGGED 0.97 -", "    note: decoded as UTF-16 (byte-order mark)"]


def test_directory_recursion_and_glob(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    put(tmp_path, "in/a.txt", ORIGINAL)
    put(tmp_path, "in/sub/b.md", SPUN)
    put(tmp_path, "in/skip.csv", SPUN)
    code, out, _ = run(capsys, "score", "-f", "jsonl", str(tmp_path / "in"))
    assert [Path(r["path"]).name for r in jsonl(out)] == ["a.txt", "b.md"]
    assert code == 1
    code, out, _ = run(capsys, "score", "-f", "jsonl", "--glob", "*.csv", str(tmp_path / "in"))
    assert [Path(r["path"]).name for r in jsonl(out)] == ["skip.csv"]


def test_directory_without_inputs(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, "score", str(tmp_path / "empty"))
    assert code == 2
    assert "warning: no files matching" in err
    assert "mtdetect: error: no input files found" in err


def test_unreadable_directory(
    fake: FakeDetector, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 000 does not stop root (tests may run as root), so simulate the refusal
    good = put(tmp_path, "in/a.txt", ORIGINAL)
    put(tmp_path, "in/locked/b.txt", SPUN)
    locked = str(tmp_path / "in" / "locked")
    real_scandir, real_listdir = os.scandir, os.listdir

    def refuse(real: Any) -> Any:
        def call(path: Any) -> Any:
            if os.fspath(path) == locked:
                raise PermissionError(13, "Permission denied")
            return real(path)

        return call

    monkeypatch.setattr(os, "scandir", refuse(real_scandir))
    monkeypatch.setattr(os, "listdir", refuse(real_listdir))
    code, out, _ = run(capsys, "score", "-f", "jsonl", str(tmp_path / "in"))
    records = {r["path"]: r for r in jsonl(out)}
    assert code == 2
    assert records[good]["status"] == "scored"
    assert records[locked]["reason"] == "cannot read directory: permission denied"


# -- output formats -------------------------------------------------------------------


def test_jsonl_fields(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    text = "Advertisement\n" + SPUN + "\nSource link\n"
    _, out, _ = run(capsys, "score", "--format", "jsonl", put(tmp_path, "a.txt", text))
    (record,) = jsonl(out)
    assert set(record) >= {
        "path", "probability", "flagged", "status", "reason", "evidence",
        "boilerplate", "notes", "model_version",
    }  # fmt: skip
    assert record["probability"] == 0.97
    assert record["flagged"] is True
    assert [item["text"] for item in record["boilerplate"]] == ["Advertisement", "Source link"]
    assert record["model_version"] == "fake-1"
    assert record["evidence"][0] == {
        "kind": "names.near_miss",
        "start": text.index("Brinken"),
        "end": text.index("Brinken") + 7,
        "text": "Brinken",
        "message": "looks like Blinken",
        "weight": 0.8,
    }


def test_html_records_carry_the_text_their_offsets_point_into(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    # issue #14 item 1: evidence offsets of a page refer to its extracted article text
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in SPUN.split(". "))
    page = (
        "<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav><article>"
        f"{paragraphs}</article><section id='comments'><p>lol Brinken</p></section>"
        "</body></html>"
    )
    path = put(tmp_path, "page.html", page)
    code, out, _ = run(capsys, "score", "-f", "jsonl", path)
    (record,) = jsonl(out)
    assert code == 1
    text = record["text"]
    assert text.startswith("Secretary of State Anthony Brinken") and "lol" not in text
    top = record["evidence"][0]  # the fake's only real span
    assert text[top["start"] : top["end"]] == top["text"] == "Brinken"
    assert any("offsets" in note for note in record["notes"])


def test_emit_text_adds_the_scored_text_to_every_record(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    path = put(tmp_path, "a.txt", ORIGINAL.replace(". ", ".\r\n"))
    _, out, _ = run(capsys, "score", "-f", "jsonl", path)
    assert jsonl(out)[0]["text"] is None
    _, out, _ = run(capsys, "score", "-f", "json", "--emit-text", path)
    assert json.loads(out)[0]["text"] == ORIGINAL.replace(". ", ".\n")


def test_json_is_one_array(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    a, b = put(tmp_path, "a.txt", ORIGINAL), put(tmp_path, "b.txt", SPUN)
    _, out, _ = run(capsys, "score", "--format", "json", a, b)
    data = json.loads(out)
    assert [item["path"] for item in data] == [a, b]
    assert [item["flagged"] for item in data] == [False, True]


def test_json_with_only_errors_is_still_valid(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    code, out, _ = run(capsys, "score", "-f", "json", str(tmp_path / "nope.txt"))
    assert code == 2
    assert json.loads(out)[0]["status"] == "error"


def test_csv(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    a, b = put(tmp_path, "a, with comma.txt", ORIGINAL), put(tmp_path, "b.txt", SPUN)
    missing = str(tmp_path / "c.txt")
    _, out, _ = run(capsys, "score", "--format", "csv", a, b, missing)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["path", "probability", "flagged", "status", "reason", "top_evidence"]
    assert rows[0]["path"] == a
    assert rows[1] == {
        "path": b,
        "probability": "0.9700",
        "flagged": "true",
        "status": "scored",
        "reason": "",
        "top_evidence": "Brinken",
    }
    assert rows[2]["probability"] == "" and rows[2]["reason"] == "no such file"


def test_explain_shows_the_strongest_evidence(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    path = put(tmp_path, "b.txt", SPUN)
    _, out, _ = run(capsys, "score", "--explain", "1", path)
    lines = out.splitlines()
    assert lines[0] == f"FLAGGED 0.97 {path}"
    assert lines[1].strip().startswith('+0.80  "Brinken"  looks like Blinken')
    assert len(lines) == 2
    _, out, _ = run(capsys, "score", path, "--explain")
    assert len(out.splitlines()) == 3  # default N is 5; this text has two items


@pytest.mark.parametrize(
    ("flags", "shown"),
    [
        (["--explain"], 2),
        (["-e"], 2),
        (["--explain", "1"], 1),
        (["--explain=1"], 1),
        (["-e", "1"], 1),
        (["-e1"], 1),
        (["--expl"], 2),
    ],
)
def test_explain_never_swallows_a_path(
    fake: FakeDetector, tmp_path: Path, capsys: Any, flags: list[str], shown: int
) -> None:
    # issue #14 item 8: "--explain FILE" read FILE as the count
    spun, plain = put(tmp_path, "b.txt", SPUN), put(tmp_path, "a.txt", ORIGINAL)
    code, out, err = run(capsys, "score", *flags, spun, plain)
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0] == f"FLAGGED 0.97 {spun}"
    assert len([line for line in lines if line.startswith("    +")]) == shown
    assert lines[1 + shown] == f"ok      0.03 {plain}"


def test_explain_with_a_bad_count_is_a_usage_error(fake: FakeDetector, capsys: Any) -> None:
    code, out, err = run(capsys, "score", "--explain", "0", "a.txt")
    assert code == 2 and "--explain" in err and out == ""


def test_quiet_prints_nothing_but_sets_the_status(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    spun, missing = put(tmp_path, "b.txt", SPUN), str(tmp_path / "nope.txt")
    assert run(capsys, "score", "--quiet", spun) == (1, "", "")
    assert run(capsys, "score", "-q", put(tmp_path, "a.txt", ORIGINAL)) == (0, "", "")
    assert run(capsys, "score", "-q", "-f", "json", spun, missing) == (2, "", "")


def test_threshold(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    path = put(tmp_path, "m.txt", BORDERLINE)  # the fake says 0.6
    code, out, _ = run(capsys, "score", path)
    assert code == 1 and out.startswith("FLAGGED 0.60")
    code, out, _ = run(capsys, "score", "--threshold", "0.7", "-f", "jsonl", path)
    (record,) = jsonl(out)
    assert code == 0 and record["flagged"] is False and record["threshold"] == 0.7


@pytest.mark.parametrize("value", ["1.5", "-0.1", "high"])
def test_bad_threshold_is_a_usage_error(fake: FakeDetector, capsys: Any, value: str) -> None:
    code, out, err = run(capsys, "score", "--threshold", value, "x.txt")
    assert code == 2
    assert "--threshold" in err and out == ""


def test_inputs_are_scored_in_batches_pages_apart(
    fake: FakeDetector, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_batch, "BATCH_SIZE", 3)
    page = f"<html><body><article><p>{ORIGINAL}</p></article></body></html>"
    names = ["0.txt", "1.html", "2.txt", "3.txt", "4.html"]
    paths = [put(tmp_path, name, page if name.endswith("html") else ORIGINAL) for name in names]
    code, out, _ = run(capsys, "score", "-f", "jsonl", *paths)
    assert code == 0
    assert [r["path"] for r in jsonl(out)] == paths
    assert fake.batches == [(2, "text"), (1, "html"), (1, "text"), (1, "html")]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("tty", [True, False])
def test_progress_only_on_a_terminal(
    fake: FakeDetector, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch, tty: bool
) -> None:
    stderr = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    paths = [put(tmp_path, f"{i}.txt", ORIGINAL) for i in range(_batch.PROGRESS_MIN + 1)]
    assert cli.main(["score", *paths]) == 0
    shown = stderr.getvalue()
    assert ("21/21" in shown and "inputs/s" in shown) is tty  # a bar with its rate
    assert "scored" not in capsys.readouterr().out.replace("abstained", "")


# -- JSON Lines records in, one result per record (issue #14 item 7) ----------------


def records(*rows: object) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


def test_jsonl_records_are_scored_with_their_ids(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    page = f"<html><body><article><p>{SPUN}</p></article></body></html>"
    path = put(
        tmp_path,
        "export.jsonl",
        records({"id": 7, "text": ORIGINAL}, {"id": "b", "html": page}, {"id": None, "text": SPUN}),
    )
    code, out, err = run(capsys, "score", "--input-format", "jsonl", "-f", "jsonl", path)
    rows = jsonl(out)
    assert code == 1, err
    assert [row["id"] for row in rows] == [7, "b", None]
    assert [row["path"] for row in rows] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert [row["flagged"] for row in rows] == [False, True, True]
    assert rows[1]["text"].startswith("Secretary of State") and rows[0]["text"] is None


def test_bad_records_are_errors_and_the_batch_goes_on(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    path = put(
        tmp_path,
        "export.jsonl",
        records(
            {"id": 1, "text": ORIGINAL},
            '{"id": 2, "text": "unterminated',
            {"id": 3},
            {"id": 4, "text": 42},
            "[1, 2]",
            "",
            {"id": 5, "text": "x" * 500},
            {"id": 6, "html": None, "text": None},
            {"id": 7, "text": ORIGINAL},
        ),
    )
    code, out, err = run(capsys, "score", "-i", "jsonl", "-f", "jsonl", "--max-bytes", "400", path)
    rows = jsonl(out)
    assert code == 2 and "Traceback" not in err
    assert [row["id"] for row in rows] == [1, None, 3, 4, None, None, 6, 7]
    assert [row["status"] for row in rows] == ["scored"] + ["error"] * 6 + ["scored"]
    reasons = [row["reason"] for row in rows[1:7]]
    assert reasons[0].startswith("invalid JSON")
    assert reasons[1] == 'record has no "text" (or "html") string'
    assert reasons[2] == '"text" is a number, not a string'
    assert reasons[3] == "not a JSON object but an array"
    assert reasons[4] == "record longer than 400 bytes (--max-bytes)"
    assert [row["path"].rsplit(":", 1)[1] for row in rows] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "7",
        "8",
        "9",
    ]


def test_jsonl_from_standard_input_and_missing_files(
    fake: FakeDetector, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = records({"id": "a", "text": SPUN}).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + data)))
    code, out, _ = run(capsys, "score", "-i", "jsonl", "-", str(tmp_path / "gone.jsonl"))
    assert code == 2
    assert out.splitlines()[0] == 'FLAGGED 0.97 -:1 (id "a")'
    assert out.splitlines()[1] == f"error   (no such file) {tmp_path / 'gone.jsonl'}"


def test_output_file(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "out.jsonl"
    path = put(tmp_path, "a.txt", SPUN)
    code, out, _ = run(capsys, "score", "-f", "jsonl", "-o", str(target), path)
    assert (code, out) == (1, "")
    assert [row["path"] for row in jsonl(target.read_text(encoding="utf-8"))] == [path]
    code, out, _ = run(capsys, "score", "-q", "-o", str(target), path)
    assert (code, out) == (1, "") and target.read_text().startswith("FLAGGED 0.97")


def test_an_output_file_that_cannot_be_written(
    fake: FakeDetector, tmp_path: Path, capsys: Any
) -> None:
    path = put(tmp_path, "a.txt", SPUN)
    code, _, err = run(capsys, "score", "-o", str(tmp_path / "no" / "dir" / "o.txt"), path)
    assert code == 2 and err.startswith("mtdetect: error: cannot write ")


# -- worker processes (issue #14 item 5) ----------------------------------------------


def test_workers_load_the_model_themselves_and_keep_the_order(
    tiny_model_path: Path, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import CLEAN
    from conftest import SPUN as SPUN_TEXTS

    from mtdetect.detector import Detector

    shipped: list[str] = []

    def record_pickling(self: Detector, protocol: int) -> Any:
        shipped.append("detector")  # the old --jobs sent the model with every batch
        return object.__reduce_ex__(self, protocol)

    monkeypatch.setattr(Detector, "__reduce_ex__", record_pickling)
    texts = (CLEAN + SPUN_TEXTS) * 6
    paths = [put(tmp_path, f"{i:02}.txt", text) for i, text in enumerate(texts)]
    model = ["score", "-m", str(tiny_model_path), "-f", "jsonl", *paths]
    code, out, err = run(capsys, *model)
    serial = jsonl(out)
    code_2, out, err = run(capsys, *model, "--jobs", "2")
    parallel = jsonl(out)
    assert code == code_2 == 1, err
    assert [r["path"] for r in parallel] == paths
    assert [r["probability"] for r in parallel] == [r["probability"] for r in serial]
    assert shipped == []


def test_jsonl_through_worker_processes_in_a_real_run(
    tiny_model_path: Path, tmp_path: Path
) -> None:
    from conftest import CLEAN

    source = put(
        tmp_path,
        "export.jsonl",
        records(
            *({"id": i, "text": CLEAN[i % 3]} for i in range(20)),
            "not json",
            {
                "id": "page",
                "html": f"<html><body><article><p>{CLEAN[0]}</p></article></body></html>",
            },
        ),
    )
    target = tmp_path / "results.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "mtdetect", "score", "-m", str(tiny_model_path), "-i", "jsonl",
         "-f", "jsonl", "-j", "2", "-o", str(target), source],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    rows = jsonl(target.read_text(encoding="utf-8"))
    assert [row["id"] for row in rows] == [*range(20), None, "page"]
    assert [row["status"] for row in rows] == ["scored"] * 20 + ["error", "scored"]
    assert rows[-1]["text"] == CLEAN[0]


def test_only_a_console_process_freezes_what_it_loaded(tmp_path: Path) -> None:
    """Frozen after loading, the process still writes a file it never closed."""
    import gc

    from mtdetect import _exit

    assert not _exit._console_process  # cli.main in this process: nothing frozen
    with _exit.loading():
        assert gc.isenabled()
    path = tmp_path / "out.txt"
    code = (
        "import gc, sys\nfrom mtdetect import _exit\n"
        "_exit.console_process()\n"
        "with _exit.loading():\n    assert not gc.isenabled()\n"
        "assert gc.isenabled() and gc.get_freeze_count() > 0\n"
        "class Holder: pass\n"
        "h = Holder(); h.me = h; h.out = open(sys.argv[1], 'w'); h.out.write('kept')\n"
        "OUT = h.out\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env, timeout=60)
    assert path.read_text() == "kept"


# -- errors never become tracebacks ---------------------------------------------------


def test_missing_model_is_an_error_not_a_fallback(tmp_path: Path, capsys: Any) -> None:
    code, out, err = run(capsys, "score", "--model", str(tmp_path / "none.joblib"), "x.txt")
    assert code == 2
    assert out == ""
    assert err.startswith("mtdetect: error: cannot load model ")
    assert "none.joblib" in err and "Traceback" not in err


def test_corrupt_model_is_an_error(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "bad.joblib").write_bytes(b"not a model")
    (tmp_path / "bad.json").write_text("{broken")
    code, _, err = run(capsys, "info", "--model", str(tmp_path / "bad.joblib"))
    assert code == 2
    assert err.startswith("mtdetect: error: cannot load model") and "Traceback" not in err


def test_missing_gazetteer_is_an_error(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    code, _, err = run(capsys, "score", "--gazetteer", str(tmp_path / "g.txt"), "x.txt")
    assert code == 2 and "gazetteer file not found" in err


def test_unexpected_failure_is_one_line(
    fake: FakeDetector, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("something odd")

    monkeypatch.setattr(_batch, "make_record", broken)
    code, out, err = run(capsys, "score", put(tmp_path, "a.txt", ORIGINAL))
    assert code == 2
    assert err == "mtdetect: error: ValueError: something odd\n"


@pytest.mark.parametrize(
    "argv", [[], ["score"], ["frobnicate"], ["score", "--format", "xml", "a"], ["gazetteer"]]
)
def test_usage_errors_exit_2(capsys: Any, argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert "usage:" in err
    assert "Traceback" not in err


def test_version_and_help(capsys: Any) -> None:
    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, f"mtdetect {__version__}\n")
    code, out, _ = run(capsys, "score", "--help")
    assert code == 0
    assert "exit status:" in out and "2 takes precedence over 1" in out


def test_version_matches_pyproject() -> None:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        assert tomllib.load(handle)["project"]["version"] == __version__


# -- info and gazetteer ---------------------------------------------------------------


def test_info_text_and_json(fake: FakeDetector, capsys: Any) -> None:
    code, out, _ = run(capsys, "info")
    assert code == 0
    assert "model version: fake-1" in out
    assert "threshold: 0.5" in out
    assert "roc auc: 0.91" in out
    code, out, _ = run(capsys, "info", "--format", "json")
    data = json.loads(out)
    assert data["training_data"] == {"train": {"ORIG": 10, "MT": 12}}
    assert data["mtdetect_version"] == __version__


def test_gazetteer_build(tmp_path: Path, capsys: Any) -> None:
    pytest.importorskip("mtdetect.gazetteer")
    sentence = "Yesterday the minister met Oksana Wrightley and Tomas Halvorsen in the capital. "
    put(tmp_path, "trusted/a.txt", sentence * 3 + "\nSource link\n")
    put(tmp_path, "trusted/b.html", f"<p>{sentence}</p>")
    out_file = tmp_path / "names.txt"
    code, out, err = run(
        capsys, "gazetteer", "build", str(tmp_path / "trusted"), "-o", str(out_file),
        "--min-count", "2",
    )  # fmt: skip
    assert code == 0, err
    assert "from 2 files" in out
    saved = out_file.read_text(encoding="utf-8")
    assert "Halvorsen" in saved and "Wrightley" in saved


def test_gazetteer_build_reports_unreadable_inputs(tmp_path: Path, capsys: Any) -> None:
    pytest.importorskip("mtdetect.gazetteer")
    good = put(tmp_path, "a.txt", "Mid-sentence names like Halvorsen and Halvorsen count. ")
    out_file = tmp_path / "names.txt"
    code, _, err = run(
        capsys, "gazetteer", "build", good, str(tmp_path / "gone.txt"), "-o", str(out_file)
    )
    assert code == 2
    assert "skipped" in err and "no such file" in err
    assert out_file.exists()


# -- the real thing: a tiny fitted model, and the module run as a program -------------


def test_score_with_a_real_bundle(tiny_model_path: Path, tmp_path: Path, capsys: Any) -> None:
    path = put(tmp_path, "a.txt", ORIGINAL * 2)
    code, out, err = run(capsys, "score", "--model", str(tiny_model_path), "-f", "jsonl", path)
    (record,) = jsonl(out)
    assert code in (0, 1), err
    assert record["status"] == "scored"
    assert 0.0 <= record["probability"] <= 1.0
    assert record["model_version"] == "tiny-test"


def test_base_rate_rebases_probability_and_threshold(
    tiny_model_path: Path, tmp_path: Path, capsys: Any
) -> None:
    from conftest import SPUN

    paths = [put(tmp_path, "a.txt", ORIGINAL * 2), put(tmp_path, "b.txt", SPUN[0])]
    model = ["score", "--model", str(tiny_model_path), "-f", "jsonl", *paths]
    code, out, _ = run(capsys, *model)
    plain = jsonl(out)
    rebased_code, out, err = run(capsys, *model, "--base-rate", "0.01")
    rebased = jsonl(out)
    assert code == rebased_code == 1, err
    assert [r["flagged"] for r in plain] == [r["flagged"] for r in rebased] == [False, True]
    for before, after in zip(plain, rebased, strict=True):
        assert after["probability"] <= before["probability"]
        assert after["threshold"] < before["threshold"]
    assert rebased[0]["probability"] < plain[0]["probability"]


def test_base_rate_with_a_model_that_lacks_its_calibration_mix(
    tiny_model_path: Path, tmp_path: Path, capsys: Any
) -> None:
    from dataclasses import replace

    from mtdetect.bundle import load_bundle, save_bundle

    bundle = load_bundle(tiny_model_path)
    metadata = {k: v for k, v in bundle.metadata.items() if k != "calibration"}
    older = save_bundle(replace(bundle, metadata=metadata), tmp_path / "older.joblib")
    path = put(tmp_path, "a.txt", ORIGINAL * 2)
    code, out, err = run(capsys, "score", "-m", str(older), "--base-rate", "0.01", path)
    assert code == 2 and out == ""
    assert err.startswith("mtdetect: error: --base-rate: ") and "machine share" in err
    assert "Traceback" not in err
    assert run(capsys, "score", "-m", str(older), path)[0] == 0  # fine without it


def test_the_base_rate_bounds_agree_with_the_detector() -> None:
    from mtdetect.detector import MIN_BASE_RATE

    assert cli.MIN_BASE_RATE == MIN_BASE_RATE


@pytest.mark.parametrize("value", ["0", "1", "1.5", "1e-320", "often"])
def test_bad_base_rate_is_a_usage_error(fake: FakeDetector, capsys: Any, value: str) -> None:
    code, out, err = run(capsys, "score", "--base-rate", value, "x.txt")
    assert code == 2
    assert "--base-rate" in err and out == ""


def test_python_dash_m(tiny_model_path: Path, tmp_path: Path) -> None:
    good = put(tmp_path, "a.txt", ORIGINAL * 2)
    missing = str(tmp_path / "missing.txt")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "mtdetect", "score", "-m", str(tiny_model_path), good, missing],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].endswith(good) and lines[0].split()[0] in ("ok", "FLAGGED")
    assert lines[1] == f"error   (no such file) {missing}"
    assert "Traceback" not in proc.stderr


def test_csv_of_records_leads_with_the_id(fake: FakeDetector, tmp_path: Path, capsys: Any) -> None:
    path = put(tmp_path, "e.jsonl", records({"id": "x1", "text": SPUN}, {"id": 2, "text": 5}))
    _, out, _ = run(capsys, "score", "-i", "jsonl", "-f", "csv", path)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["id"], row["status"]) for row in rows] == [("x1", "scored"), ("2", "error")]


def test_a_worker_that_cannot_load_the_model_fails_in_one_line(tmp_path: Path) -> None:
    # the initializer must not raise: a pool would log its traceback
    import signal

    handler = signal.getsignal(signal.SIGINT)
    _batch._start_worker(_batch.ModelSpec(model=str(tmp_path / "none.joblib")))
    try:
        with pytest.raises(_batch.RunError, match="cannot load the model"):
            _batch._score_in_worker([_batch.Task("a.txt")], _batch.Options())
    finally:
        _batch._worker_error = None
        signal.signal(signal.SIGINT, handler)


def test_workers_report_a_model_that_cannot_be_loaded(tmp_path: Path, capsys: Any) -> None:
    path = put(tmp_path, "a.txt", ORIGINAL)
    code, out, err = run(capsys, "score", "-j", "2", "-m", str(tmp_path / "none.joblib"), path)
    assert (code, out) == (2, "")
    assert err.startswith("mtdetect: error: cannot load model ") and "none.joblib" in err
    assert "Traceback" not in err
