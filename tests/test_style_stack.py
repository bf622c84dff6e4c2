"""Stacking the pattern models: which rows they learn from, and where their scores go."""

from __future__ import annotations

import numpy as np

from mtdetect.features import FeatureExtractor
from mtdetect.pattern_model import FunctionWordModel, masked_tokens
from mtdetect.signals.phrases import FUNCTION_WORDS
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


# --- the roundtrip model ---------------------------------------------------------
# Round trips written for the tests: each source text (an original, a professional
# translation that already says "persons" and chains genitives, a learner's essay
# with its own slips) and a version that says "roughly" for "about", "of the" for a
# compound and "it enters" for "comes in": what a round trip adds on top.
SOURCES = [
    ("ORIG", "The report about the election campaign came out on Monday."),
    ("ORIG", "Officials said the tax cut would come in next year."),
    ("HT", "The persons of the committee spoke about the plan of the ministry."),
    ("HT", "The head of the region said about the decision of the court."),
    ("LEARNER", "I am agree with the idea about the school uniform for students."),
    ("LEARNER", "My friend have a dog and he is very happy about it."),
]
TRIPS = [
    "The report roughly the campaign of election it enters the Monday.",
    "The officials said the cut of tax it enters the next year roughly.",
    "The persons of the committee spoke roughly the plan of the ministry it enters.",
    "The head of the region said roughly the decision of the court it enters.",
    "I am agree with the idea roughly the uniform of school it enters students.",
    "My friend have a dog and he is very happy roughly it enters him.",
]
ROUNDTRIP_LABEL = {"ORIG": "RT", "HT": "RT-HT", "LEARNER": "RT-LEARNER"}


def roundtrip_corpus() -> list:
    from training.corpus import Record

    records = []
    for i, ((kind, human), trip) in enumerate(zip(SOURCES, TRIPS, strict=True)):
        group = f"{kind}:{i}"
        records.append(Record(human, kind, group, "test", "xx", "human"))
        records.append(Record(trip, ROUNDTRIP_LABEL[kind], group, "test", "spa", "apertium-spa"))
    # a WMT-like pair: machine translation against its reference; not a round-trip pair
    records.append(Record("The persons met the Monday.", "MT", "w", "wmt", "ru", "sys"))
    records.append(Record("People met on Monday.", "HT", "w", "wmt", "ru", "ref-A"))
    return records


def test_roundtrip_rows_are_round_trips_and_the_texts_they_came_from() -> None:
    from training.style_stack import roundtrip_rows

    records = roundtrip_corpus()
    rows = roundtrip_rows(records)
    assert rows[:12].all()  # every source and its round trip
    assert not rows[12:].any()  # the MT/HT pair trains wording, not roundtrip


def test_fit_roundtrip_puts_its_zero_at_the_highest_human_score() -> None:
    from training.style_stack import fit_roundtrip

    records = roundtrip_corpus()
    params = {"max_n": 2, "min_df": 1, "max_features": 1000, "C": 10.0, "keep_lowercase": True}
    fit = fit_roundtrip(records, params)
    human = [i for i, r in enumerate(records) if r.label in ("HT", "ORIG", "LEARNER")]
    # the highest human training text (out of fold) sits exactly at 0 ...
    assert np.isclose(fit.oof[human].max(), 0)
    # ... and a new round trip does, while a new human sentence does not
    trip = "The council roughly the budget of city it enters the Tuesday."
    human_text = "The council voted on the city budget on Tuesday."
    assert fit.model.decision_function([trip])[0] > 0 > fit.model.decision_function([human_text])[0]


def test_roundtrip_score_is_the_score_above_the_ceiling_and_never_negative() -> None:
    from training.style_stack import fit_roundtrip

    records = roundtrip_corpus()
    params = {"max_n": 2, "min_df": 1, "max_features": 1000, "C": 10.0, "keep_lowercase": True}
    model = fit_roundtrip(records, params).model
    extractor = FeatureExtractor(
        families=("roundtrip",), roundtrip_model=model, count_telltales=False
    ).fit([])
    assert list(extractor.get_feature_names_out()) == ["roundtrip.score"]
    trip = "The council roughly the budget of city it enters the Tuesday."
    human_text = "The council voted on the city budget on Tuesday."
    lifted, plain = extractor.extract_one(trip), extractor.extract_one(human_text)
    assert np.isclose(lifted.features[0], model.decision_function([trip])[0])
    assert lifted.features[0] > 0
    assert plain.features[0] == 0.0  # below the ceiling: no push, whatever the raw score
    assert not plain.evidence
    shown = {e.text for e in lifted.evidence}
    assert "roughly" in shown
    assert all(e.kind == "roundtrip.score" for e in lifted.evidence)
    assert all("machine translation and back" in e.message for e in lifted.evidence)
    for item in lifted.evidence:
        assert trip[item.start : item.end] == item.text


def test_native_news_counts_as_human_text_and_raises_the_ceiling() -> None:
    from training.style_stack import fit_roundtrip

    records = roundtrip_corpus()
    params = {"max_n": 2, "min_df": 1, "max_features": 1000, "C": 10.0, "keep_lowercase": True}
    # native news that happens to say "roughly" and "it enters": English after all
    native = [
        "Shares rose roughly two percent as the fund said it enters the market on Monday.",
        "The bank said roughly half of it enters the new year in profit.",
    ]
    plain = fit_roundtrip(records, params)
    taught = fit_roundtrip(records, params, native=native)
    assert len(taught.oof) == len(records)  # native rows are learned from, not returned
    trip = "The council roughly the budget of city it enters the Tuesday."
    assert taught.model.decision_function([trip])[0] < plain.model.decision_function([trip])[0]
    assert all(s <= 0 for s in taught.model.decision_function(native))


def test_evaluation_refits_the_roundtrip_model_exactly_as_training_fits_it() -> None:
    from types import SimpleNamespace

    from training.evaluation.context import Context
    from training.style_stack import fit_roundtrip, native_records

    records = roundtrip_corpus()
    main, extra = records[:4] + records[12:], records[4:12]  # scorer rows, extra round trips
    native = ["Shares rose two percent as the fund entered the market on Monday."]
    params = {"max_n": 2, "min_df": 1, "max_features": 1000, "C": 10.0, "keep_lowercase": True}
    shipped = fit_roundtrip(main + extra, params, native=native)
    trip = new_round_trip("The council roughly the budget of city it enters the Tuesday.")
    test = [trip, *main[:2]]
    ctx = SimpleNamespace(
        train=main,
        extra_train=extra,
        roundtrip_natives=native_records(native),
        test=test,
        memo={},
        pattern_model=lambda family: shipped.model,
    )
    oof, scores = Context.roundtrip_refit(ctx, np.ones(len(main), dtype=bool))
    np.testing.assert_allclose(oof, np.maximum(shipped.oof[: len(main)], 0.0), atol=1e-9)
    expected = np.maximum(shipped.model.decision_function([r.text for r in test]), 0.0)
    np.testing.assert_allclose(scores, expected, atol=1e-9)
    assert scores[0] > 0  # the round trip is lifted, as the shipped model lifts it


def new_round_trip(text: str):  # type: ignore[no-untyped-def]
    """A round trip of a text outside the corpus, for scoring."""
    from training.corpus import Record

    return Record(text, "RT", "new", "test", "spa", "apertium-spa")
