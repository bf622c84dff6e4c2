"""Is this English prose? A data-free check so the model only scores what it knows.

The detector was trained on English news; a Spanish article, a Chinese page
or a dump of code would get a meaningless score. Three cheap tests decide:
the writing system of the letters, the share of English function words
among the words (high in any English, fluent, learner or translated alike,
low in every other language), and the share of code and markup symbols.
When English loses, the same function-word test on a few other languages
names the likely culprit, so the reason a user reads is concrete.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from mtdetect import _accel
from mtdetect.text import Document


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Closed-class English words: every English sentence is full of them, learner
# and machine-translated English included. Words that are just as common in
# another Latin-script language ("a", "in", "so", "die", "son") are left out
# or kept only where English still dominates them.
ENGLISH_FUNCTION_WORDS = _wordset("""
    the of and to a an in is was were be been being are am it its it's that this
    these those for on with as by at from or but not no nor if then than so
    he she they we you i me him her them us my your his their our mine yours
    hers theirs ours who whom whose which what when where why how there here
    have has had having do does did done will would shall should can could may
    might must about into over after before under between through during
    without against among because while since until although though also only
    just very more most much many some any all each every both other such own
    same too again once out up down off all one two new said says say like
    i'm don't didn't doesn't isn't wasn't aren't weren't can't won't it's
    i've we're they're you're he's she's that's there's let's what's
    been being get got make made told just still even
    """)

# Function words of other languages, for naming what the text looks like.
# Only words that are rare in English text are listed.
OTHER_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "Spanish": _wordset(
        """el la los las del al que en y un una es por con para se lo como más pero
        sus su le ya muy fue ha son está entre cuando también sobre hasta desde
        porque esta este nos ni durante según sin hay"""
    ),
    "Portuguese": _wordset(
        """o os as da do das dos em um uma é não com para se na no mais mas
        como foi são ao pelo pela também já seu sua quando muito entre ele ela
        está isso depois sem"""
    ),
    "French": _wordset(
        """le la les des du de et un une est que qui dans pour pas sur au aux
        avec ce cette il elle ils sont ont été par plus mais ou son sa ses nous
        vous leur comme aussi très selon après sans entre"""
    ),
    "Italian": _wordset(
        """il lo la gli le di del della dei delle che è e un una per con non sono
        nel nella al alla da ha anche più ma come questo questa essere stato
        dopo tra sulla sul degli"""
    ),
    "German": _wordset(
        """der die das den dem des und ist nicht ein eine einen einem zu mit sich
        auf für von im auch es sie er wir ich wird werden wurde sind dass bei aus
        nach noch wie aber oder nur über vor zum zur vom durch"""
    ),
    "Dutch": _wordset(
        """de het een en van is dat niet op te zijn met voor die er aan ook als
        bij maar om nog wordt werd naar dit deze wel uit heeft hebben"""
    ),
    "Indonesian or Malay": _wordset(
        """yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke
        adalah karena oleh sudah ada mereka kami kita telah bahwa"""
    ),
    "Turkish": _wordset(
        """ve bir bu da de için ile olarak daha çok gibi olan ama kadar sonra
        değil en ne var ya ise ki"""
    ),
    "Polish": _wordset(
        """w na z że się nie do jest jak po od za ale przez jego tak są
        dla oraz także który która które tym już"""
    ),
    "Swedish, Danish or Norwegian": _wordset(
        """och att det som en är på för med av den till har inte om ett var jag
        men från också og er til af ikke han hun de"""
    ),
    "Czech or Slovak": _wordset(
        """je se na v že s z do jako ale jsou byl bylo také podle který
        která které jeho pro při"""
    ),
}

# Letters outside Latin script, by the first word of their Unicode name.
_SCRIPTS = {
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Korean",
    "CYRILLIC": "Russian or another Cyrillic-script language",
    "GREEK": "Greek",
    "ARABIC": "Arabic, Persian or Urdu",
    "HEBREW": "Hebrew",
    "DEVANAGARI": "Hindi or another Devanagari-script language",
    "BENGALI": "Bengali",
    "TAMIL": "Tamil",
    "THAI": "Thai",
    "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian",
    "ETHIOPIC": "Amharic or another Ethiopic-script language",
}

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# Characters that crowd code and markup but are rare in prose.
_CODE_CHARS = frozenset("{}<>[]=;_\\|$`^~")

# Byte tables for counting ASCII characters at C speed (bytes.translate
# deletes a set): what str.isalpha / str.isspace say of each ASCII character.
_ASCII = [chr(i) for i in range(128)]
_ASCII_NOT_LETTERS = bytes(i for i, ch in enumerate(_ASCII) if not ch.isalpha())
_ASCII_SPACES = bytes(i for i, ch in enumerate(_ASCII) if ch.isspace())
_CODE_BYTES = "".join(sorted(_CODE_CHARS)).encode("ascii")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")

#: fewer words than this and only the writing system is judged
FUNCTION_WORD_CHECK_MIN_WORDS = 8
#: share of English function words among words; fluent English sits near 0.45
MIN_ENGLISH_SHARE = 0.13
#: above this share a text is English whatever its accents
CLEAR_ENGLISH_SHARE = 0.3
#: a language is named only when its function words make up this share
MIN_OTHER_SHARE = 0.10
#: share of code/markup symbols among non-space characters
MAX_CODE_SHARE = 0.09
#: share of Latin-script letters that carry diacritics (é, ü, ñ ...)
MAX_ACCENTED_SHARE = 0.03


def _script(char: str) -> str:
    if char.isascii():
        return "LATIN"
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    if first in ("LATIN", "FULLWIDTH"):
        return "LATIN"
    return first


def _script_verdict(letters: list[str], latin: int = 0) -> str | None:
    """The non-Latin writing system of most letters, if any; ``latin`` adds ASCII letters."""
    counts: dict[str, int] = {"LATIN": latin} if latin else {}
    for char in letters:
        script = _script(char)
        counts[script] = counts.get(script, 0) + 1
    latin = counts.pop("LATIN", 0)
    if not counts:
        return None
    script, n = max(counts.items(), key=lambda item: item[1])
    if n <= latin:
        return None
    if script == "CJK":
        kana = counts.get("HIRAGANA", 0) + counts.get("KATAKANA", 0)
        language = "Japanese" if kana else "Chinese"
    else:
        language = _SCRIPTS.get(script, f"{script.title()} script")
    return f"text is not English (looks like {language})"


def _char_counts(text: str) -> tuple[int, list[str], int, int]:
    """(ASCII letters, non-ASCII letters in order, non-space characters, code characters).

    Why: looping over every character in Python is the slow part of this
    check; ASCII (nearly all of an English text) is counted by
    ``bytes.translate`` instead, and only the other characters one by one
    (or all of them in one compiled pass, ``mtdetect/_text.pyx``).
    """
    compiled = _accel.char_counter()
    if compiled is not None:
        return compiled(text, _CODE_BYTES)
    raw = text.encode("ascii", "ignore")  # the ASCII characters, in order
    others = _NON_ASCII.findall(text) if len(raw) != len(text) else []
    ascii_letters = len(raw.translate(None, _ASCII_NOT_LETTERS))
    spaces = len(raw) - len(raw.translate(None, _ASCII_SPACES))
    spaces += sum(1 for char in others if char.isspace())
    code = len(raw) - len(raw.translate(None, _CODE_BYTES))
    return ascii_letters, [c for c in others if c.isalpha()], len(text) - spaces, code


# Every other language's function words: a text with fewer of these than
# English ones has fewer of any one language's too (see english_verdict).
_ANY_OTHER_WORDS = frozenset().union(*OTHER_FUNCTION_WORDS.values())


def _closest_other(counts: Counter[str]) -> tuple[str | None, float]:
    """The non-English language whose function words are commonest here."""
    total = counts.total()
    best, best_share = None, 0.0
    for language, vocabulary in OTHER_FUNCTION_WORDS.items():
        share = _hits(counts, vocabulary) / total
        if share > best_share:
            best, best_share = language, share
    return best, best_share


def _hits(counts: Counter[str], vocabulary: frozenset[str]) -> int:
    """How many of the counted words are in ``vocabulary``.

    Why a key intersection: it runs in C over the smaller of the two, and the
    words found are few; a sum of ints is the same in any order.
    """
    return sum(map(counts.__getitem__, counts.keys() & vocabulary))


# Marks that normalisation turns into an apostrophe but _WORD does not join words with
_OTHER_APOSTROPHE_MARKS = "\u2018\u201a\u201b\u2032\u00b4`"


def _numeric_signs(text: str) -> bool:
    """Whether ``text`` has a numeric character that is not a decimal digit ("²", "½", "Ⅻ")."""
    if text.isascii():
        return False
    # deleting the ASCII runs leaves the other characters, in order, at C speed
    # (about 2.5 times faster than finding them one match at a time)
    others = _ASCII_RUNS.sub("", text)
    return any(c.isnumeric() and not c.isdecimal() for c in others)


def _words(text: str, doc: Document | None) -> list[str]:
    """The lower-cased words of ``_WORD``, from the document's tokens when it has them.

    Why: the detector has tokenised the text already. A word token splits on its
    hyphens into exactly ``_WORD``'s words ("well-known": "well", "known"), since
    both patterns are letters joined by apostrophes and normalisation only turns
    quotes, dashes and spaces into their plain forms; the one difference is a
    quote mark that normalisation makes an apostrophe and ``_WORD`` does not
    join on ("don`t"), and a character that is a word character to both
    patterns but not a letter to ``str.isalpha`` (which picks the document's
    words): a number sign such as "²" or "½"; a text with either is read with
    ``_WORD`` itself.
    """
    if not _reads_tokens(text, doc):
        words = [word.lower() for word in _WORD.findall(text)]
        if "\u2019" in text:
            words = [word.replace("\u2019", "'") for word in words]
        return words
    words = doc.lower_words
    if any("-" in word for word in words):
        words = [part for word in words for part in word.split("-")]
    return words


def _reads_tokens(text: str, doc: Document | None) -> bool:
    """Whether the document's words are ``_WORD``'s words here (see :func:`_words`)."""
    if doc is None:
        return False
    if text.isascii():  # of the marks, only "`" is ASCII; no numeric signs either
        return "`" not in text
    # one C scan per mark is faster than the regex's scan (same answer)
    if any(mark in text for mark in _OTHER_APOSTROPHE_MARKS):
        return False
    return not _numeric_signs(text)


def _word_counts(text: str, doc: Document | None) -> Counter[str]:
    """``Counter(_words(text, doc))``, from the document's shared word counts when it can."""
    if doc is None or not _reads_tokens(text, doc):
        return Counter(_words(text, None))
    counts = doc.lower_word_counts
    hyphenated = doc.hyphenated_words
    if hyphenated:
        counts = counts.copy()  # the document's counts are shared: never changed here
        for word in hyphenated:
            n = counts.pop(word)
            for part in word.split("-"):
                counts[part] += n
    return counts


def english_verdict(text: str | Document) -> str | None:
    """None when ``text`` is English prose, otherwise why it is not.

    Very short texts (under :data:`FUNCTION_WORD_CHECK_MIN_WORDS` words) are only
    checked for their writing system: a word count that small is the length check's job.
    Given a :class:`Document`, the words come from its tokens (see :func:`_words`).
    """
    doc = text if isinstance(text, Document) else None
    text = doc.text if doc is not None else text
    ascii_letters, other_letters, visible, code_chars = _char_counts(text)
    n_letters = ascii_letters + len(other_letters)
    if not n_letters or n_letters < 0.4 * visible:
        return "text has too few letters"
    verdict = _script_verdict(other_letters, ascii_letters)
    if verdict is not None:
        return verdict
    counts = _word_counts(text, doc)
    n_words = counts.total()
    if n_words < FUNCTION_WORD_CHECK_MIN_WORDS:
        return None
    english = _hits(counts, ENGLISH_FUNCTION_WORDS) / n_words
    code = code_chars / visible
    if code > MAX_CODE_SHARE or (code > MAX_CODE_SHARE / 3 and english < CLEAR_ENGLISH_SHARE):
        return "text is not English prose (looks like code or markup)"
    accented = len(other_letters) / n_letters
    english_shaped = english >= MIN_ENGLISH_SHARE and (
        accented <= MAX_ACCENTED_SHARE or english >= CLEAR_ENGLISH_SHARE
    )
    # Why: no language's share can exceed that of all their words together,
    # so above it English wins without finding the closest (division keeps order)
    if english_shaped and english > _hits(counts, _ANY_OTHER_WORDS) / n_words:
        return None
    other, other_share = _closest_other(counts)
    # English-shaped; a heavily accented text must be clearly English
    if (
        english >= MIN_ENGLISH_SHARE
        and english > other_share
        and (accented <= MAX_ACCENTED_SHARE or english >= CLEAR_ENGLISH_SHARE)
    ):
        return None
    if other is not None and other_share >= MIN_OTHER_SHARE:
        return f"text is not English (looks like {other})"
    return "text is not English prose (too few common English words)"
