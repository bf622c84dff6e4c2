"""The character n-gram model: hashing, lookup, scores, and the ``chars`` family's evidence."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from mtdetect._hash_index import HashIndex
from mtdetect.char_model import CharGramModel, char_grams, fold
from mtdetect.signals.chars import CharSignal
from mtdetect.text import Document

# Two made-up kinds of text that differ only in a habit: "approximately" and
# "persons" on the machine side, "about" and "people" on the human side.
MACHINE = [
    "Approximately forty persons gathered at the harbour on Monday evening.",
    "The council said approximately ten persons were moved from the flats.",
    "Approximately half of the persons asked said they would vote again.",
    "Police said approximately twenty persons were waiting at the station.",
    "The school expects approximately three hundred persons at the fair.",
    "Approximately six persons were hurt when the roof of the hall fell in.",
]
HUMAN = [
    "About forty people gathered at the harbour on Monday evening.",
    "The council said about ten people were moved from the flats.",
    "About half of the people asked said they would vote again.",
    "Police said about twenty people were waiting at the station.",
    "The school expects about three hundred people at the fair.",
    "About six people were hurt when the roof of the hall fell in.",
]


@pytest.fixture(scope="module")
def model() -> CharGramModel:
    texts = MACHINE + HUMAN
    y = np.array([1] * len(MACHINE) + [0] * len(HUMAN))
    return CharGramModel(min_df=2, max_features=5000, C=10.0).fit(texts, y)


def test_fold_keeps_one_code_point_per_character() -> None:
    text = "Top 10\tİstanbul  NEWS\u00a0now"
    codes = fold(text)
    assert len(codes) == len(text)
    folded = "".join(chr(c) for c in codes)
    assert folded.startswith("top 00 i")  # digits folded, tab a space, İ's first letter kept
    assert "news now" in folded


def test_runs_of_space_count_once_and_offsets_point_into_the_text() -> None:
    one, offsets = char_grams("a  b", 3, 3)
    two, _ = char_grams("a b", 3, 3)
    assert one[0].tolist() == two[0].tolist()
    assert offsets.tolist() == [0, 1, 3]  # the run keeps its first space


def test_the_same_ngram_hashes_the_same_anywhere() -> None:
    first, _ = char_grams("the cat", 3, 3)
    second, _ = char_grams("a cat", 3, 3)
    assert first[0][-1] == second[0][-1]  # "cat" in both
    assert len(set(first[0].tolist())) == len(first[0])


def test_lengths_are_told_apart() -> None:
    grams, _ = char_grams("abcde", 3, 5)
    all_keys = np.concatenate(grams)
    assert len(np.unique(all_keys)) == len(all_keys)


def test_hash_index_finds_every_key_and_misses_the_rest() -> None:
    rng = np.random.default_rng(0)
    vocabulary = np.unique(rng.integers(1, 2**63, size=5000, dtype=np.uint64))
    index = HashIndex(vocabulary)
    queries = np.concatenate([vocabulary[::7], rng.integers(1, 2**63, 500, dtype=np.uint64)])
    found = index.lookup(queries)
    expected = np.searchsorted(vocabulary, queries)
    inside = (expected < len(vocabulary)) & (
        vocabulary[np.minimum(expected, len(vocabulary) - 1)] == queries
    )
    assert (found[inside] == expected[inside]).all()
    assert (found[~inside] == -1).all()


def test_the_habit_is_learned(model: CharGramModel) -> None:
    machine = "Approximately eighty persons came to the meeting about the new road."
    human = "About eighty people came to the meeting about the new road."
    scores = model.decision_function([machine, human])
    assert scores[0] > 0 > scores[1]
    assert model.predict([machine, human]).tolist() == [1, 0]


def test_contributions_add_up_to_the_score(model: CharGramModel) -> None:
    text = "Approximately eighty persons came.  And then they left."
    score, share = model.contributions(text)
    assert score == pytest.approx(model.score(text), abs=1e-12)
    assert share.sum() + model.intercept_ == pytest.approx(score, abs=1e-9)
    assert len(share) == len(text)


def test_typographic_quotes_do_not_change_the_score(model: CharGramModel) -> None:
    straight = 'He said "approximately ten persons" were there.'
    curly = "He said \u201capproximately ten persons\u201d were there."
    assert model.score(straight) == pytest.approx(model.score(curly), abs=1e-12)


def test_empty_and_tiny_texts_score_the_intercept(model: CharGramModel) -> None:
    assert model.decision_function(["", "ab"]).tolist() == [model.intercept_] * 2


def test_pickle_drops_the_lookup_table_and_scores_the_same(model: CharGramModel) -> None:
    text = "Approximately eighty persons came."
    before = model.score(text)
    state = pickle.dumps(model)
    assert b"_index_cache" not in state
    assert pickle.loads(state).score(text) == before


def test_fingerprint_follows_the_weights(model: CharGramModel) -> None:
    other = pickle.loads(pickle.dumps(model))
    assert other.fingerprint() == model.fingerprint()
    other.coef_ = other.coef_ * 2
    assert other.fingerprint() != model.fingerprint()


def test_signal_points_at_the_sentence_that_carries_the_habit(model: CharGramModel) -> None:
    text = (
        "The mayor opened the new bridge on a cold morning. "
        "Approximately two hundred persons watched approximately an hour. "
        "The band played."
    )
    values, evidence = CharSignal(model).extract(Document(text))
    assert values[0] > 0
    assert evidence, "a text that leans machine shows its strongest sentence"
    top = max(evidence, key=lambda e: e.weight)
    assert top.text.startswith("Approximately two hundred persons")
    for item in evidence:
        assert item.kind == "chars.score"
        assert text[item.start : item.end] == item.text


def test_signal_shows_nothing_for_text_that_leans_human(model: CharGramModel) -> None:
    text = "About two hundred people watched for about an hour. The band played."
    values, evidence = CharSignal(model).extract(Document(text))
    assert values[0] < 0
    assert evidence == []


def test_signal_needs_a_fitted_model() -> None:
    with pytest.raises(ValueError, match="chars_model"):
        CharSignal(CharGramModel())


def test_spell_finds_the_text_of_the_strongest_columns(model: CharGramModel) -> None:
    strongest = [int(np.argmax(model.coef_)), int(np.argmin(model.coef_))]
    spelled = model.spell(strongest, MACHINE + HUMAN)
    assert "?" not in spelled
    assert spelled[0] in "approximately persons"  # a piece of a machine-side word
    assert spelled[1] in "about people "
    assert model.spell([0], ["zzz"]) == ["?"]
