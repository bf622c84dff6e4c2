"""The phrases family: odd word pairs, bigram fluency and calque hits."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
from conftest import SHARED

from mtdetect.exceptions import ModelError
from mtdetect.ngrams import NUM, UNK, news_ngrams
from mtdetect.signals.phrases import FUNCTION_WORDS, PhraseSignal
from mtdetect.text import Document

NATIVE = (
    "The central bank raised interest rates on Tuesday, and officials said the economy "
    "was growing at a steady pace. Shares of the company fell sharply after the chief "
    "executive resigned. Police arrested two men after a stolen car crashed into a parked "
    "truck late on Friday night."
)


@pytest.fixture(scope="module")
def signal() -> PhraseSignal:
    return PhraseSignal()


def kinds(evidence: list, suffix: str) -> list:
    return [e for e in evidence if e.kind == f"phrases.{suffix}"]


def test_resource_loads_with_real_counts() -> None:
    ng = news_ngrams()
    assert len(ng.vocab) <= 65536
    ids = ng.ids(["Prime", "minister", "tasty", "reforms"])
    counts = ng.bigram_counts(ids[[0, 2]], ids[[1, 3]])
    assert counts[0] > 100  # "prime minister" is everywhere in news
    assert counts[1] == 0  # "tasty reforms" is not
    assert news_ngrams() is ng


def test_resource_loads_once_across_threads() -> None:
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(news_ngrams())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(table is seen[0] for table in seen)


def test_ids_fold_case_and_map_numbers_and_unknowns() -> None:
    ng = news_ngrams()
    ids = ng.ids(["The", "the", "2.5", "zzqxwv"])
    assert ids[0] == ids[1] != UNK
    assert ids[2] == NUM
    assert ids[3] == UNK


def test_resource_function_words_match_the_signal() -> None:
    ng = news_ngrams()
    flagged = {w for w, f in zip(ng.vocab, ng.function_word, strict=True) if f}
    assert flagged == {w for w in FUNCTION_WORDS if w in ng.index}


def test_bigram_logprob_prefers_native_order() -> None:
    ng = news_ngrams()
    native = ng.bigram_logprob(ng.ids("the prime minister said".split())).mean()
    shuffled = ng.bigram_logprob(ng.ids("minister the said prime".split())).mean()
    assert native > shuffled


def test_native_sentences_give_no_odd_pair(signal: PhraseSignal) -> None:
    values, evidence = signal.extract(Document(NATIVE))
    assert kinds(evidence, "odd_pair_rate") == []
    assert kinds(evidence, "calque_rate") == []
    assert values[signal.feature_names().index("phrases.calque_rate")] == 0.0


def test_invented_odd_collocations_are_evidence(signal: PhraseSignal) -> None:
    text = "The company reported delicious profits and a furious budget."
    values, evidence = signal.extract(Document(text))
    found = {e.text for e in kinds(evidence, "odd_pair_rate")}
    assert {"delicious profits", "furious budget"} <= found
    for e in kinds(evidence, "odd_pair_rate"):
        assert text[e.start : e.end] == e.text
        assert "native news" in e.message
    native_values, _ = signal.extract(Document(NATIVE))
    assert values[0] > native_values[0]


def test_capitalised_pairs_are_not_tested(signal: PhraseSignal) -> None:
    _, evidence = signal.extract(Document("Delicious Profits is the name of the new bakery."))
    assert kinds(evidence, "odd_pair_rate") == []


def test_calque_offsets_point_into_original_text(signal: PhraseSignal) -> None:
    text = (
        "\u201cIt is noted that the talks\nwill continue,\u201d he said. "
        "It is\nnoted that the new corona spread."
    )
    values, evidence = signal.extract(Document(text))
    hits = kinds(evidence, "calque_rate")
    assert [e.text for e in hits] == ["It is noted", "It is\nnoted", "new corona"]
    for e in hits:
        assert text[e.start : e.end] == e.text
    assert hits[0].start == 1  # just after the curly quote
    assert values[signal.feature_names().index("phrases.calque_rate")] > 0


def test_overlapping_calques_count_once(signal: PhraseSignal) -> None:
    # "it is noted" and "is noted that" are both listed; one place is one hit
    _, evidence = signal.extract(Document("It is noted that prices rose."))
    assert len(kinds(evidence, "calque_rate")) == 1


def test_compounds_turned_inside_out_are_evidence(signal: PhraseSignal) -> None:
    text = (
        "The campaign of election opened in March, and the agency of news said "
        "that relief of debt would follow."
    )
    values, evidence = signal.extract(Document(text))
    hits = kinds(evidence, "reversed_compound_rate")
    assert [e.text for e in hits] == ["campaign of election", "agency of news", "relief of debt"]
    for e in hits:
        assert text[e.start : e.end] == e.text
    assert "'election campaign'" in hits[0].message
    assert values[signal.feature_names().index("phrases.reversed_compound_rate")] > 0


@pytest.mark.parametrize(
    "text",
    [
        # the compounds as native news writes them
        "The election campaign opened in March, and the news agency reported debt relief.",
        # an article makes the of-form ordinary English
        "The results of the election were read out before the members of the party left.",
        # an adjective is not the end of a turned compound: "the world of modern art"
        "She had lived in the world of modern art for years.",
        # capitalised words are names and titles, not compounds
        "He joined the Campaign of Election Reform after the Agency of News closed.",
        # a compound native news does turn around ("price of oil") is not in the table
        "The price of oil rose while the rate of interest held.",
    ],
)
def test_ordinary_of_phrases_are_not_reversed_compounds(signal: PhraseSignal, text: str) -> None:
    values, evidence = signal.extract(Document(text))
    assert kinds(evidence, "reversed_compound_rate") == []
    assert values[signal.feature_names().index("phrases.reversed_compound_rate")] == 0.0


def test_an_empty_compound_table_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from mtdetect.signals import phrases

    full = phrases._resources()
    empty = replace(full, compounds=full.compounds[:0], compound_counts=full.compound_counts[:0])
    monkeypatch.setattr(phrases, "_RESOURCES", empty)
    values, evidence = PhraseSignal().extract(Document("The campaign of election opened."))
    assert kinds(evidence, "reversed_compound_rate") == []
    assert values[-1] == 0.0


def test_reversed_compounds_refuse_a_table_for_another_vocabulary(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mtdetect.signals import phrases

    with np.load(phrases.data_path(phrases.REVERSED_COMPOUNDS)) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["ngrams_fingerprint"] = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    np.savez(tmp_path / phrases.REVERSED_COMPOUNDS, **arrays)
    monkeypatch.setattr(phrases, "data_path", lambda name: tmp_path / name)
    with pytest.raises(ModelError, match="build_compounds"):
        phrases._load_compounds(news_ngrams())


@pytest.mark.parametrize("text", ["", "Hello", "Rates rose.", NATIVE, "5 % , , ."])
def test_feature_vector_shape_and_finite(signal: PhraseSignal, text: str) -> None:
    values, _ = signal.extract(Document(text))
    assert len(values) == len(signal.feature_names())
    assert all(math.isfinite(v) for v in values)
    assert all(name.startswith("phrases.") for name in signal.feature_names())


def test_evidence_is_capped(signal: PhraseSignal) -> None:
    odd = " ".join(["The company reported delicious profits and a furious budget."] * 40)
    _, evidence = signal.extract(Document(odd))
    assert 0 < len(kinds(evidence, "odd_pair_rate")) <= 20


def test_layout_does_not_change_features(signal: PhraseSignal) -> None:
    one_line, _ = signal.extract(Document(NATIVE))
    reflowed, _ = signal.extract(Document(NATIVE.replace(". ", ".\n\n").replace(" the ", "\nthe ")))
    assert np.allclose(one_line, reflowed)


def test_fingerprint_names_the_resources(signal: PhraseSignal) -> None:
    assert len(signal.fingerprint()) > 16


SEEDS = SHARED / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")
def test_seed_odd_pairs(signal: PhraseSignal) -> None:
    def odd(name: str) -> list[str]:
        (path,) = SEEDS.glob(f"{name}_*.txt")
        _, evidence = signal.extract(Document(path.read_text(encoding="utf-8")))
        return [e.text for e in kinds(evidence, "odd_pair_rate")]

    assert "marginal policies" in odd("000")  # the spun article's telltale
    assert len(odd("001")) <= 2  # a human original says little odd


def test_flag_filters_find_what_a_scan_of_every_position_finds(signal: PhraseSignal) -> None:
    """Calques and turned compounds are looked up only where the token flags allow:
    the same hits as looking every position up (lexicon phrases planted at random)."""
    from mtdetect._type_table import token_rows
    from mtdetect.signals import phrases

    res = phrases._resources()
    ng = res.ngrams
    lexicon = [
        " ".join(ng.vocab[(key >> (16 * (n - 1 - k))) & 0xFFFF] for k in range(n))
        for n, keys, _ in res.calques
        for key in keys.tolist()
    ]
    rng = np.random.default_rng(3)
    words = NATIVE.split() + ["campaign of election", "relief of debt", "of", "the"] + lexicon
    for _ in range(30):
        doc = Document(" ".join(rng.choice(words, size=60).tolist()))
        rows = token_rows(doc)
        ids = rows.values(ng, "news_ngram_ids", lambda t, a, b: ng.ids(t.texts[a:b]))
        flags = rows.values(ng, "phrases_flags", phrases._row_flags)
        expected: list[tuple[int, int, float]] = []
        taken: set[int] = set()
        for n, _, table in res.calques:
            for i in range(len(ids) - n + 1):
                key = 0
                for word in ids[i : i + n].tolist():
                    key = (key << 16) | word
                if key in table and taken.isdisjoint(range(i, i + n)):
                    taken.update(range(i, i + n))
                    expected.append((i, n, table[key]))
        assert PhraseSignal._calques(res, ids, flags) == sorted(expected)
        of = ng.index["of"]
        turned = [
            i
            for i in range(len(ids) - 2)
            if ids[i + 1] == of
            and res.content[ids[i]]
            and res.content[ids[i + 2]]
            and ng.content_after[ids[i + 2]] < phrases.MAX_MODIFIER_SHARE
            and ((int(ids[i + 2]) << 16) | int(ids[i])) in set(res.compounds.tolist())
            and doc.tokens[i][0][:1].islower()
            and doc.tokens[i + 2][0][:1].islower()
        ]
        found = PhraseSignal._reversed_compounds(res, ids, flags, doc.tokens)
        assert [i for i, _ in found] == turned


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_bigram_logprob_is_the_stupid_backoff_formula(dtype: type) -> None:
    """Written in place with a per-id backoff table: the formula's floats to the last bit."""
    ng = news_ngrams()
    ids = ng.ids(f"{NATIVE} zzqxwv 12 tasty reforms".split())
    pair = ng.bigram_counts(ids[:-1], ids[1:]).astype(dtype)
    cond = np.log(np.maximum(pair, 1e-9) / np.maximum(ng.unigram[ids[:-1]], 1.0))
    backoff = np.log(0.4) + np.log(np.maximum(ng.unigram, 0.5) / ng.n_tokens)[ids[1:]]
    expected = np.where(pair > 0, np.minimum(cond, 0.0), backoff)
    got = ng.bigram_logprob(ids, pair)
    assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()
    assert (pair == 0).any() and (pair > 0).any()
