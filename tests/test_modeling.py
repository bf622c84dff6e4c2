"""Training helpers: matched-pair weights, threshold choice, partial round trips."""

from __future__ import annotations

import numpy as np

from training.augment import partial_roundtrips
from training.corpus import Record
from training.dataset import sample_weights
from training.modeling import threshold_for_fpr


def rec(label: str, group: str, text: str = "a b c") -> Record:
    return Record(text, label, group, "src", "xx", "sys")


def test_matched_groups_weigh_machine_and_human_sides_equally() -> None:
    records = [
        rec("MT", "g1"), rec("MT", "g1"), rec("MT", "g1"), rec("HT", "g1"),
        rec("MT", "g2"), rec("HT", "g2"),
        rec("LEARNER", "a1"), rec("LEARNER", "a2"),
    ]  # fmt: skip
    w = sample_weights(records)
    # three MT outputs together weigh as much as the single MT output of g2
    assert np.isclose(w[:3].sum(), w[4])
    assert np.isclose(w[3], w[5])
    # learners (single groups) hold 30% of the human side
    assert np.isclose(w[6] + w[7], 0.3 * (w[3] + w[5] + w[6] + w[7]))
    machine = sum(wi for wi, r in zip(w, records, strict=True) if r.y == 1)
    human = sum(wi for wi, r in zip(w, records, strict=True) if r.y == 0)
    assert np.isclose(machine, human)


def test_each_kind_of_pair_carries_the_same_total_weight() -> None:
    # one WMT document against three round-tripped originals
    records = [
        rec("MT", "w1"), rec("HT", "w1"),
        rec("RT", "o1"), rec("ORIG", "o1"),
        rec("RT", "o2"), rec("ORIG", "o2"),
        rec("RT", "o3"), rec("RT", "o3"), rec("ORIG", "o3"),
    ]  # fmt: skip
    balanced = sample_weights(records)
    assert np.isclose(balanced[0], balanced[2] + balanced[4] + balanced[6] + balanced[7])
    assert np.isclose(balanced[1], balanced[3] + balanced[5] + balanced[8])
    # without balancing, every pair weighs the same and round trips hold three quarters
    plain = sample_weights(records, balance_pairs=False)
    assert np.isclose(plain[0], plain[2]) and np.isclose(plain[2], plain[6] + plain[7])


def test_threshold_allows_at_most_the_requested_false_positives() -> None:
    human = np.linspace(0, 1, 200)
    cut = threshold_for_fpr(human, 0.01)
    assert np.mean(human >= cut) <= 0.01
    assert np.mean(human >= np.nextafter(cut, 0) - 1e-3) > 0.01


def test_partial_round_trips_mix_aligned_segments() -> None:
    original = rec("ORIG", "doc", "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight")
    trip = rec("RT", "doc", "\n".join(f"RT{i}" for i in range(8)))
    mixed = partial_roundtrips([trip], {"doc": original}, fractions=(0.5,))
    assert len(mixed) == 1 and mixed[0].group == "doc" and mixed[0].y == 1
    lines = mixed[0].text.split("\n")
    assert len(lines) == 8 and any(x.startswith("RT") for x in lines)
    assert any(not x.startswith("RT") for x in lines)


def test_misaligned_round_trips_are_skipped() -> None:
    original = rec("ORIG", "doc", "one\ntwo")
    trip = rec("RT", "doc", "only one line")
    assert partial_roundtrips([trip], {"doc": original}) == []


def test_a_translation_and_its_round_trip_make_a_second_pair() -> None:
    records = [
        rec("MT", "w1"), rec("HT", "w1"), rec("RT-HT", "w1"), rec("RT-HT", "w1"),
        rec("RT", "o1"), rec("ORIG", "o1"),
        rec("RT-LEARNER", "a1"), rec("LEARNER", "a1"),
    ]  # fmt: skip
    w = sample_weights(records)
    # four kinds of pair, each with the same weight on each side
    assert np.isclose(w[0], w[2] + w[3]) and np.isclose(w[0], w[4]) and np.isclose(w[0], w[6])
    # the reference is the human side of two pairs (MT and RT-HT), so it weighs double
    assert np.isclose(w[1], 2 * w[5]) and np.isclose(w[5], w[7])
    machine = sum(wi for wi, r in zip(w, records, strict=True) if r.y == 1)
    assert np.isclose(machine, w.sum() / 2)


def test_a_round_trip_is_paired_only_with_the_kind_of_text_it_came_from() -> None:
    from training.dataset import matched_pairs_of

    # a learner's round trip in a group whose only human text is an original: no pair
    records = [rec("RT-LEARNER", "g"), rec("ORIG", "g"), rec("RT", "g")]
    assert [(kind, m, h) for kind, m, h in matched_pairs_of(records)] == [("RT", [2], [1])]
