"""HTML pages are reduced to the article's main text (issue #14 item 1).

The page below is written the way news sites write theirs: a cookie banner, a
menu, ad slots inside and beside the article, a related-stories list, reader
comments and a footer. Only the article may reach the detector.
"""

from __future__ import annotations

import pytest

from mtdetect.html_text import html_to_text, main_text

PARAGRAPHS = [
    "The harbour council voted on Tuesday to close the old ferry pier after engineers "
    "found cracks in two of its supports.",
    "Residents said the decision came too late for the fishing fleet, which has used the "
    "pier for more than sixty years. Several skippers told the meeting that they had "
    "reported the damage last winter.",
    "The council promised to build a new landing stage by the end of next summer, paid "
    "for from the harbour reserve and a grant from the regional government.",
    "Until then, boats will unload at the marina on the other side of the bay, where the "
    "harbour master has set aside six berths for the fleet.",
]
FURNITURE = [
    "We use cookies to give you the best experience",
    "Home",
    "Subscribe now for 1 dollar a week",
    "Cheap flights to Lisbon",
    "Win a new car today",
    "Mayor opens new library",
    "Storm closes mountain pass",
    "this council is a joke . they never listen",
    "agree with above. nothing will change",
    "Example Coast Media Ltd",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Council closes ferry pier | Example Coast News</title>
<script>window.dataLayer = [];</script></head>
<body>
<div id="cookie-banner" class="cookie-consent">
  <p>We use cookies to give you the best experience. By using this site you accept them.</p>
  <button>Accept all</button>
</div>
<header class="site-header">
  <nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li>
  <li><a href="/sport">Sport</a></li></ul></nav>
  <div class="promo-bar"><a href="/subscribe">Subscribe now for 1 dollar a week</a></div>
</header>
<main>
<article class="story">
  <h1>Council closes ferry pier</h1>
  <p>{PARAGRAPHS[0]}</p>
  <p>{PARAGRAPHS[1]}</p>
  <div class="advertisement"><p>Cheap flights to Lisbon from 29 pounds, book today.</p></div>
  <p>{PARAGRAPHS[2]}</p>
  <div id="ad-slot-2" class="ad-container"><a href="https://ads.example/x">Win a new car today,
  just answer three questions.</a></div>
  <p>{PARAGRAPHS[3]}</p>
</article>
<aside class="related-stories"><h2>Related stories</h2>
  <ul><li><a href="/a">Mayor opens new library</a></li>
  <li><a href="/b">Storm closes mountain pass</a></li></ul>
</aside>
<section id="comments" class="comments">
  <h2>3 comments</h2>
  <div class="comment"><p class="comment-author">harbourwatcher</p>
  <p>this council is a joke . they never listen to anyone. and now the boats suffer.</p></div>
  <div class="comment"><p class="comment-author">jb1961</p>
  <p>agree with above. nothing will change until the election , mark my words</p></div>
</section>
</main>
<footer><p>Copyright 2024 Example Coast Media Ltd. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul></footer>
</body></html>"""


def test_only_the_article_is_kept() -> None:
    text = html_to_text(PAGE)
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    for furniture in FURNITURE:
        assert furniture not in text, furniture


def test_paragraphs_stay_apart() -> None:
    text = html_to_text(PAGE)
    assert f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}" in text


@pytest.mark.parametrize(
    "markup",
    ["", "   ", "<html></html>", "<p>Short.</p>", "\x00<html>\x00", "<<<>>>", "<html>" * 500],
)
def test_odd_markup_never_raises(markup: str) -> None:
    assert isinstance(html_to_text(markup), str)


def test_main_text_is_none_when_there_is_none() -> None:
    assert main_text("<html><body></body></html>") is None
    assert main_text("") is None


def test_a_fragment_without_main_text_gives_its_visible_text() -> None:
    assert html_to_text("<nav><p>Everything is inside a nav") == "Everything is inside a nav"


def test_an_xml_declaration_is_no_obstacle() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>\n<html><body>' + PAGE.split("<body>")[1]
    assert PARAGRAPHS[2] in html_to_text(page)
