"""Milliseconds per page of HTML article extraction, and what it keeps and drops.

    python benchmarks/bench_html.py [--n 200]

Why: every HTML input is reduced to its article text by trafilatura before
scoring (``mtdetect.html_text.html_to_text``), so its cost is paid per page.
Pages are built from native news documents (4.5-6 KB of text, its lines as
paragraphs) wrapped in what news sites wrap them in: a cookie banner, a menu,
ad slots inside and beside the article, a related-stories list, reader
comments and a footer. Printed: ms/page (wall and CPU) for trafilatura and
for the standard-library fallback, the share of article paragraphs kept, and
the share of pages where any page furniture leaked into the text.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import _articles  # noqa: E402

from mtdetect.html_text import html_to_text, visible_text  # noqa: E402

# one marker per kind of furniture: none may reach the extracted text
FURNITURE = {
    "banner": "We use cookies to improve your visit",
    "menu": "Weather Sport Business Opinion",
    "ad": "Win a cruise for two",
    "related": "Council approves new bus lanes",
    "comments": "this is fake news , wake up people",
    "footer": "Example Media Group",
}


def articles(n: int) -> list[list[str]]:
    return _articles.article_runs(n)


def page(paragraphs: list[str], rng: random.Random) -> str:
    body = [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    body.insert(
        rng.randrange(1, len(body) + 1),
        f'<div class="advertisement"><p>{FURNITURE["ad"]} this summer, enter now.</p></div>',
    )
    f = FURNITURE
    menu = "".join(f"<li><a href='/{word}'>{word}</a></li>" for word in f["menu"].split())
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>News</title><script>var ads = [];</script></head><body>
<div id="cookie-notice" class="cookie-banner"><p>{f["banner"]}. Accept or manage them.</p>
<button>Accept</button></div>
<header><nav class="site-nav"><ul>{menu}</ul></nav></header>
<main><article class="story"><h1>{html.escape(paragraphs[0][:60])}</h1>
{"".join(body)}</article>
<aside class="related-links"><h2>Related</h2><ul><li><a href="/1">{f["related"]}</a></li>
<li><a href="/2">Hospital wait times fall</a></li></ul></aside>
<section id="comments" class="comments"><h2>2 comments</h2>
<div class="comment"><p>{f["comments"]}</p></div>
<div class="comment"><p>agree . nothing changes , ever</p></div></section></main>
<footer class="site-footer"><p>Copyright 2024 {f["footer"]}. All rights reserved.</p></footer>
</body></html>"""


def weigh_down(markup: str, rng: random.Random) -> str:
    """The page as heavy as a real one: 80 KB of inline script and a 300-link menu."""
    script = "".join(f'{{"id":{rng.randrange(10**6)},"slot":"top-{i}"}},' for i in range(2_600))
    menu = "".join(f"<li><a href='/s/{i}'>Section {i}</a></li>" for i in range(300))
    return markup.replace(
        "<header>", f"<script>var cfg=[{script}];</script><header><ul class='mega-menu'>{menu}</ul>"
    )


def timed(extract, pages: list[str]) -> tuple[list[str], float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    texts = [extract(markup) for markup in pages]
    return texts, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="pages (default 200)")
    args = parser.parse_args()
    rng = random.Random(14)
    docs = articles(args.n)
    pages = [page(paragraphs, rng) for paragraphs in docs]
    html_to_text(pages[0])  # imports and first-call costs are not per page
    print("load average: " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    heavy = [weigh_down(markup, rng) for markup in pages]
    runs = (
        ("trafilatura", html_to_text, pages),
        ("stdlib fallback", visible_text, pages),
        ("trafilatura, heavy", html_to_text, heavy),
    )
    for name, extract, pages in runs:
        print(f"{len(pages)} pages, mean {sum(map(len, pages)) / len(pages) / 1000:.0f} KB of HTML")
        texts, wall, cpu = timed(extract, pages)
        kept = total = leaked = 0
        for paragraphs, text in zip(docs, texts, strict=True):
            flat = " ".join(text.split())
            total += len(paragraphs)
            kept += sum(1 for p in paragraphs if " ".join(p.split()) in flat)
            leaked += any(marker in flat for marker in FURNITURE.values())
        print(
            f"{name:16} {1000 * wall / len(pages):6.1f} ms/page wall, "
            f"{1000 * cpu / len(pages):6.1f} ms/page CPU; paragraphs kept "
            f"{kept / total:.1%}; pages with furniture left {leaked / len(pages):.1%}"
        )


if __name__ == "__main__":
    main()
