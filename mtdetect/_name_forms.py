"""Capitalised forms in running text: what counts as a name occurrence, and where.

Why apart: building a gazetteer (``count_forms``) and finding names in a
document (``name_parts``) must split and filter tokens the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from mtdetect.text import TOKEN_RE, normalise

_SENTENCE_BREAK = frozenset('.!?:;"()[]*•|')
_POSSESSIVE = re.compile(r"['’](?:s)?$")


def name_parts(token: str) -> Iterator[tuple[str, int]]:
    """Split a word token into name parts with their offsets inside it.

    "Biden-Putin" gives ("Biden", 0) and ("Putin", 6); "Zelenskiy's" gives
    ("Zelenskiy", 0): the possessive is not part of the name.
    """
    offset = 0
    for part in token.split("-"):
        core = _POSSESSIVE.sub("", part)
        if core:
            yield core, offset
        offset += len(part) + 1


def is_capitalised_name_shape(form: str) -> bool:
    """Capitalised and not an all-caps acronym: 'McFaul' yes, 'NATO' and 'I' no."""
    return len(form) >= 2 and form[0].isupper() and not form.isupper() and form.isalpha()


def count_forms(texts: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """Count mid-sentence capitalised forms and lowercase words in running text.

    A capitalised word right after a sentence break, quote or bracket is not
    counted as a name (it may be an ordinary word); lowercase words are
    counted so that names can be told from words later.
    """
    caps: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for text in texts:
        initial = True
        for match in TOKEN_RE.finditer(normalise(text)):
            tok = match.group()
            first = tok[0]
            if not first.isalpha():
                initial = tok in _SENTENCE_BREAK or (initial and tok in "'-")
                continue
            if first.isupper():
                if not initial:
                    for part, _ in name_parts(tok):
                        if is_capitalised_name_shape(part):
                            caps[part] += 1
            else:
                for part, _ in name_parts(tok):
                    if part.isalpha() and part.islower():
                        lower[part] += 1
            initial = False
    return caps, lower
