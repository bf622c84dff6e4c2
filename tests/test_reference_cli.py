"""The reference-mode commands: compare, index build|add, match; bad inputs exit 2."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED
from reference_texts import ORIGINAL, OTHER, SPUN

from mtdetect.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = SHARED / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def put(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return str(path)


def test_compare_text_and_exit_status(tmp_path: Path, capsys: Any) -> None:
    spun, original = put(tmp_path, "s.txt", SPUN), put(tmp_path, "o.txt", ORIGINAL)
    code, out, _ = run(capsys, "compare", spun, original)
    assert code == 1
    assert out.startswith("spun  coverage 1.00")
    assert 'name    "Whitford"' in out and 'original "Whitfield"' in out
    code, out, _ = run(capsys, "compare", original, original)
    assert code == 0 and out.startswith("copy")


def test_compare_json_offsets_point_into_both_files(tmp_path: Path, capsys: Any) -> None:
    spun, original = put(tmp_path, "s.txt", SPUN), put(tmp_path, "o.txt", ORIGINAL)
    code, out, _ = run(capsys, "compare", spun, original, "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["verdict"] == "spun"
    for change in data["changes"]:
        got, want = change["suspect"], change["original"]
        assert SPUN[got["start"] : got["end"]] == got["text"]
        assert ORIGINAL[want["start"] : want["end"]] == want["text"]


def test_compare_reads_standard_input_once(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(SPUN))
    code, out, _ = run(capsys, "compare", "-", put(tmp_path, "o.txt", ORIGINAL))
    assert code == 1 and out.startswith("spun")
    code, _, err = run(capsys, "compare", "-", "-")
    assert code == 2 and "only one" in err


def test_compare_missing_file_is_exit_2(tmp_path: Path, capsys: Any) -> None:
    code, out, err = run(capsys, "compare", str(tmp_path / "nope.txt"), str(tmp_path / "x"))
    assert code == 2 and out == ""
    assert err.startswith("mtdetect: error: cannot read") and err.count("\n") == 1


def test_index_build_add_match(tmp_path: Path, capsys: Any) -> None:
    folder = tmp_path / "originals"
    folder.mkdir()
    put(folder, "storm.txt", ORIGINAL)
    records = tmp_path / "more.jsonl"
    records.write_text(
        json.dumps({"id": "bakery", "text": OTHER, "url": "https://example.org/b"}) + "\n{broken\n",
        encoding="utf-8",
    )
    index = str(tmp_path / "ref.sqlite")
    code, _, err = run(capsys, "index", "build", str(folder), "-o", index)
    assert code == 0 and "indexed 1 documents" in err
    code, _, err = run(capsys, "index", "add", index, str(records))
    assert code == 0 and "invalid JSON" in err and "2 in the index" in err
    spun = put(tmp_path, "spun.txt", SPUN)
    code, out, _ = run(capsys, "match", "--index", index, spun, "-f", "jsonl", "-k", "2")
    row = json.loads(out)
    assert code == 1
    assert row["source"].endswith("storm.txt") and row["verdict"] == "spun"
    assert row["coverage"] == 1.0 and {c["kind"] for c in row["changes"]} >= {"name", "number"}
    code, out, _ = run(capsys, "match", "--index", index, put(tmp_path, "b.txt", OTHER))
    assert code == 0 and out.startswith("copy") and "<-  bakery" in out


def test_index_lines_format_reads_gzip(tmp_path: Path, capsys: Any) -> None:
    lines = tmp_path / "news.txt.gz"
    with gzip.open(lines, "wt", encoding="utf-8") as handle:
        handle.write(ORIGINAL.replace("\n", " ") + "\n\n" + OTHER.replace("\n", " ") + "\n")
    index = str(tmp_path / "ref.sqlite")
    code, _, err = run(capsys, "index", "build", str(lines), "-i", "lines", "-o", index)
    assert code == 0 and "indexed 2 documents" in err
    spun = put(tmp_path, "s.txt", SPUN)
    code, out, _ = run(capsys, "match", "--index", index, spun, "-f", "json")
    assert json.loads(out)[0]["source"] == f"{lines}:1"


def test_match_with_a_missing_index_is_exit_2(tmp_path: Path, capsys: Any) -> None:
    spun = put(tmp_path, "s.txt", SPUN)
    code, out, err = run(capsys, "match", "--index", str(tmp_path / "none.sqlite"), spun)
    assert code == 2 and out == ""
    assert err == f"mtdetect: error: no reference index at {tmp_path / 'none.sqlite'}\n"


def test_corrupt_index_is_exit_2(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 1000)
    for argv in (["match", "--index", str(bad), str(bad)], ["index", "add", str(bad), str(bad)]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == ""
        assert "is not a reference index" in err and "Traceback" not in err


def test_build_never_overwrites_a_file_that_is_not_an_index(tmp_path: Path, capsys: Any) -> None:
    notes = put(tmp_path, "notes.txt", "my notes")
    code, _, err = run(capsys, "index", "build", notes, "-o", notes)
    assert code == 2 and "is not a reference index" in err
    assert Path(notes).read_text(encoding="utf-8") == "my notes"


def test_build_with_nothing_to_index_is_exit_2(tmp_path: Path, capsys: Any) -> None:
    code, _, err = run(capsys, "index", "build", str(tmp_path), "-o", str(tmp_path / "r.sqlite"))
    assert code == 2 and "no documents" in err


def test_python_dash_m_corrupt_index(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "mtdetect", "match", "--index", str(bad), str(bad)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("mtdetect: error: ") and proc.stderr.count("\n") == 1


@needs_seeds
def test_seed_000_is_a_spun_copy_of_003(capsys: Any) -> None:
    code, out, _ = run(capsys, "compare", seed("000"), seed("003"))
    assert code == 1 and out.startswith("spun")
    for got, want in [
        ("Brinken", "Blinken"),
        ("Fushbo", "Vershbow"),
        ("Piver", "Pifer"),
        ("Myers", "Miles"),
        ("McFall", "McFaul"),
        ("marginal policies", "brinksmanship"),
    ]:
        assert f'"{got}"' in out and f'original "{want}"' in out, got


@needs_seeds
def test_seed_001_is_a_copy_of_003(capsys: Any) -> None:
    code, out, _ = run(capsys, "compare", seed("001"), seed("003"))
    assert code == 0 and out.startswith("copy")


@needs_seeds
def test_an_index_finds_the_seeds_source_and_none_for_the_others(
    tmp_path: Path, capsys: Any
) -> None:
    news = tmp_path / "news.txt"
    with gzip.open(SHARED / "corpus" / "english-news-lm.txt.gz", "rt", encoding="utf-8") as f:
        news.write_text("".join(line for _, line in zip(range(300), f, strict=False)))
    index = str(tmp_path / "ref.sqlite")
    assert main(["index", "build", str(news), "-i", "lines", "-o", index, "-q"]) == 0
    assert main(["index", "add", index, seed("001"), seed("003"), "-q"]) == 0
    capsys.readouterr()
    for prefix, sources in [("000", {seed("001"), seed("003")}), ("002", {None}), ("004", {None})]:
        started = time.perf_counter()
        main(["match", "--index", index, seed(prefix), "-f", "jsonl"])
        elapsed = time.perf_counter() - started
        row = json.loads(capsys.readouterr().out)
        assert row["source"] in sources, (prefix, row["candidates"])
        assert elapsed < 1.0 or prefix == "000"  # the first match pays for imports
