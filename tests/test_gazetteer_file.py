"""Gazetteer files: the whole-string reader gives what the line-by-line reader gives."""

from __future__ import annotations

import pytest

from mtdetect._gazetteer_file import _parse_lines, _parse_saved, parse_counts
from mtdetect.gazetteer import Gazetteer
from mtdetect.resources import data_path

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


def test_both_readers_agree_without_trailing_newline() -> None:
    text = SAVED.rstrip("\n")
    assert _parse_saved(text) == _parse_lines(text)


def test_canonical_tables_built_together_match_tables_built_alone() -> None:
    text = data_path("names.tsv").read_text(encoding="utf-8")
    together = Gazetteer(parse_counts(text))
    alone = Gazetteer(together.counts)
    for min_count in (50, 3, 7):
        (table,) = alone._canonical_forms((min_count,))
        assert list(together._canonical(min_count).items()) == list(table.items())
