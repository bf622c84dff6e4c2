"""Shortcut transforms: layout and typography that must not change a verdict."""

from __future__ import annotations

import re
from collections.abc import Callable

_SENTENCE_END = re.compile(r"[.!?][\"')\]\u201d\u2019]*$")


def reflow_sentences(text: str) -> str:
    """One line per sentence: words kept, line breaks after sentence-final punctuation."""
    lines: list[list[str]] = [[]]
    for word in text.split():
        lines[-1].append(word)
        if _SENTENCE_END.search(word):
            lines.append([])
    return "\n".join(" ".join(line) for line in lines if line)


def single_line(text: str) -> str:
    """The whole document on one line."""
    return " ".join(text.split())


def paragraphs(text: str, every: int = 3) -> str:
    """A blank line after every ``every`` lines, as in paragraph-formatted pages."""
    lines = [line for line in text.split("\n") if line.strip()]
    blocks = ["\n".join(lines[i : i + every]) for i in range(0, len(lines), every)]
    return "\n\n".join(blocks)


_CURLY_TO_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def swap_quotes(text: str) -> str:
    """Straight quotes become typographic ones and typographic ones straight."""
    out: list[str] = []
    double_open = True
    for i, char in enumerate(text):
        if char in "\u2018\u2019\u201c\u201d":
            out.append(char.translate(_CURLY_TO_STRAIGHT))
        elif char == '"':
            out.append("\u201c" if double_open else "\u201d")
            double_open = not double_open
        elif char == "'":
            before = text[i - 1] if i else " "
            out.append("\u2018" if before.isspace() or before in "([\u201c" else "\u2019")
        else:
            out.append(char)
    return "".join(out)


BOILERPLATE_TOP = ("[ad_1]",)
BOILERPLATE_END = ("Share this:", "Leave a Reply", "Source link")


def add_boilerplate(text: str) -> str:
    """Typical page furniture around the article, as scraped pages carry it."""
    return "\n".join([*BOILERPLATE_TOP, text, *BOILERPLATE_END])


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "reflow_one_sentence_per_line": reflow_sentences,
    "single_line": single_line,
    "paragraphs_every_3_lines": paragraphs,
    "quotes_swapped": swap_quotes,
    "boilerplate_added": add_boilerplate,
}
