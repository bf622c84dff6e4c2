"""The report of the five seeds as a person sees it: headless Chromium's DOM and pixels.

With ``--reference`` (an index of seeds 001 and 003), seed 000 is shown beside
its original, the changes marked on both sides.

Skipped when no Chromium is installed, unless MTDETECT_REQUIRE_BROWSER is set
(``.ci/run`` installs Chromium and sets it, so CI cannot skip silently).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_html_report import parse

from scripts import report_screenshot as browser

ROOT = Path(__file__).resolve().parents[1]

SEEDS = ROOT.parent / "shared" / "seeds"
#: evidence the shipped model finds in the seeds, and the family it belongs to
EXPECTED = {
    "Brinken": "names",  # 000: near miss to Blinken
    "marginal policies": "phrases",  # 000: a pair native news never uses
    "Blnken": "names",  # 002: a second spelling of one name
    "Zelenskiyn": "names",  # 004: a second spelling of one name
}
#: the changes the side-by-side view marks in seed 000 (this text, the original)
CHANGES = {("Brinken", "Blinken"), ("marginal policies", "brinksmanship"), ("Piver", "Pifer")}
NAMES_COLOUR = (0xFF, 0xB3, 0xB3)  # FAMILY_COLOURS["names"]
FLAGGED_RED = (0xC6, 0x28, 0x28)  # the FLAGGED badge and the scale's fill

if browser.find_chromium() is None:
    if os.environ.get("MTDETECT_REQUIRE_BROWSER"):
        raise RuntimeError("MTDETECT_REQUIRE_BROWSER is set but chromium is not installed")
    pytest.skip("chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "report.html"
    seeds = sorted(str(path) for path in SEEDS.glob("*.txt"))
    assert len(seeds) == 5
    assert browser.write_report(seeds, out) == 1  # three of the five are flagged
    return out


def test_chromium_shows_each_piece_of_evidence_marked(page: Path) -> None:
    dom = parse(browser.dump_dom(page, timeout=60))
    assert dom.ids.count("order-probability") == 1
    assert sum(1 for i in range(5) if f"input-{i}" in dom.ids) == 5
    marks = {key: "".join(pieces) for key, pieces in dom.marks.items()}
    first = {attrs["data-ev"]: attrs for tag, attrs in dom.tags if tag == "mark" and "id" in attrs}
    for words, fam in EXPECTED.items():
        found = [key for key, text in marks.items() if text == words]
        assert found, f"no mark holds {words!r}"
        for key in found:
            assert f"family-{fam}" in first[key]["class"].split()
            assert first[key]["title"].endswith(")")  # "message (+weight)"
    # as the browser parsed it, the first article's text is the file's, character for character
    text = (SEEDS / "000_0dddf2523bbd9dd2.txt").read_text(encoding="utf-8")
    assert "".join(dom.article).startswith(text.replace("\r\n", "\n")[:2000])


def test_chromium_draws_a_page_that_is_not_blank(page: Path, tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "report.png"
    browser.screenshot(page, png, size=(1000, 1200), timeout=60)
    with Image.open(png) as image:
        assert image.size == (1000, 1200)
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50  # text, tables and highlights, not one flat colour
    present = {colour for _, colour in colours}
    assert NAMES_COLOUR in present  # the "Brinken" highlight of the first article
    assert FLAGGED_RED in present


@pytest.fixture(scope="module")
def reference_page(tmp_path_factory: pytest.TempPathFactory, tiny_model_path: Path) -> Path:
    """seed 000 reported against an index of 001 and 003 (the tiny model: only the view counts)."""
    from mtdetect.cli import main

    tmp = tmp_path_factory.mktemp("reference")
    originals = [str(SEEDS / "001_23193a929d98843b.txt"), str(SEEDS / "003_3cd5b1731c5eabf5.txt")]
    assert main(["index", "build", *originals, "-o", str(tmp / "seeds.sqlite")]) == 0
    out = tmp / "report.html"
    argv = ["report", "-m", str(tiny_model_path), "--reference", str(tmp / "seeds.sqlite")]
    assert main([*argv, str(SEEDS / "000_0dddf2523bbd9dd2.txt"), "-o", str(out)]) == 1
    return out


def test_chromium_shows_the_changes_beside_the_original(reference_page: Path) -> None:
    dom = parse(browser.dump_dom(reference_page, timeout=60))
    assert "ref-0" in dom.ids
    marks = {key: "".join(pieces) for key, pieces in dom.marks.items()}
    first = {attrs["data-ev"]: attrs for tag, attrs in dom.tags if tag == "mark" and "id" in attrs}
    pairs = {}
    for key, text in marks.items():
        if key.startswith("ref-0-s-"):
            pairs[(text, marks[key.replace("-s-", "-o-")])] = key
    assert set(pairs) >= CHANGES
    brinken = pairs[("Brinken", "Blinken")]
    for key in (brinken, brinken.replace("-s-", "-o-")):
        assert "reference.name" in first[key]["class"].split()
        assert first[key]["title"] == "'Brinken' for 'Blinken': a name respelled"
