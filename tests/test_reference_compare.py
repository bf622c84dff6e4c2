"""compare(): verdicts, and each kind of change with offsets into both texts."""

from __future__ import annotations

import json

import pytest
from reference_texts import ORIGINAL, OTHER, SPUN

from mtdetect import compare as lazy_compare
from mtdetect.reference.compare import Comparison, compare


def kinds(result: Comparison) -> list[tuple[str, str, str]]:
    return [(c.kind, c.suspect.text, c.original.text) for c in result.changes]


def check_offsets(result: Comparison, suspect: str, original: str) -> None:
    for change in result.changes:
        assert suspect[change.suspect.start : change.suspect.end] == change.suspect.text
        assert original[change.original.start : change.original.end] == change.original.text
    for pair in result.sentences:
        assert suspect[pair.suspect.start : pair.suspect.end] == pair.suspect.text


def test_a_re_translation_is_spun_with_its_name_number_and_phrase() -> None:
    result = compare(SPUN, ORIGINAL)
    assert result.verdict == "spun"
    assert result.coverage == 1.0
    assert kinds(result) == [
        ("number", "800", "300"),
        ("name", "Whitford", "Whitfield"),
        ("phrase", "edge politics", "brinkmanship"),
    ]
    check_offsets(result, SPUN, ORIGINAL)
    assert len(result.profile) == 6 and min(result.profile) > 0.4


def test_dropped_and_added_sentences() -> None:
    schools = "Schools will remain closed until Friday, said the office of education.\n"
    extra = "The town's football team won its match on Sunday by three goals."
    suspect = SPUN.replace(schools, "") + "\n" + extra
    result = compare(suspect, ORIGINAL)
    found = {(k, s, o) for k, s, o in kinds(result) if k in ("dropped", "added")}
    assert found == {
        ("dropped", "", "Schools will stay shut until Friday, the education office said."),
        ("added", extra, ""),
    }
    check_offsets(result, suspect, ORIGINAL)
    dropped = next(c for c in result.changes if c.kind == "dropped")
    assert dropped.suspect.start == suspect.index("The residents") - 1  # where it was


def test_a_copy_with_boilerplate_and_a_cut_is_a_copy() -> None:
    lines = ORIGINAL.split("\n")
    suspect = "\n".join(["Read this now", "[ad_1]", *lines[2:-1], "Source link"])
    result = compare(suspect, ORIGINAL)
    assert result.verdict == "copy"
    assert {c.kind for c in result.changes} <= {"dropped", "added"}
    check_offsets(result, suspect, ORIGINAL)


def test_another_article_on_the_same_story_is_related() -> None:
    suspect = (
        "Springfield counts the cost\n\nCarla Denholm toured the flooded streets with Peter "
        "Whitfield on Wednesday. Denholm promised that Springfield would rebuild quickly, "
        "and Whitfield said the council had set aside money for families in need."
    )
    assert compare(suspect, ORIGINAL).verdict == "related"


def test_another_story_is_unrelated_and_lists_no_changes() -> None:
    result = compare(OTHER, ORIGINAL)
    assert result.verdict == "unrelated"
    assert result.changes == () and result.coverage == 0.0


def test_inflections_are_not_name_changes() -> None:
    original = "Russia said talks with Ukraine on grain exports would resume in Istanbul soon."
    suspect = (
        "The Russian side said the talks with Ukrainian officials on grain exports resume "
        "soon in Istanbul."
    )
    assert [c for c in compare(suspect, original).changes if c.kind == "name"] == []


def test_to_dict_is_json_and_the_package_exports_compare() -> None:
    data = json.loads(json.dumps(compare(SPUN, ORIGINAL).to_dict()))
    assert data["verdict"] == "spun" and len(data["profile"]) == 6
    assert {"kind", "suspect", "original", "message"} <= set(data["changes"][0])
    assert lazy_compare is compare


@pytest.mark.parametrize("suspect", ["", "   ", "!!!"])
def test_empty_inputs_are_unrelated(suspect: str) -> None:
    assert compare(suspect, ORIGINAL).verdict == "unrelated"
    assert compare(ORIGINAL, suspect).verdict == "unrelated"
