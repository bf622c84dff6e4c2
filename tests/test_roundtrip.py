"""Round-trip pivots beyond Spanish and Catalan: chains, planning, cache keys, weights."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from training import pivots
from training._apertium_batches import SEPARATOR, Original
from training.augment import partial_roundtrips
from training.corpus import Record
from training.dataset import bucket_of, matched_pairs_of, pivot_shares, sample_weights
from training.pivots import ApertiumMissing, check_apertium, command, modes, repair_glitches
from training.roundtrip import (
    batch_key,
    cache_path,
    generate,
    make_record,
    planned_batches,
    read_records,
)

ORIGINAL = Original(
    group="orig:2005:test/001.txt",
    segments=(
        "Council approves new bridge",
        "The city council voted on Tuesday to build a new bridge over the river.",
        "Work will start next spring. It should take two years.",
    ),
)
TRANSLATION = Original("wmt:2022:ru-en:7", ("The persons met.",), kind="HT", lang="ru")


def test_chains_run_every_mode_in_one_pipeline() -> None:
    assert command("spa") == "apertium -u eng-spa | apertium -u spa-eng"
    assert command("cat") == "apertium -u eng-cat | apertium -u cat-eng"
    assert command("hbs") == "apertium -u eng-hbs | apertium -u hbs-eng"
    assert command("spa-fra") == (
        "apertium -u eng-spa | apertium -u es-fr | apertium -u fr-es | apertium -u spa-eng"
    )
    assert modes("glg") == ("eng-glg", "glg-eng")  # an unlisted pivot is a plain pair


def _fake_apertium(monkeypatch: pytest.MonkeyPatch, listed: str) -> None:
    monkeypatch.setattr(pivots.shutil, "which", lambda _: "/usr/bin/apertium")
    monkeypatch.setattr(
        pivots.subprocess,
        "run",
        lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=listed, stderr=""),
    )


def test_check_apertium_checks_every_mode_of_a_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_apertium(monkeypatch, "  eng-spa\n  spa-eng\n  es-fr\n  eng-hbs\n  hbs-eng\n")
    check_apertium(["spa", "hbs"])
    with pytest.raises(ApertiumMissing, match="fr-es"):
        check_apertium(["spa-fra"])
    _fake_apertium(monkeypatch, "eng-spa spa-eng es-fr fr-es")
    check_apertium(["spa-fra"])


def test_cache_keys_of_spanish_and_catalan_are_unchanged() -> None:
    # computed before the extra pivots existed: the cache of spa and cat stays valid
    assert batch_key("spa", [ORIGINAL, TRANSLATION]) == "419a97cba01b28fcc3971857"
    assert batch_key("cat", [ORIGINAL, TRANSLATION]) == "7615548721a38db10442771a"
    assert batch_key("spa", [ORIGINAL]) == "48bf47bb58627043f58d0312"
    assert batch_key("hbs", [ORIGINAL]) != batch_key("spa", [ORIGINAL])


def _originals(n: int, kind: str = "ORIG") -> list[Original]:
    return [
        Original(f"{kind}:{i}", (f"Headline {i}", f"Body sentence {i}."), kind) for i in range(n)
    ]


def test_extra_pivots_take_only_the_first_originals() -> None:
    chosen = [*_originals(5), *_originals(3, "HT")]
    jobs = planned_batches(chosen, ("spa",), ("hbs", "spa-fra"), extra_limit=3, batch_docs=2)
    spa = [b for p, b in jobs if p == "spa"]
    assert [o.group for b in spa for o in b] == [o.group for o in chosen]
    assert [p for p, _ in jobs][: len(spa)] == ["spa"] * len(spa)  # main pivot first, as before
    for extra in ("hbs", "spa-fra"):
        assert [o.group for p, b in jobs if p == extra for o in b] == ["ORIG:0", "ORIG:1", "ORIG:2"]
    # a pivot named both ways is planned once
    twice = planned_batches(chosen[:3], ("hbs",), ("hbs",), extra_limit=3, batch_docs=2)
    assert [p for p, _ in twice] == ["hbs", "hbs"]


def _marking_runner(pivot: str, text: str) -> str:
    """Stands in for a chain: upper-cases, and leaves the marks Apertium can leave."""
    out = text.replace(SEPARATOR, "\0").upper().replace("\0", SEPARATOR)
    return (
        out.replace("BRIDGE", "*BRIDGE")
        .replace("RIVER", "#RIVER <pri>")
        .replace("WORK WILL", "WORK# WILL")
    )


def test_new_pivots_make_clean_rt_records_of_originals(tmp_path: Path) -> None:
    chosen = [ORIGINAL, TRANSLATION]
    jobs = planned_batches(chosen, ("spa",), ("hbs", "spa-fra"), extra_limit=10)
    ran = generate(jobs, workers=1, cache_dir=tmp_path, runner=_marking_runner)
    assert ran == {"spa": 2, "hbs": 1, "spa-fra": 1}
    records = read_records(jobs, tmp_path)
    assert [(r.lang, r.label) for r in records] == [
        ("spa", "RT"),
        ("spa", "RT-HT"),
        ("hbs", "RT"),
        ("spa-fra", "RT"),
    ]
    for record in records[2:]:
        pivot = record.lang
        assert record.group == ORIGINAL.group and record.y == 1
        assert (record.source, record.system) == (f"apertium-{pivot}", f"apertium-{pivot}")
        assert record.get("pivot") == pivot and record.get("of") == "ORIG"
        assert record.get("orig_group") == ORIGINAL.group
        assert record.text.split("\n")[1] == (
            "THE CITY COUNCIL VOTED ON TUESDAY TO BUILD A NEW BRIDGE OVER THE RIVER."
        )
        assert not any(mark in record.text for mark in "*#<")
        entry = cache_path(pivot, batch_key(pivot, [ORIGINAL]), tmp_path)
        assert command(pivot) in entry.read_text(encoding="utf-8")
    # a second run finds everything cached
    assert generate(jobs, cache_dir=tmp_path, runner=_marking_runner) == {
        "spa": 0,
        "hbs": 0,
        "spa-fra": 0,
    }


def rec(label: str, group: str, lang: str, text: str = "a b c") -> Record:
    return Record(text, label, group, f"apertium-{lang}", lang, f"apertium-{lang}")


def test_an_originals_round_trips_share_one_pair_whatever_their_number() -> None:
    records = [rec("ORIG", "o1", "en"), rec("ORIG", "o2", "en")]
    records += [rec("RT", "o1", p) for p in ("spa", "cat", "hbs", "spa-fra")]
    records += [rec("RT", "o2", p) for p in ("spa", "cat")]
    w = sample_weights(records)
    assert [kind for kind, _, _ in matched_pairs_of(records)] == ["RT", "RT"]
    assert np.allclose(w[2:6], w[2]) and np.allclose(w[6:], 2 * w[2])
    assert np.isclose(w[0], w[1]) and np.isclose(w[2:6].sum(), w[6:].sum())
    shares = pivot_shares(records, w)
    assert shares == pytest.approx({"cat": 0.375, "hbs": 0.125, "spa": 0.375, "spa-fra": 0.125})
    # an unpaired round trip is balanced within its own pivot's bucket
    assert bucket_of(rec("RT", "x", "spa-fra")) == "RT:spa-fra"


def test_partial_round_trips_cope_with_two_or_four_pivots() -> None:
    lines = "\n".join(f"line {i}" for i in range(8))
    originals = {g: Record(lines, "ORIG", g, "orig", "en", "original") for g in ("o1", "o2")}
    trips = [
        rec("RT", g, p, "\n".join(f"{p} {i}" for i in range(8)))
        for g, ps in (("o1", ("spa", "cat", "hbs", "spa-fra")), ("o2", ("spa", "cat")))
        for p in ps
    ]
    mixed = partial_roundtrips(trips, originals, fractions=(0.5,))
    assert [(r.group, r.lang) for r in mixed] == [(t.group, t.lang) for t in trips]
    for record in mixed:
        assert all(x.startswith((record.lang, "line")) for x in record.text.split("\n"))


def test_serbo_croatian_glitches_are_repaired_but_not_in_the_first_pivots() -> None:
    source = Original("g", ('He said "yes" at M&S on the pair\'s audiences and used them.',))
    output = [
        "Free said parquoteyesparquote at M&With on the pair'with audience/audiences used prpers."
    ]
    assert make_record("hbs", source, output).text == (
        'Free said "yes" at M&S on the pair\'s audience used.'
    )
    assert make_record("spa-fra", source, output).text == make_record("hbs", source, output).text
    # Spanish and Catalan records stay as the shipped model learned them
    assert make_record("spa", source, output).text == output[0]
    # what the original itself has is kept
    assert repair_glitches("and/ands, Smith'with", "and/ands, Smith'with") == "and/ands, Smith'with"
