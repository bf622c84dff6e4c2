"""Names and profile read tokens through the type table exactly as token by token.

Why: both families now look a distinct token up once per process (columns of
``mtdetect/_row_column.py``) and count a document with numpy; their values
must be those of the token-by-token code they replaced, which is kept here as
the reference and compared on real documents and odd inputs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import corpus_texts

from mtdetect import _type_table
from mtdetect._name_forms import name_parts
from mtdetect._spelling import block_partners, skeleton, skeleton_blocks
from mtdetect.gazetteer import RARE_COUNT, default_gazetteer, is_ordinary_word
from mtdetect.name_chars import default_char_model
from mtdetect.signals import _name_rows as rows
from mtdetect.signals import _name_variants as nv
from mtdetect.signals.profile import _TTR_WINDOW, FUNCTION_WORDS, ProfileSignal
from mtdetect.text import Document

ODD = [
    "",
    "x",
    "...",
    "Mr. J. R. R. Tolkien said U.S. 2.5 e.g. \u201cquoted.\u201d " * 40,
    "ÉLAN café naïve — “quotes” ‘single’ … 3,000 $5.6bn 10% (X) (X) " * 30,
    "İstanbul İzmir ǅemal Ǆ ß Straße O'Neill's Biden-Putin Zelenskiy's McFaul-Smith- -Lee",
    "Kyiv Kiev Kyiv. Zelensky met Zelenskiy; Kharkiv, Kharkov (Kharkiv) 'Odesa' Odessa.",
    "word " * 120 + "Word WORD wOrd " * 20,
    "a" * 300 + " " + "B" * 70000 + " tail.",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return corpus_texts(120, 120, learners=60) + ODD


# -- the token-by-token code, as it was -------------------------------------------------


def reference_forms(doc: Document) -> dict[str, list[int]]:
    starts: dict[str, list[int]] = {}
    for tok in [t for t in doc.tokens if t.text[0].isupper()]:
        word = tok.text
        if "-" in word or "'" in word:
            for part, offset in name_parts(word):
                if part[0].isupper():
                    starts.setdefault(part, []).append(tok.start + offset)
        else:
            starts.setdefault(word, []).append(tok.start)
    return {f: s for f, s in starts.items() if len(f) > 1 and not f.isupper() and f.isalpha()}


def reference_names(forms: dict[str, list[int]]) -> tuple[dict, dict, list[str]]:
    gaz = default_gazetteer()
    counts = gaz.counts
    names, seen, rare = {}, {}, []
    for f, starts in forms.items():
        if len(f) < 3:
            continue
        n = counts.get(f, 0) if f.isascii() else gaz.count(f)
        if is_ordinary_word(counts.get(f.lower(), 0), n):
            continue
        names[f], seen[f] = starts, n
        if n <= RARE_COUNT and nv._folded(f) not in nv._TRANSLIT_GROUP:
            rare.append(f)
    return names, seen, rare


def reference_pairs(names: dict[str, list[int]], rare: list[str]) -> set[tuple[str, str]]:
    blocks = skeleton_blocks(f for f in names if len(f) >= 4)
    pairs = set()
    for f in rare:
        if len(f) >= 4:
            for other in block_partners(blocks, skeleton(f)):
                if other != f:
                    pairs.add((f, other) if f < other else (other, f))
    return pairs


def reference_typo(doc: Document) -> float:
    counts = default_gazetteer().counts
    lower = [t.text for t in doc.words if len(t.text) >= 3 and t.text.islower()]
    if len(lower) < 20:
        return 1.0
    unknown = sum(1 for w in lower if counts.get(w, 0) <= RARE_COUNT and w.isalpha())
    rate = unknown / len(lower)
    return min(
        1.0, max(0.0, (nv.TYPO_RATE_CUTOFF - rate) / (nv.TYPO_RATE_CUTOFF - nv.TYPO_RATE_OK))
    )


def reference_profile(doc: Document) -> list[float]:
    words = doc.lower_words
    n_words = len(words)
    if n_words == 0:
        return [0.0] * len(ProfileSignal().feature_names())
    sentences = doc.sentences
    starts = np.array([t[1] for t in doc.words], dtype=np.int64)
    bounds = np.array([(s.start, s.end) for s in sentences], dtype=np.int64)
    lengths = (
        np.searchsorted(starts, bounds[:, 1]) - np.searchsorted(starts, bounds[:, 0])
    ).astype(float)
    mean_len = float(lengths.mean())
    firsts = "".join([token[0][0] for token in doc.tokens])
    if len(words) <= _TTR_WINDOW:
        ttr = len(set(words)) / max(len(words), 1)
    else:
        step = _TTR_WINDOW // 2
        ratios = [
            len(set(words[i : i + _TTR_WINDOW])) / _TTR_WINDOW
            for i in range(0, len(words) - _TTR_WINDOW + 1, step)
        ]
        ttr = float(np.mean(ratios))
    shape = [
        math.log1p(mean_len),
        float(lengths.std() / mean_len) if mean_len else 0.0,
        float((lengths > 40).mean()),
        float((lengths < 6).mean()),
        ttr,
        sum(map(len, words)) / n_words,
        sum(map(str.isupper, [t[0][0] for t in doc.words])) / n_words,
        sum(map(str.isdigit, firsts)) / max(len(doc.tokens), 1),
        firsts.count(",") / max(len(sentences), 1),
        firsts.count('"') / n_words,
        sum(["'" in w for w in words]) / n_words,
        firsts.count("(") / n_words,
    ]
    found = doc.lower_word_counts
    counts = np.array([found.get(word, 0) for word in FUNCTION_WORDS], dtype=np.float64)
    return shape + np.sqrt(counts / n_words).tolist()


# -- the comparisons ----------------------------------------------------------------------


def test_profile_is_the_token_by_token_profile(texts: list[str]) -> None:
    signal = ProfileSignal()
    for text in texts:
        assert signal.extract(Document(text))[0] == reference_profile(Document(text))


def test_name_forms_pairs_and_typo_rate_are_the_token_by_token_ones(texts: list[str]) -> None:
    gaz = default_gazetteer()
    model = default_char_model()
    for text in texts:
        doc = Document(text)
        forms, translit = rows._collect_forms(doc)
        want = reference_forms(Document(text))
        assert list(forms.items()) == list(want.items())
        assert translit == [f for f in want if nv._folded(f) in nv._TRANSLIT_GROUP]
        names, seen, rare = reference_names(want)
        got = {f: rows._name_forms(gaz)[f] for f in forms}
        assert {f: found[0] for f, found in got.items() if found is not None} == seen
        assert [f for f, found in got.items() if found and found[1] and f not in translit] == rare
        assert rows._typo_discount(doc, gaz) == reference_typo(doc)
        if model is not None:
            for f in rare:
                assert model.is_odd(f) == (model.surprisal(f) > model.threshold)


def test_a_gazetteers_forms_are_the_names_and_grouped_forms_of_all(texts: list[str]) -> None:
    """NameSignal collects only what it reads: the names and the grouped forms, in order."""
    gaz = default_gazetteer()
    for text in [*texts, "Kiev and Kyiv. The Meanwhile-Blinken, Brinken's Blnken."]:
        every, translit = rows._collect_forms(Document(text))
        kept = {f: s for f, s in every.items() if rows._name_forms(gaz)[f] or f in translit}
        assert rows._collect_forms(Document(text), gaz) == (kept, translit)


def test_variant_blocking_finds_the_pairs_full_blocks_find(texts: list[str]) -> None:
    for text in texts:
        names, seen, rare = reference_names(reference_forms(Document(text)))
        # every form rare: the most pairs to compare
        for chosen in (rare, list(names)):
            assert nv._pairs(names, chosen) == reference_pairs(names, chosen)


def test_columns_start_afresh_with_a_fresh_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_type_table, "MAX_ROWS", 8)
    monkeypatch.setattr(_type_table, "_TABLE", None)
    signal = ProfileSignal()
    for text in ["Alpha beta the Alpha.", "Gamma delta, the alpha (beta).", "the THE The"] * 3:
        assert signal.extract(Document(text))[0] == reference_profile(Document(text))
        assert rows._collect_forms(Document(text))[0] == reference_forms(Document(text))


def test_a_gazetteer_is_not_kept_alive_by_the_name_caches() -> None:
    """Training swaps gazetteers in and out; each one's per-form cache must go with it."""
    import gc
    import weakref

    from mtdetect.gazetteer import Gazetteer
    from mtdetect.signals import _name_rows

    gaz = Gazetteer({"Holloway": 40, "Quarrendon": 2, "river": 200})
    assert _name_rows._name_forms(gaz)["Quarrendon"] is not None
    _name_rows._typo_codes(gaz)
    _name_rows._collect_forms(Document("Quarrendon and Holloway met."), gaz)
    alive = weakref.ref(gaz)
    del gaz
    gc.collect()
    assert alive() is None


def test_sentence_lengths_count_words_with_an_empty_sentence_among_them() -> None:
    """The per-sentence sums (numpy reduceat) must not read an empty sentence's neighbour."""
    from mtdetect.signals.profile import _sentence_lengths
    from mtdetect.text import Sentence

    doc = Document("Alpha beta, gamma. Delta (epsilon) zeta.")
    tokens = doc.tokens
    is_word = np.array([t.text[0].isalpha() for t in tokens])
    half = 5
    whole = [Sentence(0, 1, tuple(tokens[:half])), Sentence(1, 2, tuple(tokens[half:]))]
    want = [int(is_word[:half].sum()), int(is_word[half:].sum())]
    doc.__dict__["sentences"] = whole
    assert _sentence_lengths(doc, is_word).tolist() == want
    doc.__dict__["sentences"] = [whole[0], Sentence(1, 1, ()), whole[1], Sentence(2, 2, ())]
    assert _sentence_lengths(doc, is_word).tolist() == [want[0], 0, want[1], 0]
