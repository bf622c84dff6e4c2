"""The fluency family: a news trigram model's surprisal and rank shares, and its build."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from mtdetect.features import DEFAULT_FAMILIES, FAMILIES, FeatureExtractor
from mtdetect.fluency_lm import (
    BOUNDARY,
    NUM,
    UNK,
    NewsLanguageModel,
    histories,
    lm_tokens,
    news_lm,
    with_boundaries,
)
from mtdetect.resources import data_path, file_sha256
from mtdetect.signals.fluency import MIN_SCORED_WORDS, FluencySignal
from mtdetect.text import Document
from training.build_fluency import Tables, build, pack

# Wire-service boilerplate: every word is what a news model expects next.
FLUENT = (
    "The company said on Tuesday that it expected to report a net loss for the first quarter. "
    "The company said it would cut about 500 jobs and close two plants by the end of the year. "
    "The company's shares fell 3 percent in early trading on the New York Stock Exchange. "
    "A spokesman for the company said the board of directors would meet next week to discuss "
    "the plan. The company said it was in talks with its banks about a new credit agreement."
)
# Common words in a foreign order, as word-by-word translation leaves them.
CLUMSY = (
    "Yesterday the minister of the finances has declared that the growth of prices of energy "
    "will be stopped by government through measures of support for families with incomes small. "
    "According to him, is necessary that all the regions make the efforts for to reduce the "
    "consumption, because the situation of the reserves remains much delicate in this moment. "
    "The opposition has criticised the plan of the executive qualifying it of insufficient."
)
# A native writer's rare words and images: surprising, but not clumsy.
RICH = (
    "Gulls wheeled above the shuttered pier while a lone busker coaxed a wheezy shanty from his "
    "battered concertina. Nobody stopped. The candyfloss kiosk had been boarded up since "
    "October, its peeling mermaid mural bleached to a ghostly lilac by salt and sun. Locals "
    "grumble that the promenade feels marooned, stranded between a Victorian heyday it cannot "
    "recapture and a future no developer seems willing to bankroll."
)


@pytest.fixture(scope="module")
def signal() -> FluencySignal:
    return FluencySignal()


def features(signal: FluencySignal, text: str) -> dict[str, float]:
    values, _ = signal.extract(Document(text))
    return {
        name.split(".", 1)[1]: v for name, v in zip(signal.feature_names(), values, strict=True)
    }


def test_shipped_model_loads_once_and_fingerprint_is_the_file_hash() -> None:
    lm = news_lm()
    assert news_lm() is lm
    assert 10_000 < len(lm.vocab) < 2**16
    assert lm.vocab[UNK] == "<unk>" and lm.vocab[NUM] == "<num>" and lm.vocab[BOUNDARY] == "<s>"
    assert lm.fingerprint() == file_sha256(data_path("news_lm.npz"))[:16]
    assert FluencySignal().fingerprint() == lm.fingerprint()
    assert np.all(np.diff(lm.tri_keys.astype(np.float64)) > 0)  # sorted, so searchable


def test_the_model_knows_news_english() -> None:
    lm = news_lm()
    ids = lm.ids(["<s>", "prime", "minister", "<s>", "minister", "prime"])
    lp, top = lm.logprob(ids[[0, 3]], ids[[1, 4]], ids[[2, 5]])
    assert lp[0] > -3  # "prime minister": almost certain after "prime"
    assert lp[1] < lp[0] - 8  # "minister prime" is not English
    assert np.all(top[:, 0] >= top[:, 1])


@pytest.mark.parametrize(
    ("predictable", "other"), [(FLUENT, CLUMSY), (FLUENT, RICH), (CLUMSY, RICH)]
)
def test_direction_of_surprisal_and_top10_share(
    signal: FluencySignal, predictable: str, other: str
) -> None:
    a, b = features(signal, predictable), features(signal, other)
    assert a["mean_surprisal"] < b["mean_surprisal"] - 1.0
    assert a["top10_share"] > b["top10_share"] + 0.05


def test_formulaic_text_is_top1_heavy_and_rich_text_is_sophisticated(
    signal: FluencySignal,
) -> None:
    fluent, clumsy, rich = (features(signal, t) for t in (FLUENT, CLUMSY, RICH))
    assert fluent["top1_share"] > 0.3 > clumsy["top1_share"]
    assert rich["surprising_share"] > clumsy["surprising_share"] > fluent["surprising_share"]
    assert rich["outside_top5000"] > 0.25 > fluent["outside_top5000"]
    assert rich["outside_top1000"] > clumsy["outside_top1000"] > fluent["outside_top1000"]
    assert fluent["sentence_top10_max"] >= fluent["sentence_top10_mean"] > 0.7


def test_evidence_spans_are_exact_and_name_a_feature(signal: FluencySignal) -> None:
    text = FLUENT.replace("The company's", "The company\u2019s").replace(". ", ".\n\n")
    _, evidence = signal.extract(Document(text))
    assert 1 <= len(evidence) <= 3
    for item in evidence:
        assert text[item.start : item.end] == item.text
        assert item.kind in signal.feature_names()
        assert re.search(r"\b\d+ of \d+ words\b", item.message)
    assert evidence[0].text.startswith("The company")


def test_no_evidence_for_clumsy_or_rich_text(signal: FluencySignal) -> None:
    for text in (CLUMSY, RICH):
        assert signal.extract(Document(text))[1] == []


@pytest.mark.parametrize("text", [FLUENT, CLUMSY, RICH])
def test_features_are_length_normalised(signal: FluencySignal, text: str) -> None:
    once, twice = features(signal, text), features(signal, text + " " + text)
    for name, value in once.items():
        assert twice[name] == pytest.approx(value, abs=0.05 * max(1.0, abs(value))), name


def test_layout_and_quote_style_change_nothing(signal: FluencySignal) -> None:
    plain = 'He said "the plan is dead" - and left. ' + RICH
    fancy = "He said \u201cthe plan is dead\u201d \u2014 and left.\n" + RICH.replace(". ", ".\n")
    assert features(signal, plain) == features(signal, fancy)


@pytest.mark.parametrize("text", ["", "   \n", "Hello there.", "!!! ... ???", "12 34 56 78"])
def test_empty_and_short_documents_give_zeros(signal: FluencySignal, text: str) -> None:
    values, evidence = signal.extract(Document(text))
    assert values == [0.0] * len(signal.feature_names())
    assert evidence == []


def test_features_are_finite(signal: FluencySignal) -> None:
    odd = "zzqx " * MIN_SCORED_WORDS + "\u00bd 3.5.7 covid19 10:30 5% " + "the " * 40
    for text in (odd, FLUENT, "Word. " * 30):
        assert all(math.isfinite(v) for v in signal.extract(Document(text))[0])


def test_registered_but_not_shipped() -> None:
    assert FAMILIES["fluency"] == ("mtdetect.signals.fluency", "FluencySignal")
    assert "fluency" not in DEFAULT_FAMILIES
    extractor = FeatureExtractor(families=("fluency",), count_telltales=False).fit([])
    row = extractor.transform([FLUENT])[0]
    assert list(extractor.get_feature_names_out()) == FluencySignal().feature_names()
    assert row[list(extractor.get_feature_names_out()).index("fluency.top10_share")] > 0.5


def test_tokens_are_words_and_numbers_by_sentence() -> None:
    doc = Document("Prices rose 3.5% in May. Covid19 (again) hit 10:30 trains, said A-B's boss!")
    toks = lm_tokens(doc)
    assert toks.strings(doc) == [
        "prices", "rose", "<num>", "in", "may",
        "covid", "<num>", "again", "hit", "<num>", "trains", "said", "a-b's", "boss",
    ]  # fmt: skip
    assert toks.sentence.tolist() == [0] * 5 + [1] * 9
    numbers = [t.start for t in doc.tokens if t.text[0].isdigit()]
    assert [s for s, i in zip(toks.starts, toks.source, strict=True) if i < 0] == numbers


def test_sentence_starts_cut_the_history() -> None:
    ids = np.array([5, 6, 7, 8], dtype=np.int64)
    stream, positions = with_boundaries(ids, np.array([0, 0, 1, 1]))
    assert stream.tolist() == [BOUNDARY, 5, 6, BOUNDARY, 7, 8, BOUNDARY]
    u, v = histories(stream, positions)
    assert u.tolist() == [BOUNDARY, BOUNDARY, BOUNDARY, BOUNDARY]  # "7" never sees "6"
    assert v.tolist() == [BOUNDARY, 5, BOUNDARY, 7]


# A tiny corpus, repeated so that words clear the vocabulary's minimum count
# and some bigrams and trigrams survive pruning while others do not.
TINY = [
    "The cat sat on the mat. The dog sat on the rug. A cat and a dog met on the mat.",
    "The dog ran to the park. The cat ran to the mat. It rained on the park all day.",
    "A bird sat on the fence. The bird sang. The cat watched the bird from the rug.",
] * 3 + ["The fox ran to the fence once. The mat was red. 12 dogs sat."]


@pytest.fixture(scope="module")
def tiny_tables() -> Tables:
    return build(TINY)


@pytest.mark.parametrize("history", [("on", "the"), ("<s>", "<s>"), ("sat", "on"), ("mat", "dog")])
def test_built_model_sums_to_one_and_knows_its_top_k(
    tiny_tables: Tables, history: tuple[str, str]
) -> None:
    exact = NewsLanguageModel(pack(tiny_tables, quantise=False))
    quantised = NewsLanguageModel(pack(tiny_tables))
    size = len(exact.vocab)
    assert size > 12
    w = np.arange(size)
    u = np.full(size, exact.index[history[0]])
    v = np.full(size, exact.index[history[1]])
    lp, top = exact.logprob(u, v, w)
    assert np.exp2(lp).sum() == pytest.approx(1.0, abs=1e-5)
    ranked = np.sort(lp[w != UNK])[::-1]
    assert top[0, 0] == pytest.approx(ranked[0], abs=1e-5)
    assert top[0, 1] == pytest.approx(ranked[9], abs=1e-5)
    q_lp, _ = quantised.logprob(u, v, w)
    assert np.exp2(q_lp).sum() == pytest.approx(1.0, abs=0.05)


def test_built_model_prefers_what_the_corpus_says_and_prunes_singletons(
    tiny_tables: Tables,
) -> None:
    lm = NewsLanguageModel(pack(tiny_tables, quantise=False))
    ids = lm.ids(["on", "the", "mat", "the", "sat", "bird"])
    lp, _ = lm.logprob(ids[[0, 3]], ids[[1, 4]], ids[[2, 5]])
    assert lp[0] > lp[1] + 2  # "on the mat" was seen; "the sat bird" was not
    assert "fox" not in lm.index  # seen once: below the vocabulary's minimum count

    def stored(*words: str) -> bool:
        a, b, c = (np.uint64(lm.index[w]) for w in words)
        key = (a << np.uint64(32)) | (b << np.uint64(16)) | c
        return key in set(tiny_tables.tri_keys.tolist())

    assert stored("on", "the", "mat")  # seen 6 times
    assert not stored("to", "the", "fence")  # seen once: pruned


@pytest.mark.parametrize("text", [FLUENT, CLUMSY, FLUENT + " Zzqxwv qqzzy 12 34. " + CLUMSY])
def test_shares_are_those_of_numpy_means(signal: FluencySignal, text: str) -> None:
    """The shares are counted, not averaged with np.mean: the same floats to the last bit."""
    doc = Document(text)
    scores = signal.model.score(doc)
    scored = scores.ids != UNK
    words = scores.ids[scores.ids != NUM]
    rank = words - 3
    values, _ = signal.extract(doc)
    expected = {
        "top1_share": float(scores.top1[scored].mean()),
        "top10_share": float(scores.top10[scored].mean()),
        "surprising_share": float(np.mean(scores.surprisal[scored] > 15.0)),
        "outside_top1000": float(np.mean((words == UNK) | (rank >= 1000))),
        "outside_top5000": float(np.mean((words == UNK) | (rank >= 5000))),
        "mean_surprisal": float(scores.surprisal[scored].mean()),
    }
    names = signal.feature_names()
    for name, value in expected.items():
        assert values[names.index(f"fluency.{name}")] == value, name
    assert (~scored).any() or text != FLUENT + " Zzqxwv qqzzy 12 34. " + CLUMSY
