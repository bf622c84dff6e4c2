"""The compiled core and the pure-Python path give the same features and evidence.

Why: ``pip install`` builds ``mtdetect/_core.pyx`` where it can and falls back to
pure Python where it cannot; a document must score the same either way, for
any bundle. Both paths are run on a few hundred real documents with the
shipped model and compared feature by feature (within 1e-9) and span by span.
"""

from __future__ import annotations

import os
import subprocess
import sys
from itertools import islice

import numpy as np
import pytest
from conftest import corpus_texts

from mtdetect import _accel
from mtdetect.pattern_model import FunctionWordModel

N_EACH = 150  # originals and machine translations: 300 documents
compiled = pytest.mark.skipif(_accel._core is None, reason="the compiled core is not built here")
compiled_text = pytest.mark.skipif(_accel._text is None, reason="mtdetect._text is not built here")


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return corpus_texts(N_EACH, N_EACH)


@compiled
def test_compiled_and_pure_python_extract_the_same(shipped_detector, texts) -> None:  # type: ignore[no-untyped-def]
    extractor = shipped_detector._extractor
    assert _accel.compiled_in_use()
    fast = extractor.extract(texts)
    with _accel.pure_python():
        assert not _accel.compiled_in_use()
        slow = extractor.extract(texts)
    for got, want in zip(fast, slow, strict=True):
        np.testing.assert_allclose(got.features, want.features, rtol=0, atol=1e-9)
        assert [(e.kind, e.start, e.end) for e in got.evidence] == [
            (e.kind, e.start, e.end) for e in want.evidence
        ]
        weights = [e.weight for e in got.evidence], [e.weight for e in want.evidence]
        np.testing.assert_allclose(*weights, rtol=0, atol=1e-9)


@compiled
def test_compiled_rows_match_on_a_small_model() -> None:
    streams = [["<s>", "of", "the", "w", "of", "C"], ["<s>", "the", "w", "of", "the", "w"]]
    model = FunctionWordModel(max_n=3, min_df=1).fit_vocabulary(streams)
    for stream in [*streams, ["<s>", "unseen", "of", "the"], []]:
        codes = model._stream_codes(stream)
        fast = _accel.matches(model, codes)
        with _accel.pure_python():
            slow = _accel.matches(model, codes)
        assert fast[0].tolist() == slow[0].tolist()
        assert fast[1].tolist() == slow[1].tolist()


def test_info_names_the_core_in_use() -> None:
    env = dict(os.environ, MTDETECT_PURE_PYTHON="1")
    code = "from mtdetect import _accel; print(_accel.core_name())"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.startswith("pure Python")
    assert _accel.core_name().startswith("compiled" if _accel._core is not None else "pure Python")


def _regex_tokens(text: str) -> list[tuple[str, int, int]]:
    from mtdetect.text import TOKEN_RE

    return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


@compiled_text
def test_compiled_character_classes_are_the_regex_engines() -> None:
    import re

    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    got = np.frombuffer(_accel._text.char_classes(text), dtype=np.uint8)
    want = np.full(len(text), 3, dtype=np.uint8)
    for pattern, kind in ((r"[\s_]", 0), (r"[^\W\d_]", 1), (r"\d", 2)):
        want[[m.start() for m in re.finditer(pattern, text)]] = kind
    assert np.array_equal(got, want)


@compiled_text
@pytest.mark.parametrize(
    "glue", ["", "a", "\u00e9", "1", "\u0663", "'", "-", ".", ",", ":", "%", " "]
)
def test_compiled_tokens_are_the_regex_tokens(glue: str) -> None:
    import re

    from mtdetect.text import Token

    # every ASCII and Latin-1 character, and a few of each class from the rest
    points = [chr(c) for c in range(0x250)]
    text = "".join(chr(c) for c in range(0x250, 0x110000) if not 0xD800 <= c < 0xE000)
    for pattern in (r"[^\W\d_]", r"\d", r"[^\w\s]", r"\s"):
        points += [m.group() for m in islice(re.finditer(pattern, text), 0, None, 997)]
    points += ["\u00b2", "\u00bd", "\u2160", "\u216b", "\u2460", "\u0301", "\u200b"]  # ², ½, Ⅰ...
    text = glue.join(points + points[::-1] + ["a", "1", "'", "-", "1", ".", "%"])
    assert _core_tokens(text, Token) == _regex_tokens(text)


def _core_tokens(text: str, token: type) -> list[tuple[str, int, int]]:
    scan = _accel.text_scanner()
    assert scan is not None
    return [tuple(t) for t in scan(text, token)[0]]


@compiled_text
def test_documents_tokenise_alike_both_ways(texts) -> None:  # type: ignore[no-untyped-def]
    from mtdetect.text import Document

    for text in texts:
        fast = Document(text).tokens
        with _accel.pure_python():
            slow = Document(text).tokens
        assert fast == slow
        assert all(type(t) is type(s) for t, s in zip(fast, slow, strict=True))


@compiled
@pytest.mark.parametrize(
    "text",
    [
        "",
        "ab",
        "The  talks\u00a0\u2003ended;\n\n\tthey met in 1999 and 2024 .",
        "\u0130stanbul and \u03a3\u039f\u03a3 in caps",  # İ lower-cases to two characters
        "a\u3000\u3000b\u3001c   d\u2028e",  # ideographic space folds, U+3001 does not
        "it is not what they make of any of it, it is what it is",
    ],
)
def test_compiled_character_grams_are_numpys(text: str) -> None:
    from mtdetect.char_model import CharGramModel

    corpus = ["it is not what they make", "The talks ended in 1999", text or "x"]
    model = CharGramModel(min_df=1).fit_vocabulary(CharGramModel().keys(t) for t in corpus)
    model.coef_ = np.linspace(-1.0, 1.0, len(model.keys_))
    model.intercept_ = 0.25
    fast_score = model.contributions(text, normalised=True)
    with _accel.pure_python():
        slow_score = model.contributions(text, normalised=True)
    assert fast_score[0] == slow_score[0]
    assert np.array_equal(fast_score[1], slow_score[1])


@compiled
def test_compiled_trigram_lookups_are_numpys(texts) -> None:  # type: ignore[no-untyped-def]
    from mtdetect.fluency_lm import news_lm
    from mtdetect.text import Document

    model = news_lm()
    odd = "<s> \u0130stanbul the the the of of 1999 , Mr. Xqzzyw said . . ."
    for text in [*texts[:60], odd, "word"]:
        doc = Document(text)
        fast = model.score(doc)
        with _accel.pure_python():
            slow = model.score(doc)
        assert fast.logprob.dtype == slow.logprob.dtype
        assert np.array_equal(fast.logprob, slow.logprob)
        assert np.array_equal(fast.top1, slow.top1) and np.array_equal(fast.top10, slow.top10)


def _outcome(call, *args):  # type: ignore[no-untyped-def]
    """What ``call(*args)`` gives: its arrays as lists, or the name of the error it raises."""
    try:
        return [a.tolist() for a in call(*args)]
    except Exception as exc:
        return type(exc).__name__


@compiled
@pytest.mark.parametrize(
    "position, value",
    [(0, -1), (1, -1), (0, -(10**12)), (0, 10**12), (0, 1 << 16), (1, 50_003), (2, 1 << 20)],
)
def test_trigram_lookups_of_ids_outside_the_vocabulary_answer_as_numpy(
    position: int, value: int
) -> None:
    """``logprob`` takes any arrays: ids the tables do not have never reach the compiled
    loop (which indexes them unchecked: a crash or garbage), and a ragged or float
    input neither; each answers as the numpy path does."""
    from mtdetect.fluency_lm import news_lm

    model = news_lm()
    ids = [np.array([5, 7, 9, 11], dtype=np.int64) for _ in range(3)]
    ids[position][0] = value
    cases = [ids, [ids[0], ids[1], ids[2][:2]], [ids[0], ids[1], ids[2].astype(np.float64)]]
    for u, v, w in cases:
        fast = _outcome(model.logprob, u, v, w)
        with _accel.pure_python():
            slow = _outcome(model.logprob, u, v, w)
        assert fast == slow


@compiled
def test_compiled_pair_positions_are_numpys() -> None:
    from mtdetect.ngrams import news_ngrams

    table = news_ngrams()
    rng = np.random.default_rng(7)
    present = table.keys[rng.integers(0, len(table.keys), 2000)]
    random = rng.integers(0, 2**32, 2000, dtype=np.uint64).astype(np.uint32)
    edges = np.array([0, 1, 65535, 2**32 - 1, table.keys[0], table.keys[-1]], dtype=np.uint32)
    want = np.concatenate([present, random, edges, present + 1])
    fast = table._positions(want)
    with _accel.pure_python():
        slow = table._positions(want)
    assert fast.tolist() == slow.tolist()
    assert (fast[:2000] < len(table.keys)).all()


@compiled
def test_compiled_bigram_counts_and_analogy_support_are_numpys(texts) -> None:  # type: ignore[no-untyped-def]
    """The phrases family's look-ups on real documents, and on ids the table lacks."""
    from mtdetect.ngrams import news_ngrams
    from mtdetect.text import Document

    table = news_ngrams()
    for text in texts[:80]:
        ids = table.ids([t.text for t in Document(text).tokens])
        for args in [(ids[:-1], ids[1:]), (ids[1:], ids[:-1])]:
            fast = table.bigram_counts(*args)
            with _accel.pure_python():
                slow = table.bigram_counts(*args)
            assert fast.dtype == slow.dtype and fast.tolist() == slow.tolist()
        adjacent = table.adjacent_counts(ids)
        with _accel.pure_python():
            slow = table.adjacent_counts(ids)
        assert adjacent.dtype == slow.dtype and adjacent.tolist() == slow.tolist()
        assert adjacent.tolist() == table.bigram_counts(ids[:-1], ids[1:]).tolist()
        for k in (1, 4, 5, 7, 20):  # 4: the neighbours _pairs searches first
            fast = table.unsupported(ids[:-1], ids[1:], k)
            with _accel.pure_python():
                slow = table.unsupported(ids[:-1], ids[1:], k)
            assert fast.tolist() == slow.tolist()
    ids = np.array([5, 7, 9, 11], dtype=np.int64)
    odd = [
        (ids, ids[::-1], 20),
        (ids[:0], ids[:0], 20),
        (np.array([-1, 7]), np.array([7, 9]), 20),
        (np.array([1 << 16, 7]), np.array([7, 9]), 20),
        (ids, ids, 0),
        (ids, ids, 21),
        (ids, ids[:2], 20),
        (ids.astype(np.float64), ids, 20),
    ]
    for first, second, k in odd:
        fast = _outcome(lambda *a: [table.unsupported(*a)], first, second, k)
        with _accel.pure_python():
            slow = _outcome(lambda *a: [table.unsupported(*a)], first, second, k)
        assert fast == slow
        fast = _outcome(lambda *a: [table.bigram_counts(*a)], first, second)
        with _accel.pure_python():
            slow = _outcome(lambda *a: [table.bigram_counts(*a)], first, second)
        assert fast == slow
        fast = _outcome(lambda a: [table.adjacent_counts(a)], first)
        with _accel.pure_python():
            slow = _outcome(lambda a: [table.adjacent_counts(a)], first)
        assert fast == slow


@compiled
@pytest.mark.parametrize("value", [-1, 1 << 16, 50_003, 10**12])
def test_lm_scores_of_ids_outside_the_vocabulary_answer_as_numpy(value: int) -> None:
    """``lm_score`` (the compiled ``score``) refuses what its loop would read out of bounds."""
    from mtdetect.fluency_lm import news_lm

    model = news_lm()
    ids = np.array([5, 7, value, 11], dtype=np.int64)
    assert _accel.lm_score(model, ids, np.zeros(4, dtype=np.int64), 0.06) is None
    good = np.array([5, 7, 9, 11], dtype=np.int64)
    assert _accel.lm_score(model, good, np.zeros(3, dtype=np.int64), 0.06) is None
    assert _accel.lm_score(model, good, np.zeros(4), 0.06) is None
    got = _accel.lm_score(model, good, np.array([0, 0, 1, 1]), 0.06)
    assert got is not None and [len(a) for a in got] == [4, 4, 4]


def test_the_news_tables_pickle_after_use(texts) -> None:  # type: ignore[no-untyped-def]
    """A model sent to a worker after scoring must not carry its compiled tables along."""
    import pickle

    from mtdetect.fluency_lm import NewsLanguageModel, news_lm
    from mtdetect.ngrams import NewsNgrams, news_ngrams
    from mtdetect.signals.fluency import FluencySignal
    from mtdetect.signals.phrases import PhraseSignal
    from mtdetect.text import Document

    for signal in (FluencySignal(), PhraseSignal()):
        signal.extract(Document(texts[0]))
    for model, kind in ((news_lm(), NewsLanguageModel), (news_ngrams(), NewsNgrams)):
        copy = pickle.loads(pickle.dumps(model))
        assert isinstance(copy, kind)
        assert not [key for key in copy.__dict__ if key.endswith("_cache")]
    lm = pickle.loads(pickle.dumps(news_lm()))
    doc = Document(texts[1])
    again, first = lm.score(doc), news_lm().score(doc)
    assert again.logprob.tolist() == first.logprob.tolist()
    assert again.top10.tolist() == first.top10.tolist()
