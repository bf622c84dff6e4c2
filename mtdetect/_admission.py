"""Which inputs reach the signals, and why the others do not.

Checked before any signal runs, where a refusal is cheap: the wrong type,
too long, an HTML page passed as text, too short, or not English. A refused
input gets a status and a reason instead of a probability.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtdetect.evidence import Evidence
from mtdetect.features import FeatureExtractor, Prepared

#: fewer words than this and a verdict would be a guess: abstain
MIN_WORDS_TO_SCORE = 40
#: longer texts abstain as "too_long": scoring takes about 130 bytes of memory a character
MAX_CHARS = 1_000_000
#: HTML markup is not parsed when longer than this many times ``max_chars``
HTML_MARKUP_FACTOR = 10
#: nor is the page's main text extracted when the page holds more text than this
#: many times ``max_chars`` (extraction time grows faster than the page)
HTML_TEXT_FACTOR = 2
_HTML_HINT = (
    'looks like an HTML page, not plain text: pass content_type="html" to score its article'
)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an input is not scored: a result status, a reason, the boilerplate seen so far."""

    status: str
    reason: str
    boilerplate: tuple[Evidence, ...] = ()


def page_text(markup: str, max_chars: int | None) -> str | Refusal:
    """A page's article text, or why it is not read (too long to parse, extraction failed)."""
    from mtdetect import html_text

    if max_chars is not None and len(markup) > HTML_MARKUP_FACTOR * max_chars:
        return Refusal(
            "too_long",
            f"HTML page of {len(markup):,} characters; pages over {HTML_MARKUP_FACTOR} x "
            f"max_chars ({HTML_MARKUP_FACTOR * max_chars:,}) are not parsed",
        )
    try:
        return html_text.html_to_text(
            markup, None if max_chars is None else HTML_TEXT_FACTOR * max_chars
        )
    except html_text.PageTooLong as exc:
        return Refusal(
            "too_long",
            f"HTML page with {exc.chars:,} characters of text; pages with over "
            f"{HTML_TEXT_FACTOR} x max_chars ({exc.limit:,}) are not extracted",
        )
    except Exception as exc:  # a scorer in a pipeline must not crash its host
        return Refusal("error", f"HTML extraction failed: {exc}")


def admit(
    extractor: FeatureExtractor, text: object, max_chars: int | None, plain: bool
) -> Prepared | Refusal:
    """``text`` prepared for the signals (boilerplate removed, tokenised), or a refusal.

    ``plain`` is true when the caller said the text is plain text, so that
    a page passed by mistake is refused with a hint rather than misjudged.
    """
    if not isinstance(text, str):
        return Refusal("error", f"expected str, got {type(text).__name__}")
    if max_chars is not None and len(text) > max_chars:
        return Refusal(
            "too_long",
            f"{len(text):,} characters; the detector reads at most {max_chars:,} (max_chars)",
        )
    if plain:
        from mtdetect.html_text import looks_like_html

        if looks_like_html(text):
            return Refusal("not_english", _HTML_HINT)
    # a scorer in a pipeline must not crash its host: failures become "error"
    try:
        prepared = extractor.prepare(text)
    except Exception as exc:
        return Refusal("error", f"feature extraction failed: {exc}")
    n_words = prepared.doc.n_words
    if n_words < MIN_WORDS_TO_SCORE:
        return Refusal(
            "too_short",
            f"{n_words} words after removing boilerplate; need at least {MIN_WORDS_TO_SCORE}",
            prepared.boilerplate,
        )
    from mtdetect.language import english_verdict

    verdict = english_verdict(prepared.doc)
    if verdict is not None:
        return Refusal("not_english", verdict, prepared.boilerplate)
    return prepared
