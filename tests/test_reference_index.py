"""The reference index: build, add, match, thread-safe reads, and damaged files."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from reference_texts import ORIGINAL, OTHER, SPUN

from mtdetect import Reference as LazyReference
from mtdetect.reference.index import IndexFileError, Reference, Source, keys

FILLER = [
    "Shares in the carmaker rose 4 percent after it reported record quarterly sales in Europe.",
    "The orchestra will tour Japan and Korea next spring, its director Miriam Holt announced.",
    "Police in Dunmore closed the coastal road after a landslide blocked both lanes overnight.",
    "The health ministry said 2,400 nurses would be hired before the winter flu season begins.",
]


def sources() -> list[Source]:
    docs = [Source("storm", ORIGINAL, url="https://example.org/storm", title="Storm")]
    docs += [Source(f"filler-{i}", text) for i, text in enumerate(FILLER)]
    return docs


@pytest.fixture
def index(tmp_path: Path) -> Path:
    path = tmp_path / "ref.sqlite"
    Reference.build(path, sources())
    return path


def test_keys_hold_name_skeletons_figures_and_stems() -> None:
    found = keys("Engineers said Peter Whitfield counted 300 homes.")
    assert {"nptplt", "d300", "wengin", "whomes"} <= set(found)
    assert "wsaid" not in found  # function words and reporting verbs carry nothing
    # a respelled name keeps its consonant skeleton
    assert set(keys("the leader Peter Whitford")) & set(keys("the leader Peter Whitfield"))


def test_build_then_match_finds_the_original_of_a_re_translation(index: Path) -> None:
    reference = Reference.open(index)
    assert len(reference) == 5
    best = reference.match(SPUN, k=3)[0]
    assert best.id == "storm" and best.verdict == "spun"
    assert best.url == "https://example.org/storm" and best.title == "Storm"
    assert {c.kind for c in best.comparison.changes} >= {"name", "number", "phrase"}
    assert reference.text("storm") == ORIGINAL and reference.text("nope") is None


def test_a_text_whose_original_is_not_indexed_gets_no_spun_or_copy_match(index: Path) -> None:
    matches = Reference.open(index).match(OTHER)
    assert all(m.verdict not in ("spun", "copy") for m in matches)


def test_add_extends_the_index_and_skips_known_ids(index: Path) -> None:
    writer = Reference.appendable(index)
    assert writer.add([Source("bakery", OTHER), Source("storm", "again")]) == (1, 1)
    reference = Reference.open(index)
    assert len(reference) == 6
    assert reference.match(OTHER, k=1)[0].id == "bakery"
    assert reference.text("storm") == ORIGINAL


def test_a_read_only_index_refuses_to_add(index: Path) -> None:
    with pytest.raises(IndexFileError, match="read-only"):
        Reference.open(index).add([Source("x", OTHER)])


def test_reads_from_many_threads(index: Path) -> None:
    reference = LazyReference.open(index)
    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda text: reference.match(text, k=1)[0].id, [SPUN] * 8))
    assert ids == ["storm"] * 8


def test_a_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexFileError, match="no reference index at"):
        Reference.open(tmp_path / "missing.sqlite")


@pytest.mark.parametrize(
    "content", [b"", b"not a database at all\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000]
)
def test_a_corrupt_index_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.sqlite"
    path.write_bytes(content)
    with pytest.raises(IndexFileError, match="rebuild it"):
        Reference.open(path)


def test_another_sqlite_database_is_not_an_index(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta(key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('format', 'something-else')")
    with pytest.raises(IndexFileError, match="rebuild it"):
        Reference.open(path)


def test_build_replaces_an_existing_file_whole(index: Path) -> None:
    Reference.build(index, [Source("only", OTHER)])
    assert len(Reference.open(index)) == 1
    assert not index.with_name(index.name + ".partial").exists()
