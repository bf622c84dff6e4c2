"""Stacking the pattern models: which rows they learn from, and where their scores go."""

from __future__ import annotations

import numpy as np

from mtdetect.features import FeatureExtractor
from mtdetect.signals.phrases import FUNCTION_WORDS
from mtdetect.style import FunctionWordModel, masked_tokens
from mtdetect.text import Document
from training.style_stack import matched_pairs, out_of_fold, stack_columns

# Each group is one source text: a native version (0) and a "machine" one (1)
# that says "persons" and chains genitives. Group "solo" has a human side only.
PAIRS = [
    (
        "Police said two people were hurt in the crash.",
        "The police said that two persons of the town were hurt.",
    ),
    (
        "The club signed a new coach on Monday.",
        "The club of the city signed to a new coach the Monday.",
    ),
    (
        "Prices rose again in March, data showed.",
        "The prices of the market rose again in March, showed the data.",
    ),
    (
        "Voters in the north backed the plan.",
        "The voters of the north backed the plan of the government.",
    ),
    (
        "The museum reopens next week after repairs.",
        "The museum of the art reopens the next week after the repairs.",
    ),
    (
        "Fans queued for hours to see the band.",
        "The persons queued during hours for to see the band.",
    ),
]
SOLO = "The persons of the board of the firm of the city met on the Monday of the week."


def corpus(solo_label: int) -> tuple[list[str], np.ndarray, list[str]]:
    texts, y, groups = [], [], []
    for i, (human, machine) in enumerate(PAIRS):
        texts += [human, machine]
        y += [0, 1]
        groups += [f"g{i}", f"g{i}"]
    texts.append(SOLO)
    y.append(solo_label)
    groups.append("solo")
    return texts, np.array(y), groups


def test_matched_pairs_are_groups_with_both_sides() -> None:
    flags = matched_pairs(np.array([0, 1, 0, 1, 1]), ["a", "a", "b", "c", "c"])
    assert flags.tolist() == [True, True, False, False, False]


def fitted_full(keep_lowercase: bool, solo_label: int) -> np.ndarray:
    texts, y, groups = corpus(solo_label)
    model = FunctionWordModel(max_n=2, min_df=1, keep_lowercase=keep_lowercase)
    streams = [model.symbols(t) for t in texts]
    model.fit_vocabulary(streams)
    fit = out_of_fold(model, model.vectorise(streams), y, np.ones(len(y)), groups, folds=3)
    assert len(fit.oof) == len(texts)  # every row is scored, paired or not
    return fit.model.coef_


def test_a_wording_model_learns_from_matched_pairs_only() -> None:
    # the unpaired row's label cannot move a model that keeps lowercase words...
    np.testing.assert_array_equal(fitted_full(True, 0), fitted_full(True, 1))
    # ...while the function-word model learns from every row
    assert not np.array_equal(fitted_full(False, 0), fitted_full(False, 1))


def test_keep_lowercase_keeps_words_but_masks_names() -> None:
    doc = Document("Mr Blinken met two persons in Kyiv.")
    kept = [s for s, _, _ in masked_tokens(doc, keep_lowercase=True)]
    masked = [s for s, _, _ in masked_tokens(doc)]
    assert kept == ["<s>", "C", "C", "met", "two", "persons", "in", "C", "."]
    assert "persons" not in masked and "met" not in masked


def test_wording_score_is_its_own_feature() -> None:
    texts, y, _ = corpus(0)
    model = FunctionWordModel(max_n=2, min_df=1, keep_lowercase=True).fit(texts, y)
    extractor = FeatureExtractor(families=("surface", "wording"), wording_model=model).fit([])
    names = list(extractor.get_feature_names_out())
    row = extractor.transform([PAIRS[0][1]])[0]
    assert row[names.index("wording.score")] == model.decision_function([PAIRS[0][1]])[0]


def test_stack_columns_puts_trained_scores_in_their_named_places() -> None:
    dense = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = stack_columns(
        ["a", "style.score", "b", "wording.score"],
        ["a", "b"],
        dense,
        {"style.score": np.array([5.0, 6.0]), "wording.score": np.array([7.0, 8.0])},
    )
    assert out.tolist() == [[1.0, 5.0, 2.0, 7.0], [3.0, 6.0, 4.0, 8.0]]


def test_evidence_never_shows_a_lone_function_word_or_shape() -> None:
    texts, y, _ = corpus(0)
    model = FunctionWordModel(max_n=2, min_df=1, keep_lowercase=True).fit(texts, y)
    text = "The persons of the village of the valley said that the persons of the city agree."
    score, items = model.explain(Document(text), top=10)
    assert score > 0 and items
    shown = [term for term, _, _ in items]
    assert "persons" in shown  # a content word on its own is a visible choice
    # "of" pulls towards machine here, but alone it is a matter of rate, not a
    # passage a reader can check; nor is a shape ("C") or a full stop
    assert model.coef_[model.vocabulary_["of"]] > 0
    singles = [term for term in shown if " " not in term]
    assert singles and all(term.isalpha() and term not in FUNCTION_WORDS for term in singles)
    assert not {"of", "the", "C", "w", "."} & set(singles)
