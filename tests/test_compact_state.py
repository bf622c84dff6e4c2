"""A pattern model pickles its symbol table as one string and loads it back unchanged.

Why: the shipped bundle loads faster that way (``mtdetect/_compact_state.py``);
a bundle pickled before (object arrays) must load as it always did.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from mtdetect._compact_state import pack_symbols, unpack_symbols
from mtdetect.pattern_model import FunctionWordModel

STREAMS = [["<s>", "^the", "C", "of", "the", "w", "."], ["<s>", "C", "said", "0", "w", "."]]


def fitted() -> FunctionWordModel:
    model = FunctionWordModel(max_n=2, min_df=1).fit_vocabulary(STREAMS)
    return model.fit_classifier(model.vectorise(STREAMS), np.array([0, 1]))


def test_a_pickled_model_is_the_same_model() -> None:
    model = fitted()
    again = pickle.loads(pickle.dumps(model))
    assert again.symbols_.dtype == object
    assert again.symbols_.tolist() == model.symbols_.tolist()
    assert again.fingerprint() == model.fingerprint()
    assert [again.score_symbols(s) for s in STREAMS] == [model.score_symbols(s) for s in STREAMS]


def test_the_table_travels_as_one_string() -> None:
    state = fitted().__getstate__()
    assert isinstance(state["symbols_"], tuple) and isinstance(state["symbols_"][1], str)


def test_a_state_saved_before_loads_unchanged() -> None:
    model = fitted()
    old_state = {k: v for k, v in model.__dict__.items() if not k.endswith("_cache")}
    loaded = FunctionWordModel.__new__(FunctionWordModel)
    loaded.__setstate__(dict(old_state))
    assert loaded.symbols_.tolist() == model.symbols_.tolist()


@pytest.mark.parametrize("table", [[], [""], ["a", ""], ["two\nlines", "b"]])
def test_any_table_comes_back(table: list[str]) -> None:
    state = {"symbols_": np.asarray(table, dtype=object)}
    back = unpack_symbols(pack_symbols(state))["symbols_"]
    assert back.dtype == object and back.tolist() == table
