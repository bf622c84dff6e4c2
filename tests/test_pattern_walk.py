"""``explain``'s shortcuts (decoded terms kept, first places by argmax) change nothing.

Why: ``explain`` keeps each pattern it decodes and finds a pattern's first
places by a stopping ``argmax``; its items (patterns, contributions, spans)
must be those of the plain code, which decoded every key and built every
n-gram array, on real documents for every shipped pattern model.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import corpus_texts

from mtdetect import _accel
from mtdetect._type_table import pattern_stream
from mtdetect.pattern_model import (
    FunctionWordModel,
    _is_content_word,
    first_positions,
    strongest_first,
    token_symbol,
)
from mtdetect.text import Document


@pytest.mark.parametrize("seed", range(30))
def test_first_positions_is_flatnonzeros_head(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 40))
    hits = rng.random(size) < rng.choice([0.0, 0.05, 0.3, 1.0])
    if size and seed % 3 == 0:
        hits[-1] = True  # a hit at the very end
    for count in range(-2, 5):
        assert first_positions(hits, count) == np.flatnonzero(hits)[:count].tolist()


def _explain_plain(model: FunctionWordModel, doc: Document, top: int = 5, spans_each: int = 2):
    """``explain`` as written before the shortcuts."""
    stream = pattern_stream(doc)
    codes = stream.codes(model, token_symbol)
    ids, counts = _accel.matches(model, codes)
    idf, coef = _accel.take_pair(model.idf_, model.coef_, ids)
    ids, values = model._tfidf(ids, counts, idf)
    parts = values * coef
    score = float(parts.sum()) + model.intercept_
    if score <= 0:
        return score, []
    items = []
    grams = model._gram_keys(codes)
    for k in strongest_first(parts):
        if len(items) == top or parts[k] <= 0:
            break
        key = model.keys_[ids[k]]
        term = model._decode(key)
        n = term.count(" ") + 1
        if n == 1 and not _is_content_word(term):
            continue
        at = np.flatnonzero(grams[n - 1] == key)[:spans_each].tolist()
        items.append((term, float(parts[k]), [stream.span(i, n) for i in at]))
    return score, items


def test_explain_gives_the_plain_items_on_real_documents(shipped_detector) -> None:  # type: ignore[no-untyped-def]
    models = [
        s.model
        for s in shipped_detector._extractor._signals()
        if isinstance(getattr(s, "model", None), FunctionWordModel)
    ]
    assert models
    shown = 0
    for text in corpus_texts(120, 120):
        doc = Document(text)
        for model in models:
            for top, spans_each in ((5, 2), (8, 3)):
                got = model.explain(doc, top, spans_each)
                assert got == _explain_plain(model, doc, top, spans_each)
                shown += len(got[1])
    assert shown > 50  # the walk was exercised, not only scores at or below 0


def test_kept_terms_go_with_the_symbol_table(shipped_detector) -> None:  # type: ignore[no-untyped-def]
    model = next(
        s.model
        for s in shipped_detector._extractor._signals()
        if isinstance(getattr(s, "model", None), FunctionWordModel)
    )
    key = int(model.keys_[-1])
    assert model._term(key)[0] == model._decode(key)
    model._terms()[key] = ("stale", 1, True)
    other = FunctionWordModel().use_vocabulary_of(model)  # a new table: nothing kept
    assert key not in other._terms()
    copy = FunctionWordModel()
    copy.__dict__.update({k: v for k, v in model.__dict__.items() if k != "symbols_"})
    copy.symbols_ = model.symbols_.copy()  # a table replaced without _set_table
    assert key not in copy._terms()
    model._terms().pop(key)
