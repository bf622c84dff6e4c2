"""Offset-preserving normalisation, tokenisation and sentence splitting.

Every signal works on the same :class:`Document`, so that quotes, dashes and
line layout never carry a label: the normalised text has exactly the length
of the input, character for character, and all offsets point into the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

# One-to-one replacements: curly quotes, primes and dashes become ASCII, and
# every kind of whitespace (newlines included) becomes a plain space, so
# reflowing a document changes nothing that the signals see.
_TRANSLATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\n": " ",
        "\r": " ",
        "\t": " ",
        "\f": " ",
        "\v": " ",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u200a": " ",
        "\u2028": " ",
        "\u2029": " ",
        "\u3000": " ",
        "\ufeff": " ",
        "\u200b": " ",
    }
)

TOKEN_RE = re.compile(
    r"""
    \d+(?:[.,:]\d+)*%?            # numbers: 2.5, 100,000, 10:30, 5%
    | [^\W\d_]+(?:['-][^\W\d_]+)*  # words, with inner hyphens and apostrophes
    | [^\w\s]                       # any single punctuation mark or symbol
    """,
    re.VERBOSE,
)

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt gov sen rep rev vs etc inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec no nos fig approx dept est u.s u.k u.n
    e.g i.e a.m p.m mt ft""".split()
)


_CLOSERS = frozenset("\"')]")


def normalise(text: str) -> str:
    """Return ``text`` with quotes, dashes and whitespace made uniform, same length."""
    return text.translate(_TRANSLATION)


class Token(NamedTuple):
    """A token of the normalised text; a tuple because documents have thousands."""

    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def is_capitalised(self) -> bool:
        return self.text[0].isupper()


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    tokens: tuple[Token, ...]


@dataclass
class Document:
    """A text ready for the signals: original, normalised copy, tokens, sentences."""

    text: str
    norm: str = field(init=False)

    def __post_init__(self) -> None:
        self.norm = normalise(self.text)

    @cached_property
    def tokens(self) -> list[Token]:
        return [Token(m.group(), *m.span()) for m in TOKEN_RE.finditer(self.norm)]

    @cached_property
    def words(self) -> list[Token]:
        return [t for t in self.tokens if t.is_word]

    @cached_property
    def lower_words(self) -> list[str]:
        return [t.text.lower() for t in self.words]

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.tokens, self.norm)

    @property
    def n_words(self) -> int:
        return len(self.words)


def _ends_sentence(tokens: list[Token], i: int, norm: str) -> bool:
    tok = tokens[i].text
    if tok in "!?":
        return True
    if tok != ".":
        return False
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if prev is not None and prev.end == tokens[i].start:
        word = prev.text.lower()
        # "Mr." / "U.S." / "J." are not sentence ends unless a capitalised word
        # follows after an obvious break; a single letter is an initial.
        if word in _ABBREVIATIONS or (len(word) == 1 and prev.text.isupper()):
            return False
        # "U.S." tokenises as U . S . : a capital letter glued to a dot before us.
        if (
            len(word) == 1
            and i >= 2
            and tokens[i - 2].text == "."
            and tokens[i - 2].end == prev.start
        ):
            return False
    # "2.5", "example.com", "a.m": a dot glued to what follows ends nothing
    return not (nxt is not None and nxt.start == tokens[i].end and nxt.text[0].isalnum())


def split_sentences(tokens: list[Token], norm: str) -> list[Sentence]:
    """Split on ., ! and ? (with closing quotes or brackets), ignoring line breaks.

    Line breaks are deliberately ignored so that a document's layout (one
    line per sentence, paragraphs, one line) never changes its features.
    """
    sentences: list[Sentence] = []
    current: list[Token] = []
    n = len(tokens)
    i = 0
    while i < n:
        current.append(tokens[i])
        if _ends_sentence(tokens, i, norm):
            # absorb closing quotes and brackets glued to the terminator
            while (
                i + 1 < n
                and tokens[i + 1].text in _CLOSERS
                and tokens[i + 1].start == tokens[i].end
            ):
                i += 1
                current.append(tokens[i])
            sentences.append(Sentence(current[0].start, current[-1].end, tuple(current)))
            current = []
        i += 1
    if current:
        sentences.append(Sentence(current[0].start, current[-1].end, tuple(current)))
    return sentences
