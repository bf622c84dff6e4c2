"""Gazetteer: pivot-tolerant distance, blocking key, near misses, persistence, building."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mtdetect._name_forms import name_parts
from mtdetect._spelling import fold, pivot_key, skeleton, weighted_distance
from mtdetect.gazetteer import DEFAULT_COUNT, Gazetteer, build_from_texts, default_gazetteer
from mtdetect.name_chars import NameCharModel


def toy() -> Gazetteer:
    """Invented names with invented counts, plus a few ordinary words."""
    return Gazetteer(
        {
            "Holloway": 40,
            "Quarrendon": 12,
            "Fairbanks": 80,
            "Iran": 500,
            "Iraq": 400,
            "Jones": 300,
            "Jonas": 50,
            "River": 10,
            "river": 200,
            "Meanwhile": 2,
            "meanwhile": 90,
            "Pellowes": 2,  # too rare to be canonical
        }
    )


# -- distance and blocking ------------------------------------------------------


def test_pivot_confusions_are_cheaper_than_arbitrary_edits() -> None:
    assert weighted_distance("brinken", "blinken") == pytest.approx(0.3)  # l/r
    assert weighted_distance("piver", "pifer") == pytest.approx(0.3)  # v/f
    assert weighted_distance("blnken", "blinken") == pytest.approx(0.5)  # dropped vowel
    assert weighted_distance("joly", "jolly") < 0.5  # doubled letter
    assert weighted_distance("pmeberton", "pemberton") == pytest.approx(0.6)  # swap
    assert weighted_distance("iran", "iraq") == pytest.approx(1.0)  # n/q: no confusion
    assert weighted_distance("abc", "abc") == 0.0


def test_distance_limit_stops_early_and_is_symmetric() -> None:
    assert weighted_distance("quarrendon", "pemberton", 0.5) == math.inf
    assert weighted_distance("holloway", "hollowey", 0.6) == pytest.approx(0.5)
    assert weighted_distance("fushbo", "vershbow") == pytest.approx(
        weighted_distance("vershbow", "fushbo")
    )


def test_skeleton_survives_pivot_confusions_but_separates_other_names() -> None:
    assert skeleton("Brinken") == skeleton("Blinken") == skeleton("Blnken")
    assert skeleton("McFall") == skeleton("McFaul")
    assert skeleton("Holloway") != skeleton("Pemberton")
    assert pivot_key("Brinken") == pivot_key("Blinken")
    assert pivot_key("Stanislaw") != pivot_key("Stanislav")  # v/w is ordinary spelling


def test_fold_drops_accents_and_case() -> None:
    assert fold("Mélanie") == "melanie"
    assert fold("ÅSTRÖM") == "astrom"


def test_name_parts_split_hyphens_and_possessives() -> None:
    assert list(name_parts("Holloway-Quarrendon")) == [("Holloway", 0), ("Quarrendon", 9)]
    assert list(name_parts("Holloway's")) == [("Holloway", 0)]


# -- lookups ---------------------------------------------------------------------


def test_near_miss_finds_pivot_mangled_names() -> None:
    gaz = toy()
    hit = gaz.near_miss("Horroway")  # two l/r swaps
    assert hit is not None and hit[0] == "Holloway"
    assert 0.0 < hit[1] <= 1.0
    hit = gaz.near_miss("Qualrendon")
    assert hit is not None and hit[0] == "Quarrendon"


def test_near_miss_allows_one_inner_vowel_slip_toward_frequent_names_only() -> None:
    gaz = toy()
    hit = gaz.near_miss("Fairbonks")
    assert hit is not None and hit[0] == "Fairbanks"
    assert gaz.near_miss("Hollowoy") is None  # Holloway is known, but not frequent enough
    assert gaz.near_miss("Fairbank") is None  # a derived form, not a mangled one
    assert gaz.near_miss("Fairbanko") is None  # last letters change between real names
    assert gaz.near_miss("Fairrbanks") is None  # a doubled letter is an ordinary typo


def test_near_miss_rejects_known_spellings_words_and_short_forms() -> None:
    gaz = toy()
    assert gaz.near_miss("Iraq") is None  # a well-known spelling in its own right
    assert gaz.near_miss("Jonas") is None
    assert gaz.near_miss("Liver") is None  # 'River' is an ordinary word, never canonical
    assert gaz.near_miss("Pelloves") is None  # canonical seen only twice
    assert gaz.near_miss("Irak") is None  # too short to judge
    assert gaz.near_miss("NATO") is None


def test_counts_words_and_names() -> None:
    gaz = toy()
    assert gaz.count("Holloway") == 40 and gaz.count("Nobody") == 0
    assert gaz.is_word("Meanwhile") and gaz.is_word("River")
    assert gaz.is_name("Holloway") and not gaz.is_name("River")
    assert gaz.is_attested("Iraq") and not gaz.is_attested("Hollowey")
    assert "Holloway" in gaz.candidates("Horroway")
    assert gaz.closest("Hollowey") == ("Holloway", pytest.approx(0.5))


def test_merged_adds_counts_without_touching_either() -> None:
    a, b = Gazetteer({"Holloway": 2}), Gazetteer({"Holloway": 3, "Quarrendon": 7})
    merged = a.merged(b)
    assert merged.count("Holloway") == 5 and merged.count("Quarrendon") == 7
    assert a.count("Holloway") == 2 and "Quarrendon" not in a


# -- persistence -----------------------------------------------------------------


def test_save_load_round_trip(tmp_path: Path) -> None:
    gaz = Gazetteer({"Holloway": 40, "Mélanie": 3, "river": 200})
    path = tmp_path / "names.tsv"
    gaz.save(path)
    again = Gazetteer.load(path)
    assert again.counts == gaz.counts


def test_load_plain_list_with_comments_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("# my trusted names\nQuarrendon\nHolloway\t7\n\n  \nPellowes\tnot-a-number\n")
    gaz = Gazetteer.load(path)
    assert gaz.count("Quarrendon") == DEFAULT_COUNT
    assert gaz.count("Holloway") == 7
    assert gaz.count("Pellowes") == DEFAULT_COUNT
    assert len(gaz) == 3


# -- building --------------------------------------------------------------------


def test_build_from_texts_counts_mid_sentence_names_only() -> None:
    texts = [
        "Yesterday Senator Margaret Holloway met NATO envoys in Quarrendon. Holloway left early.",
        "The visit by Holloway surprised the river traders, and Margaret Holloway spoke.",
        'Officials said "Quarrendon is calm" after Holloway\'s speech in Quarrendon.',
    ]
    gaz = build_from_texts(texts, min_count=2)
    assert gaz.count("Holloway") == 4  # the sentence-initial one is not counted
    assert gaz.count("Quarrendon") == 2  # the one after an opening quote is not counted
    assert gaz.count("Margaret") == 2
    assert "Yesterday" not in gaz and "The" not in gaz  # sentence-initial words
    assert "NATO" not in gaz  # acronyms are not names
    assert "Senator" not in gaz  # seen once only
    assert gaz.word_count("the") == 0 or gaz.word_count("river") == 0  # rare words dropped
    everything = build_from_texts(texts, min_count=1)
    assert everything.count("Senator") == 1
    assert everything.word_count("river") == 1
    names_only = build_from_texts(texts, min_count=1, keep_words=False)
    assert names_only.word_count("river") == 0


# -- shipped resources -------------------------------------------------------------


def test_shipped_gazetteer_knows_common_names_and_catches_a_slip() -> None:
    gaz = default_gazetteer()
    assert len(gaz) > 10_000
    assert gaz.is_name("Obama") and gaz.is_attested("Iraq") and gaz.is_word("Meanwhile")
    hit = gaz.near_miss("Clinten")
    assert hit is not None and hit[0] == "Clinton"
    assert gaz.near_miss("Iraq") is None


def test_char_model_scores_unpronounceable_spellings_higher() -> None:
    words = ["Holloway", "Margaret", "Pemberton", "Quarrendon", "Fairbanks", "Delgado", "Winters"]
    model = NameCharModel.train(words * 3, odd_quantile=0.9)
    assert model.surprisal("Hollander") < model.surprisal("Bzrkwtq")
    assert model.is_odd("Bzrkwtq")


def test_char_model_save_load(tmp_path: Path) -> None:
    model = NameCharModel.train(["Holloway", "Margaret", "Pemberton"])
    path = tmp_path / "chars.npz"
    model.save(path)
    again = NameCharModel.load(path)
    assert again.threshold == pytest.approx(model.threshold)
    assert again.surprisal("Holloway") == pytest.approx(model.surprisal("Holloway"), abs=0.05)
