"""Boilerplate removal: cut page furniture, keep the article, map offsets back."""

from __future__ import annotations

import pytest

from mtdetect.boilerplate import MESSAGE, is_boilerplate_line, strip_boilerplate

ARTICLE = (
    "The harbour council voted on Tuesday to close the old ferry pier.\n"
    "\n"
    "Advertisement\n"
    "\n"
    "Residents said the decision came too late for the fishing fleet.\n"
    "\n"
    "Share this:\n"
    "Click to share on Twitter (Opens in new window)\n"
    "Like this:\n"
    "Leave a Reply\n"
    "Your email address will not be published. Required fields are marked *\n"
    "*\n"
    "Copyright 2023 Example Coast Media. All rights reserved.\n"
)

KEPT = [
    "The harbour council voted on Tuesday to close the old ferry pier.",
    "Residents said the decision came too late for the fishing fleet.",
]


@pytest.mark.parametrize(
    "line",
    [
        "[ad_1]",
        "[ad_2]",
        "ADVERTISING",
        "Advertisement",
        "Share this:",
        "Click to share on Facebook (Opens in new window)",
        "Like this:",
        "Like Loading...",
        "Leave a Reply",
        "Leave a comment",
        "Your email address will not be published. Required fields are marked *",
        "Related Posts",
        "Related Articles",
        "You may also like",
        "Source link",
        "Read more:",
        "Read more: Storm closes mountain pass for the second time this week",
        "Subscribe to our newsletter for the morning briefing",
        "Sign up for our free daily newsletter",
        "Copyright 2021 Some Regional Broadcasting Inc.",
        "\u00a9 2020 The Weekly Ledger",
        "This story may not be published, broadcast, rewritten or redistributed.",
        "*",
        "* * *",
        "blank",
        "Back to top button",
        "Continue Reading",
        "  \u2022 Related Stories  ",
        "Example Daily is an automatic aggregator of news from many outlets. All trademarks "
        "belong to their rightful owners.",
        "By posting a comment you agree to our terms of service. Keep your comments civil: "
        "personal attacks will be removed and you may be banned.",
    ],
)
def test_boilerplate_lines_are_recognised(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The advertising industry lost two billion dollars last year, the report said.",
        "She said she would leave a reply on the desk before the meeting.",
        "Related research published in March found the same effect in mice.",
        "Copyright lawyers argued that the song had been copied from a 1970s record.",
        "The platform said comments that break its guidelines would be removed.",
        "Read more about the plan on page four, the mayor told reporters.",
        "(c) if the contractor fails to deliver the goods on time.",
        "Sources said the link between the two cases was clear.",
        "Blank ballots were counted separately, officials said.",
        "",
        "   ",
    ],
)
def test_article_sentences_are_kept(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_comment_policy_in_a_long_news_paragraph_is_kept() -> None:
    # mentions of comments, guidelines and moderation in reported speech
    paragraph = (
        "The company told you and me nothing new: its comment guidelines, it said, would "
        "let moderators remove abusive posts. " + "Critics were not convinced. " * 60
    )
    assert not is_boilerplate_line(paragraph)


def test_strip_removes_whole_lines_and_keeps_the_article() -> None:
    cleaned = strip_boilerplate(ARTICLE)
    lines = [line for line in cleaned.text.split("\n") if line.strip()]
    assert lines == KEPT
    assert all(item.kind == "boilerplate" for item in cleaned.removed)
    assert all(item.message == MESSAGE for item in cleaned.removed)
    assert [item.text for item in cleaned.removed][:2] == ["Advertisement", "Share this:"]


def test_removed_spans_point_into_the_input() -> None:
    cleaned = strip_boilerplate(ARTICLE)
    for item in cleaned.removed:
        assert ARTICLE[item.start : item.end] == item.text


def test_offsets_map_every_cleaned_character_back() -> None:
    cleaned = strip_boilerplate(ARTICLE)
    assert cleaned.offsets is not None
    assert len(cleaned.offsets) == len(cleaned.text)
    for i, char in enumerate(cleaned.text):
        assert ARTICLE[cleaned.offsets[i]] == char
    # offsets strictly increase: the cleaned text is a subsequence of the input
    assert all(a < b for a, b in zip(cleaned.offsets, cleaned.offsets[1:], strict=False))


def test_evidence_found_in_cleaned_text_maps_back() -> None:
    from mtdetect.evidence import Evidence

    cleaned = strip_boilerplate(ARTICLE)
    start = cleaned.text.index("fishing fleet")
    item = Evidence("test.x", start, start + len("fishing fleet"), "fishing fleet", "m")
    shifted = item.shifted(cleaned.offsets)
    assert ARTICLE[shifted.start : shifted.end] == "fishing fleet"


def test_nothing_removed_returns_the_input_unchanged() -> None:
    text = "A plain paragraph about the weather.\nAnother line about the rain."
    cleaned = strip_boilerplate(text)
    assert cleaned.text == text
    assert cleaned.offsets is None
    assert cleaned.removed == ()


def test_empty_text() -> None:
    assert strip_boilerplate("") == strip_boilerplate("")
    assert strip_boilerplate("").text == ""


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_break_style_does_not_change_what_is_removed(newline: str) -> None:
    text = ARTICLE.replace("\n", newline)
    cleaned = strip_boilerplate(text)
    kept = [line.strip() for line in cleaned.text.splitlines() if line.strip()]
    assert kept == KEPT
    removed = [item.text for item in cleaned.removed]
    assert removed == [item.text for item in strip_boilerplate(ARTICLE).removed]
    for item in cleaned.removed:
        assert text[item.start : item.end] == item.text
        assert "\r" not in item.text


def test_last_line_without_newline_is_handled() -> None:
    text = "The bridge reopened after six months of repairs.\nSource link"
    cleaned = strip_boilerplate(text)
    assert cleaned.text == "The bridge reopened after six months of repairs.\n"
    assert cleaned.removed[0].text == "Source link"


def test_inline_ad_marker_is_cut_but_the_line_kept() -> None:
    text = "[ad_1] The mayor opened the new library on Monday morning."
    cleaned = strip_boilerplate(text)
    assert cleaned.text.strip() == "The mayor opened the new library on Monday morning."
    assert cleaned.removed[0].text == "[ad_1]"


def test_headline_list_after_read_more_is_cut_until_prose_returns() -> None:
    text = (
        "Officials expect the road to reopen next month.\n\n"
        "Read more:\n\n"
        "Flood waters recede in the valley towns\n\n"
        "Why the new dam is behind schedule?\n\n"
        "The council will meet again on Thursday to discuss funding.\n"
    )
    cleaned = strip_boilerplate(text)
    assert [item.text for item in cleaned.removed] == [
        "Read more:",
        "Flood waters recede in the valley towns",
        "Why the new dam is behind schedule?",
    ]
    assert "The council will meet again on Thursday" in cleaned.text


def test_short_lines_without_a_list_header_are_kept() -> None:
    text = "WASHINGTON (AP)\n\nLawmakers returned to the capital on Monday.\n"
    assert strip_boilerplate(text).removed == ()


@pytest.mark.parametrize(
    "line",
    [
        "www.apnews.com",
        "https://apnews.com/article/ukraine-talks-1a2b3c4d",
        "http://example.org/news?id=4&ref=rss",
        "apnews.com",
        "news.bbc.co.uk/world",
        "press@apnews.com",
        "@AP_Politics",
        "report-2022.pdf",
        "  \u2022 www.example.com  ",
        "www.example.com | @example",
    ],
)
def test_a_line_that_is_only_a_url_is_furniture(line: str) -> None:
    # issue #14 item 2: an address on its own line is page furniture, not a sentence
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Read the full report at www.example.com before Friday.",
        "https://www.winknews.com/2022/01/09/talks/ The prospects are dim",
        "Contact press@apnews.com for details.",
        "Example.com said on Monday that profits rose.",
        "U.S.",
        "e.g.",
    ],
)
def test_lines_that_only_mention_a_url_are_kept(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_only_the_known_letters_match_ascii_ones_ignoring_case() -> None:
    # _has_notice skips the regex search on a line without its words, unless the
    # line has a non-ASCII letter that IGNORECASE matches with an ASCII one
    import re

    from mtdetect.boilerplate import _CASE_SPECIALS

    text = "".join(chr(c) for c in range(128, 0x110000) if not 0xD800 <= c < 0xE000)
    found = re.findall(r"(?i)[a-z]", text)
    assert found and all(_CASE_SPECIALS.match(char) for char in found)


@pytest.mark.parametrize(
    "line",
    [
        "\u201cAll rights reserved.\u201d",
        "All \u0280ights reser\u028bed \u2014 ALL RIGHTS RESERVED",
        "All right\u017f re\u017ferved \u2014 caf\u00e9",  # long s: the regex still finds it
        "This material may not be published, broadcast \u2014 or rewritten.",
    ],
)
def test_notices_in_non_ascii_lines_are_found(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("text", ["", "\n", "a", "a\n\nb\n", "\na\r\nb\rc\n\n", "x\n" * 5])
def test_line_spans_are_the_line_pattern_s(text: str) -> None:
    from mtdetect.boilerplate import _LINE, _line_spans, _newline_spans

    want = []
    for match in _LINE.finditer(text):
        if match.start() == match.end():
            break
        content = match.group().rstrip("\r\n")
        want.append((match.start(), match.start() + len(content), match.end()))
    assert _line_spans(text) == want
    if "\r" not in text:
        assert _newline_spans(text) == want


_GATE_CASES = [
    "It MAY NOT BE COPIED, DISTRIBUTED or sold.",
    "If you do not want us to PUBLISH your article, write to us.",
    "ALL RIGHTS RESERVED.",
    "All Rights Reserved by the publisher of this page, 2024",
    "This material MAY NOT BE PUBLISHED, BROADCAST, REWRITTEN or redistributed.",
    "all rigħts reſerved",
    "all \u0280ights re\u017ferved",
    "All trademarKs belong to their owners.",
    "ALL R\u0130GHTS RESERVED",
    "The hyperlink to the ORIGINAL source is given.",
    "This is an automatic aggregator of the all world\u2019s media.",
    "Comments are moderated: be civil, no personal attacks, or you will be banned.",
    "COMMENTS: Please keep your comments respectful and follow our community guidelines; "
    "posts may be removed.",
    "The council said the new road may open in May, the mayor added.",
    "Caf\u00e9 owners said the rule was unfair to them and their workers.",
    "Stra\u00dfe und \u0130stanbul: a story about cities, with no notice at all.",
]


@pytest.mark.parametrize("line", _GATE_CASES)
def test_the_notice_gate_only_skips_lines_that_fail_both_tests(
    line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mtdetect import boilerplate

    core = line.strip()
    if boilerplate._has_notice(core) or boilerplate._is_comment_policy(core):
        assert boilerplate._may_be_notice(core)
    gated = is_boilerplate_line(line)
    monkeypatch.setattr(boilerplate, "_may_be_notice", lambda core: True)  # the slow path
    assert gated == is_boilerplate_line(line)


def test_the_notice_gate_catches_every_notice_case() -> None:
    from mtdetect.boilerplate import _has_notice, _is_comment_policy, _may_be_notice

    found = [line for line in _GATE_CASES if _has_notice(line) or _is_comment_policy(line)]
    assert len(found) >= 8 and all(_may_be_notice(line) for line in found)
