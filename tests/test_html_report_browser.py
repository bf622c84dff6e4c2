"""The report of the five seeds as a person sees it: headless Chromium's DOM and pixels.

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
