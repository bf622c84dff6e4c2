"""``mtdetect gazetteer build``: count name spellings in articles you trust.

A subcommand of its own (see ``COMMAND_MODULES`` in ``mtdetect.cli``): the
result is passed to ``mtdetect score --gazetteer``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_command(commands: Any) -> None:
    """Add ``gazetteer build`` to the command line's subcommands."""
    from mtdetect import _cli_args as opts

    gazetteer = commands.add_parser("gazetteer", help="build a list of trusted name spellings")
    gaz_commands = gazetteer.add_subparsers(dest="gazetteer_command", metavar="COMMAND")
    build = gaz_commands.add_parser(
        "build",
        help="count names in trusted original articles",
        description="Count name spellings in articles you trust to be written by people "
        "(not translated); pass the result to 'mtdetect score --gazetteer'.",
    )
    build.add_argument("paths", nargs="+", metavar="DIR", help="files or directories")
    build.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    build.add_argument(
        "--min-count",
        type=opts.positive,
        default=2,
        metavar="N",
        help="keep spellings seen at least N times (default: 2)",
    )
    opts.glob_option(build)
    opts.max_bytes_option(build)
    build.set_defaults(handler=run_gazetteer_build)
    gazetteer.set_defaults(handler=None, subparser=gazetteer)


def run_gazetteer_build(args: argparse.Namespace) -> int:
    """Read the inputs, count their name spellings, write the gazetteer."""
    from mtdetect import cli
    from mtdetect.boilerplate import strip_boilerplate
    from mtdetect.gazetteer import build_from_texts
    from mtdetect.reading import read_input

    paths = cli._expand(args.paths, args.glob, quiet=False)
    texts: list[str] = []
    failed = 0
    for task in cli._batch.file_tasks(paths, sys.stdin, args.max_bytes, keep_html=False):
        item = task.item or read_input(task.path, max_bytes=args.max_bytes)
        if not item.ok:
            failed += 1
            cli._warn(f"skipped {task.path}: {item.error}")
            continue
        texts.append(strip_boilerplate(item.text or "").text)
    if not texts:
        raise cli.CliError("no readable input files")
    gazetteer = build_from_texts(texts, min_count=args.min_count)
    try:
        gazetteer.save(args.output)
    except OSError as exc:
        raise cli.CliError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"wrote {len(gazetteer)} spellings from {len(texts)} files to {args.output}")
    return cli.EXIT_ERROR if failed else cli.EXIT_OK
