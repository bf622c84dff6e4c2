"""The fast paths of evidence building give what the plain code gave, bit for bit."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import numpy as np
import pytest

from mtdetect._scoring import _weigh
from mtdetect.evidence import Evidence, make_evidence
from mtdetect.features import FeatureExtractor, Prepared
from mtdetect.telltales import (
    NAME_PREFIX,
    SUMMARY_FEATURES,
    TELLTALE_KINDS,
    events,
    summarise,
)
from mtdetect.text import Document


def test_make_evidence_is_the_constructor() -> None:
    fast = make_evidence("names.near_miss", 3, 9, "Brnken", "why", 0.25)
    plain = Evidence("names.near_miss", 3, 9, "Brnken", "why", 0.25)
    assert type(fast) is Evidence
    assert fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
    assert make_evidence("k", 0, 1, "a", "m") == Evidence("k", 0, 1, "a", "m")
    assert make_evidence("k", 0, 1, "a", "m").weight == 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.weight = 1.0  # type: ignore[misc]
    assert fast.with_weight(0.5) == Evidence("names.near_miss", 3, 9, "Brnken", "why", 0.5)
    assert fast.shifted([10 + i for i in range(20)]) == Evidence(
        "names.near_miss", 13, 19, "Brnken", "why", 0.25
    )


def _weigh_reference(evidence, contributions, names):  # the code before the fast path
    if not evidence:
        return ()
    index = {name: i for i, name in enumerate(names)}
    counts: dict[str, int] = {}
    pulls: dict[str, float] = {}
    for item in evidence:
        counts[item.kind] = counts.get(item.kind, 0) + 1
        if item.weight > 0:
            pulls[item.kind] = pulls.get(item.kind, 0.0) + item.weight
    summary = sum(float(contributions[index[name]]) for name in SUMMARY_FEATURES if name in index)
    n_telltales = sum(1 for item in evidence if item.kind in TELLTALE_KINDS)
    weighted = []
    for item in evidence:
        i = index.get(item.kind)
        share = 0.0
        if i is not None:
            pull = pulls.get(item.kind)
            part = item.weight / pull if pull else 1.0 / counts[item.kind]
            share = float(contributions[i]) * part
        if item.kind in TELLTALE_KINDS:
            share += summary / n_telltales
        weighted.append(Evidence(item.kind, item.start, item.end, item.text, item.message, share))
    weighted.sort(key=lambda item: (-item.weight, item.start))
    return tuple(weighted)


@pytest.mark.parametrize("seed", range(40))
def test_weigh_matches_the_plain_sharing(seed: int) -> None:
    rng = random.Random(seed)
    telltales = sorted(TELLTALE_KINDS)[:4]
    names = [*telltales, "style.score", "phrases.calque", *SUMMARY_FEATURES]
    kinds = [*names[:6], "not.a.feature", telltales[0]]
    evidence = tuple(
        Evidence(
            rng.choice(kinds),
            rng.randrange(50),
            60,
            "x",
            "m",
            rng.choice([0.0, 0.0, rng.random(), -rng.random()]),
        )
        for _ in range(rng.randrange(0, 30))
    )
    contributions = np.array([rng.gauss(0, 2) for _ in names])
    if seed % 5 == 0:
        contributions[rng.randrange(len(names))] = 0.0
    got = _weigh(evidence, contributions, names)
    want = _weigh_reference(evidence, contributions, names)
    assert [dataclasses.astuple(e) for e in got] == [dataclasses.astuple(e) for e in want]
    # the weights bit for bit (== would take -0.0 for 0.0)
    assert [e.weight.hex() for e in got] == [e.weight.hex() for e in want]


def _events_reference(evidence):  # the Counter-based code before the fast path
    counts: Counter[str] = Counter()
    names_seen: set[tuple[str, str]] = set()
    for item in evidence:
        if item.kind not in TELLTALE_KINDS:
            continue
        if item.kind.startswith(NAME_PREFIX):
            key = (item.kind, item.text.casefold())
            if key in names_seen:
                continue
            names_seen.add(key)
        counts[item.kind] += 1
    return counts


def test_events_count_and_order_as_before() -> None:
    rng = random.Random(7)
    kinds = [*sorted(TELLTALE_KINDS), "style.score"]
    for _ in range(50):
        evidence = [
            Evidence(rng.choice(kinds), 0, 1, rng.choice(["Kyiv", "KYIV", "Kiev"]), "m")
            for _ in range(rng.randrange(12))
        ]
        want = _events_reference(evidence)
        got = events(evidence)
        assert isinstance(got, Counter)
        assert list(got.items()) == list(want.items())  # summarise sums in this order
        assert summarise(evidence, 400)[0] == float(len(want))


def test_assemble_still_zeroes_non_finite_values() -> None:
    extractor = FeatureExtractor(families=("surface",))
    extractor.count_telltales = False
    prepared = Prepared(Document("Some text."), None, ())
    extractor.n_features_out_ = 4  # (the layout a fitted extractor checks each row against)
    bad = extractor._assemble(prepared, [([1.5, float("nan"), float("inf"), -float("inf")], [])])
    assert bad.features.tolist() == [1.5, 0.0, 0.0, 0.0]
    extractor.n_features_out_ = 2
    good = extractor._assemble(prepared, [([1.5, -2.0], [])])
    assert good.features.tolist() == [1.5, -2.0] and good.features.dtype == np.float64


@pytest.mark.parametrize("base_rate", [None, 0.01])
def test_detect_many_results_hold_python_values(shipped_detector, base_rate) -> None:  # type: ignore[no-untyped-def]
    from conftest import corpus_texts

    detector = shipped_detector.with_base_rate(base_rate)
    texts = corpus_texts(6, 6)
    results = detector.detect_many(texts)
    for result in results:
        assert result.status == "scored"
        assert type(result.probability) is float and type(result.flagged) is bool
        # (a caller's threshold is read on the scale shown, the model's before re-basing)
        assert result.flagged == (result.probability >= detector.threshold) or base_rate
    again = detector.detect_many(texts, threshold=0.5)
    assert [r.flagged for r in again] == [r.probability >= 0.5 for r in results]
