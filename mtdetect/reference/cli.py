"""Reference mode on the command line: ``compare``, ``index build|add`` and ``match``.

Registered in ``mtdetect.cli.COMMAND_MODULES``. Handlers return an exit
status (0: nothing spun, 1: a spun text found, 2: a usage or input error)
and raise ``CliError`` for anything the user can fix; heavy imports stay
inside the handlers, so that ``mtdetect --help`` stays quick.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mtdetect.reading import DEFAULT_GLOBS, DEFAULT_MAX_BYTES, read_input, read_stdin

EXIT_OK, EXIT_SPUN, EXIT_ERROR = 0, 1, 2
_SHOWN = ("name", "phrase", "number")
SOURCE_FORMATS = ("auto", "files", "jsonl", "lines")


def add_command(commands: Any) -> None:
    """Add ``compare``, ``index`` and ``match`` to the ``mtdetect`` parser."""
    compare = commands.add_parser(
        "compare",
        help="compare a suspect article with its original",
        description="Align SUSPECT with ORIGINAL sentence by sentence and say whether it is "
        "spun (re-translated), a copy, a related article or unrelated, with every name, "
        "phrase and figure the round trip changed. Exit status 1 when spun.",
    )
    compare.add_argument("suspect", metavar="SUSPECT", help="file, or - for standard input")
    compare.add_argument("original", metavar="ORIGINAL", help="file, or - for standard input")
    compare.add_argument("--format", "-f", choices=("text", "json"), default="text")
    compare.add_argument(
        "--all", action="store_true", help="text format: list dropped and added sentences too"
    )
    compare.set_defaults(handler=run_compare)

    index = commands.add_parser("index", help="build an index of trusted originals")
    sub = index.add_subparsers(dest="index_command", metavar="COMMAND")
    build = sub.add_parser(
        "build",
        help="index trusted originals into one file",
        description="Index trusted originals (files, folders, JSON lines, or text with one "
        "document a line; .gz is read too) into one SQLite file for 'mtdetect match'.",
    )
    build.add_argument("sources", nargs="+", metavar="SOURCE")
    build.add_argument("-o", "--output", required=True, metavar="INDEX", help="file to write")
    add = sub.add_parser("add", help="add trusted originals to an index")
    add.add_argument("index", metavar="INDEX")
    add.add_argument("sources", nargs="+", metavar="SOURCE")
    for parser, handler in ((build, run_index_build), (add, run_index_add)):
        parser.add_argument(
            "--input-format",
            "-i",
            choices=SOURCE_FORMATS,
            default="auto",
            help="files (folders searched with --glob), jsonl (one JSON object a line), "
            "lines (one document a line); auto: jsonl for *.jsonl[.gz], else files",
        )
        parser.add_argument("--id-field", default="id", metavar="NAME", help="jsonl id field")
        parser.add_argument("--text-field", default="text", metavar="NAME", help="jsonl text field")
        parser.add_argument("--glob", action="append", metavar="PATTERN")
        parser.add_argument("--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES, metavar="N")
        parser.add_argument("--quiet", "-q", action="store_true")
        parser.set_defaults(handler=handler)
    index.set_defaults(handler=None, subparser=index)

    match = commands.add_parser(
        "match",
        help="find the original of each article in an index",
        description="For each input, the likeliest originals in INDEX, and the comparison "
        "with the best. Exit status 1 when a spun copy of an indexed original is found.",
    )
    match.add_argument("paths", nargs="+", metavar="PATH", help="file, directory, or -")
    match.add_argument("--index", required=True, metavar="INDEX")
    match.add_argument("-k", type=_positive, default=5, metavar="N", help="candidates (default 5)")
    match.add_argument("--format", "-f", choices=("text", "json", "jsonl"), default="text")
    match.add_argument("--glob", action="append", metavar="PATTERN")
    match.add_argument("--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES, metavar="N")
    match.set_defaults(handler=run_match)


def _positive(value: str) -> int:
    from mtdetect._cli_args import positive

    return positive(value)


def _error(message: str) -> Exception:
    from mtdetect.cli import CliError

    return CliError(message)


def _read(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    item = read_stdin(sys.stdin, max_bytes) if path == "-" else read_input(path, max_bytes)
    if not item.ok or item.text is None:
        raise _error(f"cannot read {path}: {item.error}")
    return item.text


def run_compare(args: argparse.Namespace) -> int:
    from mtdetect.reference.compare import compare

    if args.suspect == "-" and args.original == "-":
        raise _error("only one of SUSPECT and ORIGINAL can be standard input")
    suspect, original = _read(args.suspect), _read(args.original)
    result = compare(suspect, original)
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(describe(result, show_all=args.all)))
    return EXIT_SPUN if result.verdict == "spun" else EXIT_OK


def describe(result: Any, show_all: bool = False, indent: str = "") -> list[str]:
    """The text report of a comparison: the verdict line, then one line per change."""
    lines = [
        f"{indent}{result.verdict}  coverage {result.coverage:.2f}  "
        f"similarity {result.similarity:.2f}  verbatim {result.exact:.2f}"
    ]
    for change in result.changes:
        if change.kind in _SHOWN or show_all:
            got, want = change.suspect, change.original
            lines.append(
                f'{indent}  {change.kind:7} "{_short(got.text)}" @{got.start}  '
                f'original "{_short(want.text)}" @{want.start}'
            )
    counts = result.counts()
    if counts:
        summary = ", ".join(f"{counts[kind]} {kind}" for kind in sorted(counts))
        lines.append(f"{indent}  changes: {summary}")
    return lines


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _open_index(path: str, writable: bool = False) -> Any:
    from mtdetect.reference.index import IndexFileError, Reference

    try:
        return Reference.appendable(path) if writable else Reference.open(path)
    except IndexFileError as exc:
        raise _error(str(exc)) from exc


def _sources(args: argparse.Namespace) -> Any:
    from mtdetect.reference._sources import read_sources

    def warn(message: str) -> None:
        if not args.quiet:
            print(f"mtdetect: warning: {message}", file=sys.stderr)

    return read_sources(
        args.sources,
        input_format=args.input_format,
        glob=tuple(args.glob) if args.glob else DEFAULT_GLOBS,
        id_field=args.id_field,
        text_field=args.text_field,
        max_bytes=args.max_bytes,
        warn=warn,
    )


def _report_added(args: argparse.Namespace, added: int, skipped: int, total: int) -> None:
    if not args.quiet:
        extra = f", {skipped} skipped (id already indexed)" if skipped else ""
        print(f"indexed {added} documents{extra}; {total} in the index", file=sys.stderr)


def run_index_build(args: argparse.Namespace) -> int:
    import sqlite3
    from pathlib import Path

    from mtdetect.reference.index import Reference

    target = Path(args.output)
    if not target.parent.is_dir():
        raise _error(f"no such directory for {args.output}")
    if target.exists():  # rebuild an index, but never overwrite anything else
        _open_index(args.output).close()
    try:
        reference = Reference.build(args.output, _sources(args))
    except (OSError, sqlite3.Error) as exc:
        raise _error(f"cannot write {args.output}: {exc}") from exc
    total = len(reference)
    if total == 0:
        raise _error("no documents to index")
    _report_added(args, total, 0, total)
    return EXIT_OK


def run_index_add(args: argparse.Namespace) -> int:
    import sqlite3

    reference = _open_index(args.index, writable=True)
    try:
        added, skipped = reference.add(_sources(args))
    except sqlite3.Error as exc:
        raise _error(f"cannot write {args.index}: {exc}") from exc
    _report_added(args, added, skipped, len(reference))
    return EXIT_OK


def run_match(args: argparse.Namespace) -> int:
    from mtdetect.reading import iter_paths

    reference = _open_index(args.index)
    globs = tuple(args.glob) if args.glob else DEFAULT_GLOBS
    status, rows = EXIT_OK, []
    for path in iter_paths(args.paths, glob=globs):
        try:
            text = _read(path, args.max_bytes)
        except Exception as exc:  # one unreadable input never stops the batch
            status = EXIT_ERROR
            row = {"path": path, "status": "error", "error": str(exc)}
        else:
            row = match_row(path, reference.match(text, k=args.k))
            if row["verdict"] == "spun" and status == EXIT_OK:
                status = EXIT_SPUN
        if args.format == "jsonl":
            print(json.dumps(row, ensure_ascii=False))
        elif args.format == "text":
            print("\n".join(_match_lines(row)))
        rows.append(row)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    return status


def match_row(path: str, matches: list[Any]) -> dict[str, Any]:
    """One input's result: the source (when spun or a copy), verdict, candidates, changes."""
    best = matches[0] if matches else None
    comparison = best.comparison if best is not None else None
    found = comparison is not None and comparison.verdict in ("spun", "copy")
    return {
        "path": path,
        "status": "ok",
        "source": best.id if found and best is not None else None,
        "verdict": comparison.verdict if comparison is not None else "unrelated",
        "coverage": round(comparison.coverage, 4) if comparison is not None else 0.0,
        "candidates": [
            {"id": m.id, "similarity": round(m.similarity, 4), "verdict": m.verdict}
            for m in matches
        ],
        "changes": comparison.to_dict()["changes"] if found and comparison else [],
    }


def _match_lines(row: dict[str, Any]) -> list[str]:
    if row["status"] == "error":
        return [f"error  {row['path']}: {row['error']}"]
    source = row["source"] or "no source found"
    lines = [f"{row['verdict']:9} {row['path']}  <-  {source}  (coverage {row['coverage']:.2f})"]
    for candidate in row["candidates"]:
        verdict = candidate["verdict"] or "-"
        lines.append(f"    {candidate['similarity']:.3f}  {verdict:9} {candidate['id']}")
    for change in row["changes"]:
        if change["kind"] in _SHOWN:
            got, want = change["suspect"], change["original"]
            lines.append(
                f'    {change["kind"]:7} "{_short(got["text"])}" @{got["start"]}  '
                f'original "{_short(want["text"])}" @{want["start"]}'
            )
    return lines
