"""The ``mtdetect`` command: argument parsing on top of the library, nothing more.

As in trafilatura, the command line only parses arguments and hands them
to library code (``_batch`` runs a scoring job: reading, worker processes,
progress; ``_records`` reads JSON Lines; ``report`` writes); ``main(argv)``
returns an exit status instead of exiting, so it can be called and tested as
a function. No traceback ever reaches the user: every failure becomes one
``mtdetect: error: ...`` line and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtdetect import _batch
from mtdetect import _cli_args as opts
from mtdetect._cli_args import EXIT_STATUS_HELP, EXPLAIN_DEFAULT
from mtdetect._cli_args import MIN_BASE_RATE as MIN_BASE_RATE  # re-exported: tests, callers
from mtdetect._exit import console_process, loading
from mtdetect._records import record_tasks
from mtdetect._version import __version__
from mtdetect.reading import DEFAULT_GLOBS, iter_paths
from mtdetect.report import FORMATS, MIN_SHOWN_WEIGHT, Writer, describe

PROG = "mtdetect"
EXIT_OK, EXIT_FLAGGED, EXIT_ERROR = 0, 1, 2
INPUT_FORMATS = ("files", "jsonl")
#: modules that add subcommands of their own, imported when the parser is built: each
#: has ``add_command(commands)``, which adds a parser whose ``handler(args) -> int``
#: is set with ``set_defaults`` (heavy imports stay inside the handler)
COMMAND_MODULES: tuple[str, ...] = (
    "mtdetect._gazetteer_command",
    "mtdetect._report_command",
    "mtdetect._serve",
    "mtdetect.reference.cli",
)


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def load_detector(model: str | Path | None, gazetteer: str | Path | None) -> Any:
    """The one place the command line gets a detector (tests replace it).

    An explicit ``model`` that cannot be loaded is an error: the shipped
    model is never used in its place.
    """
    from mtdetect.detector import Detector

    return Detector.load(model, gazetteer=gazetteer)


# -- argument parsing -----------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Detect machine-spun English news (machine translated, or round-tripped "
        "through another language), and show the evidence.",
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    score = commands.add_parser(
        "score",
        help="score articles",
        description="Score text or HTML articles. Directories are searched recursively; "
        "'-' reads standard input.",
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    score.add_argument("paths", nargs="+", metavar="PATH", help="file, directory, or -")
    score.add_argument(
        "--input-format",
        "-i",
        choices=INPUT_FORMATS,
        default="files",
        help="files: each PATH is one article (text or HTML; default); jsonl: each PATH "
        "(or - for standard input) holds one JSON object per line, "
        '{"id": ..., "text": "..."} or {"id": ..., "html": "..."}, and each is scored',
    )
    score.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the results to FILE instead of standard output (even with --quiet)",
    )
    score.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default="text",
        help="output format (default: text); html: one page with the texts and their "
        "evidence highlighted (as 'mtdetect report')",
    )
    score.add_argument(
        "--threshold",
        "-t",
        type=opts.probability,
        metavar="T",
        help="flag inputs whose probability is at least T (default: the model's threshold)",
    )
    score.add_argument(
        "--base-rate",
        type=opts.rate,
        metavar="R",
        help="share of spun texts you expect (e.g. 0.01): probabilities and the default "
        "threshold are re-based from the calibration mix to R, and the same inputs are "
        "flagged; a --threshold given with it is read on the re-based scale",
    )
    score.add_argument(
        "--explain",
        "-e",
        nargs="?",
        type=opts.positive,
        const=EXPLAIN_DEFAULT,
        default=0,
        metavar="N",
        help="text format: show the N strongest evidence spans per input (default N: "
        f"{EXPLAIN_DEFAULT}); N is read only when the word after --explain is a whole "
        "number (--explain 3, --explain=3), anything else is a path (write ./3 for a file "
        "named 3); json, jsonl list all evidence anyway",
    )
    score.add_argument(
        "--min-weight",
        type=opts.weight,
        default=MIN_SHOWN_WEIGHT,
        metavar="W",
        help="text, csv: for inputs not flagged, show only evidence of weight W or more "
        f"(default: {MIN_SHOWN_WEIGHT}; 0 shows all); json, jsonl always list all evidence",
    )
    score.add_argument(
        "--emit-text",
        action="store_true",
        help="json, jsonl: add the scored text to every record as 'text' (evidence offsets "
        "point into it); HTML pages always carry their extracted article text",
    )
    opts.model_options(score)
    score.add_argument(
        "--gazetteer",
        metavar="FILE",
        help="extra trusted name spellings (see 'mtdetect gazetteer build')",
    )
    score.add_argument(
        "--reference",
        metavar="INDEX",
        help="index of trusted originals (see 'mtdetect index build'): a text whose original "
        "is found gains source and verdict, its changes become evidence, and spun flags it",
    )
    score.add_argument(
        "--jobs",
        "-j",
        type=opts.jobs,
        default=1,
        metavar="N",
        help="score in N worker processes, each loading the model once (-1: one per core)",
    )
    score.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print nothing, no progress bar either; only set the exit status",
    )
    opts.glob_option(score)
    opts.max_bytes_option(score)
    score.set_defaults(handler=run_score)

    info = commands.add_parser("info", help="describe the model")
    opts.model_options(info)
    info.add_argument("--format", "-f", choices=("text", "json"), default="text")
    info.set_defaults(handler=run_info)

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_command(commands)
    return parser


# -- entry points -------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit status, never raise."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(opts.explain_count_or_path(argv))
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    handler = getattr(args, "handler", None)
    if handler is None:
        (getattr(args, "subparser", None) or parser).print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (| head): stop quietly
        return EXIT_ERROR
    except CliError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except Exception as exc:  # the promise: no traceback, whatever happens
        _error(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        return EXIT_ERROR


def main_entry() -> None:
    """Console-script entry point."""
    console_process()  # this process ends with its command (mtdetect/_exit.py)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")  # never crash on a terminal's codec
    sys.exit(main())


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _check_gazetteer(args: argparse.Namespace) -> None:
    """Read a --gazetteer file before anything is scored: one error, not one per input."""
    gazetteer = getattr(args, "gazetteer", None)
    if gazetteer is None:
        return
    from mtdetect.gazetteer import GazetteerError, check_file

    try:
        check_file(gazetteer)
    except GazetteerError as exc:
        raise CliError(str(exc)) from None


def _model_error(args: argparse.Namespace, why: object) -> str:
    return f"cannot load model{f' {args.model}' if args.model else ''}: {why}"


def _detector(args: argparse.Namespace) -> Any:
    _check_gazetteer(args)
    try:
        with loading():  # a console process: no collections, then frozen (_exit.py)
            detector = load_detector(args.model, getattr(args, "gazetteer", None))
    except Exception as exc:  # ModelError, or anything a broken bundle raises
        raise CliError(_model_error(args, exc)) from exc
    detector = _with_reference(args, detector)
    base_rate = getattr(args, "base_rate", None)
    if base_rate is None:
        return detector
    try:
        return detector.with_base_rate(base_rate)
    except Exception as exc:  # a model without a recorded calibration mix
        raise CliError(f"--base-rate: {exc}") from exc


def _check_reference(path: str) -> None:
    from mtdetect.reference.index import IndexFileError, Reference

    try:
        Reference.open(path).close()
    except IndexFileError as exc:
        raise CliError(f"--reference: {exc}") from exc


def _with_reference(args: argparse.Namespace, detector: Any) -> Any:
    if getattr(args, "reference", None) is None:
        return detector
    _check_reference(args.reference)
    return detector.with_reference(args.reference)


def _html_views(args: argparse.Namespace) -> dict[str, Any]:
    """An HTML page's extra views: with ``--reference``, each text beside its original."""
    if args.format != "html":
        return {}
    from mtdetect._report_reference import report_options

    return report_options(args.reference)


def _expand(paths: Sequence[str], globs: Sequence[str] | None, quiet: bool) -> list[str]:
    patterns = tuple(globs) if globs else DEFAULT_GLOBS
    expanded: list[str] = []
    for path in paths:
        found = list(iter_paths([path], glob=patterns))
        if not found and not quiet:
            _warn(f"no files matching {' '.join(patterns)} in {path}")
        expanded.extend(found)
    if not expanded:
        raise CliError("no input files found")
    return expanded


def run_score(args: argparse.Namespace) -> int:
    if args.jobs == 1:
        return _score(args, _detector(args), None)
    # with workers, only they load the model: this process needs its threshold
    _check_gazetteer(args)
    if args.reference is not None:  # a missing or damaged index fails here, not in a worker
        _check_reference(args.reference)
    workers = _batch.Workers(
        args.jobs, _batch.ModelSpec(args.model, args.gazetteer, args.base_rate, args.reference)
    )
    try:
        try:
            model = workers.model()
        except _batch.RunError as exc:
            raise CliError(str(exc)) from exc
        if model.error is not None:
            what, why = model.error
            raise CliError(_model_error(args, why) if what == "model" else f"--base-rate: {why}")
        return _score(args, model, workers)
    finally:
        workers.close()


def _score(args: argparse.Namespace, detector: Any, workers: _batch.Workers | None) -> int:
    """Score the inputs; ``detector`` scores them, or only tells the threshold to workers."""
    records_in = args.input_format == "jsonl"
    max_bytes = min(args.max_bytes, _batch.READ_CEILING)  # memory stays bounded
    if records_in:
        tasks, total = record_tasks(args.paths, sys.stdin, max_bytes), None
    else:
        paths = _expand(args.paths, args.glob, args.quiet)
        tasks, total = _batch.file_tasks(paths, sys.stdin, max_bytes), len(paths)
    threshold = args.threshold
    options = _batch.Options(
        threshold=threshold,
        shown_threshold=getattr(detector, "threshold", None) if threshold is None else threshold,
        model_version=str(getattr(detector, "model_version", "")),
        emit_text=args.emit_text or args.format == "html",  # the page shows the text
        max_bytes=max_bytes,
    )
    stderr_tty = bool(getattr(sys.stderr, "isatty", lambda: False)())
    big = total is None or total > _batch.PROGRESS_MIN
    progress = _batch.Progress(total, big and stderr_tty and not args.quiet)
    try:
        out = _batch.open_output(args.output)
        try:
            writer = None
            if args.output is not None or not args.quiet:
                writer = Writer(
                    out,
                    args.format,
                    args.explain,
                    ids=records_in,
                    min_weight=args.min_weight,
                    **_html_views(args),
                )
            batches = _batch.run(tasks, detector, options, workers)
            tally = _batch.report(batches, writer, out, progress, summary=args.format == "text")
        finally:
            if out is not sys.stdout:
                out.close()
    except _batch.RunError as exc:
        raise CliError(str(exc)) from exc
    if tally.errors:
        return EXIT_ERROR
    return EXIT_FLAGGED if tally.flagged else EXIT_OK


def run_info(args: argparse.Namespace) -> int:
    import json

    detector = _detector(args)
    info = dict(detector.info())
    info = {"mtdetect_version": __version__, **info}
    if args.format == "json":
        print(json.dumps(info, indent=2, sort_keys=False, default=str))
    else:
        print("\n".join(describe(info)))
    return EXIT_OK
