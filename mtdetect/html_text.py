"""HTML page to the article's main text.

The detector scores prose, not markup. A page also carries text that is no
part of the article: reader comments, menus, cookie banners, ad slots,
related-story lists. Scored with the article, a commenter's ". biden" became
its strongest evidence. So the page is reduced to its main text by
trafilatura, the reference main-content extractor, with reader comments and
tables left out, after pruning what it keeps but no article holds (ad slots
named "advertisement", hidden elements). Each block of the main text becomes
one paragraph, ``\n\n`` between.

When trafilatura finds no main text (a fragment, a page that is all
navigation), the standard-library extractor below gives the page's visible
text instead. Boilerplate *lines* that survive either ("Related Posts") are
removed later by :mod:`mtdetect.boilerplate`.

Evidence offsets of an HTML input refer to this text, not to the markup.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from typing import Any

# trafilatura logs pages it discards at WARNING; a library must not print them
logging.getLogger("trafilatura").addHandler(logging.NullHandler())

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
_WHITESPACE = re.compile(r"\s+")
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


class PageTooLong(ValueError):
    """The page holds more text than the caller lets the extractor read."""

    def __init__(self, chars: int, limit: int) -> None:
        super().__init__(f"the page holds {chars:,} characters of text; the limit is {limit:,}")
        self.chars, self.limit = chars, limit


def html_to_text(markup: str, max_text: int | None = None) -> str:
    """The article's main text of an HTML page, one paragraph per block, ``\\n\\n`` between.

    ``max_text`` bounds the text of the whole page (scripts and styles not
    counted) that trafilatura is given: its time grows faster than the page
    (0.25 s for 1 MB of text, 4 s for 3 MB), so a larger page raises
    :class:`PageTooLong` before extraction starts.
    """
    text = main_text(markup, max_text)
    if text is None:
        text = visible_text(markup)
    return text


def visible_text(markup: str) -> str:
    """All visible text of the page's body, less navigation, forms and hidden elements."""
    text = _extract(markup, SKIPPED)
    if not text.strip():
        text = _extract(markup, MINIMAL_SKIPPED)
    return _tidy(text)


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# What trafilatura keeps but no article holds, pruned before it runs: ad slots
# by class or id token ("ad", "ads", "advert...", "sponsored"), and elements
# the page hides. Tokens are whole words of the attribute, so "header" or
# "load-more" never match "ad".
_AD_TOKENS = ("ad", "ads", "advert", "adverts", "advertisement", "advertising", "sponsored")
_PRUNE_XPATH = [
    "//*[@hidden or @aria-hidden='true' or contains(translate(@style, ' ', ''), 'display:none')]",
    *(
        f"//*[contains(concat(' ', translate(normalize-space(@{attribute}), '_-', '  '), ' '), "
        f"' {token} ')]"
        for attribute in ("class", "id")
        for token in _AD_TOKENS
    ),
]
# elements whose content is never text, stripped before the page's text is measured
_NEVER_TEXT = ("script", "style", "noscript", "template", "svg")
# trafilatura's text blocks; <lb/> is a line break inside one
_XML_BLOCKS = frozenset("head p list item quote table row cell code div".split())
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def main_text(markup: str, max_text: int | None = None) -> str | None:
    """trafilatura's main text of the page, or None when it finds none."""
    from lxml import etree
    from trafilatura import bare_extraction, load_html

    markup = _XML_DECLARATION.sub("", markup, count=1)  # lxml refuses it in a str
    if not markup.strip():
        return None
    try:
        tree = load_html(markup)
    except Exception:  # a page that breaks the parser: the visible text will do
        return None
    if tree is None:
        return None
    if max_text is not None:
        etree.strip_elements(tree, *_NEVER_TEXT, with_tail=False)
        chars = len(tree.text_content())
        if chars > max_text:
            raise PageTooLong(chars, max_text)
    try:
        document: Any = bare_extraction(
            tree,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            with_metadata=False,
            prune_xpath=_PRUNE_XPATH,
        )
    except Exception:  # a page that breaks the parser: the visible text will do
        return None
    body = getattr(document, "body", None)
    if body is None:
        return None
    text = _tidy(_render(body))
    return text or None


def _render(body: Any) -> str:
    """trafilatura's body as text: blocks become paragraphs, whitespace inside collapses."""
    from lxml import etree

    parts: list[str] = []
    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag == "lb":
                parts.append("\n")
            elif tag in _XML_BLOCKS:
                parts.append("\n\n")
            if element.text:
                parts.append(_WHITESPACE.sub(" ", element.text))
        else:
            if tag in _XML_BLOCKS:
                parts.append("\n\n")
            if element.tail and element is not body:
                parts.append(_WHITESPACE.sub(" ", element.tail))
    return "".join(parts)


def looks_like_html(text: str) -> bool:
    """True when a document starts like an HTML page (doctype or <html> near the top)."""
    head = text.lstrip("\ufeff \t\r\n")[:1024].lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return head.startswith("<") and "<html" in head
