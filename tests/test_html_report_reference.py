"""The report's --reference view: each text beside its original, changes marked on both sides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reference_texts import ORIGINAL, SPUN
from test_html_report import parse, record

from mtdetect._report_reference import CSS, ReferenceSection, render_section, rows
from mtdetect.cli import main
from mtdetect.html_report import render_report
from mtdetect.reference.compare import compare
from mtdetect.reference.index import Reference, Source
from mtdetect.reference.scoring import EVIDENCE_KINDS

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_000 = SEEDS / "000_0dddf2523bbd9dd2.txt"
ORIGINALS = [SEEDS / "001_23193a929d98843b.txt", SEEDS / "003_3cd5b1731c5eabf5.txt"]
EXTRA = "The utility said crews from three states would help restore power by the weekend.\n"
ADDED = "Follow us on all the social networks for more news of the day.\n"


def marked(comparison: Any) -> list[Any]:
    return [change for change in comparison.changes if change.kind in EVIDENCE_KINDS]


def check_marks(page: Any, comparison: Any, index: int = 0) -> None:
    """Each change is one mark on each side whose text is exactly the change's text there."""
    changes = marked(comparison)
    assert changes
    first = {a["data-ev"]: a for tag, a in page.tags if tag == "mark" and "id" in a}
    for j, change in enumerate(changes):
        for side, span in (("s", change.suspect), ("o", change.original)):
            key = f"ref-{index}-{side}-{j}"
            assert "".join(page.marks[key]) == span.text
            assert page.ids.count(key) == 1
            assert first[key]["title"] == change.message
            assert f"reference.{change.kind}" in first[key]["class"].split()


def test_both_sides_are_marked_at_the_exact_offsets() -> None:
    comparison = compare(SPUN, ORIGINAL)
    page = parse(render_section(comparison, SPUN, ORIGINAL, "storm", 0))
    check_marks(page, comparison)
    kinds = [change.kind for change in marked(comparison)]
    assert kinds == ["number", "name", "phrase"]
    whole = "".join(page.text)
    assert "Whitford" in whole and "Whitfield" in whole and "edge politics" in whole


def test_dropped_and_added_sentences_are_shown_where_they_were() -> None:
    original = ORIGINAL.replace("Schools", EXTRA + "Schools")
    spun = SPUN + "\n" + ADDED
    comparison = compare(spun, original)
    table = rows(comparison)
    kinds = [
        "dropped" if r.suspect is None else "added" if r.original is None else "pair" for r in table
    ]
    assert kinds == ["pair"] * 4 + ["dropped", "pair", "pair", "added"]
    dropped, added = table[4], table[-1]
    assert dropped.original is not None and added.suspect is not None
    assert original[dropped.original[0] : dropped.original[1]] == EXTRA.strip()
    assert spun[added.suspect[0] : added.suspect[1]] == ADDED.strip()
    html = render_section(comparison, spun, original, "storm", 3)
    assert html.count('<tr class="dropped">') == 1 and html.count('<tr class="added">') == 1
    assert "1 sentence added, 1 sentence of the original left out" in html
    check_marks(parse(html), comparison, 3)


def test_text_and_ids_never_become_markup() -> None:
    nasty = " <script>alert('x')</script> & <b>bold</b>"
    original = ORIGINAL.replace("with the city.", "with the city." + nasty)
    spun = SPUN.replace("with the city.", "with the city." + nasty)
    comparison = compare(spun, original)
    html = render_section(comparison, spun, original, '<img src=x onerror="1">', 0)
    page = parse(html)
    assert not {tag for tag, _ in page.tags} & {"script", "b", "img"}
    assert "".join(page.text).count("<script>alert('x')</script> & <b>bold</b>") == 2
    assert '<img src=x onerror="1">' in "".join(page.text)
    check_marks(page, comparison)


def test_a_long_run_of_dropped_sentences_is_folded() -> None:
    tail = "".join(f"Unrelated line number {n} about the weather in town {n}.\n" for n in range(6))
    comparison = compare(SPUN, ORIGINAL + "\n" + tail)
    html = render_section(comparison, SPUN, ORIGINAL + "\n" + tail, "storm", 0)
    assert "<details><summary>6 sentences</summary>" in html
    assert rows(comparison)[-1].count == 6


def test_the_page_shows_a_section_for_each_input(tmp_path: Path) -> None:
    reference = Reference.build(tmp_path / "ref.sqlite", [Source("storm", ORIGINAL)])
    records = [
        record(SPUN, [], source="storm", verdict="spun"),
        record("Something else entirely.", []),
        record(None, []),
        record(SPUN, [], source="gone"),
    ]
    html = render_report(records, sections=[ReferenceSection(reference)], extra_css=CSS)
    page = parse(html)
    assert 'id="ref-0"' in html and 'id="ref-1"' not in html
    assert html.count("no original of this text in the index") == 1
    assert "Reference: gone is not in the index." in html
    assert "mark.reference\\.name{" in html
    check_marks(page, compare(SPUN, ORIGINAL))


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reference") / "seeds.sqlite"
    assert main(["index", "build", *map(str, ORIGINALS), "-o", str(path)]) == 0
    return path


def test_report_and_score_html_with_reference(
    tiny_model_path: Path, seed_index: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    argv = ["-m", str(tiny_model_path), "--reference", str(seed_index), str(SEED_000)]
    assert main(["report", *argv, "-o", str(out)]) == 1  # spun: flagged whatever the model says
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    assert "Original found: " in html and '<span class="verdict v-spun">spun</span>' in html
    source = next(path for path in ORIGINALS if f"Original found: {path}<" in html)
    text = SEED_000.read_text(encoding="utf-8").replace("\r\n", "\n")
    comparison = compare(text, source.read_text(encoding="utf-8").replace("\r\n", "\n"))
    check_marks(page, comparison)
    pairs = {("".join(page.marks[f"ref-0-s-{j}"]), "".join(page.marks[f"ref-0-o-{j}"])) for j in
             range(len(marked(comparison)))}  # fmt: skip
    assert {("Brinken", "Blinken"), ("Fushbo", "Vershbow"), ("Piver", "Pifer")} <= pairs
    # score --format html writes the same view
    scored = tmp_path / "score.html"
    assert main(["score", "-f", "html", "-o", str(scored), *argv]) == 1
    section = html[html.index('<section class="reference"') :].split("</section>")[0]
    assert section in scored.read_text(encoding="utf-8")


def test_report_with_workers(tiny_model_path: Path, seed_index: Path, tmp_path: Path) -> None:
    """``report -j 2`` (which once read an option ``report`` did not have) shows the view too."""
    out = tmp_path / "report.html"
    argv = ["report", "-m", str(tiny_model_path), "--reference", str(seed_index), "-j", "2"]
    assert main([*argv, str(SEED_000), str(ORIGINALS[0]), "-o", str(out)]) == 1
    html = out.read_text(encoding="utf-8")
    assert 'id="ref-0"' in html and 'id="ref-1"' in html  # 001 is a copy of itself
