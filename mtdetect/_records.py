"""JSON Lines records as inputs: ``mtdetect score --input-format jsonl FILE|-``.

A database export need not become one file per row: each line is an object
with an ``id`` and a ``text`` string, or an ``html`` string (a web page)
when it has no ``text``. A line that is not such a record (invalid JSON, no
text, longer than ``--max-bytes``) becomes an input with an error, reported
where the record was, and the batch goes on.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Sequence
from typing import IO, Any

from mtdetect._batch import Task
from mtdetect.reading import HTML_NOTE, InputText


def record_tasks(paths: Sequence[str], stdin: IO[Any], max_bytes: int) -> Iterator[Task]:
    """One task per JSON Lines record of each file (or of standard input, ``-``).

    A record is an object with an ``id`` and a ``text`` string, or an
    ``html`` string (a web page) when it has no ``text``. A line that is not
    such a record (invalid JSON, no text, longer than ``max_bytes``) becomes
    a task with an error, so the batch goes on and the error is reported
    where the record was.
    """
    stdin_used = False
    for path in paths:
        if path == "-":
            if stdin_used:
                yield _failed(path, "standard input was already read")
                continue
            stdin_used = True
            yield from _records("-", getattr(stdin, "buffer", stdin), max_bytes)
            continue
        try:
            handle = open(path, "rb")  # noqa: SIM115  (closed below, after the last record)
        except FileNotFoundError:
            yield _failed(path, "no such file")
            continue
        except IsADirectoryError:
            yield _failed(path, "is a directory")
            continue
        except OSError as exc:
            yield _failed(path, f"cannot read file: {exc.strerror or exc}")
            continue
        with handle:
            yield from _records(path, handle, max_bytes)


def _failed(path: str, error: str, fields: tuple[tuple[str, Any], ...] = ()) -> Task:
    return Task(path, InputText(path, None, (), error), fields)


def _records(name: str, stream: IO[Any], max_bytes: int) -> Iterator[Task]:
    number = 0
    while True:
        try:
            line = stream.readline(max_bytes + 1)
        except (OSError, ValueError) as exc:
            yield _failed(name, f"cannot read: {exc}")
            return
        if not line:
            return
        number += 1
        if isinstance(line, str):  # a text stream (tests, wrapped standard input)
            line = line.encode("utf-8", errors="surrogatepass")
        where = f"{name}:{number}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            _skip_line(stream)
            yield _failed(where, f"record longer than {max_bytes:,} bytes (--max-bytes)", _NO_ID)
            continue
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if line.strip():
            yield _record(where, line)


_NO_ID: tuple[tuple[str, Any], ...] = (("id", None),)


def _skip_line(stream: IO[Any]) -> None:
    while True:
        rest = stream.readline(1 << 20)
        if not rest or rest.endswith(b"\n" if isinstance(rest, bytes) else "\n"):
            return


def _record(where: str, line: bytes) -> Task:
    notes: tuple[str, ...] = ()
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError:
        decoded = line.decode("utf-8", errors="replace")
        notes = ("not valid UTF-8: invalid byte sequence(s) replaced with \ufffd",)
    try:
        data = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return _failed(where, f"invalid JSON: {exc.msg} at column {exc.colno}", _NO_ID)
    except RecursionError:
        return _failed(where, "invalid JSON: nested too deeply", _NO_ID)
    return task_from_object(where, data, notes)


def task_from_object(where: str, data: object, notes: tuple[str, ...] = ()) -> Task:
    """The task for one decoded record; a task with an error when it is not a record.

    Shared with the service (``mtdetect.service``) and the Dask path, so that
    a record means the same, and fails with the same message, everywhere.
    """
    if not isinstance(data, dict):
        return _failed(where, f"not a JSON object but {_json_type(data)}", _NO_ID)
    fields = (("id", data.get("id")),)
    text, html = data.get("text"), data.get("html")
    if isinstance(text, str):
        return Task(where, InputText(where, text, notes), fields)
    if text is None and isinstance(html, str):
        return Task(where, InputText(where, html, (*notes, HTML_NOTE), None, True), fields)
    if text is not None:
        return _failed(where, f'"text" is {_json_type(text)}, not a string', fields)
    if html is not None:
        return _failed(where, f'"html" is {_json_type(html)}, not a string', fields)
    return _failed(where, 'record has no "text" (or "html") string', fields)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
