"""An index of trusted originals: one SQLite file, full-text search, then alignment.

A round trip shares few exact word sequences with its original, so the
index does not search phrases. Each document is reduced to the terms that
survive re-translation: the consonant skeletons of its names ("Blinken" and
"Brinken" are both PLNKN), its figures, and its content-word stems. SQLite's
FTS5 (in Python's standard library) finds the documents that share the
query's rarest terms; the best of those by term overlap are then aligned
with the query sentence by sentence (``compare``), which settles the order
and the verdict. One file, no server; reads are safe from many threads.
"""

from __future__ import annotations

import heapq
import math
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mtdetect._spelling import fold, skeleton
from mtdetect.reference.align import STEM, STOPWORDS, Unit, number_key, units
from mtdetect.reference.compare import Comparison, compare_units, with_changes
from mtdetect.text import Document, Token

FORMAT = "mtdetect-reference-1"
#: rarest query terms sent to the full-text search
QUERY_TERMS = 48
#: stop adding query terms once their posting lists hold this many documents
POSTINGS = 4000
#: documents the full-text search returns for re-ranking by term overlap
SEARCH_DEPTH = 40
#: best documents by term overlap that are aligned with the query
ALIGNED = 3
#: term overlap below which a candidate is not worth aligning...
MIN_OVERLAP = 0.1
#: ... or below this share of the best candidate's
REACH = 0.7
#: a spun or copy verdict covering this much of the text ends the alignments
SETTLED = 0.8
FOUND = ("spun", "copy")
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs(
    n INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, url TEXT, date TEXT, title TEXT,
    keys BLOB NOT NULL, body BLOB NOT NULL);
CREATE VIRTUAL TABLE terms USING fts5(keys, content='', detail=none);
CREATE TABLE df(term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
"""


_COUNT_TERM = "INSERT INTO df VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET n = n + excluded.n"


class IndexFileError(RuntimeError):
    """The index file is missing, corrupt, or not a reference index."""


@dataclass(frozen=True, slots=True)
class Source:
    """A trusted original to index."""

    id: str
    text: str
    url: str | None = None
    date: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Match:
    """A candidate original for a text: its id and metadata, how alike, and the comparison."""

    id: str
    similarity: float
    url: str | None
    date: str | None
    title: str | None
    comparison: Comparison | None
    text: str

    @property
    def verdict(self) -> str | None:
        return self.comparison.verdict if self.comparison else None


def keys(text: str) -> list[str]:
    """The search terms of a text: name skeletons (n...), figures (d...), stems (w...).

    Why these: a round trip respells names, but mostly within their
    consonant classes; it keeps figures; and it keeps many content words,
    at least in their first letters.
    """
    return _keys(Document(text).tokens)


def _keys(tokens: Iterable[Token]) -> list[str]:
    out: set[str] = set()
    previous = "."
    for token in tokens:
        word = token[0]
        first = word[0]
        if first.isdigit():
            digits = number_key(word).replace(".", "p").replace(":", "h").rstrip("%")
            if len(digits) >= 2 and digits.isascii():
                out.add("d" + digits)
        elif first.isalpha():
            lower = word.lower()
            if lower in STOPWORDS or len(lower) < 3:
                previous = word
                continue
            if first.isupper() and previous not in ".!?\"'":
                key = skeleton(word)
                if len(key) >= 2 and key.isalpha() and key.isascii():
                    out.add("n" + key.lower())
            stem = fold(lower)[:STEM]
            if stem.isalpha() and stem.isascii():
                out.add("w" + stem)
        previous = word
    return sorted(out)


def _overlap(a: set[str], b: set[str]) -> float:
    return 2.0 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


class Reference:
    """An index of trusted originals in one SQLite file; see the module docstring."""

    def __init__(self, path: str | Path, *, writable: bool = False) -> None:
        self.path = Path(path)
        self._writable = writable
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._check()

    def __getstate__(self) -> dict[str, Any]:
        """Only the path travels to a worker process, which opens its own connection."""
        return {"path": str(self.path), "writable": self._writable}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], writable=state["writable"])  # type: ignore[misc]

    # -- opening -------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> Reference:
        """Open an index for matching (read-only, thread-safe)."""
        return cls(path)

    @classmethod
    def build(cls, path: str | Path, sources: Iterable[Source]) -> Reference:
        """Write a new index of ``sources`` at ``path`` (replacing any file there)."""
        path = Path(path)
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        with sqlite3.connect(partial) as db:
            db.executescript(_SCHEMA)
            db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        reference = cls(partial, writable=True)
        try:
            reference.add(sources)
        finally:
            reference.close()
        os.replace(partial, path)
        return cls(path)

    @classmethod
    def appendable(cls, path: str | Path) -> Reference:
        """Open an existing index to :meth:`add` to it."""
        return cls(path, writable=True)

    def _connect(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if self._writable:
                connection = sqlite3.connect(self.path)
            else:
                uri = self.path.resolve().as_uri() + "?mode=ro"
                connection = sqlite3.connect(uri, uri=True)
            self._local.connection = connection
        return connection

    def _check(self) -> None:
        if not self.path.is_file():
            raise IndexFileError(f"no reference index at {self.path}")
        try:
            row = self._connect().execute("SELECT value FROM meta WHERE key='format'").fetchone()
            self._connect().execute("SELECT count(*) FROM terms WHERE terms MATCH 'x'")
        except sqlite3.DatabaseError as exc:
            self.close()
            raise IndexFileError(
                f"{self.path} is not a reference index, or it is damaged ({exc}); "
                "rebuild it with 'mtdetect index build'"
            ) from None
        if row is None or row[0] != FORMAT:
            self.close()
            found = row[0] if row else "none"
            raise IndexFileError(
                f"{self.path} is a reference index of format {found}, not {FORMAT}; "
                "rebuild it with 'mtdetect index build'"
            )

    def close(self) -> None:
        """Close this thread's connection (other threads close theirs at exit)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def __len__(self) -> int:
        return int(self._connect().execute("SELECT count(*) FROM docs").fetchone()[0])

    # -- writing ---------------------------------------------------------------------

    def add(self, sources: Iterable[Source], batch: int = 500) -> tuple[int, int]:
        """Index ``sources``; return (added, skipped), skipping ids already present."""
        if not self._writable:
            raise IndexFileError("this index was opened read-only; use Reference.appendable")
        added = skipped = 0
        db = self._connect()
        with self._write_lock:
            for chunk in _chunks(sources, batch):
                counts: dict[str, int] = {}
                with db:
                    for source in chunk:
                        found = keys(source.text)
                        terms = " ".join(found)
                        packed = zlib.compress(terms.encode("ascii"), 6)
                        body = zlib.compress(source.text.encode("utf-8"), 6)
                        try:
                            cursor = db.execute(
                                "INSERT INTO docs(id, url, date, title, keys, body) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                                (source.id, source.url, source.date, source.title, packed, body),
                            )
                        except sqlite3.IntegrityError:
                            skipped += 1
                            continue
                        db.execute(
                            "INSERT INTO terms(rowid, keys) VALUES (?, ?)",
                            (cursor.lastrowid, terms),
                        )
                        for term in found:
                            counts[term] = counts.get(term, 0) + 1
                        added += 1
                    db.executemany(_COUNT_TERM, counts.items())
        return added, skipped

    # -- reading ---------------------------------------------------------------------

    def text(self, doc_id: str) -> str | None:
        row = self._connect().execute("SELECT body FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def candidates(self, text: str, depth: int = SEARCH_DEPTH) -> list[tuple[int, float]]:
        """Row numbers of the documents sharing most of the text's rarest terms, best first."""
        return self._candidates(keys(text), depth)

    def _candidates(self, query_keys: list[str], depth: int) -> list[tuple[int, float]]:
        db = self._connect()
        if not query_keys:
            return []
        marks = ",".join("?" * len(query_keys))
        found = db.execute(f"SELECT term, n FROM df WHERE term IN ({marks})", query_keys).fetchall()
        total = max(1, db.execute("SELECT max(n) FROM docs").fetchone()[0] or 1)
        # the rarest terms first, until their posting lists hold enough documents
        hits: dict[int, float] = {}
        budget = POSTINGS
        for term, df in sorted(found, key=lambda row: row[1])[:QUERY_TERMS]:
            if budget <= 0:
                break
            budget -= df
            weight = math.log(1.0 + total / df)
            for (rowid,) in db.execute("SELECT rowid FROM terms WHERE terms MATCH ?", (term,)):
                hits[rowid] = hits.get(rowid, 0.0) + weight
        best = heapq.nlargest(depth, hits.items(), key=lambda item: item[1])
        if not best:
            return []
        marks = ",".join("?" * len(best))
        rows = db.execute(
            f"SELECT n, keys FROM docs WHERE n IN ({marks})", [n for n, _ in best]
        ).fetchall()
        mine = {key.encode("ascii") for key in query_keys}
        scored = [(n, _overlap(mine, set(zlib.decompress(packed).split()))) for n, packed in rows]
        scored.sort(key=lambda row: -row[1])
        return scored

    def match(self, text: str, k: int = 5, aligned: int = ALIGNED) -> list[Match]:
        """The ``k`` likeliest originals of ``text``, best first.

        The first ``aligned`` candidates by term overlap (those within reach of
        the best) are aligned with the text sentence by sentence, until one
        explains it (spun or copy, covering ``SETTLED`` of it), and ranked by how
        much of it they explain (coverage times similarity); the rest keep half
        their term overlap. Only the best gets its changes listed.
        """
        db = self._connect()
        su = units(text)
        scored = self._candidates(_keys(t for u in su for t in u.tokens), SEARCH_DEPTH)
        out: list[Match] = []
        split: dict[str, list[Unit]] = {}
        settled = False  # a candidate already explains the text: align no more
        for rank, (n, overlap) in enumerate(scored[: max(k, aligned)]):
            row = db.execute(
                "SELECT id, url, date, title, body FROM docs WHERE n = ?", (n,)
            ).fetchone()
            body = zlib.decompress(row[4]).decode("utf-8")
            comparison = None
            reach = overlap >= MIN_OVERLAP and overlap >= REACH * scored[0][1]
            if rank < aligned and reach and not settled:
                split[row[0]] = units(body)
                comparison = compare_units(text, su, body, split[row[0]], changes=False)
                settled = comparison.verdict in FOUND and comparison.coverage >= SETTLED
            similarity = (
                comparison.coverage * comparison.similarity if comparison else overlap * 0.5
            )
            out.append(Match(row[0], similarity, row[1], row[2], row[3], comparison, body))
        out.sort(key=lambda m: (m.comparison is None, -m.similarity))
        if out and out[0].comparison is not None:
            best = out[0]
            full = with_changes(best.comparison, text, su, best.text, split[best.id])
            out[0] = replace(best, comparison=full)
        return out[:k]


def _chunks(items: Iterable[Source], size: int) -> Iterator[list[Source]]:
    chunk: list[Source] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
