"""Remove page boilerplate before scoring, keeping a map back to the input.

Articles copied from the web carry lines that no writer or translator wrote:
ad markers, share widgets, comment forms, copyright notices, aggregator
disclaimers. They must never count as evidence of translation (nor hide it),
so they are cut before the signals run. Only whole lines are removed (plus
unambiguous inline ad markers), and only when a line *is* boilerplate, never
when it merely mentions a boilerplate word: a news story about a comment
policy keeps its sentences. The cleaned text comes with an offset map so that
evidence found in it points into the caller's original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtdetect._urls import is_url_like
from mtdetect.evidence import Evidence

MESSAGE = "page boilerplate, ignored for scoring"

# Decoration stripped from both ends of a line before matching: bullets,
# pipes, arrows, brackets and spaces. "» Related Posts «" is still that.
_DECORATION = (
    " \t\u00a0\u200b\ufeff*\u2022\u00b7\u25aa\u25cf\u2013\u2014|>\u00bb\u00ab<:-=#~_\u2192"
)

# Lines that are boilerplate when they are the *whole* line (after stripping
# decoration and case). Written to be general, not to match any one site.
_WHOLE_LINE = re.compile(
    r"""^(?:
        \[?ad[_ ]?\d+\]?                                   # [ad_1] WordPress ad slots
      | advertis(?:ing|ement)s?(?:\s+feature)?             # ADVERTISING / Advertisement
      | sponsored(?:\s+(?:content|links?|stories|posts?))?
      | (?:story|article)\s+continues\s+below(?:\s+(?:this\s+)?advertisement)?
      | (?:share|tweet|email|print|pin\s+it|whatsapp|facebook|twitter|linkedin|reddit)
      | share\s+(?:this|on|via)(?:\s+\w+){0,3}
      | share\s+(?:this\s+)?(?:article|story|post|page)(?:\s+on\s+\w+)?
      | click\s+to\s+(?:share|email|print|tweet|comment)(?:\b.{0,60})?
      | (?:like\s+this|like\s+loading(?:\.\.\.|\u2026)?)
      | loading(?:\.\.\.|\u2026)
      | (?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+a\s+comment|cancel\s+reply)
      | (?:\d+\s+)?comments?(?:\s+\(\d+\))?
      | (?:view|show|hide|load|read)\s+(?:all\s+)?(?:\d+\s+)?comments?
      | no\s+comments?(?:\s+yet)?
      | (?:be\s+the\s+first\s+to\s+comment)(?:\s+on\s+this\s+\w+)?
      | required\s+fields\s+are\s+marked(?:\s*\*)?
      | (?:related|similar|recommended|more|latest|popular|trending)
        (?:\s+(?:posts?|articles?|stories|news|content|reads?|reading|topics?|videos?))?
      | you\s+(?:may|might)\s+(?:also\s+)?(?:like|be\s+interested\s+in|have\s+missed)
      | (?:also\s+read|read\s+(?:more|also|next)|see\s+also|more\s+on\s+this(?:\s+story)?)
      | source\s+link
      | continue\s+reading
      | connect\s+with\s+us
      | follow\s+us(?:\s+on\s+[\w ,&]{1,60})?
      | back\s+to\s+top(?:\s+button)?
      | skip\s+to\s+(?:main\s+)?content
      | (?:top\s+)?trending(?:\s+now)?
      | blank
      | \(?image\)?|photo|video|watch(?:\s+(?:now|video))?
    )$""",
    re.VERBOSE | re.IGNORECASE,
)

# Lines that are boilerplate when they *start* this way and are short.
_LEADING = re.compile(
    r"""^(?:
        your\s+email\s+address\s+will\s+not\s+be\s+published
      | (?:subscribe|sign\s+up)\b.{0,80}\bnewsletters?\b
      | (?:get|receive)\s+(?:our|the)\b.{0,60}\bnewsletters?\b
      | (?:read|see)\s+(?:more|also|next)\s*:
      | also\s+read\s*:
      | click\s+(?:here\s+)?to\s+(?:share|subscribe|comment|read\s+more)
      | share\s+(?:this|on)\b.{0,40}:
      | for\s+the\s+latest\s+(?:news|headlines|updates)\b.{0,40}\bfollow\b
      | follow\s+(?:us|our)\b.{0,60}
        \b(?:twitter|facebook|instagram|telegram|google\s+news|channel)\b
      | \u00a9\s*\S
      | \(c\)\s*(?:\d{4}\b|copyright\b)
      | copyright\s*(?:\u00a9|\(c\))?\s*(?:\d{4}\b|by\b|\u00a9)
      | all\s+rights\s+reserved
    )""",
    re.VERBOSE | re.IGNORECASE,
)

# Sentences found in copyright and syndication notices, anywhere in a line.
_NOTICE = re.compile(
    r"""(?:
        \ball\s+rights\s+reserved\b
      | \bmay\s+not\s+be\s+(?:published|reproduced|copied),?\s+(?:broadcast|distributed|
         rewritten|redistributed|republished)
      | \bautomatic\s+aggregator\b
      | \ball\s+trademarks\s+belong\s+to\b
      | \bdo\s+not\s+want\s+us\s+to\s+publish\b
      | \bthe\s+hyperlink\s+to\s+the\s+(?:primary|original)\s+source\b
    )""",
    re.VERBOSE | re.IGNORECASE,
)

# Cues of a comment policy addressed to the reader. A line needs several of
# them (and to speak to "you") before it is cut, so a news sentence about a
# platform's moderation rules survives.
_POLICY_CUES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bcomments?\b",
        r"\bterms\s+of\s+(?:service|use)\b",
        r"\b(?:community\s+)?guidelines\b",
        r"\bcivil\b|\bcivility\b|\brespectful\b|\bin\s+good\s+taste\b",
        r"\bpersonal\s+attacks?\b|\boff-topic\b|\babusive\b|\bprofanity\b",
        r"\bbanned\b|\bblocked\b|\bremoved\b|\bmoderat\w+",
        r"\bonline\s+discussions?\b|\bparticipat\w+",
        r"\b[\w.+-]+@[\w-]+\.[\w.]+\b",
        r"\backnowledge\b|\bagree(?:d)?\s+to\b",
    )
]
_YOU = re.compile(r"\byou(?:r)?\b", re.IGNORECASE)

# Every alternative of _NOTICE contains one of these words, so a line without
# any of them (nearly every line) needs no regex search. IGNORECASE also
# matches four non-ASCII letters with ASCII ones (dotted and dotless i, long s,
# the kelvin sign: tests/test_boilerplate.py checks there are no others), so a
# line with one of those is always searched.
_NOTICE_WORDS = ("rights", "may", "aggregator", "trademarks", "publish", "hyperlink")
_CASE_SPECIALS = re.compile("[\u0130\u0131\u017f\u212a]")

# A line of at most this many addresses, and nothing else, is page furniture:
# a site's own address, a link, an author's handle or e-mail (issue #14).
_MAX_ADDRESSES = 4
_ADDRESS_SEPARATOR = re.compile(r"[\s|\u2022\u00b7,]+")

# Lines made only of decoration ("*", "* * *", "-----", "•").
_DECORATIVE = re.compile(r"^[\s*\u2022\u00b7\u25aa\u25cf~=_#|\-\u2013\u2014]+$")

# Ad-slot markers are unambiguous even inside a line.
_INLINE_MARKER = re.compile(r"(?<!\S)\[ad_\d+\](?!\S)", re.IGNORECASE)

# A header that introduces a list of other headlines ("Read more:",
# "Related Articles"): the short title-like lines right after it are links.
_LIST_HEADER = re.compile(
    r"""^(?:
        (?:related|similar|recommended|more|latest|popular)
        (?:\s+(?:posts?|articles?|stories|news|content|reads?|reading|topics?))?
      | you\s+(?:may|might)\s+(?:also\s+)?(?:like|be\s+interested\s+in|have\s+missed)
      | (?:also\s+read|read\s+(?:more|also|next)|see\s+also|more\s+on\s+this(?:\s+story)?)
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.]['\"\u2019\u201d)\]]*$")
_MAX_LINK_WORDS = 16

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")


@dataclass(frozen=True)
class Cleaned:
    """Text with boilerplate removed.

    ``offsets[i]`` is the index in the input of ``text[i]`` (``None`` when
    nothing was removed, so the text *is* the input); ``removed`` holds the
    cut lines as evidence items in input coordinates.
    """

    text: str
    offsets: list[int] | None
    removed: tuple[Evidence, ...]


def _core(line: str) -> str:
    return line.strip(_DECORATION)


def is_boilerplate_line(line: str) -> bool:
    """True when a single line (without its line break) is page boilerplate."""
    return _is_boilerplate(line.strip())


def _is_boilerplate(stripped: str) -> bool:
    """:func:`is_boilerplate_line` of a line already stripped of whitespace."""
    if not stripped:
        return False
    if _DECORATIVE.match(stripped):
        return True
    core = _core(stripped)
    if not core:
        return False
    n_words = len(core.split())
    if n_words <= 12 and _WHOLE_LINE.match(core):
        return True
    if n_words <= _MAX_ADDRESSES and _is_addresses(core):
        return True
    if n_words <= 40 and _LEADING.match(core):
        return True
    if n_words > 120 or not _may_be_notice(core):
        return False
    if n_words <= 100 and _has_notice(core):
        return True
    return _is_comment_policy(core)


def _may_be_notice(core: str) -> bool:
    """False when neither :func:`_has_notice` nor :func:`_is_comment_policy` can hold.

    Why: both start by looking for words in the line's lower case, each its
    own way; one lower-casing and one chain of ``in`` tests (nearly every
    line fails them all) is about half the cost. Their own tests still decide.
    """
    lower = core.lower()
    return (
        "comment" in lower
        or "may" in lower
        or "rights" in lower
        or "publish" in lower
        or "aggregator" in lower
        or "trademarks" in lower
        or "hyperlink" in lower
        or not (core.isascii() or not _CASE_SPECIALS.search(core))
    )


def _is_addresses(core: str) -> bool:
    """True for "www.apnews.com", "https://..." or "@handle | press@ap.org": only addresses."""
    parts = [part for part in _ADDRESS_SEPARATOR.split(core) if part]
    return bool(parts) and all(is_url_like(part) for part in parts)


def _has_notice(line: str) -> bool:
    if line.isascii() or not _CASE_SPECIALS.search(line):
        lower = line.lower()
        for word in _NOTICE_WORDS:
            if word in lower:
                return _NOTICE.search(line) is not None
        return False
    return _NOTICE.search(line) is not None


def _is_comment_policy(line: str) -> bool:
    if "comment" not in line.lower() or not _YOU.search(line):  # cheapest test first
        return False
    return sum(1 for cue in _POLICY_CUES if cue.search(line)) >= 4


def _is_link_title(core: str) -> bool:
    """A headline-like line: short, no sentence punctuation at its end."""
    words = core.split()
    return 0 < len(words) <= _MAX_LINK_WORDS and not _SENTENCE_END.search(core)


def _line_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, content_end, end_with_break) for every line, any line-break style."""
    if "\r" not in text:  # only "\n" breaks lines: str.split finds them in C
        return _newline_spans(text)
    spans = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        if start == end:
            break
        content = match.group().rstrip("\r\n")
        spans.append((start, start + len(content), end))
    return spans


def _newline_spans(text: str) -> list[tuple[int, int, int]]:
    """:func:`_line_spans` of a text without "\\r"."""
    spans = []
    start = 0
    for line in text.split("\n"):
        content_end = start + len(line)
        spans.append((start, content_end, content_end + 1))
        start = content_end + 1
    # the last piece has no break after it, and is no line at all when empty
    last_start, last_end, _ = spans.pop()
    if last_end > last_start:
        spans.append((last_start, last_end, last_end))
    return spans


def strip_boilerplate(text: str) -> Cleaned:
    """Remove boilerplate lines (and inline ad markers) from ``text``."""
    cuts: list[tuple[int, int, int, int]] = []  # (cut_start, cut_end, span_start, span_end)
    in_link_list = False
    for start, content_end, end in _line_spans(text):
        line = text[start:content_end]
        stripped = line.strip()
        if not stripped:
            continue  # blank lines neither end nor start a link list
        whole_line = _is_boilerplate(stripped)
        if whole_line:
            in_link_list = bool(_LIST_HEADER.match(_core(stripped)))
        elif in_link_list and _is_link_title(_core(stripped)):
            whole_line = True  # a title in a "Related posts" list
        else:
            in_link_list = False
        if whole_line:
            lead = len(line) - len(line.lstrip())
            cuts.append((start, end, start + lead, start + lead + len(stripped)))
            continue
        if "[" not in line:
            continue  # no ad marker possible: skip the regex scan
        for marker in _INLINE_MARKER.finditer(line):
            m_start, m_end = start + marker.start(), start + marker.end()
            cuts.append((m_start, m_end, m_start, m_end))
    if not cuts:
        return Cleaned(text, None, ())
    cuts.sort()
    pieces: list[str] = []
    offsets: list[int] = []
    removed: list[Evidence] = []
    pos = 0
    for cut_start, cut_end, span_start, span_end in cuts:
        if cut_start < pos:
            continue
        pieces.append(text[pos:cut_start])
        offsets.extend(range(pos, cut_start))
        pos = cut_end
        removed.append(
            Evidence("boilerplate", span_start, span_end, text[span_start:span_end], MESSAGE)
        )
    pieces.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return Cleaned("".join(pieces), offsets, tuple(removed))
