"""Names as the type table sees them: per distinct token, computed once per process.

Why apart from ``_name_variants``: these replace token-by-token loops over a
document (finding the capitalised forms, the typo rate, the gazetteer's
verdict on each form) with columns of the type table (``_row_column``), so a
document only visits the few tokens that hold a name; the rules themselves
are unchanged (``tests/test_name_profile_rows.py`` compares them).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np

from mtdetect._name_forms import name_parts
from mtdetect._row_column import RowColumn
from mtdetect._type_table import token_rows
from mtdetect.gazetteer import RARE_COUNT, Gazetteer, is_ordinary_word
from mtdetect.signals._name_variants import (
    _TRANSLIT_GROUP,
    TYPO_RATE_CUTOFF,
    TYPO_RATE_OK,
    _folded,
)
from mtdetect.text import Document


def _is_form(part: str) -> bool:
    """Name-shaped: not an acronym ('NATO'), an initial ('W') or glued to a number."""
    return len(part) > 1 and not part.isupper() and part.isalpha()


#: per distinct token: None (no name in it), the token itself when it is one
#: name form (most are), else its name forms with their offsets inside it
TokenForms = str | tuple[tuple[str, int], ...] | None
#: forms seen that belong to a transliteration group ('Kyiv', 'Kiev', ...)
_GROUPED: set[str] = set()


def _token_forms(texts: Sequence[str], table: object = None) -> list[TokenForms]:
    """The name forms each distinct token holds (None for the many that hold none)."""
    out: list[TokenForms] = []
    append = out.append
    grouped = _TRANSLIT_GROUP
    for word in texts:
        if not word[0].isupper():  # most tokens: nothing more to do
            append(None)
        elif "-" in word or "'" in word:
            parts = [(p, o) for p, o in name_parts(word) if p[0].isupper() and _is_form(p)]
            for part, _ in parts:
                if _folded(part) in grouped:
                    _GROUPED.add(part)
            append(parts[0][0] if len(parts) == 1 and parts[0][1] == 0 else tuple(parts) or None)
        elif _is_form(word):
            if _folded(word) in grouped:
                _GROUPED.add(word)
            append(word)
        else:
            append(None)
    return out


_FORMS = RowColumn(_token_forms)


def _collect_forms(
    doc: Document, gaz: Gazetteer | None = None
) -> tuple[dict[str, list[int]], list[str]]:
    """Every capitalised name-shaped spelling in the document, with its start offsets.

    Also the spellings that belong to a transliteration group, in order of
    first occurrence. Each distinct token is split into forms once per
    process (a column of the type table), so only the tokens that hold a
    form are visited here, not every token. Given ``gaz``, only the forms it
    reads as names and the grouped ones (all that ``NameSignal`` looks at):
    about half the forms are ordinary words ('The', 'Meanwhile'), dropped
    once per distinct token instead of once per occurrence.
    """
    tokens = token_rows(doc)
    rows = tokens.rows
    source = _FORMS if gaz is None else _name_rows(gaz)
    where = np.flatnonzero(source.present(tokens)[rows])
    held = list(map(source.of(tokens).__getitem__, rows[where].tolist()))
    doc_tokens = doc.tokens
    begins = [doc_tokens[i][1] for i in where.tolist()]
    starts: dict[str, list[int]] = {}
    get = starts.get
    for form, begin in zip(held, begins, strict=True):
        if form.__class__ is str:
            found = get(form)
            if found is None:
                starts[form] = [begin]
            else:
                found.append(begin)
        else:
            for part, offset in form:
                found = get(part)
                if found is None:
                    starts[part] = [begin + offset]
                else:
                    found.append(begin + offset)
    grouped = _GROUPED
    return starts, [f for f in starts if f in grouped] if grouped else []


def _name_rows(gaz: Gazetteer) -> RowColumn:
    """Per distinct token: its forms that ``gaz`` reads as names or that are grouped, else None."""
    column = _NAME_ROWS.get(gaz)
    if column is None:
        verdicts = _name_forms(gaz)  # (not gaz itself: the map below holds it weakly)

        def kept(texts: Sequence[str], table: object) -> list[TokenForms]:
            out: list[TokenForms] = []
            for found in _token_forms(texts):  # (fills _GROUPED first)
                if found is None or found.__class__ is str:
                    ok = found is None or verdicts[found] is not None or found in _GROUPED
                    out.append(found if ok else None)
                else:
                    parts = [p for p in found if verdicts[p[0]] is not None or p[0] in _GROUPED]
                    out.append(tuple(parts) or None)
            return out

        column = _NAME_ROWS[gaz] = RowColumn(kept)
    return column


class _NameForms(dict):  # type: ignore[type-arg]
    """Form -> ``(count, unattested)`` when the gazetteer reads it as a name, else None.

    None when shorter than 3 letters or mainly an ordinary word ('Meanwhile',
    'Brown'). Filled on first sight: a document's names were mostly seen in
    earlier documents, so most look-ups are one dict access.
    """

    def __init__(self, gaz: Gazetteer) -> None:
        super().__init__()
        # weakly: this cache is the value of a weak-keyed map whose key is the gazetteer
        self.gaz = weakref.ref(gaz)

    def __missing__(self, form: str) -> tuple[int, bool] | None:
        gaz = self.gaz()
        if gaz is None:  # (only reached through the map, which holds the gazetteer)
            raise ReferenceError("the gazetteer of this cache is gone")
        found = None
        if len(form) >= 3:
            n = gaz.counts.get(form, 0) if form.isascii() else gaz.count(form)
            if not is_ordinary_word(gaz.counts.get(form.lower(), 0), n):
                found = (n, n <= RARE_COUNT)
        if len(self) > 100_000:
            self.clear()
        self[form] = found
        return found


def _name_forms(gaz: Gazetteer) -> _NameForms:
    found = _NAME_FORMS.get(gaz)
    if found is None:
        found = _NAME_FORMS[gaz] = _NameForms(gaz)
    return found


_NAME_FORMS: weakref.WeakKeyDictionary[Gazetteer, _NameForms] = weakref.WeakKeyDictionary()
# one column of kept forms per gazetteer (its counts decide what is a name)
_NAME_ROWS: weakref.WeakKeyDictionary[Gazetteer, RowColumn] = weakref.WeakKeyDictionary()


def _typo_codes(gaz: Gazetteer) -> RowColumn:
    """Per distinct token: 0 not a lowercase word of 3+ letters, 1 a known one, 2 an unknown one."""
    column = _TYPO_CODES.get(gaz)
    if column is None:
        counts = gaz.counts

        def code(texts: Sequence[str], table: object) -> list[int]:
            return [
                0
                if not (w[0].isalpha() and len(w) >= 3 and w.islower())
                else 2
                if counts.get(w, 0) <= RARE_COUNT and w.isalpha()
                else 1
                for w in texts
            ]

        column = _TYPO_CODES[gaz] = RowColumn(code, np.int8)
    return column


# one typo column per gazetteer (its counts decide what is a known word)
_TYPO_CODES: weakref.WeakKeyDictionary[Gazetteer, RowColumn] = weakref.WeakKeyDictionary()


def _typo_discount(doc: Document, gaz: Gazetteer) -> float:
    """1.0 for clean prose, falling to 0.0 as unknown lowercase words pass 4% (learner text)."""
    tokens = token_rows(doc)
    codes = _typo_codes(gaz).of(tokens)[tokens.rows]
    n_lower = int(np.count_nonzero(codes))
    if n_lower < 20:
        return 1.0
    unknown = int(np.count_nonzero(codes == 2))
    rate = unknown / n_lower
    return min(1.0, max(0.0, (TYPO_RATE_CUTOFF - rate) / (TYPO_RATE_CUTOFF - TYPO_RATE_OK)))
