"""Benchmark inputs: news articles of a realistic size made from native news documents."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from training.corpus import native_news  # noqa: E402

ARTICLE_BYTES = (4_500, 6_000)


def article_runs(n: int) -> list[list[str]]:
    """``n`` articles of 4.5-6 KB, each a run of whole native news documents."""
    out: list[list[str]] = []
    run: list[str] = []
    for text in native_news("selection", 8 * n):
        run.append(text)
        size = sum(map(len, run))
        if size > ARTICLE_BYTES[1]:
            run = [text] if len(text) <= ARTICLE_BYTES[1] else []
        elif size >= ARTICLE_BYTES[0]:
            out.append(run)
            run = []
            if len(out) == n:
                break
    if len(out) < n:
        raise SystemExit(f"only {len(out)} articles could be made from the corpus")
    return out


def articles(n: int, joiner: str = "\n\n") -> list[str]:
    """The same articles as single strings, documents joined by ``joiner``."""
    return [joiner.join(run) for run in article_runs(n)]
