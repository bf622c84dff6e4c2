"""Reading a gazetteer quickly: its ``form<TAB>count`` lines, and the shipped one's tables.

Why a module of its own: the shipped ``names.tsv`` has over 100,000 lines, and
reading it line by line in Python was the largest single cost of a detector's
first document (about 0.1 s). A file written by ``Gazetteer.save`` (header
comments, then exactly ``form<TAB>digits`` per line) is read with whole-string
operations instead; anything else (a user's hand-written list: blank lines,
comments further down, names without counts, repeated names, spaces around a
field) takes the line-by-line reading. Both give the same counts in the same
order (the order decides ties between canonical spellings).

The shipped gazetteer goes further: ``names.tables.pickle`` holds its counts
and the look-up tables the near-miss search builds from them (about 80 ms of
Python at first use; unpickling takes about 30). It records the sha256 of the
``names.tsv`` it was built from and the parameters of the tables; when either
differs, or the file cannot be read, ``names.tsv`` is read and the tables
built as before, so results never depend on it. ``scripts/build_name_tables.py``
rebuilds it and ``tests/test_gazetteer_file.py`` checks that it is current.
"""

from __future__ import annotations

import pickle
from itertools import repeat
from pathlib import Path
from typing import Any

#: the count given to a name listed without one (a user's trusted list)
DEFAULT_COUNT = 20


def parse_counts(text: str) -> dict[str, int]:
    """Counts per form of a gazetteer file's text (lines split on ``\\n`` only)."""
    counts = _parse_saved(text)
    return counts if counts is not None else _parse_lines(text)


def _parse_lines(text: str) -> dict[str, int]:
    """Any file: a line without a count is a trusted name; repeated forms add up."""
    counts: dict[str, int] = {}
    for raw in text.split("\n"):
        form, tab, rest = raw.partition("\t")
        form = form.strip()
        if not form or form[0] == "#":
            continue
        n = DEFAULT_COUNT
        if tab:
            field = rest.split("\t", 1)[0].strip()
            if field.isdecimal():  # not isdigit: int() refuses "²", a digit to it
                n = int(field)
        counts[form] = counts.get(form, 0) + n
    return counts


def _parse_saved(text: str) -> dict[str, int] | None:
    """The counts of a file in ``Gazetteer.save``'s exact shape, or None for any other.

    Every check below is one pass in C over the whole text or one list, so
    that what the line-by-line reader would do differently (a stripped
    space, a comment, an empty line, a second tab, a missing or non-ASCII
    count, a repeated form) sends the file there instead.
    """
    start = 0
    while text.startswith("#", start):  # the header comments
        end = text.find("\n", start)
        if end < 0:
            return None
        start = end + 1
    body = text[start:-1] if text.endswith("\n") else text[start:]
    if not body or body[0] == "\n" or "\n\n" in body or "\n#" in body:
        return None
    lines = body.split("\n")
    # one tab per line (the total alone would let a line with two make up for one with none)
    if list(map(str.count, lines, repeat("\t", len(lines)))).count(1) != len(lines):
        return None
    parts = body.replace("\n", "\t").split("\t")
    forms, fields = parts[0::2], parts[1::2]
    if not all(forms) or forms != list(map(str.strip, forms)):
        return None
    digits = "".join(fields)
    if not all(fields) or not (digits.isascii() and digits.isdigit()):
        return None
    counts = dict(zip(forms, map(int, fields), strict=True))
    return counts if len(counts) == len(forms) else None


#: the shipped gazetteer's tables, beside ``names.tsv``
TABLES_FILE = "names.tables.pickle"
_TABLES_FORMAT = 1


def write_tables(
    path: Path, source_sha256: str, params: tuple[Any, ...], counts: dict, tables: dict
) -> None:
    """Pickle ``counts`` and ``tables`` with what they were built from."""
    state = {
        "format": _TABLES_FORMAT,
        "source_sha256": source_sha256,
        "params": params,
        "counts": counts,
        "tables": tables,
    }
    path.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def read_tables(
    path: Path, source_sha256: str, params: tuple[Any, ...]
) -> tuple[dict[str, int], dict[str, Any]] | None:
    """``(counts, tables)`` from ``path`` if built from this source with these parameters."""
    try:
        state = pickle.loads(path.read_bytes())
    except Exception:  # missing or unreadable: the caller reads names.tsv instead
        return None
    if (
        not isinstance(state, dict)
        or state.get("format") != _TABLES_FORMAT
        or state.get("source_sha256") != source_sha256
        or state.get("params") != params
    ):
        return None
    return state["counts"], state["tables"]
