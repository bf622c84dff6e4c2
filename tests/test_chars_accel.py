"""The compiled character scorer and surface scan (``_chars.pyx``) answer as the pure-Python path.

Why: ``mtdetect/_chars.pyx`` repeats numpy's float64 arithmetic in numpy's order
(its pairwise sum, ``bincount``'s running sums, a log table numpy computed), and
proposes where the surface regexes may match instead of letting them scan. A
slip in either changes a score or drops a telltale; the numbers and spans must
be the same to the last bit, on real documents and on odd ones.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import corpus_texts

from mtdetect import _accel, _chars_accel
from mtdetect.char_model import CharGramModel
from mtdetect.text import Document, normalise

N_EACH = 150  # originals and machine translations: 300 documents
compiled = pytest.mark.skipif(_chars_accel._chars is None, reason="_chars is not built here")

ODD = [
    "",
    " ",
    "ab",
    "abc",
    "\t\n  \u3000 x",
    "\u0130stanbul and \u03a3\u039f\u03a3 in caps",  # İ lower-cases to two characters
    "a\u3000\u3000b\u3001c   d\u2028e 1999 2024",
    "emoji \U0001f600\U0001f600\U0001f600 and \ud800 a lone surrogate",
    "it is not what they make of any of it, it is what it is",
    "\u212a k and k \u212a, \u017f s S \u017f, \u0130 i, \u03c3 \u03a3 \u03c2 \u03c3",
    "ab\u00e9 AB\u00c9 x\u00e9t\u00e9 \u00e9t\u00e9 \u00b2ab ab 1ab ab _ab ab a\u0301b a\u0301b",
    "ha " * 3000,  # one n-gram thousands of times: counts past the first log table
    "x" * 20_000,
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return corpus_texts(N_EACH, N_EACH)


def _both(function, *args):  # type: ignore[no-untyped-def]
    fast = function(*args)
    with _accel.pure_python():
        assert not _chars_accel.available()
        slow = function(*args)
    return fast, slow


def _assert_same_contributions(model: CharGramModel, norm: str) -> None:
    for share in (True, False):
        fast, slow = _both(model.contributions, norm, True, share)
        assert fast[0] == slow[0]
        assert type(fast[0]) is type(slow[0])
        assert fast[1].dtype == slow[1].dtype and np.array_equal(fast[1], slow[1])
    fast, slow = _both(model.running_contributions, norm)
    assert fast[0] == slow[0]
    assert np.array_equal(fast[1], slow[1])


@compiled
def test_character_scores_match_on_real_documents(shipped_detector, texts) -> None:  # type: ignore[no-untyped-def]
    chars = next(s for s in shipped_detector._extractor._signals() if s.name == "chars")
    for text in texts:
        _assert_same_contributions(chars.model, Document(text).norm)
    assert _chars_accel.char_scores(chars.model, Document(texts[0]).norm, 0) is not None


@compiled
@pytest.mark.parametrize("text", ODD)
def test_character_scores_match_on_odd_texts(text: str) -> None:
    corpus = ["it is not what they make", "The talks ended in 1999", text or "x", "ha ha ha"]
    for min_n, max_n in [(3, 5), (1, 1), (1, 3), (2, 6), (0, 3), (4, 2)]:
        model = CharGramModel(min_n=min_n, max_n=max_n, min_df=1)
        model.fit_vocabulary(CharGramModel(min_n=1, max_n=6).keys(t) for t in corpus)
        rng = np.random.default_rng(len(text) + min_n)
        model.coef_ = rng.standard_normal(len(model.keys_))
        model.intercept_ = -0.125
        _assert_same_contributions(model, normalise(text))
        _assert_same_contributions(model, text)  # not normalised: still one character each


@compiled
def test_models_the_scorer_cannot_read_go_the_numpy_way() -> None:
    model = CharGramModel(min_df=1).fit_vocabulary([CharGramModel().keys("the cat sat")])
    model.coef_ = np.ones(len(model.keys_), dtype=np.float32)
    model.intercept_ = 0.0
    assert _chars_accel.char_scores(model, "the cat sat", 0) is None
    model.coef_ = np.ones(len(model.keys_))
    assert _chars_accel.char_scores(model, "the cat sat", 0) is not None
    assert _chars_accel.char_scores(model, "\u0130 the cat", 0) is None


@compiled
def test_compiled_sum_is_numpys_pairwise_sum() -> None:
    rng = np.random.default_rng(7)
    for n in [*range(300), 1000, 8191, 8193, 16_411, 40_000]:
        values = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)
        assert _chars_accel._chars.numpy_sum(values) == np.sum(values)


def test_log_table_is_numpys_log() -> None:
    table = _chars_accel._log_table(70_000)
    counts = np.arange(1, 70_001)
    assert np.array_equal(table[counts - 1], np.log(counts.astype(np.float64)))


# pieces that make the surface patterns match, nearly match, and trip on case folding
_PIECES = [
    "the",
    "The",
    "THE",
    "b",
    "g",
    "e",
    "mail",
    "a",
    "x",
    "I",
    "stra\u00dfe",
    "STRASSE",
    "\u0130",
    "i",
    "\u0131",
    "\u017f",
    "s",
    "S",
    "\u212a",
    "k",
    "K",
    "\u00e9t\u00e9",
    "\u00c9T\u00c9",
    "\u03c3",
    "\u03a3",
    "\u03c2",
    "_",
    "1",
    "\u00b2",
    "x1",
    "said",
    "Said",
    ".",
    ",",
    ";",
    ":",
    "!",
    "?",
    "$",
    "\u20ac",
    "\u00a3",
    "\u00a5",
    '"',
    "'",
    "(",
    "-",
    "\n",
    "  ",
    " ",
    "...",
    ". . .",
    "ab.Cd",
    "go,Now",
    "\u3000",
]
_SEPARATORS = [" ", " ", " ", "  ", "", "\n", ". ", " , "]


def _odd_texts(count: int) -> list[str]:
    rng = np.random.default_rng(11)
    out = []
    for _ in range(count):
        parts = []
        for _ in range(int(rng.integers(0, 14))):
            parts.append(_PIECES[int(rng.integers(len(_PIECES)))])
            if rng.random() < 0.3:  # a word twice, in another case now and then
                word = parts[-1]
                parts.append(word.upper() if rng.random() < 0.3 else word)
            parts.append(_SEPARATORS[int(rng.integers(len(_SEPARATORS)))])
        out.append("".join(parts))
    return out


def _assert_same_surface_matches(text: str) -> None:
    from mtdetect.signals import surface

    patterns = (
        surface._STRAY_PUNCT,
        surface._SPACE_BEFORE_PUNCT,
        surface._CURRENCY_SPACE,
        surface._MISSING_SPACE,
        surface._DOUBLED_WORD,
        surface._LONE_LETTER,
    )
    starts = _chars_accel.surface_starts(text)
    assert starts is not None
    for pattern, proposed in zip(patterns, starts, strict=True):
        if proposed is None:  # the scan gave up on this pattern: its regex scans the text
            assert pattern is surface._DOUBLED_WORD
            continue
        want = [(m.span(), m.groups()) for m in pattern.finditer(text)]
        got = [(m.span(), m.groups()) for m in surface._matches_at(pattern, text, proposed)]
        assert got == want, (pattern.pattern, text)
        assert proposed == sorted(proposed)


@compiled
def test_surface_scan_finds_every_regex_match(texts) -> None:  # type: ignore[no-untyped-def]
    for text in [*ODD, *_odd_texts(4000)]:
        _assert_same_surface_matches(text)
        _assert_same_surface_matches(normalise(text))
    for text in texts:
        _assert_same_surface_matches(Document(text).norm)


@compiled
def test_surface_features_and_evidence_match(texts) -> None:  # type: ignore[no-untyped-def]
    from mtdetect.signals.surface import SurfaceSignal

    signal = SurfaceSignal()
    for text in [*texts, *ODD, *_odd_texts(300)]:
        fast, slow = _both(signal.extract, Document(text))
        assert fast[0] == slow[0]
        assert fast[1] == slow[1]


@compiled
def test_long_runs_beyond_ascii_leave_doubled_words_to_the_regex() -> None:
    """Each character of such a run may start a word, so proposing doubled-word starts
    there grew with the square of the run (8,000 characters: 32 ms); past a few passes
    over the text the scan leaves that one pattern to its (linear) regex."""
    from mtdetect.signals.surface import SurfaceSignal

    text = "Она сказала сказала это. " + "я" * 20_000 + " " + "я" * 20_000 + " ok ,"
    starts = _chars_accel.surface_starts(text)
    assert starts is not None and starts[4] is None
    assert starts[1]  # the other patterns are still proposed ("ok ,")
    short = _chars_accel.surface_starts("the the cat said Война Война")
    assert short is not None and short[4] is not None and {0, 17} <= set(short[4])
    fast, slow = _both(SurfaceSignal().extract, Document(text))
    assert fast[0] == slow[0] and fast[1] == slow[1]
    assert sum(item.kind == "surface.doubled_word" for item in fast[1]) == 2


def test_without_the_extension_both_families_take_the_pure_python_path(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mtdetect.signals.surface import SurfaceSignal

    model = CharGramModel(min_df=1).fit_vocabulary([CharGramModel().keys("the cat sat")])
    model.coef_ = np.ones(len(model.keys_))
    model.intercept_ = 0.5
    monkeypatch.setattr(_chars_accel, "_chars", None)
    assert not _chars_accel.available()
    assert _chars_accel.char_scores(model, "the cat sat", 0) is None
    assert _chars_accel.surface_starts("the the cat") is None
    assert model.running_contributions("the cat sat")[0] == model.score("the cat sat")
    _, evidence = SurfaceSignal().extract(Document("He said the the cat , sat ."))
    kinds = {e.kind for e in evidence}
    assert {"surface.doubled_word", "surface.space_before_punctuation"} <= kinds
