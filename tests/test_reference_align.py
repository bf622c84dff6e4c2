"""Sentence alignment: one to one, dropped, added, split and merged sentences."""

from __future__ import annotations

from reference_texts import ORIGINAL, OTHER, SPUN

from mtdetect.reference.align import align, similarity, units

A = "The council approved the new budget for road repairs on Tuesday evening."
B = "Opponents argued that the city should first pay down its large debts."
C = "The mayor said the libraries would open again in the spring of next year."
D = "A bakery in the harbour district won a national prize for its sourdough bread."


def pairs(suspect: str, original: str) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(link.suspect, link.original) for link in align(units(suspect), units(original))]


def test_units_split_at_sentence_ends_and_line_breaks() -> None:
    text = "A headline without a stop\nFirst sentence here. Second one here."
    found = [text[u.start : u.end] for u in units(text)]
    assert found == ["A headline without a stop", "First sentence here.", "Second one here."]


def test_a_round_trip_aligns_one_to_one() -> None:
    assert pairs(SPUN, ORIGINAL) == [((i,), (i,)) for i in range(6)]


def test_a_dropped_and_an_added_sentence_stay_unlinked() -> None:
    original = " ".join([A, B, C])
    suspect = " ".join([A, D, C])
    assert pairs(suspect, original) == [((0,), (0,)), ((2,), (2,))]


def test_a_split_sentence_links_two_to_one() -> None:
    original = (
        "The council approved the budget on Tuesday, and opponents said the city must pay "
        "its debts first."
    )
    suspect = (
        "The council approved the budget on Tuesday. The opponents said the city must pay "
        "its debts first."
    )
    assert pairs(suspect, original) == [((0, 1), (0,))]


def test_merged_sentences_link_one_to_two() -> None:
    original = (
        "The council approved the budget on Tuesday. Opponents said the city must pay its "
        "debts first."
    )
    suspect = (
        "The council approved the budget on Tuesday, and the opponents said the city must "
        "pay its debts first."
    )
    assert pairs(suspect, original) == [((0,), (0, 1))]


def test_a_stray_line_is_not_merged_into_a_sentence() -> None:
    original = "World\n" + A
    assert pairs(A, original) == [((0,), (1,))]


def test_unrelated_texts_do_not_align() -> None:
    assert pairs(OTHER, ORIGINAL) == []
    assert align([], units(ORIGINAL)) == []


def test_similarity_survives_rewording_but_not_another_topic() -> None:
    s, o, x = units(SPUN)[3], units(ORIGINAL)[3], units(OTHER)[3]
    key = lambda u: (u.stems, u.grams, u.numbers)  # noqa: E731
    assert similarity(key(s), key(o)) > 0.5 > 0.2 > similarity(key(s), key(x))


def test_the_similarity_matrices_agree_with_the_pairwise_similarity() -> None:
    from mtdetect.reference.align import _matrices

    su, ou = units(SPUN), units(ORIGINAL + "\n" + OTHER)
    one, _, _ = _matrices(su, ou)
    key = lambda u: (u.stems, u.grams, u.numbers)  # noqa: E731
    for i, s in enumerate(su):
        for j, o in enumerate(ou):
            assert abs(one[i, j] - similarity(key(s), key(o))) < 1e-9
