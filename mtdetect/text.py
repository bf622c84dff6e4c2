"""Offset-preserving normalisation, tokenisation and sentence splitting.

Every signal works on the same :class:`Document`, so that quotes, dashes and
line layout never carry a label: the normalised text has exactly the length
of the input, character for character, and all offsets point into the input.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, TypeVar

from mtdetect import _accel

T = TypeVar("T")

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

# The definition of a token; Document uses _FAST_TOKEN_RE below, or the compiled
# scan (mtdetect/_text.pyx), which must match exactly the same spans (change all
# three together).
TOKEN_RE = re.compile(
    r"""
    \d+(?:[.,:]\d+)*%?            # numbers: 2.5, 100,000, 10:30, 5%
    | [^\W\d_]+(?:['-][^\W\d_]+)*  # words, with inner hyphens and apostrophes
    | [^\w\s]                       # any single punctuation mark or symbol
    """,
    re.VERBOSE,
)

# TOKEN_RE, rewritten for speed with exactly the same matches: the three
# alternatives start with disjoint characters (a digit; another word
# character; anything else but space and "_"), so the pattern can open with
# their union, which lets the regex engine skip spaces in C, and then branch
# on the first character with a lookbehind. Possessive quantifiers never
# change a match here, since nothing after them can fail.
_FAST_TOKEN_RE = re.compile(
    r"""
    [^\s_]
    (?: (?<=[^\W\d_]) [^\W\d_]*+ (?:['-][^\W\d_]++)*+   # word
      | (?<=\d) \d*+ (?:[.,:]\d++)*+ %?                  # number
      |                                                   # punctuation
    )
    """,
    re.VERBOSE,
)

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt gov sen rep rev vs etc inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec no nos fig approx dept est u.s u.k u.n
    e.g i.e a.m p.m mt ft""".split()
)


_CLOSERS = frozenset("\"')]")
_TERMINATORS = frozenset(".!?")

# str.translate with a dict looks every character up in Python; the same
# mapping is applied faster as a byte table to ASCII text, and otherwise as
# one str.replace per character present (see normalise).
_REPLACE = {chr(code): value for code, value in _TRANSLATION.items()}
_ASCII_TABLE = bytes.maketrans(
    "".join(k for k in _REPLACE if k.isascii()).encode("ascii"),
    "".join(v for k, v in _REPLACE.items() if k.isascii()).encode("ascii"),
)
# (character, replacement) pairs for normalise's non-ASCII path. No
# replacement is itself replaced, so replacing one character after another is
# the same as the one-pass mapping (tests/test_text.py checks both).
_REPLACE_PAIRS = tuple(_REPLACE.items())


def normalise(text: str) -> str:
    """Return ``text`` with quotes, dashes and whitespace made uniform, same length.

    Why ``str.replace`` per character present: a text holds few of the 36
    characters, and ``in`` and ``replace`` scan in C, about three times
    faster than a regex substitution that calls back into Python per match.
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    for char, replacement in _REPLACE_PAIRS:
        if char in text:
            text = text.replace(char, replacement)
    return text


class Token(NamedTuple):
    """A token of the normalised text; a tuple because documents have thousands."""

    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()


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
    _views: dict[object, object] = field(
        init=False, default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self.norm = normalise(self.text)

    def view(self, key: object, compute: Callable[[], T]) -> T:
        """A derived view of the document, computed once and shared by every family.

        Why: several families read the same derived stream (the pattern
        models' masked tokens); the first one to ask pays for it.
        """
        if key not in self._views:
            self._views[key] = compute()
        return self._views[key]  # type: ignore[return-value]

    @cached_property
    def tokens(self) -> list[Token]:
        scan = _accel.text_scanner()
        if scan is not None:  # the same tokens, words and lower-cased words, in one pass
            tokens, words, lower_words, hyphenated = scan(self.norm, Token)
            self.__dict__.setdefault("words", words)
            self.__dict__.setdefault("lower_words", lower_words)
            self.__dict__.setdefault("_hyphenated_seen", hyphenated)
            return tokens
        new = tuple.__new__  # what Token(...) does, without its Python-level __new__
        return [
            new(Token, (m.group(), m.start(), m.end())) for m in _FAST_TOKEN_RE.finditer(self.norm)
        ]

    @cached_property
    def words(self) -> list[Token]:
        tokens = self.tokens  # (the compiled scan leaves the words beside them)
        words = self.__dict__.get("words")
        return words if words is not None else [t for t in tokens if t[0][0].isalpha()]

    @cached_property
    def lower_words(self) -> list[str]:
        words = self.words
        lower = self.__dict__.get("lower_words")
        return lower if lower is not None else [t[0].lower() for t in words]

    @cached_property
    def lower_word_counts(self) -> Counter[str]:
        """Each lower-cased word's count, shared (read only) by profile and the English check."""
        return Counter(self.lower_words)

    @cached_property
    def hyphenated_words(self) -> list[str]:
        """The distinct lower-cased words with a hyphen, in the order of ``lower_word_counts``.

        Why: the English check splits them; the compiled scan notes them as it goes.
        """
        _ = self.tokens  # (the compiled scan leaves them beside the tokens)
        seen = self.__dict__.get("_hyphenated_seen")
        if seen is not None:
            return list(dict.fromkeys(seen))
        return [word for word in self.lower_word_counts if "-" in word]

    @cached_property
    def sentences(self) -> list[Sentence]:
        split = _accel.sentence_splitter()
        if split is not None:
            return split(self.tokens, Sentence, _ABBREVIATIONS)  # type: ignore[no-any-return]
        return split_sentences(self.tokens)

    @property
    def n_words(self) -> int:
        return len(self.words)


def _ends_sentence(tokens: list[Token], i: int) -> bool:
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


def split_sentences(tokens: list[Token]) -> list[Sentence]:
    """Split on ., ! and ? (with closing quotes or brackets), ignoring line breaks.

    Line breaks are deliberately ignored so that a document's layout (one
    line per sentence, paragraphs, one line) never changes its features.
    """
    sentences: list[Sentence] = []
    n = len(tokens)
    begin = 0
    # only a terminator can end a sentence: visit those, not every token
    for i in [k for k, tok in enumerate(tokens) if tok[0] in _TERMINATORS]:
        if i < begin or not _ends_sentence(tokens, i):
            continue
        end = i + 1
        # absorb closing quotes and brackets glued to the terminator
        while end < n and tokens[end][0] in _CLOSERS and tokens[end][1] == tokens[end - 1][2]:
            end += 1
        part = tuple(tokens[begin:end])
        sentences.append(Sentence(part[0][1], part[-1][2], part))
        begin = end
    if begin < n:
        part = tuple(tokens[begin:])
        sentences.append(Sentence(part[0][1], part[-1][2], part))
    return sentences
