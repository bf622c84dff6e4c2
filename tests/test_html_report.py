"""The HTML report: structure, exact escaping, every span wrapped, offsets kept."""

from __future__ import annotations

import random
import subprocess
import sys
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from mtdetect import cli
from mtdetect.html_report import mark_text, render_report
from mtdetect.report import Writer

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
VOID = {"meta", "br", "hr", "img", "input", "link"}
ARTICLE = (
    "Secretary of State Anthony Brinken said on Friday that the talks will go ahead. "
    "And discussed the plans. <script>alert('x')</script> Prices rose by 5% & more.\n"
    "[ad_1]\nThe two sides said. said they would meet again next month in Geneva."
)


class Page(HTMLParser):
    """The page as a tree walk: balanced tags, each mark's text, the article's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.marks: dict[str, list[str]] = {}  # data-ev -> the text of each piece
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.article: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if "href" in attributes:
            self.hrefs.append(attributes["href"])
        if tag not in VOID:
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        opened, _ = self.stack.pop()
        assert opened == tag, f"<{opened}> closed by </{tag}>: tags cross"

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        inside = [attrs for _, attrs in self.stack]
        if any(attrs.get("class") == "article" for attrs in inside):
            self.article.append(data)
        for key in {attrs["data-ev"] for attrs in inside if "data-ev" in attrs}:
            self.marks.setdefault(key, []).append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert not [tag for tag, _ in parser.stack if tag not in ("html", "body", "main")]
    return parser


def item(kind: str, start: int, end: int, text: str, weight: float = 1.0) -> dict[str, Any]:
    return {
        "kind": kind,
        "start": start,
        "end": end,
        "text": text[start:end],
        "message": f"why {kind}",
        "weight": weight,
    }


def record(text: str | None, evidence: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    base = {
        "path": "article.txt",
        "probability": 0.999,
        "flagged": True,
        "status": "scored",
        "reason": "",
        "threshold": 0.994,
        "evidence": evidence,
        "boilerplate": 0,
        "notes": [],
        "model_version": "test-1",
        "text": text,
    }
    return {**base, **fields}


def article_record() -> dict[str, Any]:
    spans = [
        item("names.near_miss", 27, 34, ARTICLE, 2.5),
        item("surface.subjectless_fragment", 81, 94, ARTICLE, 1.2),
        item("phrases.odd_pair_rate", 27, 39, ARTICLE, 0.1),  # overlaps the name
        item(
            "surface.echo_join",
            ARTICLE.index("said. said"),
            ARTICLE.index("said. said") + 10,
            ARTICLE,
        ),
    ]
    return record(ARTICLE, spans, boilerplate=1)


def test_every_span_is_wrapped_once_and_keeps_its_offsets() -> None:
    rec = article_record()
    page = parse(render_report([rec]))
    assert "".join(page.article) == ARTICLE  # nothing added, nothing lost
    for j, evidence in enumerate(rec["evidence"]):
        assert "".join(page.marks[f"ev-0-{j}"]) == evidence["text"]
        assert page.ids.count(f"ev-0-{j}") == 1
        assert f"#ev-0-{j}" in page.hrefs  # its evidence row links to it
    marks = {attrs["id"]: attrs for tag, attrs in page.tags if tag == "mark" and "id" in attrs}
    assert marks["ev-0-0"]["class"] == "names.near_miss family-names"
    assert marks["ev-0-0"]["title"] == "why names.near_miss (+2.50)"


def test_input_text_never_becomes_markup() -> None:
    page_html = render_report([article_record()])
    assert "<script" not in page_html and "&lt;script&gt;alert(" in page_html
    assert "5% &amp; more" in page_html
    page = parse(page_html)
    assert not [tag for tag, _ in page.tags if tag == "script"]
    hostile = record(
        "A <b>bold</b> claim & a \"quote\" 'here'.",
        [
            {
                "kind": 'x" onmouseover="alert(1)',
                "start": 2,
                "end": 13,
                "text": "<b>bold</b>",
                "message": '"><script>alert(1)</script>',
                "weight": 1.0,
            }
        ],
        path="<img src=x onerror=alert(1)>.txt",
    )
    hostile_html = render_report([hostile])
    assert "<script" not in hostile_html and "<img" not in hostile_html
    parsed = parse(hostile_html)
    assert not [attrs for _, attrs in parsed.tags if "onmouseover" in attrs or "onerror" in attrs]
    assert "".join(parsed.marks["ev-0-0"]) == "<b>bold</b>"
    assert "<b>bold" not in hostile_html and "&lt;b&gt;bold&lt;/b&gt;" in hostile_html


@pytest.mark.parametrize("seed", range(40))
def test_overlapping_spans_never_cross_tags(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("ab <&>\n\u00e9\U0001f600") for _ in range(60))
    spans = []
    for _ in range(rng.randint(1, 12)):
        start = rng.randrange(len(text))
        spans.append(
            item(
                rng.choice(("names.x", "surface.y", "odd")),
                start,
                rng.randint(start + 1, len(text)),
                text,
            )
        )
    cuts = sorted({(s, s + rng.randint(1, 8)) for s in rng.sample(range(50), 3)})
    page = parse(f'<div class="article">{mark_text(text, spans, cuts)}</div>')
    assert "".join(page.article) == text
    for j, evidence in enumerate(spans):
        assert "".join(page.marks[f"ev-0-{j}"]) == evidence["text"]
        assert page.ids.count(f"ev-0-{j}") == 1


def test_spans_outside_the_text_are_left_out() -> None:
    text = "Short text here."
    spans = [item("names.x", 0, 5, text), {**item("names.x", 0, 5, text), "start": 10, "end": 99}]
    page = parse(f'<div class="article">{mark_text(text, spans)}</div>')
    assert "".join(page.article) == text and set(page.marks) == {"ev-0-0"}
    links = [href for href in parse(render_report([record(text, spans)])).hrefs]
    assert "#ev-0-0" in links and "#ev-0-1" not in links  # no link to a mark that is not there


def test_boilerplate_is_dimmed_in_place_and_listed_apart() -> None:
    page_html = render_report([article_record()])
    assert '<span class="boilerplate"' in page_html and ">[ad_1]</span>" in page_html
    assert "Removed before scoring (1)" in page_html and "<li>[ad_1]</li>" in page_html


def test_evidence_table_is_sorted_by_weight() -> None:
    page = parse(render_report([article_record()]))
    rows = [href for href in page.hrefs if href.startswith("#ev-")]
    assert rows == ["#ev-0-0", "#ev-0-1", "#ev-0-3", "#ev-0-2"]  # 2.5, 1.2, 1.0, 0.1


def test_scale_marks_probability_and_threshold() -> None:
    page_html = render_report([article_record()])
    assert 'class="fill" style="width:99.9%"' in page_html
    assert 'class="cut" style="left:99.4%"' in page_html and "threshold 0.994" in page_html
    assert "FLAGGED" in page_html and "<h3>Summary</h3>" not in page_html


def test_many_inputs_get_a_summary_sortable_by_probability() -> None:
    low = record("Plain text.", [], probability=0.1, flagged=False, path="low.txt")
    short = record(
        "Too short.", [], probability=None, flagged=False, status="too_short", reason="5 words"
    )
    error = record(None, [], probability=None, status="error", reason="cannot read", path="x")
    page_html = render_report([low, article_record(), short, error])
    page = parse(page_html)
    assert "4 inputs: 1 flagged, 1 ok, 1 abstained, 1 error" in page_html
    assert {"order-input", "order-probability", "input-0", "input-3"} <= set(page.ids)
    by_probability = page_html.split('id="order-probability"')[1].split("</table>")[0]
    links = [part.split('"')[0] for part in by_probability.split('href="#input-')[1:]]
    assert links == ["1", "0", "2", "3"]
    assert "abstained: too_short" in page_html and "5 words" in page_html
    assert "cannot read" in page_html and "The scored text is not in this record." in page_html


def test_extra_sections_plug_in_after_the_evidence() -> None:
    def reference(rec: dict[str, Any], index: int) -> str:
        return f'<section class="reference" id="ref-{index}">{rec["path"]}</section>'

    page_html = render_report([article_record()], sections=[reference], extra_css=".x{}")
    assert page_html.index('id="ref-0"') > page_html.index("Evidence (4)")
    assert ".x{}" in page_html


def test_writer_html_format_writes_one_page() -> None:
    import io

    stream = io.StringIO()
    writer = Writer(stream, "html")
    writer.write(article_record())
    writer.write(record("Plain.", [], flagged=False, probability=0.2))
    writer.close()
    assert stream.getvalue().startswith("<!DOCTYPE html>")
    assert stream.getvalue().count('<section class="input') == 2


# -- the command line, with the shipped model ----------------------------------------


def test_report_command_writes_the_page(tmp_path: Path, capsys: Any) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "report.html"
    seed = str(SEEDS / "000_0dddf2523bbd9dd2.txt")
    assert cli.main(["report", seed, str(hostile), "-o", str(out)]) == 1  # seed 000 is flagged
    assert f"wrote {out}" in capsys.readouterr().err
    page_html = out.read_text(encoding="utf-8")
    page = parse(page_html)
    assert "<script" not in page_html and "&lt;script&gt;" in page_html
    brinken = [key for key, pieces in page.marks.items() if "".join(pieces) == "Brinken"]
    assert brinken and brinken[0].startswith("ev-0-")
    assert "<h3>Summary</h3>" in page_html


def test_score_format_html_carries_the_text(tmp_path: Path, capsys: Any) -> None:
    seed = str(SEEDS / "004_d606118ac6020601.txt")
    assert cli.main(["score", seed, "--format", "html"]) == 1
    page = parse(capsys.readouterr().out)
    text = (SEEDS / "004_d606118ac6020601.txt").read_text(encoding="utf-8")
    assert "".join(page.article) == text.replace("\r\n", "\n")
    assert any("".join(pieces) == "Zelenskiyn" for pieces in page.marks.values())


def test_an_html_page_is_shown_as_its_extracted_text(tmp_path: Path, capsys: Any) -> None:
    text = (SEEDS / "004_d606118ac6020601.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    page_file = tmp_path / "page.html"
    page_file.write_text(
        f"<html><head><title>t</title></head><body><nav>Home | News</nav><article>{paragraphs}"
        "</article><footer>Copyright</footer></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    assert cli.main(["report", str(page_file), "-o", str(out)]) == 1
    page = parse(out.read_text(encoding="utf-8"))
    shown = "".join(page.article)
    assert "Zelenskiyn" in shown and "Home | News" not in shown and "<p>" not in shown
    assert any("".join(pieces) == "Zelenskiyn" for pieces in page.marks.values())


def test_report_in_a_real_process(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    seed = str(SEEDS / "001_23193a929d98843b.txt")
    done = subprocess.run(
        [sys.executable, "-m", "mtdetect", "report", seed, "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr  # an original: nothing flagged
    page_html = out.read_text(encoding="utf-8")
    assert page_html.startswith("<!DOCTYPE html>") and '<span class="verdict v-ok">ok' in page_html
    assert "http://" not in page_html and "https://" not in page_html  # nothing fetched
