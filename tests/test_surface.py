"""Surface breakage signals, on sentences written for these tests."""

from __future__ import annotations

import pytest

from mtdetect.signals.surface import SurfaceSignal
from mtdetect.text import Document


def features(text: str) -> tuple[dict[str, float], list]:
    signal = SurfaceSignal()
    values, evidence = signal.extract(Document(text))
    assert len(values) == len(signal.feature_names())
    return dict(zip(signal.feature_names(), values, strict=True)), evidence


def kinds(text: str) -> set[str]:
    return {item.kind.split(".")[1] for item in features(text)[1]}


CLEAN = (
    "The mayor spoke on Friday. She said the U.S. grant of $2.5 million, about 5% of the "
    "budget, would arrive by 9 a.m. on Monday. \u201cWe are ready,\u201d she added. "
    "Critics, e.g. the unions, disagreed. The iPhone app had had problems before."
)


def test_clean_prose_has_no_breakage() -> None:
    values, evidence = features(CLEAN)
    assert evidence == []
    assert all(v == 0 for v in values.values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks ended late. ended on Friday with no deal at all.", "broken_join"),
        ("The envoy said. said on Friday that there was no deal.", "echo_join"),
        ("Prices rose sharply. , traders said on the floor.", "stray_punctuation"),
        ("Prices rose sharply , traders said on the floor.", "space_before_punctuation"),
        ("The state will borrow $ 4 billion this year.", "spaced_currency"),
        ("Fares rose to \u00a3 3.50 on the new line.", "spaced_currency"),
        ("The the committee met in the morning.", "doubled_word"),
        ("They agreed on a plan for k lasting peace talks.", "lone_letter"),
        ("The vote passed easily.Then the crowd left.", "missing_space"),
        ('He said "we will stay and fight on.', "unbalanced_quotes"),
        ("Officials met on Monday. And signed the deal the same day.", "subjectless_fragment"),
    ],
)
def test_each_breakage_is_found(text: str, expected: str) -> None:
    assert expected in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "He was born in 1990. iPhone sales rose later.",
        "He had had enough of the delays.",
        "Plan A is ready; plan B is not.",
        "The score was 3 - 1 at half time.",
        "It costs $4 billion, or 5% of output.",
        # European typography, which human translators keep
        "Turnout fell by 12 % in the north.",
        "It was a dull game . . . then the rain came and play stopped.",
        "She paused... then carried on with the speech.",
        "He talks blah blah about the weather all day.",
        "You can sync the e reader over WiFi at home.",
    ],
)
def test_legitimate_patterns_are_not_flagged(text: str) -> None:
    assert kinds(text) == set()


def test_evidence_offsets_survive_curly_quotes_and_newlines() -> None:
    text = "\u201cFine,\u201d he said.\nsaid on Friday , the deal is off."
    _, evidence = features(text)
    assert evidence
    for item in evidence:
        assert text[item.start : item.end] == item.text


def test_features_are_rates_not_counts() -> None:
    broken = "The talks ended late. ended on Friday with no deal. "
    short, _ = features(broken + CLEAN)
    long, _ = features(broken + " ".join([CLEAN] * 8))
    assert long["surface.broken_join"] < short["surface.broken_join"]


def test_repeated_capitalised_word_across_sentences_is_fine() -> None:
    assert kinds("The ferry sails to Crete. Crete is the largest island.") == set()
    assert kinds("The war began in 2014. In the years since, little changed.") == set()


@pytest.mark.parametrize(
    "text",
    [
        "Rovers v United kicked off late.",
        "The show Mamma Mia! has opened in Leeds.",
        "Weak sales hit Next\nNext has said profits fell.",
        "But challenged on the claim, he denied it.",
        "But unseeded Ana Lind won the final.",
    ],
)
def test_corpus_false_positives_stay_quiet(text: str) -> None:
    assert kinds(text) == set()


# URLs, domains, e-mail addresses, handles and file names are not sentences: a
# line holding one after a full stop is no broken join (issue #14 item 2)
@pytest.mark.parametrize(
    "text",
    [
        "The talks ended late on Friday.\nwww.apnews.com",
        "The talks ended late on Friday.\nhttps://apnews.com/article/talks-1a2b3c",
        "The talks ended late on Friday. http://example.org/news?id=4",
        "The talks ended late on Friday.\napnews.com",
        "The talks ended late on Friday.\nnews.bbc.co.uk/world",
        "The talks ended late on Friday.\npress@apnews.com",
        "The talks ended late on Friday.\n@AP_Politics",
        "The talks ended late on Friday.\nreport-2022.pdf",
        "The talks ended late on Friday.\nhttps://www.winknews.com/2022/01/09/talks/ Talks end",
    ],
)
def test_url_like_lines_are_not_broken_joins(text: str) -> None:
    assert kinds(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        # the narrow exemption leaves real breaks alone
        "The talks ended late. www was never a word anyone used.",
        "The talks ended late. com on Friday, there was no deal.",
        "The talks ended late. report said that pdf files were lost.",
    ],
)
def test_lower_case_words_after_a_stop_are_still_broken_joins(text: str) -> None:
    assert "broken_join" in kinds(text)
