"""The service's counters and latency histogram, written out in Prometheus text format.

Hand-written rather than a client library: a handful of series, one process
each (under ``--workers N`` every worker keeps and serves its own, as
Prometheus expects of separate targets), and no dependency for the extra.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable

#: latency histogram bucket bounds, seconds
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
Labels = tuple[tuple[str, str], ...]

_HELP = {
    "mtdetect_http_requests_total": ("counter", "HTTP requests, by route and status code"),
    "mtdetect_http_request_duration_seconds": (
        "histogram",
        "time from request to response, by route",
    ),
    "mtdetect_documents_total": (
        "counter",
        "documents scored, by outcome (flagged, ok, abstained, error)",
    ),
    "mtdetect_abstentions_total": ("counter", "documents the detector declined, by status"),
    "mtdetect_errors_total": ("counter", "requests refused or failed, by kind"),
    "mtdetect_requests_in_progress": ("gauge", "detect requests queued or being scored"),
    "mtdetect_scoring_calls_total": (
        "counter",
        "scoring calls run (single texts waiting together share one), by requests grouped",
    ),
    "mtdetect_model_loaded": ("gauge", "1 once the model is loaded and warmed up"),
}


class Metrics:
    """Counters, gauges and one histogram family; safe to update from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, Labels], float] = defaultdict(float)
        self._gauges: dict[tuple[str, Labels], float] = {}
        self._hist: dict[Labels, list[float]] = {}  # bucket counts, then sum, then count

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        with self._lock:
            self._counters[(name, tuple(sorted(labels.items())))] += amount

    def set(self, name: str, value: float, **labels: str) -> None:
        with self._lock:
            self._gauges[(name, tuple(sorted(labels.items())))] = value

    def observe(self, seconds: float, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            row = self._hist.setdefault(key, [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    row[i] += 1
            row[-2] += seconds
            row[-1] += 1

    def render(self) -> str:
        """The exposition text (format 0.0.4)."""
        with self._lock:
            counters = dict(self._counters)
            gauges = dict(self._gauges)
            hist = {key: list(row) for key, row in self._hist.items()}
        lines: list[str] = []
        for name, (kind, help_text) in _HELP.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
            if kind == "histogram":
                lines += _histogram(name, hist.items())
                continue
            series = counters if kind == "counter" else gauges
            for (series_name, labels), value in sorted(series.items()):
                if series_name == name:
                    lines.append(f"{name}{_labels(labels)} {_number(value)}")
        return "\n".join(lines) + "\n"


def _histogram(name: str, rows: Iterable[tuple[Labels, list[float]]]) -> list[str]:
    lines = []
    for labels, row in sorted(rows):
        for i, bound in enumerate(BUCKETS):
            lines.append(f"{name}_bucket{_labels((*labels, ('le', repr(bound))))} {int(row[i])}")
        lines.append(f"{name}_bucket{_labels((*labels, ('le', '+Inf')))} {int(row[-1])}")
        lines.append(f"{name}_sum{_labels(labels)} {row[-2]:.6f}")
        lines.append(f"{name}_count{_labels(labels)} {int(row[-1])}")
    return lines


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    escaped = (
        (key, value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))
        for key, value in labels
    )
    return "{" + ",".join(f'{key}="{value}"' for key, value in escaped) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
