"""NameSignal: variant spellings, transliteration mixes, near misses, bracket repeats."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from sklearn.base import clone

from mtdetect.evidence import Evidence
from mtdetect.signals.names import FEATURES, NameSignal
from mtdetect.text import Document

SIGNAL = NameSignal()


def run(text: str, signal: NameSignal = SIGNAL) -> tuple[dict[str, float], list[Evidence]]:
    values, evidence = signal.extract(Document(text))
    names = signal.feature_names()
    assert len(values) == len(names)
    for item in evidence:  # every span must point at its text in the caller's string
        assert text[item.start : item.end] == item.text
        assert item.kind in names
    return dict(zip(names, values, strict=True)), evidence


def kinds(evidence: list[Evidence]) -> set[str]:
    return {item.kind for item in evidence}


FILLER = (
    "The committee met on Tuesday to discuss the budget for the coming year. "
    "Members raised questions about road repairs, school funding and the new library. "
    "Several residents attended and asked for more time to study the proposals. "
)


def test_feature_names_and_empty_input() -> None:
    assert SIGNAL.feature_names() == [f"names.{f}" for f in FEATURES]
    values, evidence = SIGNAL.extract(Document(""))
    assert values == [0.0] * len(FEATURES) and evidence == []


def test_same_name_spelled_two_ways_is_flagged_on_the_rarer_spelling() -> None:
    text = (
        "Senator Margaret Holloway opened the hearing on Monday. "
        + FILLER
        + "Holloway said the bill would pass. Later, Senator Margaret Hollowey told reporters "
        "that the vote could slip. Holloway declined to comment further."
    )
    values, evidence = run(text)
    variant = [e for e in evidence if e.kind == "names.variant_spelling"]
    assert [e.text for e in variant] == ["Hollowey"]
    assert variant[0].start == text.index("Hollowey")
    assert "'Hollowey' and 'Holloway' both appear" in variant[0].message
    assert values["names.variant_spelling"] > 0


def test_dropped_vowel_variant_is_flagged() -> None:
    text = (
        "Minister Tobias Quarrendon visited the port. "
        + FILLER
        + '"We will rebuild the harbour," Qurrendon said on Friday. Quarrendon left at noon.'
    )
    _, evidence = run(text)
    assert "Qurrendon" in {e.text for e in evidence if e.kind == "names.variant_spelling"}


def test_known_distinct_names_are_not_variants() -> None:
    text = (
        "Iran and Iraq signed a water deal, while Austria and Australia argued about trade. "
        "Jones met Jonas in Vienna, and Mr Jones said Iran would host the next round. " + FILLER
    )
    values, evidence = run(text)
    assert values["names.variant_spelling"] == 0.0
    assert not [e for e in evidence if e.kind == "names.variant_spelling"]


def test_plurals_demonyms_and_feminine_surnames_are_not_variants() -> None:
    text = (
        "Ivan Dravkov and his wife Olga Dravkova run a farm near Moldova, as do Petr Pelinsky "
        "and Anna Pelinskaya. The Moldovan officials praised the Dravkovs for their work, "
        "and the Zarkovians "
        "thanked Zarkovia. " + FILLER
    )
    values, _ = run(text)
    assert values["names.variant_spelling"] == 0.0


def test_agent_nouns_are_not_variants() -> None:
    text = (
        "The video site Zoomtube changed how it pays creators, and one Zoomtuber with a "
        "large following called it unfair. A Grexiteer in parliament said Grexit was to "
        "blame. " + FILLER
    )
    values, evidence = run(text)
    assert values["names.variant_spelling"] == 0.0, [e.text for e in evidence]


def test_mixed_transliterations_are_flagged() -> None:
    text = "Talks in Kyiv resumed on Monday. " + FILLER + "Officials in Kiev said talks went well."
    values, evidence = run(text)
    mixed = [e for e in evidence if e.kind == "names.mixed_transliteration"]
    assert len(mixed) == 1 and mixed[0].text == "Kiev"
    assert values["names.mixed_transliteration"] > 0
    values, _ = run("Talks in Kyiv resumed on Monday. " + FILLER + "Officials in Kyiv agreed.")
    assert values["names.mixed_transliteration"] == 0.0


def test_parenthesised_repeat_of_a_name() -> None:
    text = FILLER + "The reporter Tomasz Wrzeszcz (Tomasz Wrzeszcz) contributed to this story."
    values, evidence = run(text)
    repeats = [e for e in evidence if e.kind == "names.paren_repeat"]
    assert [e.text for e in repeats] == ["Tomasz Wrzeszcz (Tomasz Wrzeszcz)"]
    assert "repeats a name in parentheses" in repeats[0].message
    assert values["names.paren_repeat"] > 0


def test_acronyms_and_glosses_in_brackets_are_not_repeats() -> None:
    text = (
        FILLER + "The Organisation for Harbour Safety (OHS) and the Pemberton Trust "
        "(a charity) met Dr Holloway (pictured) on Friday (local time)."
    )
    values, _ = run(text)
    assert values["names.paren_repeat"] == 0.0


def test_near_miss_needs_the_name_to_be_known(tmp_path: Path) -> None:
    text = FILLER + "Deputy mayor Tobias Qualrendon said the plan would cost too much."
    values, evidence = run(text)
    assert values["names.near_miss"] == 0.0  # nobody has heard of the real name
    user = tmp_path / "trusted.txt"
    user.write_text("Quarrendon\t40\n")
    signal = NameSignal(gazetteer=user)
    values, evidence = run(text, signal)
    near = [e for e in evidence if e.kind == "names.near_miss"]
    assert [e.text for e in near] == ["Qualrendon"]
    assert near[0].message == "'Qualrendon' looks like a mangled form of 'Quarrendon'"
    assert values["names.near_miss"] > 0


def test_near_miss_to_a_shipped_name() -> None:
    text = FILLER + "Former president Bill Clinten spoke at the ceremony on Saturday."
    _, evidence = run(text)
    near = [e for e in evidence if e.kind == "names.near_miss"]
    assert [e.text for e in near] == ["Clinten"]


def test_sentence_initial_words_and_acronyms_are_left_alone() -> None:
    text = (
        "Meanwhile, NATO and the OSCE met in Vienna. Nevertheless the EU said nothing. "
        "Furthermore, Obama spoke. " + FILLER
    )
    values, evidence = run(text)
    assert evidence == []
    assert all(v == 0.0 for v in values.values())


def test_a_typo_laden_essay_does_not_light_up() -> None:
    essay = (
        "In my opinon the besst holliday was in Barcelona with my famly. "
        "We visitted the Sagrada Familia and the beatiful beachs. My freind Marcus Holloway "
        "came with us and we was very hapy. Everyday we eated paella and drinked juse. "
        "Marcus Hollowey sayd that it was the most intresting trip of his lifes. "
        "I recomend everybody to go their becouse it is realy wonderfull and not expencive. "
    )
    values, evidence = run(essay)
    assert not [e for e in evidence if e.kind in {"names.variant_spelling", "names.near_miss"}]
    assert values["names.variant_spelling"] == 0.0


def test_odd_spelling_of_an_unknown_capitalised_word() -> None:
    text = FILLER + "The envoy, Mr Brzrkwt, said the talks in Holloway Hall went well."
    values, evidence = run(text)
    assert "Brzrkwt" in {e.text for e in evidence if e.kind == "names.odd_spelling"}
    assert 0.0 < values["names.odd_spelling"] <= 1.0


def test_offsets_survive_curly_quotes_and_line_breaks() -> None:
    text = (
        "\u201cWe will win,\u201d said Senator Margaret\nHolloway on Monday.\n\n"
        + FILLER
        + "Senator Margaret Hollowey\u2019s office later\r\nconfirmed the date."
    )
    _, evidence = run(text)
    variant = [e for e in evidence if e.kind == "names.variant_spelling"]
    assert [e.text for e in variant] == ["Hollowey"]


def test_layout_does_not_change_features() -> None:
    text = (
        "Senator Margaret Holloway opened the hearing. "
        + FILLER
        + "Later Senator Margaret Hollowey spoke. Talks in Kyiv and Kiev continued."
    )
    one_line, _ = run(text)
    reflowed, _ = run(text.replace(". ", ".\n\n"))
    assert one_line == reflowed


def test_features_are_bounded_on_a_dense_text() -> None:
    text = " ".join(f"Name{c}olloway (Name{c}olloway)" for c in "ABCDEFGHIJ") + " Kiev Kyiv."
    values, _ = run(text)
    assert all(0.0 <= v < 10.0 for v in values.values())


def test_clone_and_pickle_keep_only_the_parameter(tmp_path: Path) -> None:
    user = tmp_path / "trusted.txt"
    user.write_text("Quarrendon\n")
    signal = NameSignal(gazetteer=str(user))
    text = FILLER + "Deputy mayor Tobias Qualrendon said the plan would cost too much."
    before, _ = signal.extract(Document(text))  # loads resources
    copy = clone(signal)
    assert isinstance(copy, NameSignal) and copy.gazetteer == str(user)
    assert copy.get_params() == {"gazetteer": str(user)}
    blob = pickle.dumps(signal)
    assert len(blob) < 1000  # the gazetteer itself is never pickled
    again = pickle.loads(blob)
    assert again.extract(Document(text))[0] == before
    assert NameSignal().get_params() == {"gazetteer": None}
    with pytest.raises(ValueError):
        signal.set_params(nonsense=1)


def test_fingerprint_changes_with_the_user_gazetteer(tmp_path: Path) -> None:
    user = tmp_path / "trusted.txt"
    user.write_text("Quarrendon\n")
    base = NameSignal().fingerprint()
    with_user = NameSignal(gazetteer=user).fingerprint()
    assert base and with_user != base
