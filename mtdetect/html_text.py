"""HTML to article text with the standard library's parser.

The detector scores prose, not markup: tags, scripts, menus and footers would
only add noise (and words no translator touched). This keeps the text of the
page body, drops elements that never hold article text, and turns block
elements into paragraph breaks so sentences from different blocks never run
together. It is deliberately simple: boilerplate *lines* that survive (share
widgets, "Related Posts") are removed later by :mod:`mtdetect.boilerplate`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never article text.
SKIPPED = frozenset(
    """script style noscript template head nav footer aside form button select
    option textarea svg canvas iframe object embed audio video map dialog""".split()
)
# The fallback when a page's structure hides everything (an unclosed <nav>).
MINIMAL_SKIPPED = frozenset("script style noscript template head".split())
# Elements that start a new paragraph.
BLOCKS = frozenset(
    """p div section article main header h1 h2 h3 h4 h5 h6 ul ol li dl dt dd
    blockquote pre table thead tbody tfoot tr td th figure figcaption address
    hr details summary caption center body html""".split()
)
# Elements without an end tag: they never open a skipped region.
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    def __init__(self, skipped: frozenset[str] = SKIPPED) -> None:
        super().__init__(convert_charrefs=True)
        self.skipped = skipped
        self.parts: list[str] = []
        self._skip_tag: str | None = None  # element whose subtree is being skipped
        self._skip_depth = 0
        self._pre = 0

    @staticmethod
    def _hidden(attrs: list[tuple[str, str | None]]) -> bool:
        for name, value in attrs:
            if name == "hidden":
                return True
            if name == "aria-hidden" and (value or "").lower() == "true":
                return True
            if name == "style" and value and re.search(r"display\s*:\s*none", value, re.I):
                return True
        return False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_tag == "head" and tag == "body":
            self._skip_tag = None  # </head> is optional in HTML
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if tag not in VOID and (tag in self.skipped or self._hidden(attrs)):
            self._skip_tag, self._skip_depth = tag, 1
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")
            if tag == "pre":
                self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <img/>, and self-closed elements never open a region
        if self._skip_tag is None and (tag == "br" or tag in BLOCKS):
            self.parts.append("\n" if tag == "br" else "\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag in BLOCKS:
            self.parts.append("\n\n")
            if tag == "pre" and self._pre:
                self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._skip_tag is not None:
            return
        if self._pre:
            self.parts.append(data)
        else:
            # whitespace in HTML text is insignificant, line breaks included
            self.parts.append(re.sub(r"\s+", " ", data))


def _extract(markup: str, skipped: frozenset[str]) -> str:
    parser = _TextExtractor(skipped)
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def html_to_text(markup: str) -> str:
    """Visible article text of an HTML page, one paragraph per block, ``\\n\\n`` between."""
    text = _extract(markup, SKIPPED)
    if not text.strip():
        text = _extract(markup, MINIMAL_SKIPPED)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def looks_like_html(text: str) -> bool:
    """True when a document starts like an HTML page (doctype or <html> near the top)."""
    head = text.lstrip("\ufeff \t\r\n")[:1024].lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return head.startswith("<") and "<html" in head
