"""How surprising a document's telltales are for native English news.

Each telltale kind (a name spelled two ways, a broken sentence join, a stray
". ,") also happens, rarely, in edited human news. Its base rate per word in
native news is measured once from the news corpus by
``training/build_telltale_rates.py`` and shipped. For a document of n words
with c items of kind k (c capped at 2), the surprise is ``-log P(X >= c)`` for
X ~ Poisson(rate_k * n), summed over kinds:
near 0 for what native news does all the time, large for combinations that
native news of that length practically never shows.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter
from collections.abc import Iterable

from mtdetect.evidence import Evidence
from mtdetect.resources import data_path

RATES_FILE = "telltale_rates.json"

# Telltales that are rare in edited human text one by one, and rarer still together.
TELLTALE_KINDS = frozenset(
    {
        "names.variant_spelling",
        "names.mixed_transliteration",
        "names.near_miss",
        "names.paren_repeat",
        "surface.broken_join",
        "surface.echo_join",
        "surface.stray_punctuation",
        "surface.spaced_currency",
        "surface.doubled_word",
        "surface.lone_letter",
        "surface.subjectless_fragment",
    }
)
SUMMARY_FEATURES = ("telltale.kinds", "telltale.surprise")
NAME_PREFIX = "names."
# Repeats of one kind count at most this often: a writer who never capitalises
# makes the same slip fifty times; a machine leaves *different* traces.
MAX_REPEATS = 2

_rates: dict[str, float] | None = None
_lock = threading.Lock()


def native_rates() -> dict[str, float]:
    """Per-word base rate of each telltale kind in native news (loaded once)."""
    global _rates
    if _rates is None:
        with _lock:
            if _rates is None:
                payload = json.loads(data_path(RATES_FILE).read_text(encoding="utf-8"))
                _rates = {k: float(v) for k, v in payload["rates"].items()}
    return _rates


def poisson_log_tail(count: int, mean: float) -> float:
    """log P(X >= count) for X ~ Poisson(mean), accurate for tiny tails."""
    if count <= 0:
        return 0.0
    log_term = -mean + count * math.log(mean) - math.lgamma(count + 1)
    total, term = 0.0, 1.0
    for i in range(count + 1, count + 60):
        total += term
        term *= mean / i
        if term < 1e-17 * total:
            break
    return min(0.0, log_term + math.log(total))


def events(evidence: Iterable[Evidence]) -> Counter[str]:
    """How many independent telltale events of each kind the evidence shows.

    A name telltale repeats wherever the name does: 'Rowlands' six times is
    one unfamiliar spelling, not six, so name kinds count distinct spellings.
    Every other item (a broken join, a stray ". ,") is a slip of its own.
    """
    return Counter(_event_counts(evidence))


def _event_counts(evidence: Iterable[Evidence]) -> dict[str, int]:
    """``events`` as a plain dict, in the same order (``summarise`` sums in that order).

    Why: a Counter's ``+= 1`` on a new kind goes through its Python-level
    ``__missing__``; every document is summarised, most with no telltale at all.
    """
    counts: dict[str, int] = {}
    names_seen: set[tuple[str, str]] = set()
    kinds = TELLTALE_KINDS
    for item in evidence:
        kind = item.kind
        if kind not in kinds:
            continue
        if kind.startswith(NAME_PREFIX):
            key = (kind, item.text.casefold())
            if key in names_seen:
                continue
            names_seen.add(key)
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def summarise(evidence: Iterable[Evidence], n_words: int) -> list[float]:
    """``telltale.kinds`` and ``telltale.surprise`` for one document."""
    counts = _event_counts(evidence)
    if not counts:
        return [0.0, 0.0]
    rates = native_rates()
    n = max(n_words, 1)
    surprise = sum(
        -poisson_log_tail(min(c, MAX_REPEATS), rates[kind] * n) for kind, c in counts.items()
    )
    return [float(len(counts)), surprise]


def fingerprint() -> str:
    from mtdetect.resources import file_sha256

    return file_sha256(data_path(RATES_FILE))[:16]
