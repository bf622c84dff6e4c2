"""Results as records and in the output formats the command line offers.

Kept apart from argument parsing so a program can produce exactly the same
JSON lines, CSV or text report as ``mtdetect score`` without going through
the command line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any, Protocol

from mtdetect._schema import SCHEMA_VERSION, result_fields
from mtdetect._tally import Tally as Tally  # re-exported: the batch runner counts with it
from mtdetect.evidence import Evidence
from mtdetect.reading import InputText

FORMATS = ("text", "json", "jsonl", "csv", "html")
CSV_COLUMNS = ("path", "probability", "flagged", "status", "reason", "top_evidence")
_SPAN_CHARS = 80
#: evidence lighter than this is not shown for an ``ok`` verdict in the text and csv
#: formats (``--min-weight``): "+0.00" under a cleared text explains nothing
MIN_SHOWN_WEIGHT = 0.05


class ResultLike(Protocol):
    """What a report needs from a detection result (``DetectionResult`` has it)."""

    probability: float | None
    flagged: bool
    status: str
    reason: str
    evidence: tuple[Evidence, ...]
    boilerplate: tuple[Evidence, ...]
    model_version: str


def make_record(
    item: InputText,
    result: ResultLike | None,
    *,
    model_version: str = "",
    threshold: float | None = None,
    emit_text: bool = False,
) -> dict[str, Any]:
    """One input's outcome as a JSON-ready dict; ``result`` is None when unread.

    The fields of ``DetectionResult.to_dict()`` (``mtdetect._schema``), with
    the same types, plus ``path`` and ``notes`` about the input as read.

    ``text`` is the text that was scored, into which evidence offsets point:
    given for an HTML page (its extracted article text, None when the page
    was not extracted), and for every input with ``emit_text``; None
    otherwise (the offsets then point into the input as read, line ends
    made ``\\n``).
    """
    record: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "path": item.path}
    if result is None:
        record.update(
            probability=None,
            flagged=False,
            status="error",
            reason=item.error or "not scored",
            threshold=threshold,
            evidence=[],
            boilerplate=[],
            model_version=model_version,
            text=None,
        )
    else:
        record.update(result_fields(result))
        if record["threshold"] is None:
            record["threshold"] = threshold
        record["model_version"] = record["model_version"] or model_version
        record["text"] = _scored_text(item, result, emit_text)
    record["notes"] = list(item.notes)
    return record


def _reference_fields(result: ResultLike) -> dict[str, Any]:
    """Reference mode (``score --reference``): the original found and the verdict, if any."""
    source = getattr(result, "source", None)
    return {} if source is None else {"source": source, "verdict": getattr(result, "verdict", None)}


def _scored_text(item: InputText, result: ResultLike, emit_text: bool) -> str | None:
    """The text the offsets point into: a page's extracted text, or the input with ``emit_text``."""
    extracted = getattr(result, "text", None)
    if extracted is not None:
        return str(extracted)
    return item.text if emit_text and not item.html else None


def _csv_id(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _span(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SPAN_CHARS else flat[: _SPAN_CHARS - 3] + "..."


def text_line(record: dict[str, Any]) -> str:
    """The one-line verdict: label, score, path (path last, so it may hold spaces).

    A JSONL record's path is ``FILE:LINE``, and its id follows.
    """
    status, path = record["status"], record["path"]
    if record.get("id") is not None:
        path = f"{path} (id {json.dumps(record['id'], ensure_ascii=False)})"
    if status == "scored":
        label = "FLAGGED" if record["flagged"] else "ok"
        probability = record["probability"]
        shown = "-" if probability is None else f"{probability:.2f}"
        return f"{label:<7} {shown} {path}"
    if status == "error":
        return f"error   ({record['reason']}) {path}"
    return f"abstain ({status}: {record['reason']}) {path}"


def shown_evidence(
    record: dict[str, Any], min_weight: float = MIN_SHOWN_WEIGHT
) -> list[dict[str, Any]]:
    """The evidence worth showing a person: all of it, unless the verdict is ``ok``.

    Why: a cleared text's evidence of weight "+0.00" reads as an accusation
    that counted for nothing. For an ``ok`` verdict only items of at least
    ``min_weight`` are shown (0 shows all); flagged texts show everything.
    """
    evidence = record["evidence"]
    if record.get("status") == "scored" and not record.get("flagged"):
        return [item for item in evidence if item["weight"] >= min_weight]
    return list(evidence)


def explain_lines(
    record: dict[str, Any], n: int, min_weight: float = MIN_SHOWN_WEIGHT
) -> list[str]:
    """The ``n`` strongest evidence items worth showing, one line each, for people to check."""
    lines = []
    for item in shown_evidence(record, min_weight)[:n]:
        lines.append(
            f'    {item["weight"]:+.2f}  "{_span(item["text"])}"  {item["message"]}'
            f"  [{item['kind']} @{item['start']}]"
        )
    return lines


class Writer:
    """Streams records in one format; ``close`` finishes the document.

    html keeps the records until ``close``: the page opens with a summary of
    them all (``mtdetect.html_report``), and needs each record's ``text``;
    ``sections`` and ``extra_css`` go to ``render_report`` (the ``--reference`` view).
    """

    def __init__(
        self,
        stream: IO[str],
        fmt: str = "text",
        explain: int = 0,
        ids: bool = False,
        min_weight: float = MIN_SHOWN_WEIGHT,
        sections: Sequence[Any] = (),
        extra_css: str = "",
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        self.stream, self.fmt, self.explain, self.ids = stream, fmt, explain, ids
        self.min_weight = min_weight  # text and csv: see shown_evidence
        self.count = 0
        self._csv: Any = None
        self._html: list[dict[str, Any]] = []
        self._views = {"sections": sections, "extra_css": extra_css}  # html: render_report's
        if fmt == "csv":
            self._csv = csv.writer(stream, lineterminator="\n")
            self._csv.writerow(("id", *CSV_COLUMNS) if ids else CSV_COLUMNS)
        elif fmt == "json":
            stream.write("[")

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == "html":
            self._html.append(record)
        elif self.fmt == "jsonl":
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            body = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            self.stream.write(("," if self.count else "") + "\n  " + body)
        elif self.fmt == "csv":
            shown = shown_evidence(record, self.min_weight)
            top = shown[0]["text"] if shown else ""
            probability = record["probability"]
            self._csv.writerow(
                ([_csv_id(record.get("id"))] if self.ids else [])
                + [
                    record["path"],
                    "" if probability is None else f"{probability:.4f}",
                    "true" if record["flagged"] else "false",
                    record["status"],
                    record["reason"],
                    _span(top),
                ]
            )
        else:
            lines = [text_line(record)]
            lines += explain_lines(record, self.explain, self.min_weight)
            lines += [f"    note: {note}" for note in record["notes"]]
            self.stream.write("\n".join(lines) + "\n")
        self.count += 1

    def write_all(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            self.write(record)

    def close(self) -> None:
        if self.fmt == "json":
            self.stream.write("\n]\n" if self.count else "]\n")
        elif self.fmt == "html":
            from mtdetect.html_report import render_report

            self.stream.write(render_report(self._html, **self._views))
        self.stream.flush()


def describe(value: Any, indent: int = 0) -> list[str]:
    """A nested dict as indented 'key: value' lines (``mtdetect info``)."""
    pad = "  " * indent
    lines: list[str] = []
    for key, item in value.items():
        label = str(key).replace("_", " ")
        if isinstance(item, dict):
            if item:
                lines.append(f"{pad}{label}:")
                lines.extend(describe(item, indent + 1))
            else:
                lines.append(f"{pad}{label}: -")
        elif isinstance(item, list | tuple):
            lines.append(f"{pad}{label}: {', '.join(str(part) for part in item) or '-'}")
        elif isinstance(item, float):
            lines.append(f"{pad}{label}: {item:.4g}")
        else:
            lines.append(f"{pad}{label}: {'-' if item is None else item}")
    return lines
