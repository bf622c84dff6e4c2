"""training/build_compounds: which compounds count as never turned inside out."""

from __future__ import annotations

import numpy as np

from mtdetect.ngrams import BOUNDARY, news_ngrams
from training.build_compounds import reversed_compounds


def stream(*phrases: str) -> np.ndarray:
    """Phrases as one id stream of the shipped vocabulary, a document each."""
    index = news_ngrams().index
    ids: list[int] = [BOUNDARY]
    for phrase in phrases:
        ids += [index[w] for w in phrase.split()] + [BOUNDARY]
    return np.array(ids, dtype=np.int64)


def table(ids: np.ndarray, min_count: int) -> set[tuple[str, str]]:
    vocab = news_ngrams().vocab
    keys = np.cumsum(reversed_compounds(ids, min_count)["key_delta"], dtype=np.uint32)
    return {(vocab[int(k) >> 16], vocab[int(k) & 0xFFFF]) for k in keys}


def test_a_compound_never_turned_around_is_kept() -> None:
    ids = stream(*["the election campaign began"] * 3)
    assert ("election", "campaign") in table(ids, min_count=3)
    assert ("election", "campaign") not in table(ids, min_count=4)  # too thin a basis


def test_an_of_form_with_or_without_article_removes_the_compound() -> None:
    compounds = ["election results", "oil price", "debt relief"] * 3
    ids = stream(*compounds, "the results of the election", "the price of oil")
    found = table(ids, min_count=3)
    assert ("election", "results") not in found
    assert ("oil", "price") not in found
    assert ("debt", "relief") in found


def test_function_words_never_form_a_compound() -> None:
    ids = stream(*["the campaign"] * 5)
    assert table(ids, min_count=1) == set()


def test_the_table_names_the_vocabulary_it_was_built_for() -> None:
    arrays = reversed_compounds(stream("election campaign"), 1)
    assert bytes(arrays["ngrams_fingerprint"]).decode("ascii") == news_ngrams().fingerprint()
