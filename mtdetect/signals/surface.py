"""Surface breakage: what a machine leaves behind when it glues segments back.

Round-trip output often breaks sentence joins ("...said. said on Friday"),
scatters punctuation (". ,", "$ 2.5 billion") and drops fragments of words
("for g pragmatic"). Each pattern is cheap to find and easy to show.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from mtdetect import _chars_accel
from mtdetect._urls import url_like_at
from mtdetect.evidence import Evidence
from mtdetect.signals.base import Signal
from mtdetect.text import Document, Sentence

# Each pattern opens with a character class, not a lookbehind, so the regex
# engine skips ahead in C to where a match can start; the lookbehinds moved
# after it test the same characters (same matches as the plain forms noted).
# (?<![.])[.,;:](?:[ ]+[.,;:])+(?![.])
_STRAY_PUNCT = re.compile(r"[.,;:](?<![.][.,;:])(?:[ ]+[.,;:])+(?![.])")
# (?<=[^\W\d_])[ ]+[,;:!?.](?=[ ]|$)
_SPACE_BEFORE_PUNCT = re.compile(r"[ ](?<=[^\W\d_][ ])[ ]*[,;:!?.](?=[ ]|$)")
# A currency sign set apart from its amount. "12 %" is not here: it is the
# house style of European typography, and so of human translators (1.0% of
# the corpus's human translations, 0.2% of MT output, no originals).
_CURRENCY_SPACE = re.compile(r"[$\u20ac\u00a3\u00a5][ ]+\d")
# possessive: a shorter first word can never be followed by a space
_DOUBLED_WORD = re.compile(r"\b([^\W\d_]++)[ ]+\1\b", re.IGNORECASE)
# single lower-case letters other than "a", "i", "v" (versus) and "x" (times):
# (?<=[^\W\d_] )([b-hj-uwyz])(?= [^\W\d_]{2,}); opens with the space before
# the letter (group 1 is the letter), since a literal is the fastest start
_LONE_LETTER = re.compile(r"[ ]([b-hj-uwyz])(?<=[^\W\d_] [b-hj-uwyz])(?= [^\W\d_]{2,})")
# (?<=[a-z]{2})[.,](?=[A-Z][a-z])
_MISSING_SPACE = re.compile(r"[.,](?<=[a-z]{2}[.,])(?=[A-Z][a-z])")

# Doubled words that English uses on purpose.
_LEGIT_DOUBLES = frozenset(
    {"had", "that", "very", "bye", "so", "no", "knock", "yeah", "ha", "far"}
    | {"blah", "bla", "yada", "ho", "hee", "tut", "tsk", "boo", "ding", "chop", "hush"}
)
# "e reader", "e mail": an e- compound written without its hyphen, not a cut word
_E_COMPOUND = re.compile(r"(?:mail|book|reader|commerce|bike|scooter|cigarette|sports?)\b")
_COORDINATORS = frozenset({"and", "but", "or", "so", "yet"})
# Patterns that a spaced ellipsis (". . .") would trip
_ELLIPSIS_PRONE = frozenset({"stray_punctuation", "space_before_punctuation"})
_LOWER_OK = re.compile(r"^(?:[a-z]+[A-Z]|e\.|i\.|vs|etc|p\.|a\.)")  # iPhone, e.g., i.e.


def _rate(count: int, n: int, per: float = 1.0) -> float:
    return per * count / n if n else 0.0


class SurfaceSignal(Signal):
    """Broken joins, stray punctuation and spacing, doubled and truncated words."""

    name = "surface"
    _features = (
        "broken_join",
        "echo_join",
        "stray_punctuation",
        "space_before_punctuation",
        "spaced_currency",
        "doubled_word",
        "lone_letter",
        "missing_space",
        "unbalanced_quotes",
        "subjectless_fragment",
    )

    def feature_names(self) -> list[str]:
        return [f"{self.name}.{feature}" for feature in self._features]

    def extract(self, doc: Document) -> tuple[list[float], list[Evidence]]:
        evidence: list[Evidence] = []
        norm, text = doc.norm, doc.text
        n_words = max(doc.n_words, 1)
        sentences = doc.sentences
        n_sent = max(len(sentences), 1)

        def add(kind: str, start: int, end: int, message: str) -> None:
            evidence.append(Evidence(f"{self.name}.{kind}", start, end, text[start:end], message))

        broken = echo = fragments = 0
        for previous, sentence in zip(sentences, sentences[1:], strict=False):
            tokens = sentence.tokens
            if not tokens:
                continue
            head = tokens[0][0]
            if head[0].isalpha():  # nearly every sentence: _first_word's first step, inline
                first = tokens[0]
            else:
                first = _first_word(sentence)
                if first is None:
                    continue
            # the joins need a lower-case start, the fragment a coordinator: the rest of
            # the (nearly all) sentences are decided by these two tests
            lower = first[0][0].islower()
            if lower and url_like_at(norm, first.start):
                continue  # "www.apnews.com", "press@ap.org": an address, not a sentence
            if lower:
                terminator = previous.tokens[-1]
                if (
                    terminator.text == "."  # "Mamma Mia! has opened": a title, not a break
                    and not _after_ellipsis(norm, terminator.start)  # "match . . . momentum"
                    and not _LOWER_OK.match(norm[first.start : first.start + 4])
                ):
                    broken += 1
                    add(
                        "broken_join",
                        terminator.start,
                        first.end,
                        f"a sentence starts in lower case ('{first.text}') right after a full stop",
                    )
                # "said. said on Friday": the join repeats a word and the second copy
                # is in lower case ("Luzon. Luzon is ..." is fine English)
                last_word = _last_word(previous)
                if last_word is not None and last_word == first.text:
                    echo += 1
                    add(
                        "echo_join",
                        terminator.start - len(last_word),
                        first.end,
                        f"'{first.text}' ends one sentence and starts the next: a broken join",
                    )
            if head.lower() in _COORDINATORS and _is_subjectless(sentence):
                fragments += 1
                add(
                    "subjectless_fragment",
                    sentence.start,
                    sentence.tokens[1].end,
                    "a sentence begins with a conjunction and a verb but no subject",
                )

        counts = {"broken_join": broken, "echo_join": echo, "subjectless_fragment": fragments}
        # the compiled scan proposes where each pattern may match: the regex then tries
        # only there (the same matches), instead of scanning the text six times
        starts = _chars_accel.surface_starts(norm)

        def matches(index: int, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
            if starts is None or starts[index] is None:  # (None: the scan gave up on it)
                return pattern.finditer(norm)
            return _matches_at(pattern, norm, starts[index])

        patterns = (
            ("stray_punctuation", _STRAY_PUNCT, "punctuation marks in a row ('{}')"),
            ("space_before_punctuation", _SPACE_BEFORE_PUNCT, "a space before punctuation"),
            ("spaced_currency", _CURRENCY_SPACE, "a space inside an amount ('{}')"),
            ("missing_space", _MISSING_SPACE, "no space after punctuation"),
        )
        for index, (kind, pattern, template) in enumerate(patterns):
            found = 0
            for match in matches(index, pattern):
                if kind in _ELLIPSIS_PRONE and _in_spaced_ellipsis(norm, match):
                    continue
                found += 1
                add(kind, match.start(), match.end(), template.format(match.group().strip()))
            counts[kind] = found
        found = 0
        for match in matches(4, _DOUBLED_WORD):
            second = match.group()[-len(match.group(1)) :]
            # "Next\nNext has said": a headline's last word opening the body
            if match.group(1).lower() in _LEGIT_DOUBLES or second[0].isupper():
                continue
            found += 1
            add("doubled_word", match.start(), match.end(), f"'{match.group(1)}' twice in a row")
        counts["doubled_word"] = found
        found = 0
        for match in matches(5, _LONE_LETTER):
            if match.group(1) == "e" and _E_COMPOUND.match(norm, match.end(1) + 1):
                continue
            found += 1
            add("lone_letter", match.start(1), match.end(1), "a stray single letter: a cut word")
        counts["lone_letter"] = found
        quotes = norm.count('"')
        counts["unbalanced_quotes"] = quotes % 2
        if quotes % 2:
            last = norm.rfind('"')
            add("unbalanced_quotes", last, last + 1, "a quotation mark that is never closed")

        per_sentence = {"broken_join", "echo_join", "subjectless_fragment"}
        values = []
        for feature in self._features:
            count = counts[feature]
            if feature == "unbalanced_quotes":
                values.append(float(count))
            elif feature in per_sentence:
                values.append(math.sqrt(_rate(count, n_sent)))
            else:
                values.append(math.sqrt(_rate(count, n_words, 1000.0)))
        return values, evidence


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` when every start it matches at is among ``starts``
    (ascending): the leftmost match at or past the previous one's end, each time."""
    end = 0
    for start in starts:
        if start >= end:
            match = pattern.match(text, start)
            if match is not None:
                end = match.end()
                yield match


def _in_spaced_ellipsis(norm: str, match: re.Match[str]) -> bool:
    """A spaced ellipsis (". . ."), as many editors set it: not stray or spaced punctuation."""
    marks = match.group().strip()
    if set(marks) <= {".", " "} and marks.count(".") >= 3:
        return True
    return marks == "." and norm.startswith(" .", match.end())


def _after_ellipsis(norm: str, terminator_start: int) -> bool:
    """The full stop closes ". . ." or "...", after which lower case is normal."""
    return norm[max(0, terminator_start - 2) : terminator_start].rstrip().endswith(".")


def _first_word(sentence: Sentence):  # type: ignore[no-untyped-def]
    for token in sentence.tokens[:3]:
        if token.text[0].isalpha():  # Token.is_word, without a property call
            return token
        if token.text not in "\"'(":
            return None
    return None


def _last_word(sentence: Sentence) -> str | None:
    for token in reversed(sentence.tokens[-4:]):
        if token.text[0].isalpha():  # Token.is_word
            return token.text
    return None


_PRONOUNS = frozenset("i you he she it we they this that there who which".split())


_OBJECT_STARTS = frozenset("the a an to that with on his her its their this these".split())


def _is_subjectless(sentence: Sentence) -> bool:
    """'And discussed the plans.': a coordinator, a past verb, its object, no subject.

    A comma anywhere ("But challenged on it, he denied") means a participle
    clause whose subject comes later, which is fine English.
    """
    tokens = sentence.tokens
    if len(tokens) < 4:
        return False
    head = tokens[0].text
    if not (head[0].isupper() and head.lower() in _COORDINATORS):
        return False  # nearly every sentence: decided before the scans below
    if not all(t.is_word for t in tokens[:3]) or any(t.text == "," for t in tokens):
        return False
    verb, after = tokens[1].text, tokens[2].text
    return (
        verb.islower()
        and verb.endswith("ed")
        and verb.lower() not in _PRONOUNS
        and after.lower() in _OBJECT_STARTS
    )
