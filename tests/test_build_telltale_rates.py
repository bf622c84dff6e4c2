"""The telltale base rates are measured against a gazetteer that has not seen the text."""

from __future__ import annotations

import re

from mtdetect.gazetteer import Gazetteer
from training.build_telltale_rates import STEP, extractor_with, measured

TEXT = (
    "The talks in Vienna ran late into the night. Secretary of State Antony Brinken told "
    "reporters that the two delegations had made progress on the main points, and that "
    "further meetings would follow in the coming weeks. He did not give details."
)


def near_misses(gazetteer: Gazetteer | None) -> list[str]:
    evidence = extractor_with(gazetteer).extract_one(TEXT).evidence
    return [item.text for item in evidence if item.kind == "names.near_miss"]


def test_the_measured_quarter_is_disjoint_from_the_gazetteer_text() -> None:
    picked = [i for i in range(4 * STEP) if measured(i)]
    assert len(picked) == 4 and all(i % STEP == 0 for i in picked)


def test_the_names_signal_reads_the_gazetteer_it_is_given() -> None:
    # every ordinary word is known (else the text reads as full of typos), and
    # only one of the two gazetteers has seen the real spelling of the name
    words = {w: 100 for w in re.findall(r"[a-z]+", TEXT)}
    known = {**words, "Antony": 300, "Vienna": 500, "Secretary": 900, "State": 900}
    assert near_misses(Gazetteer({**known, "Blinken": 400})) == ["Brinken"]
    assert near_misses(Gazetteer(known)) == []
