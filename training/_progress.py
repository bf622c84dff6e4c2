"""Progress bars for the long training steps, on stderr and only on a terminal.

Why: round-trip generation, feature extraction and refits run for minutes;
a bar with rate and time left says how long. Logs (stderr not a terminal)
get no bar, and the steps keep their own occasional log lines there.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any


def progress(
    iterable: Iterable[Any] | None = None,
    *,
    desc: str,
    total: int | None = None,
    unit: str = " docs",
) -> Any:
    """A tqdm bar over ``iterable`` (or updated by hand); disabled unless stderr is a terminal.

    ``bar.disable`` tells the caller whether to log instead.
    """
    from tqdm import tqdm

    return tqdm(
        iterable,
        desc=desc,
        total=total,
        unit=unit,
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        mininterval=1.0,
        dynamic_ncols=True,
        leave=False,
    )
