"""Trusted originals to index, read from files, folders, JSON lines or one-document-a-line text.

A wire feed or an archive export rarely comes as one file per article, so
``index build`` also reads JSON lines (``{"id", "text"}`` plus optional
``url``, ``date``, ``title``; other field names with ``--id-field`` and
``--text-field``) and plain text with one document a line, gzipped or not.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from mtdetect.reading import DEFAULT_GLOBS, iter_paths, read_input
from mtdetect.reference.index import Source


def _open(path: str) -> IO[str]:
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 (caller closes)


def format_of(path: str, chosen: str) -> str:
    """The format of one input: as chosen, or guessed from the name (``auto``)."""
    if chosen != "auto":
        return chosen
    name = path.lower().removesuffix(".gz")
    return "jsonl" if name.endswith((".jsonl", ".ndjson")) else "files"


def read_sources(
    paths: Sequence[str],
    *,
    input_format: str = "auto",
    glob: Sequence[str] = DEFAULT_GLOBS,
    id_field: str = "id",
    text_field: str = "text",
    max_bytes: int = 5_000_000,
    warn: Callable[[str], None] = lambda _message: None,
) -> Iterator[Source]:
    """Every document of ``paths``; unreadable ones are reported through ``warn`` and skipped."""
    for path in paths:
        kind = format_of(path, input_format)
        if kind == "files":
            for name in iter_paths([path], glob=glob):
                item = read_input(name, max_bytes=max_bytes)
                if not item.ok or not (item.text or "").strip():
                    warn(f"skipped {name}: {item.error or 'empty'}")
                    continue
                yield Source(name, item.text or "")
            continue
        try:
            handle = _open(path)
        except OSError as exc:
            warn(f"skipped {path}: {exc.strerror or exc}")
            continue
        with handle:
            if kind == "lines":
                yield from _lines(path, handle)
            else:
                yield from _records(path, handle, id_field, text_field, warn)


def _lines(path: str, handle: IO[str]) -> Iterator[Source]:
    for number, line in enumerate(handle, 1):
        if line.strip():
            yield Source(f"{path}:{number}", line.rstrip("\n"))


def _records(
    path: str, handle: IO[str], id_field: str, text_field: str, warn: Callable[[str], None]
) -> Iterator[Source]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            warn(f"skipped {where}: invalid JSON ({exc.msg})")
            continue
        text = record.get(text_field) if isinstance(record, dict) else None
        if not isinstance(text, str) or not text.strip():
            warn(f'skipped {where}: no "{text_field}" string')
            continue
        doc_id = record.get(id_field)
        yield Source(
            where if doc_id is None else str(doc_id),
            text,
            _optional(record, "url"),
            _optional(record, "date"),
            _optional(record, "title"),
        )


def _optional(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return None if value is None else str(value)
