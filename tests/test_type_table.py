"""The shared type table gives every pattern model exactly what its own masked stream gave.

Why: the pattern models read a document through one process-wide table of
distinct tokens (``mtdetect/_type_table.py``) instead of masking every token
per model; scores and evidence spans must not move for any bundle, so each
shipped model is compared with the token-by-token reference on real documents.
"""

from __future__ import annotations

from itertools import islice

import numpy as np
import pytest

from mtdetect import _type_table
from mtdetect.pattern_model import (
    SENTENCE_START,
    FunctionWordModel,
    _is_content_word,
    masked_tokens,
    token_symbol,
)
from mtdetect.text import Document
from training.corpus import CORPUS, original_records, wmt_records

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared corpus is not present")

N_EACH = 150  # originals and machine translations: 300 documents


def reference_explain(model: FunctionWordModel, doc: Document, top: int = 5, each: int = 2):
    """``FunctionWordModel.explain`` as it was, one masked token at a time."""
    tokens = masked_tokens(doc, bool(model.keep_lowercase))
    grams = model._grams([symbol for symbol, _, _ in tokens])
    vocabulary = model.keys_
    keys, counts = np.unique(np.concatenate(grams), return_counts=True)
    at = np.minimum(np.searchsorted(vocabulary, keys), len(vocabulary) - 1)
    hit = vocabulary[at] == keys
    ids = at[hit]
    values = (np.log(counts[hit].astype(np.float64)) + 1.0) * model.idf_[ids]
    values /= np.sqrt(values @ values)
    parts = values * model.coef_[ids]
    score = float(parts.sum()) + model.intercept_
    if score <= 0:
        return score, []
    items = []
    for k in np.argsort(-parts):
        if len(items) == top or parts[k] <= 0:
            break
        key = model.keys_[ids[k]]
        term = model._decode(key)
        n = term.count(" ") + 1
        if n == 1 and not _is_content_word(term):
            continue
        spans = []
        for i in np.flatnonzero(grams[n - 1] == key)[:each].tolist():
            real = [t for t in tokens[i : i + n] if t[0] != SENTENCE_START] or [tokens[i]]
            spans.append((real[0][1], real[-1][2]))
        items.append((term, float(parts[k]), spans))
    return score, items


@pytest.fixture(scope="module")
def texts() -> list[str]:
    originals = (r.text for r in original_records() if len(r.text) >= 400)
    machine = (r.text for r in wmt_records() if r.label == "MT" and len(r.text) >= 400)
    return list(islice(originals, N_EACH)) + list(islice(machine, N_EACH))


def test_shipped_pattern_models_score_and_point_as_before(shipped_detector, texts) -> None:  # type: ignore[no-untyped-def]
    extractor = shipped_detector._extractor
    models = [
        getattr(extractor, f"{family}_model")
        for family in ("style", "wording", "roundtrip", "neural")
        if getattr(extractor, f"{family}_model", None) is not None
    ]
    assert models
    for text in texts:
        doc = Document(text)
        for model in models:
            score, items = model.explain(doc)
            expected_score, expected_items = reference_explain(model, Document(text))
            assert score == pytest.approx(expected_score, abs=1e-9)
            assert [(t, s) for t, _, s in items] == [(t, s) for t, _, s in expected_items]
            for (_, got, _), (_, want, _) in zip(items, expected_items, strict=True):
                assert got == pytest.approx(want, abs=1e-9)
            assert model.symbols(doc) == [s for s, _, _ in masked_tokens(doc, model.keep_lowercase)]


def test_a_full_table_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_type_table, "MAX_ROWS", 6)
    monkeypatch.setattr(_type_table, "_TABLE", None)
    model = FunctionWordModel(max_n=2, min_df=1, keep_lowercase=True)
    model.fit_vocabulary([["<s>", "beta", "the"]])
    codes = model._codes()
    unseen = (1 << model.bits_) - 1
    old = _type_table.pattern_stream(Document("Alpha beta the."))  # rows 1-4
    first = old.table
    want = [codes["<s>"], unseen, codes["beta"], codes["the"], unseen]
    assert old.codes(model, token_symbol).tolist() == want
    first.lookup(["x", "y"])  # 7 rows: full
    new = _type_table.pattern_stream(Document("the beta"))
    assert new.table is not first and len(new.table) == 3
    assert new.codes(model, token_symbol).tolist() == [codes["<s>"], codes["the"], codes["beta"]]
    # a document analysed with the old table keeps reading its own rows
    assert old.codes(model, token_symbol).tolist() == want


def test_vocabulary_ids_from_the_table_are_those_of_each_token(texts) -> None:  # type: ignore[no-untyped-def]
    from mtdetect.ngrams import news_ngrams

    ng = news_ngrams()
    for text in texts:
        doc = Document(text)
        rows = _type_table.token_rows(doc)
        got = rows.values(ng, "news_ngram_ids", lambda types, a, b: ng.ids(types.texts[a:b]))
        assert got.tolist() == ng.ids([t.text for t in doc.tokens]).tolist()
