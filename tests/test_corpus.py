"""Grouped splits, layout normalisation and Apertium round-trip records."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict

import pytest

from training._apertium_batches import SEPARATOR, Original, join_units, postprocess, translate_batch
from training.corpus import (
    CORPUS,
    Record,
    _read_jsonl,
    labelled_records,
    learner_records,
    split_of,
    uniform_layout,
    wmt_records,
)
from training.pivots import strip_markers
from training.roundtrip import make_record, select_sources, source_batches

needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="no apertium")


# --- split_of -----------------------------------------------------------------


def test_split_of_is_deterministic() -> None:
    ids = [f"synthetic:{i}" for i in range(200)]
    assert [split_of(g) for g in ids] == [split_of(g) for g in ids]
    assert {split_of(g) for g in ids} == {"train", "val", "test"}


def test_split_of_proportions_are_about_65_15_20() -> None:
    n = 20_000
    counts = Counter(split_of(f"doc-{i}") for i in range(n))
    assert abs(counts["train"] / n - 0.65) < 0.015
    assert abs(counts["val"] / n - 0.15) < 0.015
    assert abs(counts["test"] / n - 0.20) < 0.015


# --- uniform_layout -------------------------------------------------------------


def test_uniform_layout_removes_typography_and_layout_differences() -> None:
    fancy = (
        "\u201cWe won\u2019t stop,\u201d  she said \u2014 twice.\r\n"
        "\r\n   The   vote is on Monday.  \r\n"
    )
    plain = '"We won\'t stop," she said - twice.\nThe vote is on Monday.'
    assert uniform_layout(fancy.split("\n")) == uniform_layout(plain.split("\n"))
    assert uniform_layout(fancy.split("\n")) == plain


def test_uniform_layout_keeps_one_segment_a_line_and_real_differences() -> None:
    assert uniform_layout(["First line.", "", "  ", "Second line."]) == "First line.\nSecond line."
    assert uniform_layout(["The vote is on Monday."]) != uniform_layout(["The vote is on Tuesday."])


# --- grouping of the shared corpus ------------------------------------------------


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return labelled_records()


@needs_corpus
def test_no_group_in_two_splits(records: list[Record]) -> None:
    splits: dict[str, set[str]] = defaultdict(set)
    for record in records:
        splits[record.group].add(record.split)
    assert records and all(len(s) == 1 for s in splits.values())
    assert {r.label for r in records} >= {"MT", "HT", "ORIG", "LEARNER"}
    assert all(r.n_words >= 60 for r in records)


@needs_corpus
def test_translations_of_one_source_document_share_a_split() -> None:
    splits: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    labels: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    rows = _read_jsonl(CORPUS / "x-en_2021-2022.jsonl.gz")
    for row, record in zip(rows, wmt_records(), strict=True):
        key = (str(row["year"]), row["pair"], str(row["doc_id"]))
        splits[key].add(record.split)
        labels[key].add(record.label)
    assert all(len(s) == 1 for s in splits.values())
    # the grouping is not vacuous: many documents have both MT and HT versions
    assert sum({"MT", "HT"} <= set(v) for v in labels.values()) > 100


@needs_corpus
def test_learner_essays_are_grouped_by_author() -> None:
    splits: dict[str, set[str]] = defaultdict(set)
    essays: Counter[str] = Counter()
    rows = _read_jsonl(CORPUS / "learner-essays.jsonl.gz")
    for row, record in zip(rows, learner_records(), strict=True):
        author = row.get("author_id") or row["doc_id"]
        assert record.group == f"author:{author}"
        splits[author].add(record.split)
        essays[author] += 1
    assert all(len(s) == 1 for s in splits.values())
    assert max(essays.values()) > 1  # some authors wrote several essays


# --- round-trip records -----------------------------------------------------------

ORIGINAL = Original(
    group="orig:2005:test/001.txt",
    segments=(
        "Council approves new bridge",
        "The city council voted on Tuesday to build a new bridge over the river.",
        "Work will start next spring. It should take two years.",
    ),
)


def test_roundtrip_record_shares_group_and_split_with_its_original() -> None:
    translated = ["Council approves bridge new", "The council of the city voted in Tuesday."]
    record = make_record("spa", ORIGINAL, translated)
    original = Record(
        text=uniform_layout(list(ORIGINAL.segments)),
        label="ORIG",
        group=ORIGINAL.group,
        source="orig-test",
        lang="en",
        system="original",
    )
    assert record.group == original.group
    assert record.split == original.split == split_of(ORIGINAL.group)
    assert (record.label, record.y, original.y) == ("RT", 1, 0)
    assert (record.source, record.lang, record.system) == ("apertium-spa", "spa", "apertium-spa")
    assert record.get("pivot") == "spa" and record.get("orig_group") == ORIGINAL.group
    assert record.get("source_lang") == ""  # only round trips of translations carry one
    assert record.text == "Council approves bridge new\nThe council of the city voted in Tuesday."


def test_a_round_trip_of_a_translation_keeps_its_source_language() -> None:
    translation = Original("wmt:2022:ru-en:7", ("The persons met.",), kind="HT", lang="ru")
    record = make_record("cat", translation, ["The persons it met."])
    assert (record.label, record.y, record.group) == ("RT-HT", 1, translation.group)
    assert record.lang == "cat" and record.get("source_lang") == "ru"
    assert record.get("of") == "HT" and record.get("pivot") == "cat"
    essay = Original("author:9", ("I am agree.",), kind="LEARNER")
    assert make_record("spa", essay, ["I am of agreement."]).label == "RT-LEARNER"
    assert make_record("spa", ORIGINAL, ["x"]).get("of") == "ORIG"


def test_sources_of_one_kind_in_a_stable_order_and_batches_never_mix_kinds() -> None:
    def human(label: str, group: str, text: str) -> Record:
        return Record(text, label, group, "src", "ja", "ref-A")

    words = " ".join(["word"] * 60)
    records = [
        human("HT", "g1", f"first {words}"),
        human("HT", "g1", f"second {words}"),  # two references of one document
        human("LEARNER", "a1", f"essay {words}"),
        human("HT", "g2", "too short to round-trip"),
    ]
    chosen = select_sources(records, "HT")
    assert {o.segments[0].split()[0] for o in chosen} == {"first", "second"}
    assert all(o.kind == "HT" and o.lang == "ja" for o in chosen)
    assert select_sources(list(reversed(records)), "HT") == chosen
    essays = select_sources(records, "LEARNER")
    batches = source_batches([*essays, *chosen], size=2)
    assert [[o.kind for o in b] for b in batches] == [["HT", "HT"], ["LEARNER"]]


def test_postprocess_uses_the_uniform_layout() -> None:
    record_text = postprocess(["  \u201cIt is\u201d  good ", "", "Yes \u2013 no."], ORIGINAL)
    assert record_text == uniform_layout(['"It is" good', "Yes - no."])
    assert record_text == '"It is" good\nYes - no.'


def test_strip_markers_drops_apertium_marks_but_keeps_real_hashtags() -> None:
    original = "Follow #LocalNews for updates from the town hall."
    assert strip_markers("Follow #LocalNews for *updates of the #town hall.", original) == (
        "Follow #LocalNews for updates of the town hall."
    )
    assert strip_markers("The @mayor spoke.", "The mayor spoke.") == "The mayor spoke."


def test_strip_markers_drops_multiword_marks_and_leaked_tags() -> None:
    output = "They never darse# cuenta, if there <pri> being a fix in C# code."
    original = "They never noticed, if there is a fix in C# code."
    assert strip_markers(output, original) == (
        "They never darse cuenta, if there being a fix in C# code."
    )


def _identity_runner(pivot: str, text: str) -> str:
    """Stands in for Apertium: translation that upper-cases, separators survive."""
    return text.replace(SEPARATOR, "\0").upper().replace("\0", SEPARATOR)


def _crashing_runner(pivot: str, text: str) -> str:
    """Like a segfaulting stage: output cut off (buffered) some way before the crash."""
    out = _identity_runner(pivot, text)
    crash = out.find("EXPLODE")
    return out if crash < 0 else out[: max(0, crash - 30)]


def test_translate_batch_keeps_documents_aligned() -> None:
    docs = [Original(f"g{i}", (f"Headline {i}", f"Body sentence {i}.")) for i in range(5)]
    result = translate_batch("spa", docs, runner=_identity_runner)
    assert result.segments == [[f"HEADLINE {i}", f"BODY SENTENCE {i}."] for i in range(5)]
    assert (result.calls, result.fallback, result.dropped_sentences) == (1, False, 0)


def test_translate_batch_recovers_from_a_crash_and_drops_only_the_bad_sentence() -> None:
    docs = [Original(f"g{i}", (f"Headline {i}", f"Body sentence {i}.")) for i in range(4)]
    bad = Original("bad", ("Quiet title", "First part is fine. This one will explode now. Last."))
    result = translate_batch("spa", [*docs[:2], bad, *docs[2:]], runner=_crashing_runner)
    assert result.segments[:2] == [[f"HEADLINE {i}", f"BODY SENTENCE {i}."] for i in range(2)]
    assert result.segments[2] == ["QUIET TITLE", "FIRST PART IS FINE. LAST."]
    assert result.segments[3:] == [[f"HEADLINE {i}", f"BODY SENTENCE {i}."] for i in (2, 3)]
    assert result.fallback and result.repaired_docs == 1 and result.dropped_sentences == 1


def test_misaligned_output_is_never_trusted() -> None:
    def losing_separators(pivot: str, text: str) -> str:
        if text.count(SEPARATOR) > 1:  # a batch call loses one separator
            text = text.replace(f"{SEPARATOR}\n\n", "", 1)
        return _identity_runner(pivot, text)

    docs = [Original(f"g{i}", (f"Line {i}.",)) for i in range(3)]
    result = translate_batch("spa", docs, runner=losing_separators)
    assert result.segments == [[f"LINE {i}."] for i in range(3)]
    assert join_units(["a"]).endswith(f"{SEPARATOR}\n\n")


@needs_apertium
def test_apertium_round_trip_keeps_segments_apart() -> None:
    doc = Original("orig:test:apertium", ("Green house without a full stop", "The dog sleeps."))
    result = translate_batch("spa", [doc])
    assert len(result.segments) == 1 and len(result.segments[0]) == 2
    assert not result.fallback
    first, second = result.segments[0]
    assert "dog" in second.lower() and "dog" not in first.lower()


def test_liv_blocks_pair_each_round_trip_with_its_original() -> None:
    from training.corpus import liv_blocks

    blocks = liv_blocks()
    originals = {r.group for r in blocks if r.label == "ORIG"}
    trips = [r for r in blocks if r.label == "MT-roundtrip"]
    assert len(originals) > 40 and len(trips) == 5 * len(originals)
    assert {r.group for r in trips} == originals
    assert sum(r.n_words >= 60 for r in blocks) > 0.9 * len(blocks)
