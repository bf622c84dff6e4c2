"""The pattern models' compiled look-ups answer as the numpy path does, on any input.

Why: ``VocabularyIndex.matches`` probes level by level and stops a position at
its first missing n-gram when the vocabulary holds every prefix (the shipped
models do); a stream or vocabulary outside what that shortcut assumes must
take the plain path and still give numpy's columns and counts. Checked on the
codes of a few hundred real documents for every shipped pattern model, and on
odd streams and vocabularies built by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import corpus_texts

from mtdetect import _accel
from mtdetect._type_table import pattern_stream
from mtdetect.pattern_model import FunctionWordModel, strongest_first, token_symbol
from mtdetect.text import Document

compiled = pytest.mark.skipif(_accel._core is None, reason="the compiled core is not built here")


def _both(model: FunctionWordModel, codes: np.ndarray) -> None:
    fast = _accel.matches(model, codes)
    with _accel.pure_python():
        slow = _accel.matches(model, codes)
    assert fast[0].tolist() == slow[0].tolist()
    assert fast[1].tolist() == slow[1].tolist()


@compiled
def test_shipped_models_match_as_numpy_on_real_documents(shipped_detector) -> None:  # type: ignore[no-untyped-def]
    texts = corpus_texts(150, 150)
    models = [
        s.model
        for s in shipped_detector._extractor._signals()
        if isinstance(getattr(s, "model", None), FunctionWordModel)
    ]
    assert models
    for text in texts:
        stream = pattern_stream(Document(text))
        for model in models:
            _both(model, stream.codes(model, token_symbol))
    for model in models:  # the shortcut was taken
        assert model.__dict__["_vocabulary_index_cache"][1].prefix_closed


def _small_model(max_n: int = 3) -> FunctionWordModel:
    streams = [["<s>", "of", "the", "w", "of", "C"], ["<s>", "the", "w", "of", "the", "w"]]
    return FunctionWordModel(max_n=max_n, min_df=1).fit_vocabulary(streams)


@compiled
@pytest.mark.parametrize("max_n", [1, 2, 3, 4])
def test_odd_code_streams_match_as_numpy(max_n: int) -> None:
    model = _small_model(max_n)
    unseen = (1 << model.bits_) - 1
    rng = np.random.default_rng(7)
    streams = [
        [1],
        [unseen] * 5,
        [0, 1, 2, 0],
        [-1, 1, 2, 3],  # negative: numpy's keys sign-extend; the plain path does the same
        [1, 2, 1 << model.bits_, 3, 1, 2],  # a code past the table
        [int(c) for c in rng.integers(0, len(model.symbols_) + 1, 300)],
        [int(c) for c in rng.integers(-3, 1 << (model.bits_ + 1), 300)],
    ]
    for codes in streams:
        _both(model, np.array(codes, dtype=np.int64))


@compiled
def test_a_model_with_max_n_0_counts_unigrams_as_numpy_and_the_index_refuses_it() -> None:
    """max_n 0 once reached the compiled loop, which then wrote hits past its buffers."""
    from mtdetect import _core  # type: ignore[attr-defined]

    model = _small_model(1)
    model.max_n = 0
    codes = model._stream_codes(["<s>", "of", "the", "w", "of", "C", "<s>", "the", "w"])
    _both(model, codes)
    index = _core.VocabularyIndex(np.ascontiguousarray(model.keys_, dtype=np.int64), 0)
    with pytest.raises(ValueError, match="max_n"):
        index.matches(codes, int(model.bits_), 0)


@compiled
def test_a_vocabulary_missing_a_prefix_takes_the_plain_path() -> None:
    model = _small_model(3)
    bigrams = model.keys_[(model.keys_ >> model.bits_ > 0) & (model.keys_ >> 2 * model.bits_ == 0)]
    model.keys_ = model.keys_[model.keys_ != bigrams[0]]  # a trigram may now lack its prefix
    model.idf_ = np.ones(len(model.keys_))
    codes = model._stream_codes(["<s>", "of", "the", "w", "of", "C", "<s>", "the", "w", "of"])
    _both(model, codes)
    assert not model.__dict__["_vocabulary_index_cache"][1].prefix_closed


@compiled
def test_an_empty_vocabulary_matches_nothing() -> None:
    model = _small_model(2)
    model.keys_ = np.zeros(0, dtype=np.int64)
    _both(model, model._stream_codes(["<s>", "of", "the"]))


def test_strongest_first_is_argsorts_order_with_ties_too() -> None:
    rng = np.random.default_rng(3)
    for trial in range(600):
        size = int(rng.integers(0, 120))
        parts = [
            rng.normal(size=size),
            rng.integers(-3, 4, size=size).astype(np.float64),  # many ties
            np.round(rng.normal(size=size), 1),
        ][trial % 3]
        ahead = int(rng.integers(1, 40))
        assert list(strongest_first(parts, ahead)) == np.argsort(-parts).tolist()
    for odd in (np.nan, np.inf, -np.inf, -0.0):
        parts = np.array([0.5, odd, 0.2, 0.0] * 20)
        assert list(strongest_first(parts, 4)) == np.argsort(-parts).tolist()


def test_a_growing_column_reads_as_one_computed_at_once() -> None:
    from mtdetect._type_table import TypeTable

    class Owner:
        pass

    types, owner = TypeTable(), Owner()
    lengths = lambda t, a, b: np.array([len(x) for x in t.texts[a:b]], dtype=np.int64)  # noqa: E731
    pairs = lambda t, a, b: np.array([[len(x), a] for x in t.texts[a:b]])  # noqa: E731
    upper = lambda t, a, b: [x.upper() for x in t.texts[a:b]]  # noqa: E731
    held = []
    for batch in range(40):
        types.lookup([f"w{batch}-{i}" for i in range(batch * 37 % 100)])
        got = types.column(owner, "lengths", lengths)
        held.append((len(types), got))
        assert got.tolist() == lengths(types, 0, len(types)).tolist()
        assert types.column(owner, "lengths", lengths) is got  # no new rows: the same values
        got_pairs = types.column(owner, "pairs", pairs)
        assert got_pairs.shape == (len(types), 2)
        assert got_pairs[:, 0].tolist() == got.tolist()
        assert types.column(owner, "upper", upper) == upper(types, 0, len(types))
    for size, values in held:  # what a caller was handed never changes
        assert values.tolist() == lengths(types, 0, size).tolist()


@compiled
def test_take_pair_is_numpys_gather() -> None:
    rng = np.random.default_rng(5)
    first, second = rng.normal(size=1000), rng.normal(size=1000)
    for columns in [[], [0], [999, 0, 5, 5], list(range(0, 1000, 7)), [-1, 3], [-1000]]:
        at = np.array(columns, dtype=np.int64)
        got = _accel.take_pair(first, second, at)
        assert got[0].tolist() == first[at].tolist() and got[1].tolist() == second[at].tolist()
    for columns in [[1000], [3, 5000]]:
        with pytest.raises(IndexError):
            _accel.take_pair(first, second, np.array(columns, dtype=np.int64))
    short = second[:10]
    with pytest.raises(IndexError):
        _accel.take_pair(first, short, np.array([20], dtype=np.int64))
    as_float32 = _accel.take_pair(first.astype(np.float32), second, np.array([2], dtype=np.int64))
    assert as_float32[0].dtype == np.float32  # not the compiled gather's to convert
