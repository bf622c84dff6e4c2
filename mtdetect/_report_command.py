"""``mtdetect report``: score inputs and write one HTML page for a person to read.

It is ``mtdetect score --format html`` with the options a report needs and
nothing else (no --explain, --emit-text or --quiet: the page shows all of it),
so both run the very same scoring path and give the same exit statuses.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_command(commands: Any) -> None:
    """Add ``report`` to the command line's subcommands."""
    from mtdetect import _cli_args as opts
    from mtdetect import cli

    report = commands.add_parser(
        "report",
        help="score articles and write an HTML report",
        description="Score text or HTML articles and write one self-contained HTML page: "
        "each verdict, its probability against the threshold, and the text with every piece "
        "of evidence highlighted (hover for the reason). Directories are searched "
        "recursively; '-' reads standard input.",
        epilog=opts.EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("paths", nargs="+", metavar="PATH", help="file, directory, or -")
    report.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the page to FILE (default: standard output)",
    )
    report.add_argument(
        "--input-format",
        "-i",
        choices=cli.INPUT_FORMATS,
        default="files",
        help="files: each PATH is one article (default); jsonl: one JSON record per line, "
        "as for 'mtdetect score'",
    )
    report.add_argument(
        "--threshold",
        "-t",
        type=opts.probability,
        metavar="T",
        help="flag inputs whose probability is at least T (default: the model's threshold)",
    )
    report.add_argument(
        "--base-rate",
        type=opts.rate,
        metavar="R",
        help="share of spun texts you expect: probabilities are re-based to it "
        "(see 'mtdetect score --help')",
    )
    opts.model_options(report)
    report.add_argument(
        "--gazetteer",
        metavar="FILE",
        help="extra trusted name spellings (see 'mtdetect gazetteer')",
    )
    report.add_argument(
        "--reference",
        metavar="INDEX",
        help="index of trusted originals (see 'mtdetect index build'): a text whose original "
        "is found is shown beside it, sentence by sentence, each change marked on both sides",
    )
    report.add_argument(
        "--jobs", "-j", type=opts.jobs, default=1, metavar="N", help="score in N worker processes"
    )
    opts.glob_option(report)
    opts.max_bytes_option(report)
    # what 'score' reads and a report fixes: all evidence and the text, on one page
    report.set_defaults(
        handler=run_report, format="html", explain=0, emit_text=True, quiet=False, min_weight=0.0
    )


def run_report(args: argparse.Namespace) -> int:
    """Score as ``score --format html`` does; say where the page went."""
    from mtdetect import cli

    status = cli.run_score(args)
    if args.output not in (None, "-"):
        print(f"wrote {args.output}", file=sys.stderr)
    return status
