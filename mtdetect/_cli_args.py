"""What the command line's options accept, and how its argument list is read.

Kept apart from ``cli.py`` (which builds the parser and dispatches) so that
the parser reads as a list of options: here are the value types argparse
calls (each a one-line error for a bad value), the options several
subcommands share, and the one rewrite of ``argv`` before parsing.
"""

from __future__ import annotations

import argparse
import re

from mtdetect.reading import DEFAULT_GLOBS, DEFAULT_MAX_BYTES

# the Detector's bound (mtdetect.detector.MIN_BASE_RATE), repeated so that parsing
# arguments does not import numpy; tests/test_cli.py checks that the two agree
MIN_BASE_RATE = 1e-6
#: evidence lines shown by a bare --explain
EXPLAIN_DEFAULT = 5
_WHOLE_NUMBER = re.compile(r"[+-]?\d+\Z")

EXIT_STATUS_HELP = """\
exit status:
  0  nothing was flagged
  1  at least one input was flagged as machine-spun
  2  usage error, a model or --gazetteer file that cannot be loaded, or at
     least one input that could not be read or scored (the other inputs are
     still scored and reported); 2 takes precedence over 1; also when the
     reader of the output goes away (| head)
  130  interrupted (Ctrl-C); a json array written so far is closed
"""


# -- value types ----------------------------------------------------------------


def probability(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return number


def rate(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not MIN_BASE_RATE <= number <= 1.0 - MIN_BASE_RATE:
        raise argparse.ArgumentTypeError(
            f"must be between {MIN_BASE_RATE:g} and {1 - MIN_BASE_RATE}, got {value}"
        )
    return number


def weight(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number >= 0.0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return number


def whole(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None


def positive(value: str) -> int:
    number = whole(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return number


def jobs(value: str) -> int:
    number = whole(value)
    if number == 0 or number < -1:
        raise argparse.ArgumentTypeError("use 1 or more worker processes, or -1 for all cores")
    return number


# -- options shared by subcommands ---------------------------------------------


def model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", "-m", metavar="PATH", help="model bundle (.joblib) instead of the shipped one"
    )


def glob_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--glob",
        action="append",
        metavar="PATTERN",
        help="file name pattern to take from directories; repeatable "
        f"(default: {' '.join(DEFAULT_GLOBS)})",
    )


def max_bytes_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-bytes",
        type=positive,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"read at most N bytes of each input (default: {DEFAULT_MAX_BYTES:,})",
    )


# -- argv before parsing ---------------------------------------------------------


def explain_count_or_path(argv: list[str]) -> list[str]:
    """``argv`` with each bare ``--explain`` that is not followed by a count made explicit.

    Why: an option with an optional value takes the next word whatever it is,
    so ``--explain FILE`` read FILE as the count. A count is only a whole
    number; before anything else, ``--explain`` becomes ``--explain=5``.
    """
    command = next((i for i, word in enumerate(argv) if not word.startswith("-")), None)
    if command is None or argv[command] != "score":
        return argv
    out = list(argv)
    for i in range(command + 1, len(out)):
        word = out[i]
        if word == "--":
            break
        explain = word == "-e" or (len(word) >= 5 and "--explain".startswith(word))
        if explain and not (i + 1 < len(out) and _WHOLE_NUMBER.match(out[i + 1])):
            out[i] = f"--explain={EXPLAIN_DEFAULT}"
    return out
