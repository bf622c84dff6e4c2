"""The function-word pattern model: masking, vectorising, fitting, evidence."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from mtdetect.evidence import Evidence
from mtdetect.features import FeatureExtractor
from mtdetect.pattern_model import FunctionWordModel, masked_tokens, patterns
from mtdetect.signals.patterns import SCORE, StyleSignal
from mtdetect.text import Document

# Hand-written stand-ins: "translated" sentences chain genitives and use "his"
# for a plural owner, the "native" ones say the same things plainly.
TRANSLATED = [
    "The president of the commission of the union said that the measures of the "
    "government of the country are in his opinion of the greatest importance.",
    "The director of the museum of the city declared that the collection of the "
    "foundation of the family will be opened to the visitors of the region.",
    "The minister of the interior of the republic indicated that the police of the "
    "province of the north have detained to the suspects of the robbery.",
    "The spokesman of the ministry of the defence of the nation affirmed that the "
    "soldiers of the regiment of the capital returned to his barracks.",
    "The mayor of the town of the coast explained that the workers of the port of the "
    "bay will receive the payment of the salaries of the month.",
    "The chairman of the board of the bank of the state confirmed that the shares of "
    "the company of the group rose in the session of the day.",
]
NATIVE = [
    "Union officials said on Tuesday they back the government's new measures, which "
    "they called vital for the country.",
    "City museum staff say the family foundation's collection opens to visitors next "
    "month, after years in storage.",
    "Police in the northern province have arrested two people over last week's bank "
    "robbery, officers said.",
    "Defence ministry spokesman Tom Hale said troops from the capital's regiment had "
    "returned to barracks.",
    "Port workers on the coast will be paid their back wages this month, the mayor told reporters.",
    "Shares in the state bank's parent group rose sharply on Thursday, its chairman confirmed.",
]


def symbols(text: str) -> list[str]:
    return [symbol for symbol, _, _ in masked_tokens(Document(text))]


def fitted_model(**params: object) -> FunctionWordModel:
    model = FunctionWordModel(min_df=1, **params)  # type: ignore[arg-type]
    y = [1] * len(TRANSLATED) + [0] * len(NATIVE)
    return model.fit(TRANSLATED + NATIVE, y)


def test_masking_keeps_function_words_and_shapes_the_rest() -> None:
    assert symbols("The minister of the interior said on Monday that 25 people were hurt.") == [
        "<s>", "^the", "w", "of", "the", "w", "w", "on", "C", "that", "0", "w", "were", "w", ".",
    ]  # fmt: skip


def test_masking_hides_names_and_topics() -> None:
    stream = symbols("Antony Blinken met Sergei Lavrov in Geneva to discuss NATO and Ukraine.")
    assert not any(s.lower() in {"blinken", "lavrov", "geneva", "nato", "ukraine"} for s in stream)
    assert stream.count("C") == 6 and "X" in stream


def test_masking_marks_a_capitalised_function_word_mid_sentence() -> None:
    assert "^the" in symbols("Officials said The vote was delayed.")[3:]
    assert "^the" not in symbols("Officials said the vote was delayed.")


def test_masking_ignores_line_layout() -> None:
    text = "The vote was delayed. Officials said it would be held in May."
    assert symbols(text) == symbols(text.replace(". ", ".\n"))
    assert symbols(text).count("<s>") == 2


def test_patterns_are_all_ngrams_up_to_max_n() -> None:
    assert patterns(["a", "b", "c"], 2) == ["a", "b", "c", "a b", "b c"]
    assert len(patterns(["x"] * 10, 4)) == 10 + 9 + 8 + 7


def test_vectorise_matches_scikit_learn_tfidf() -> None:
    model = FunctionWordModel(max_n=3, min_df=2, max_features=100_000)
    streams = [model.symbols(text) for text in TRANSLATED + NATIVE]
    model.fit_vocabulary(streams)
    reference = TfidfVectorizer(
        analyzer=lambda stream: patterns(stream, 3), sublinear_tf=True, min_df=2
    )
    expected = reference.fit_transform(streams).toarray()
    assert set(model.vocabulary_) == set(reference.vocabulary_)
    # same patterns, columns in another order (ours by packed key, theirs by text)
    columns = [reference.vocabulary_[term] for term in model.terms()]
    np.testing.assert_allclose(model.vectorise(streams).toarray(), expected[:, columns], rtol=1e-12)
    np.testing.assert_allclose(model.idf_, reference.idf_[columns], rtol=1e-12)


def test_max_features_keeps_the_most_frequent_patterns() -> None:
    model = FunctionWordModel(max_n=2, min_df=1, max_features=5)
    model.fit_vocabulary([model.symbols(text) for text in TRANSLATED])
    assert len(model.vocabulary_) == 5
    assert {"of", "the", "of the"} <= set(model.vocabulary_)


def test_max_features_breaks_ties_by_pattern_text() -> None:
    # "a" and "b" are tied, as are "a b" and "b a"; alphabetical order decides
    model = FunctionWordModel(max_n=2, min_df=1, max_features=3)
    model.fit_vocabulary([["a", "b", "a", "b", "c"], ["b", "a", "c", "c", "c"]])
    assert set(model.vocabulary_) == {"c", "a", "b"}
    model.set_params(max_features=4).fit_vocabulary([["a", "b", "a"], ["b", "a", "b"]])
    assert set(model.vocabulary_) == {"a", "b", "a b", "b a"}
    model.set_params(max_features=3).fit_vocabulary([["a", "b", "a"], ["b", "a", "b"]])
    assert set(model.vocabulary_) == {"a", "b", "a b"}


def test_model_scores_genitive_chains_above_plain_news() -> None:
    model = fitted_model()
    held_out = [
        "The secretary of the council of the region said that the roads of the valley "
        "of the river remain closed to the traffic of the trucks.",
        "Council officials said on Friday that the valley roads stay closed to lorries "
        "until the river falls.",
    ]
    translated, native = model.decision_function(held_out)
    assert translated > 0 > native
    assert list(model.predict(held_out)) == [1, 0]


def test_explain_points_at_pattern_spans_in_the_text() -> None:
    model = fitted_model()
    text = (
        "The secretary of the council of the region said that the roads of the valley "
        "of the river remain closed."
    )
    score, items = model.explain(Document(text))
    assert score == pytest.approx(model.decision_function([text])[0])
    assert items and all(contribution > 0 for _, contribution, _ in items)
    contributions = [c for _, c, _ in items]
    assert contributions == sorted(contributions, reverse=True)
    for term, _, spans in items:
        for start, end in spans:
            words = text[start:end].lower()
            for symbol in term.split():
                if symbol.isalpha() and symbol.islower() and len(symbol) > 1:
                    assert symbol in words


def test_signal_reports_score_and_evidence_only_when_positive() -> None:
    signal = StyleSignal(fitted_model())
    assert signal.feature_names() == [SCORE]
    translated = Document(
        "The chief of the office of the president said that the plans of the ministry "
        "of the economy are of the greatest importance."
    )
    native = Document("Officials said on Friday the plan would go ahead next year.")
    (score,), evidence = signal.extract(translated)
    assert score > 0 and evidence
    assert all(isinstance(e, Evidence) and e.kind == SCORE and e.weight > 0 for e in evidence)
    assert all(translated.text[e.start : e.end] == e.text for e in evidence)
    (score,), evidence = signal.extract(native)
    assert score < 0 and evidence == []


def test_style_family_needs_a_fitted_model() -> None:
    with pytest.raises(ValueError, match="FunctionWordModel"):
        FeatureExtractor(families=("style",)).fit([])
    with pytest.raises(ValueError, match="FunctionWordModel"):
        StyleSignal(FunctionWordModel())


def test_extractor_feature_equals_model_score() -> None:
    model = fitted_model()
    extractor = FeatureExtractor(families=("surface", "style"), style_model=model).fit([])
    names = list(extractor.get_feature_names_out())
    row = extractor.transform([TRANSLATED[0]])[0]
    assert row[names.index(SCORE)] == pytest.approx(model.decision_function([TRANSLATED[0]])[0])


def test_pickle_round_trip_and_fingerprint() -> None:
    model = fitted_model()
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.decision_function(NATIVE), model.decision_function(NATIVE))
    assert copy.fingerprint() == model.fingerprint()
    copy.coef_ = copy.coef_ * 2
    assert copy.fingerprint() != model.fingerprint()


def test_detector_shares_a_feature_in_proportion_to_preset_pulls() -> None:
    from mtdetect._scoring import _weigh

    names = ["surface.doubled_word", SCORE]
    contributions = np.array([1.0, 2.0])
    items = (
        Evidence(SCORE, 0, 3, "of ", "pattern", 3.0),
        Evidence(SCORE, 4, 7, "the", "pattern", 1.0),
        Evidence("surface.doubled_word", 8, 15, "the the", "doubled"),
        Evidence("surface.doubled_word", 16, 23, "a a", "doubled"),
    )
    weights = {(e.kind, e.start): e.weight for e in _weigh(items, contributions, names)}
    assert weights[(SCORE, 0)] == pytest.approx(1.5)
    assert weights[(SCORE, 4)] == pytest.approx(0.5)
    assert weights[("surface.doubled_word", 8)] == pytest.approx(0.5)


def test_explain_spans_are_the_first_occurrences_of_each_pattern() -> None:
    model = fitted_model()
    text = (
        "The head of the office of the mayor said that the budget of the city of the "
        "north is, in his view, of the utmost urgency."
    )
    tokens = masked_tokens(Document(text))
    symbols = [symbol for symbol, _, _ in tokens]
    _, items = model.explain(Document(text), top=5, spans_each=2)
    assert items
    for term, _, spans in items:
        wanted = term.split(" ")
        n = len(wanted)
        starts = [i for i in range(len(symbols) - n + 1) if symbols[i : i + n] == wanted][:2]
        expected = []
        for i in starts:
            real = [t for t in tokens[i : i + n] if t[0] != "<s>"] or [tokens[i]]
            expected.append((real[0][1], real[-1][2]))
        assert spans == expected
