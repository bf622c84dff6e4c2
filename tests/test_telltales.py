"""Telltale summaries: kinds and surprise against native-news base rates."""

from __future__ import annotations

import math

import pytest

from mtdetect.evidence import Evidence
from mtdetect.telltales import events, native_rates, poisson_log_tail, summarise


def test_poisson_tail_matches_the_closed_form() -> None:
    mean = 0.3
    for count in range(1, 6):
        exact = 1 - sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(count))
        assert poisson_log_tail(count, mean) == pytest.approx(math.log(exact), rel=1e-9)
    assert poisson_log_tail(0, 0.5) == 0.0


def test_poisson_tail_stays_finite_for_tiny_means() -> None:
    value = poisson_log_tail(3, 1e-7)
    assert math.isfinite(value) and value < -40


def item(kind: str, text: str = "x") -> Evidence:
    return Evidence(kind, 0, len(text), text, "test")


def test_shipped_rates_cover_every_kind() -> None:
    rates = native_rates()
    assert all(0 < rate < 0.01 for rate in rates.values())


def test_rare_mixtures_are_more_surprising_than_common_slips() -> None:
    common = summarise([item("surface.broken_join")], n_words=500)
    mixture = summarise(
        [
            item("surface.broken_join"),
            item("surface.stray_punctuation"),
            item("names.paren_repeat"),
        ],
        n_words=500,
    )
    assert common[0] == 1 and mixture[0] == 3
    assert mixture[1] > common[1] + 10


def test_repeats_of_one_kind_are_capped() -> None:
    five = summarise([item("surface.broken_join")] * 5, n_words=500)
    two = summarise([item("surface.broken_join")] * 2, n_words=500)
    assert five == two


def test_the_same_evidence_is_less_surprising_in_a_longer_text() -> None:
    evidence = [item("surface.lone_letter")]
    assert summarise(evidence, 200)[1] > summarise(evidence, 5000)[1]


def test_non_telltale_evidence_is_ignored() -> None:
    assert summarise([item("phrases.odd_pair_rate"), item("boilerplate")], 300) == [0.0, 0.0]


def test_a_name_telltale_counts_once_per_spelling() -> None:
    # one unfamiliar surname used three times is one event; a second spelling is another
    found = events(
        [
            item("names.near_miss", "Rowlands"),
            item("names.near_miss", "Rowlands"),
            item("names.near_miss", "ROWLANDS"),
            item("names.near_miss", "Brinken"),
            item("surface.broken_join", ". said"),
            item("surface.broken_join", ". said"),
        ]
    )
    assert found == {"names.near_miss": 2, "surface.broken_join": 2}


def test_a_repeated_name_is_no_more_surprising_than_a_single_one() -> None:
    once = summarise([item("names.near_miss", "Finnie")], n_words=300)
    thrice = summarise([item("names.near_miss", "Finnie")] * 3, n_words=300)
    assert once == thrice
    two_names = summarise(
        [item("names.near_miss", "Finnie"), item("names.near_miss", "Rowell")], n_words=300
    )
    assert two_names[1] > once[1]
