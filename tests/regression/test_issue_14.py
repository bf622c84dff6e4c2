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


def seed_page(text: str) -> str:
    """A news page as the issue built it: seed article, menu, ad, banner, comments."""
    paragraphs = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
    return f"""<!DOCTYPE html><html><head><title>News</title></head><body>
<div class="cookie-banner"><p>We use cookies. By browsing you agree to our use of cookies.</p></div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<main><article>{paragraphs}
<div class="advertisement"><p>cheap flights to paris . book now , save big</p></div></article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">oil prices rise again</a>
</li></ul></aside>
<section id="comments"><h3>2 Comments</h3>
<div class="comment"><p>this is all lies. biden dont know what he doing . wake up</p></div>
<div class="comment"><p>agree with above. putin will win this , mark my words. . sad</p></div>
</section></main><footer><p>Copyright 2024 Example News</p></footer></body></html>"""


def test_item_1_reader_comments_and_furniture_do_not_count(shipped_detector: Detector) -> None:
    bare = seed("001")
    result = shipped_detector.detect(seed_page(bare), content_type="html")
    assert result.status == "scored" and result.text is not None
    for word in ("biden dont", "cheap flights", "cookies", "oil prices"):
        assert word not in result.text
    assert result.probability == pytest.approx(shipped_detector.detect(bare).probability, abs=0.05)


def test_item_4_the_api_reads_html_when_told_and_says_so_when_not() -> None:
    import mtdetect

    markup = seed_page(seed("001"))
    plain = mtdetect.detect(markup)
    assert plain.status == "not_english" and 'content_type="html"' in plain.reason
    assert mtdetect.detect(markup, content_type="html").status == "scored"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"Blinken\t5\n\xff\xfeBad\n", "line 2: not valid UTF-8"),
        (b"\x7fELF\x00\x01\x02", "binary file"),
        (b"Blinken\tfive\n", "line 1: count 'five' is not a whole number"),
        (b"# only a comment\n\n", "holds no names"),
    ],
)
def test_item_9_a_bad_gazetteer_is_one_error_up_front(
    tmp_path: Path, data: bytes, says: str
) -> None:
    import subprocess
    import sys

    bad = tmp_path / "names.tsv"
    bad.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "mtdetect", "score", "--gazetteer", str(bad), str(SEEDS)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""  # nothing was scored
    (line,) = done.stderr.splitlines()
    assert line.startswith("mtdetect: error: gazetteer ") and says in line


def test_item_9_the_api_refuses_a_bad_gazetteer_when_loading(tmp_path: Path) -> None:
    from mtdetect.gazetteer import GazetteerError

    bad = tmp_path / "names.tsv"
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(GazetteerError, match="not valid UTF-8"):
        Detector.load(gazetteer=bad)


ROOT = Path(__file__).resolve().parents[2]


def test_item_11_cli_and_api_records_have_one_shape(shipped_detector: Detector) -> None:
    import json
    import subprocess
    import sys

    from mtdetect._schema import SCHEMA_VERSION

    (path,) = SEEDS.glob("002_*.txt")
    done = subprocess.run(
        [sys.executable, "-m", "mtdetect", "score", "-f", "jsonl", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    record = json.loads(done.stdout)
    api = shipped_detector.detect(path.read_text(encoding="utf-8")).to_dict()
    assert record["schema_version"] == api["schema_version"] == SCHEMA_VERSION
    assert isinstance(record["boilerplate"], list) and record["boilerplate"]
    assert {k: v for k, v in record.items() if k not in ("path", "notes")} == api


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_item_11_json_output_stays_valid_when_interrupted(tmp_path: Path, jobs: str) -> None:
    import json
    import signal
    import subprocess
    import sys

    lines = [json.dumps({"id": i, "text": seed("001")}) for i in range(3000)]
    records = tmp_path / "records.jsonl"
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mtdetect", "score", "-i", "jsonl", "-f", "json", "-j", jobs]
        + [str(records)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        bufsize=0,  # unbuffered: communicate() reads the pipe itself, past any buffer
    )
    assert proc.stdout is not None
    first = b""
    while b"\n  }" not in first:  # wait for the end of the first record
        chunk = proc.stdout.read(4096)
        if not chunk:
            break
        first += chunk
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    data = json.loads(first + out)
    assert proc.returncode == 130 and b"interrupted" in err
    assert 0 < len(data) < 3000 and [r["id"] for r in data] == list(range(len(data)))


class _Terminal:
    """A stderr that says it is a terminal and keeps what is written."""

    def __init__(self) -> None:
        import io

        self.buffer = io.StringIO()

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("quiet", [False, True])
def test_item_10_a_progress_bar_with_rate_and_time_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], quiet: bool
) -> None:
    import re
    import sys

    from mtdetect.cli import main

    for i in range(25):
        (tmp_path / f"{i:02}.txt").write_text(seed("001"), encoding="utf-8")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["score", str(tmp_path), *(["--quiet"] if quiet else [])]) == 0
    shown = terminal.buffer.getvalue()
    if quiet:
        assert shown == ""
        return
    assert "25/25" in shown and "inputs/s" in shown  # done, total and rate
    assert re.search(r"\d\d:\d\d<\d\d:\d\d", shown)  # elapsed < time left
    assert "inputs/s" not in capsys.readouterr().out


def test_item_10_training_feature_extraction_shows_a_bar_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from mtdetect.features import FeatureExtractor
    from training.dataset import featurize

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    extractor = FeatureExtractor(families=("surface",)).fit([])
    matrix = featurize(extractor, [seed("001")] * 3, use_cache=False, label="test")
    assert matrix.shape[0] == 3
    shown = terminal.buffer.getvalue()
    assert "featurize test" in shown and "/3 [" in shown and "docs/s" in shown


# -- Documentation that does not match behaviour ---------------------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_python_example() -> str:
    start = README.index("```python\nimport mtdetect\n") + len("```python\n")
    return README[start : README.index("```", start)]


@pytest.mark.parametrize("short", [False, True])
def test_docs_the_readme_example_survives_an_abstention(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, short: bool
) -> None:
    code = _readme_python_example()
    if short:  # probability is None: the example must not do arithmetic on it
        code = code.replace(
            'open("../shared/seeds/004_d606118ac6020601.txt", encoding="utf-8").read()',
            '"Too short to judge."',
        )
        assert "Too short" in code
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith("too_short") if short else out.startswith("scored 1.0 True")


@pytest.mark.parametrize(
    ("data", "text", "note"),
    [
        (b"caf\xe9 cr\xe8me", "café crème", "decoded as Windows-1252"),
        ("café ".encode() + b"\xff cr\xc3\xa8me", "café \ufffd crème", "replaced with \ufffd"),
        (
            b'<html><head><meta charset="iso-8859-2"></head><body><p>\xb1</p></body></html>',
            "ą",
            "decoded as iso8859-2, as the page declares",
        ),
    ],
)
def test_docs_invalid_utf8_is_decoded_as_the_readme_says(
    tmp_path: Path, data: bytes, text: str, note: str
) -> None:
    from mtdetect.reading import read_input

    path = tmp_path / ("page.html" if data.startswith(b"<") else "legacy.txt")
    path.write_bytes(data)
    item = read_input(str(path))
    assert text in (item.text or "") and any(note in n for n in item.notes)
    assert "as Windows-1252" in README and "replaced by U+FFFD" in README
    assert "declares a charset" in README


def test_docs_load_options_are_keyword_only_as_documented() -> None:
    import inspect

    parameters = inspect.signature(Detector.load).parameters
    assert parameters["gazetteer"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["base_rate"].kind is inspect.Parameter.KEYWORD_ONLY
    assert "Detector.load(path=None, *, gazetteer=None, base_rate=None)" in README


def test_docs_a_broken_pipe_exits_2_quietly_as_documented(tmp_path: Path) -> None:
    import subprocess
    import sys

    for i in range(200):
        (tmp_path / f"{i:03}.txt").write_text(seed("001"), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mtdetect", "score", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `| head -1` does
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 2 and b"Traceback" not in err
    assert "| head`): the run stops quietly" in README


def test_docs_result_fields_and_detect_are_documented() -> None:
    from mtdetect.detector import DetectionResult

    assert "`threshold`: the threshold this verdict used" in README
    assert "`result.to_dict()`" in README and "schema_version" in README
    assert Detector.detect.__doc__ and "never raises" in Detector.detect.__doc__
    assert DetectionResult.to_dict.__doc__
    for option in ("--max-bytes N", "--min-weight W", "progress bar"):
        assert option in README


def test_docs_weightless_evidence_is_hidden_under_ok_verdicts_unless_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mtdetect.cli import main

    (path,) = SEEDS.glob("003_*.txt")
    assert main(["score", "--explain", "5", str(path)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("ok ") and "+0.00" not in shown and "+0.01" not in shown
    assert main(["score", "--explain", "5", "--min-weight", "0", str(path)]) == 0
    assert "+0.00" in capsys.readouterr().out
    assert main(["score", "-f", "jsonl", str(path)]) == 0  # machine output keeps it all
    assert '"weight": 0.0' in capsys.readouterr().out


def test_docs_the_reflow_claim_is_what_bench_reflow_measures() -> None:
    assert "| probability change when reflowed, quotes swapped, boilerplate added | 0.000" not in (
        README
    )
    assert "python benchmarks/bench_reflow.py" in README and (ROOT / "benchmarks").is_dir()
    assert (ROOT / "benchmarks" / "bench_reflow.py").is_file()


def test_done_when_bench_prints_the_jobs_speedup_and_the_big_input_peak(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_pipeline
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    # the -j runs take minutes: their printing is checked on fixed timings
    runs = {1: {"docs_s": 50.0, "wall_s": 40.0, "cpu_s": 41.0, "load_before": 1.0}}
    runs[2] = {"docs_s": 85.0, "wall_s": 23.5, "cpu_s": 44.0, "load_before": 1.0}
    bench_pipeline.print_jobs({"n": 2000, "runs": runs, "speedup": bench_pipeline.speedups(runs)})
    bench_pipeline.print_big(bench_pipeline.measure_big(0.3, articles=[seed("001")]))
    out = capsys.readouterr().out
    assert "speed-up of -j 2 over -j 1 on 2000 articles: 1.70x" in out
    assert "0 MB file, --max-bytes 60000000: peak " in out and "exit 0" in out
    bench = (ROOT / "benchmarks" / "bench.py").read_text(encoding="utf-8")
    assert "bench_pipeline.print_jobs(" in bench and "bench_pipeline.print_big(" in bench


# -- Evasion, documented and measured ----------------------------------------------------


@pytest.mark.parametrize(
    ("cleanup", "text", "cleaned"),
    [
        ("punctuation", "he said . , then", "he said. then"),
        ("punctuation", "worth $ 2.5 billion ( about 5 % )", "worth $2.5 billion (about 5%)"),
        ("punctuation", "Wait... what ?!", "Wait... what?"),
        ("capitalisation", "the official said. top american.", "the official said. Top american."),
        (
            "capitalisation",
            "U.S. officials met at 9 a.m. on Friday",
            "U.S. officials met at 9 a.m. on Friday",
        ),
        ("names", "Secretary Anthony Brinken said", "Secretary Anthony Blinken said"),
    ],
)
def test_evasion_cleanups_do_what_they_say(cleanup: str, text: str, cleaned: str) -> None:
    from training.robustness import CLEANUPS

    assert CLEANUPS[cleanup](text) == cleaned


def test_evasion_the_seeds_the_issue_cleaned_fall_below_the_threshold(
    shipped_detector: Detector,
) -> None:
    """What the issue found, kept measured: all three clean-ups clear seeds 002 and 004."""
    from training.robustness import fix_all

    for prefix in ("002", "004"):
        assert shipped_detector.detect(seed(prefix)).flagged
        assert not shipped_detector.detect(fix_all(seed(prefix))).flagged
    assert shipped_detector.detect(fix_all(seed("000"))).flagged  # names, fragments stay


def test_evasion_the_model_card_and_readme_carry_the_robustness_report(tmp_path: Path) -> None:
    import json

    from training.evaluation.model_card import render_markdown
    from training.robustness import REPORT_JSON, card_section

    assert REPORT_JSON.is_file(), "run python -m training.robustness"
    report = json.loads(REPORT_JSON.read_text(encoding="utf-8"))
    assert set(report["slices"]) == {
        "MT (single leg, WMT)",
        "round trips (Apertium, 4 pivots)",
        "spun seeds",
    }
    metrics = json.loads((REPORT_JSON.parent / "metrics.json").read_text(encoding="utf-8"))
    card = render_markdown(metrics)
    assert "## Robustness: what the score survives" in card
    assert "\n".join(card_section()) in card
    assert card_section(tmp_path / "absent.json") == []
    assert "## Robustness" in (ROOT / "training" / "reports" / "metrics.md").read_text("utf-8")
    assert "python -m training.robustness" in README
