"""The compiled text core (``mtdetect/_text.pyx``) and the pure-Python path agree.

Why: ``Document`` makes its tokens, words, lower-cased words and sentences in
``_text.pyx`` where it was built and in ``mtdetect/text.py`` where it was not;
every signal reads them, so the two must give equal values (and tokens of the
same type) on real documents and on odd ones.
"""

from __future__ import annotations

import gc
from typing import NamedTuple

import pytest
from conftest import corpus_texts

from mtdetect import _accel
from mtdetect.text import _ABBREVIATIONS, Document, Sentence, Token

compiled = pytest.mark.skipif(
    _accel._text is None or not _accel.compiled_in_use(),
    reason="the compiled text core is not built here, or MTDETECT_PURE_PYTHON=1",
)

ODD = [
    "",
    " ",
    "a",
    ".",
    "..!?\"')] . ! ?",
    "x" * 100_000 + ". Y" + "1" * 50_000 + "%",
    "Mr. J. R. R. Tolkien said U.S. 2.5 e.g. \u201cquoted.\u201d " * 40,
    "\u0130stanbul. \u0130. A. \u00c9LAN caf\u00e9 na\u00efve \u2014 \u201cquotes\u201d "
    "\u2018single\u2019 \u2026 3,000 $5.6bn 10% (X) (X)" * 30,
    "\u00b2 \u00bd \u216b \u217b. \u01c5. \u01c4. \u00df. \ufb01. \U0001d400\U0001d401 \U0001f600.",
    "\u4e2d\u6587\u3002 \u0627\u0644\u0639\u0631\u0628\u064a\u0629. \u0939\u093f\u0928\u094d",
    "don't well-known 1,000.5:3% -a a- '' a'b-c_d Well-Known WELL-KNOWN r\u00f4le-play",
    # more distinct words than the compiled scan's table of repeated ones keeps
    " ".join("".join(chr(97 + int(d)) for d in f"{k:05d}") + " The" for k in range(40_000)),
]


def _views(text: str) -> tuple[list, ...]:
    doc = Document(text)
    tokens = doc.tokens
    views = doc.words, doc.lower_words, doc.sentences, doc.hyphenated_words
    return tokens, *views, list(doc.lower_word_counts.items()), [type(t) for t in tokens]


def _same_both_ways(text: str) -> None:
    fast = _views(text)
    with _accel.pure_python():
        slow = _views(text)
    assert fast == slow


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return corpus_texts(150, 150)


@compiled
def test_documents_read_alike_both_ways(texts) -> None:  # type: ignore[no-untyped-def]
    for text in texts:
        _same_both_ways(text)


@compiled
@pytest.mark.parametrize("text", ODD)
def test_odd_texts_read_alike_both_ways(text: str) -> None:
    _same_both_ways(text)


@compiled
def test_views_asked_in_any_order_are_the_same() -> None:
    text = ODD[7]
    first = Document(text)
    words, lower = first.words, first.lower_words
    second = Document(text)
    assert second.lower_words == lower and second.words == words
    assert second.tokens == first.tokens


@compiled
def test_repeated_tokens_share_one_string() -> None:
    doc = Document("The talks ended. The talks resumed. THE talks")
    texts = [t.text for t in doc.tokens if t.text == "talks"]
    assert len(texts) == 3 and texts[0] is texts[1] is texts[2]
    assert doc.lower_words == ["the", "talks", "ended", "the", "talks", "resumed", "the", "talks"]


@compiled
def test_tokens_are_left_out_of_the_garbage_collector() -> None:
    tokens = Document("The talks ended, they said.").tokens
    assert tokens and not any(gc.is_tracked(t) for t in tokens)


class _Spacious(tuple):  # a tuple subclass with a __dict__: not filled in place
    pass


class _Pair(NamedTuple):
    text: str
    start: int
    end: int


@compiled
@pytest.mark.parametrize("kind", [_Spacious, _Pair, tuple])
def test_scan_makes_tokens_of_any_tuple_type(kind: type) -> None:
    tokens, words, lower, _ = _accel._text.scan("The U.S. said 2.5%.", kind)
    assert [tuple(t) for t in tokens] == [tuple(t) for t in Document("The U.S. said 2.5%.").tokens]
    assert all(type(t) is kind for t in tokens)
    assert lower == ["the", "u", "s", "said"] and [t[0] for t in words] == ["The", "U", "S", "said"]


@compiled
@pytest.mark.parametrize(
    "tokens, error",
    [
        ([("a", 0, 1), ("b", 1)], TypeError),
        ([("a", 0, 1), ["b", 1, 2]], TypeError),
        ([("", 0, 0)], ValueError),
        ([(5, 0, 1)], ValueError),
        ([("a", "0", 1)], TypeError),
    ],
)
def test_compiled_sentences_refuse_what_is_not_tokens(tokens: list, error: type) -> None:
    with pytest.raises(error):
        _accel._text.split_sentences(tokens, Sentence, _ABBREVIATIONS)


@compiled
def test_compiled_sentences_of_no_tokens() -> None:
    assert _accel._text.split_sentences([], Sentence, _ABBREVIATIONS) == []
    only = [Token(".", 0, 1)]
    assert _accel._text.split_sentences(only, Sentence, _ABBREVIATIONS) == [
        Sentence(0, 1, (only[0],))
    ]


def _char_counts_both_ways(text: str) -> None:
    from mtdetect.language import _char_counts

    fast = _char_counts(text)
    with _accel.pure_python():
        slow = _char_counts(text)
    assert fast == slow


@compiled
def test_english_check_counts_characters_alike_both_ways(texts) -> None:  # type: ignore[no-untyped-def]
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for text in [*texts, *ODD, every, "\ud800 lone surrogate \udfff"]:
        _char_counts_both_ways(text)
