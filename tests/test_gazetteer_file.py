"""Gazetteer files: fast readers agree with slow ones; the stored tables are current."""

from __future__ import annotations

import pytest

from mtdetect import gazetteer as gazetteer_module
from mtdetect._gazetteer_file import (
    DEFAULT_COUNT,
    TABLES_FILE,
    _parse_lines,
    _parse_saved,
    parse_counts,
    read_tables,
)
from mtdetect.gazetteer import Gazetteer, GazetteerError, check_file, write_default_tables
from mtdetect.resources import data_path, file_sha256

SAVED = "# header\n# more header\nthe\t90\nHolloway\t40\nÉlodie\t7\nNew York\t3\n"


def test_the_shipped_file_reads_the_fast_way_with_the_same_counts_and_order() -> None:
    text = data_path("names.tsv").read_text(encoding="utf-8")
    fast = _parse_saved(text)
    assert fast is not None
    assert list(fast.items()) == list(_parse_lines(text).items())


def test_a_saved_file_reads_the_fast_way(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert _parse_saved(SAVED) == {"the": 90, "Holloway": 40, "Élodie": 7, "New York": 3}
    path = tmp_path / "names.tsv"
    Gazetteer({"Fairbanks": 80, "river": 200}).save(path)
    text = path.read_text(encoding="utf-8")
    assert _parse_saved(text) == _parse_lines(text) == {"river": 200, "Fairbanks": 80}


@pytest.mark.parametrize(
    "text",
    [
        "Holloway\t40\n\nJones\t3\n",  # blank line
        "Holloway\t40\n# a comment\nJones\t3\n",  # comment after the header
        "Holloway\nJones\t3\n",  # no count: a trusted name
        "Holloway\t40\t12\n",  # a second field
        "Holloway\t40\t12\nJones\n",  # a second field, then a line without a count
        "a\t1\t2\n3\n",  # ... whose tabs add up to one per line
        " Holloway\t40\n",  # spaces around a form
        "Holloway \t40\n",
        "Holloway\t 40\n",  # spaces around a count
        "Holloway\t4x\n",  # not a number
        "Holloway\t\u0664\u0660\n",  # digits, but not ASCII ones
        "Holloway\t40\nHolloway\t2\n",  # a repeated form adds up
        "\tHolloway\t40\n",  # empty form
        "Holloway\t40\n\n",  # trailing blank line
        "\nHolloway\t40\n",
        "Holloway\t\n",
        "# only a header\n",
        "#",
        "",
        "Holloway\u00a0\t40\n",  # a no-break space is stripped too
        "Holloway\t40\r\nJones\t3\n",
    ],
)
def test_any_other_shape_is_read_line_by_line(text: str) -> None:
    assert _parse_saved(text) is None
    assert list(parse_counts(text).items()) == list(_parse_lines(text).items())


def test_a_digit_that_is_no_number(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Superscript two is a digit to ``str.isdigit`` but no number to ``int``: ``check_file``
    refuses it as a count, and a load reads it as no count (it raised ValueError)."""
    text = "Holloway\t\u00b2\nJones\t\u0663\n"
    assert parse_counts(text) == {"Holloway": DEFAULT_COUNT, "Jones": 3}
    path = tmp_path / "names.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GazetteerError, match="line 1: count '\u00b2' is not a whole number"):
        check_file(path)


def test_both_readers_agree_without_trailing_newline() -> None:
    text = SAVED.rstrip("\n")
    assert _parse_saved(text) == _parse_lines(text)


def test_the_stored_tables_are_current(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """If this fails, run: python scripts/build_name_tables.py"""
    params = gazetteer_module._TABLES_PARAMS
    source_sha = file_sha256(data_path("names.tsv"))
    shipped = read_tables(data_path(TABLES_FILE), source_sha, params)
    assert shipped is not None, "stale: run python scripts/build_name_tables.py"
    rebuilt = read_tables(write_default_tables(tmp_path / TABLES_FILE), source_sha, params)
    assert rebuilt is not None
    for stored, fresh in zip(shipped, rebuilt, strict=True):
        assert stored == fresh, "stale: run python scripts/build_name_tables.py"
    counts, tables = shipped
    assert list(counts) == list(rebuilt[0])  # the order decides ties
    assert all(list(tables[key]) == list(rebuilt[1][key]) for key in tables)


def test_the_default_gazetteer_from_its_tables_answers_as_from_names_tsv(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gazetteer_module, "_DEFAULT", None)  # loaded afresh, restored after
    stored = gazetteer_module.default_gazetteer()
    # came with its tables (a lazily built index would also make _indexes non-empty)
    assert set(stored._indexes) == {"pivot", "canon3", "canon50"}
    slow = Gazetteer.load(data_path("names.tsv"))
    assert stored.counts == slow.counts
    words = ["Brinken", "Clinten", "Obana", "Meanwhile", "Merkle", "Putim", "Zelenskiy"]
    assert [stored.near_miss(w) for w in words] == [slow.near_miss(w) for w in words]


def test_stale_or_unreadable_tables_are_not_used(tmp_path) -> None:  # type: ignore[no-untyped-def]
    params = gazetteer_module._TABLES_PARAMS
    source_sha = file_sha256(data_path("names.tsv"))
    path = write_default_tables(tmp_path / TABLES_FILE)
    assert read_tables(path, source_sha, params) is not None
    assert read_tables(path, "0" * 64, params) is None  # names.tsv rebuilt
    assert read_tables(path, source_sha, (2, *params[1:])) is None  # table code changed
    path.write_bytes(b"not a pickle")
    assert read_tables(path, source_sha, params) is None
    assert read_tables(tmp_path / "missing.pickle", source_sha, params) is None
