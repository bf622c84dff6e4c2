"""A command-line process keeps its modules and model out of the garbage collector.

Why: at exit Python clears every module and collects cycles over all that is
alive; with numpy, scikit-learn, scipy and pandas imported and a model
loaded, that took about 0.3 s of a 1.7 s ``mtdetect score article.txt``. In
a process that ends with its command, what is loaded before scoring (modules,
the detector) lives until the end: ``gc.freeze`` moves it out of every later
collection, the exit's included, and the system frees it at once. Objects
made after that (inputs, records, the output file) are collected as usual,
so a file left open is still flushed at exit. Only the console entry point
turns this on: ``cli.main`` called from Python (tests, callers) never freezes
its caller's heap.
"""

from __future__ import annotations

import gc

_console_process = False


def console_process() -> None:
    """Say that this process ends when its command does (the console entry point)."""
    global _console_process
    _console_process = True


def freeze_loaded() -> None:
    """After the detector is loaded: freeze all there is, in a console process only."""
    if _console_process:
        gc.freeze()
