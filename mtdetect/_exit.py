"""A process that is mtdetect (the command line, a serve worker) freezes what it loaded.

The command line loads its model without the garbage collector, then freezes it.

Why: importing numpy, scikit-learn, scipy and pandas and loading a model
makes hundreds of thousands of objects, almost none of them garbage, and the
collector kept sweeping them as they came (about 0.15 s of a cold
``mtdetect score article.txt``); at exit Python clears every module and
sweeps all that is alive once more (about 0.25 s). In a process that ends
with its command, what is loaded before scoring lives until the end: the
collector is off while it loads, and ``gc.freeze`` then moves it out of every
later collection, the exit's included (the system frees it at once). Objects
made after that (inputs, records, the output file) are collected as usual,
so a file left open is still flushed at exit. Only the console entry point
turns this on: ``cli.main`` called from Python (tests, callers) never touches
its caller's collector.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_console_process = False


def console_process() -> None:
    """Say that this process ends when its command does (the console entry point)."""
    global _console_process
    _console_process = True


@contextmanager
def loading() -> Iterator[None]:
    """Around loading the detector: no collections, then all of it frozen (console only)."""
    if not _console_process or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        gc.enable()


def freeze_loaded() -> None:
    """Move everything alive now (the model, the libraries) out of the collector's sweeps.

    Why: a loaded detector is some 140,000 tracked objects, and each full
    collection walked them all (about 70 ms), stalling whichever requests were
    queued: the 99th percentile at 8 clients was twice the median. Nothing
    loaded is garbage; what requests make is still collected. Only for a
    process that is the service (``mtdetect serve``), never a caller's.
    """
    gc.collect()
    gc.freeze()
