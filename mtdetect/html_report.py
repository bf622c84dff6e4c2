"""Records as one self-contained HTML page a moderator can read at a glance.

Why a page and not JSON: a moderator wants to see the article with each piece
of evidence highlighted where it stands, the reason on hover, and the verdict
against the threshold. The page has inline CSS only: no script, font or image
is fetched, so it works offline and as a mail attachment. The summary table is
sortable without script (two pre-rendered orders, switched by ``:target``).

Input text never becomes markup: the text is cut at span boundaries first and
each piece is escaped on its own, so an escape never straddles a tag. Spans
that overlap are nested; where one ends inside another, the outer mark is
closed and reopened, so tags never cross and every span is wrapped, maybe in
pieces that share its ``data-ev``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any

from mtdetect._version import __version__

#: a section added to each input's block: ``(record, index) -> HTML``. The hook for
#: ``--reference``: its side-by-side view of aligned sentences renders from the
#: record there, after the evidence table, without touching the rest of the page.
Section = Callable[[dict[str, Any], int], str]

#: colours by signal family (the part of an evidence kind before the dot)
FAMILY_COLOURS: dict[str, str] = {
    "names": "#ffb3b3",
    "surface": "#ffd591",
    "phrases": "#b7eb8f",
    "fluency": "#91d5ff",
    "telltale": "#ffadd2",
    "style": "#d3adf7",
    "wording": "#d3adf7",
    "roundtrip": "#d3adf7",
    "neural": "#adc6ff",
    "profile": "#e6e6e6",
    "syntax": "#e6e6e6",
    "reference": "#ffb3b3",
}
_OTHER_COLOUR = "#d9d9d9"
_SPAN_CHARS = 60
_UNSAFE_CLASS = re.compile(r"[^\w.-]+")


def _css() -> str:
    """The page's style sheet (mtdetect/data/report.css), inlined: nothing is fetched."""
    from importlib.resources import files

    return files("mtdetect.data").joinpath("report.css").read_text(encoding="utf-8")


def _family_css() -> str:
    return "".join(f"mark.family-{fam}{{background:{hue}}}" for fam, hue in FAMILY_COLOURS.items())


def family(kind: str) -> str:
    """The signal family of an evidence kind ("names.near_miss" -> "names")."""
    return kind.split(".", 1)[0] or "other"


def colour(fam: str) -> str:
    return FAMILY_COLOURS.get(fam, _OTHER_COLOUR)


def _class(name: str) -> str:
    """A class token: whatever the kind says, it cannot break out of the attribute."""
    return _UNSAFE_CLASS.sub("_", name) or "_"


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SPAN_CHARS else flat[: _SPAN_CHARS - 1] + "\u2026"


def _label(record: dict[str, Any]) -> tuple[str, str]:
    """(text, css class) of the verdict badge."""
    status = record.get("status")
    if status == "scored":
        return ("FLAGGED", "v-flagged") if record.get("flagged") else ("ok", "v-ok")
    if status == "error":
        return "error", "v-error"
    return f"abstained: {status}", "v-abstain"


def _percent(value: float | None) -> str:
    return f"{100 * min(max(float(value or 0.0), 0.0), 1.0):.1f}%"


def _number(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


# -- the text with its spans ---------------------------------------------------------


def mark_text(
    text: str,
    evidence: Sequence[dict[str, Any]],
    boilerplate: Sequence[tuple[int, int]] = (),
    prefix: str = "ev-0",
) -> str:
    """``text`` as escaped HTML with each evidence span in ``<mark>`` tags.

    Evidence ``j`` gets ``id="{prefix}-{j}"`` on its first piece and
    ``data-ev="{prefix}-{j}"`` on every piece; boilerplate ranges are wrapped
    in ``<span class="boilerplate">``. Spans outside the text are left out.
    """
    opens: dict[int, str] = {}
    spans: list[tuple[int, int, int]] = []  # (start, end, key): key < 0 is boilerplate
    for j, item in enumerate(evidence):
        start, end = int(item["start"]), int(item["end"])
        if 0 <= start < end <= len(text):
            spans.append((start, end, j))
            kind = str(item.get("kind", ""))
            title = str(item.get("message", ""))
            if "weight" in item:  # evidence; a reference change has none
                title += f" ({float(item['weight']):+.2f})"
            opens[j] = (
                f'<mark class="{escape(_class(kind))} family-{escape(_class(family(kind)))}"'
                f' data-ev="{prefix}-{j}" title="{escape(title)}"'
            )
    for b, (start, end) in enumerate(boilerplate):
        if 0 <= start < end <= len(text):
            spans.append((start, end, -1 - b))
    # outer spans first: earlier start, then longer
    spans.sort(key=lambda span: (span[0], -span[1], span[2]))
    ends = {key: end for _, end, key in spans}
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    starting: dict[int, list[int]] = {}
    for start, _, key in spans:
        starting.setdefault(start, []).append(key)
    stack: list[int] = []
    started: set[int] = set()
    out: list[str] = []

    def open_tag(key: int) -> str:
        if key < 0:
            return '<span class="boilerplate" title="page boilerplate, ignored for scoring">'
        first = key not in started
        started.add(key)
        return opens[key] + (f' id="{prefix}-{key}">' if first else ">")

    def close_tag(key: int) -> str:
        return "</span>" if key < 0 else "</mark>"

    for here, there in zip(cuts, cuts[1:], strict=False):
        # close what ends here; what was opened inside it is closed and reopened
        if any(ends[key] == here for key in stack):
            reopen = []
            while any(ends[key] == here for key in stack):
                key = stack.pop()
                out.append(close_tag(key))
                if ends[key] != here:
                    reopen.append(key)
            for key in reversed(reopen):
                out.append(open_tag(key))
                stack.append(key)
        for key in starting.get(here, ()):
            out.append(open_tag(key))
            stack.append(key)
        out.append(escape(text[here:there], quote=False))
    while stack:
        out.append(close_tag(stack.pop()))
    return "".join(out)


# -- one input -----------------------------------------------------------------------


def boilerplate_ranges(record: dict[str, Any]) -> list[tuple[int, int]]:
    """Where boilerplate was cut from the record's text, found again by the same rules.

    A record carries only the count (``boilerplate``); cutting is a pure
    function of the text, so the ranges are recomputed, and kept only when
    their count agrees with the record's.
    """
    text, count = record.get("text"), record.get("boilerplate")
    if isinstance(count, list):  # a DetectionResult.to_dict() carries the items
        return [(int(item["start"]), int(item["end"])) for item in count]
    if not text or not count:
        return []
    from mtdetect.boilerplate import strip_boilerplate

    removed = strip_boilerplate(text).removed
    return [(item.start, item.end) for item in removed] if len(removed) == count else []


def _scale(record: dict[str, Any]) -> str:
    probability, threshold = record.get("probability"), record.get("threshold")
    if probability is None:
        return ""
    cut = ""
    if threshold is not None:
        cut = (
            f'<div class="cut" style="left:{_percent(threshold)}">'
            f"<span>threshold {threshold:.3f}</span></div>"
        )
    return (
        f'<div class="scale" title="probability {probability:.4f}">'
        f'<div class="fill" style="width:{_percent(probability)}"></div>{cut}</div>'
    )


def _legend(evidence: Sequence[dict[str, Any]], boilerplate: int) -> str:
    counts: dict[str, int] = {}
    for item in evidence:
        fam = family(str(item.get("kind", "")))
        counts[fam] = counts.get(fam, 0) + 1
    parts = [
        f'<span><i style="background:{colour(fam)}"></i>{escape(fam)} ({n})</span>'
        for fam, n in sorted(counts.items())
    ]
    if boilerplate:
        parts.append(
            f'<span class="boilerplate">removed boilerplate</span> <span>({boilerplate})</span>'
        )
    return f'<p class="legend">{"".join(parts)}</p>' if parts else ""


def _evidence_table(evidence: Sequence[dict[str, Any]], prefix: str, length: int) -> str:
    """Rows strongest first; a row links to its mark when the span was marked (is in the text)."""
    if not evidence:
        return '<p class="meta">No evidence.</p>'
    order = sorted(range(len(evidence)), key=lambda j: -float(evidence[j].get("weight", 0.0)))
    rows = []
    for j in order:
        item = evidence[j]
        shown = escape(_short(str(item.get("text", ""))))
        marked = 0 <= int(item.get("start", -1)) < int(item.get("end", -1)) <= length
        span = f'<a href="#{prefix}-{j}">{shown}</a>' if marked else shown
        kind = str(item.get("kind", ""))
        rows.append(
            f'<tr><td class="num">{float(item.get("weight", 0.0)):+.2f}</td>'
            f'<td class="kind"><i style="background:{colour(family(kind))}">&nbsp;&nbsp;</i> '
            f"{escape(kind)}</td><td>{span}</td><td>{escape(str(item.get('message', '')))}</td>"
            f'<td class="num">{int(item.get("start", 0))}</td></tr>'
        )
    return (
        "<table><thead><tr><th>weight</th><th>kind</th><th>span</th><th>why</th>"
        f"<th>offset</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def render_input(record: dict[str, Any], index: int, sections: Sequence[Section] = ()) -> str:
    """One input's block: verdict, scale, marked text, evidence table, extra sections."""
    label, css = _label(record)
    prefix = f"ev-{index}"
    evidence = list(record.get("evidence") or [])
    text = record.get("text")
    ranges = boilerplate_ranges(record)
    head = [
        f'<section class="input{" flagged" if record.get("flagged") else ""}" id="input-{index}">',
        f"<h2>{escape(str(record.get('path', '')))}</h2>",
        f'<p><span class="verdict {css}">{escape(label)}</span>',
    ]
    if record.get("probability") is not None:
        head.append(
            f"probability <b>{record['probability']:.4f}</b>"
            + (
                f" &middot; threshold {record['threshold']:.4f}"
                if record.get("threshold") is not None
                else ""
            )
        )
    if record.get("id") is not None:
        head.append(f" &middot; id {escape(str(record['id']))}")
    head.append("</p>")
    head.append(_scale(record))
    if record.get("reason"):
        head.append(f'<p class="reason">{escape(str(record["reason"]))}</p>')
    head += [f'<p class="meta">note: {escape(str(note))}</p>' for note in record.get("notes", [])]
    body = [_legend(evidence, len(ranges))]
    if text is not None:
        body.append(f'<div class="article">{mark_text(text, evidence, ranges, prefix)}</div>')
    else:
        body.append('<p class="meta">The scored text is not in this record.</p>')
    if ranges and text is not None:
        items = "".join(f"<li>{escape(text[s:e], quote=False)}</li>" for s, e in ranges)
        body.append(
            f'<h3>Removed before scoring ({len(ranges)})</h3><ul class="removed">{items}</ul>'
        )
    if evidence or record.get("status") == "scored":
        body.append(f"<h3>Evidence ({len(evidence)}), strongest first</h3>")
        body.append(_evidence_table(evidence, prefix, -1 if text is None else len(text)))
    body += [section(record, index) for section in sections]
    return "".join(head + body) + "</section>"


# -- the page ------------------------------------------------------------------------


def _summary_rows(records: Sequence[dict[str, Any]], order: Iterable[int]) -> str:
    rows = []
    for i in order:
        record = records[i]
        label, css = _label(record)
        probability, threshold = record.get("probability"), record.get("threshold")
        bar = ""
        if probability is not None:
            cut = (
                f'<span class="cut" style="left:{_percent(threshold)}"></span>'
                if threshold is not None
                else ""
            )
            bar = f'<span class="mini"><span class="fill" style="width:{_percent(probability)}">'
            bar += f"</span>{cut}</span>"
        evidence = record.get("evidence") or []
        top = escape(_short(str(evidence[0].get("text", "")))) if evidence else ""
        rows.append(
            f'<tr class="row-{css}"><td class="num">{i + 1}</td>'
            f'<td><span class="verdict {css}">'
            f"{escape(label)}</span></td><td>{bar}{_number(probability)}</td>"
            f'<td class="num">{len(evidence)}</td><td>{top}</td>'
            f'<td><a href="#input-{i}">{escape(str(record.get("path", "")))}</a></td></tr>'
        )
    return "".join(rows)


def _summary(records: Sequence[dict[str, Any]]) -> str:
    """The table at the top: by probability (the default), or in input order."""
    head = (
        "<table><thead><tr><th>#</th><th>verdict</th><th>probability</th><th>evidence</th>"
        "<th>strongest</th><th>input</th></tr></thead><tbody>"
    )
    by_probability = sorted(
        range(len(records)),
        key=lambda i: (
            records[i].get("probability") is None,
            -(records[i].get("probability") or 0),
        ),
    )
    # each order carries its own switch, so following a link keeps the switch in view
    return (
        '<section class="summary"><h3>Summary</h3><div class="order" id="order-input">'
        '<p class="meta">In input order &middot; <a href="#order-probability">sort by '
        f"probability</a></p>{head}{_summary_rows(records, range(len(records)))}</tbody>"
        '</table></div><div class="order" id="order-probability"><p class="meta">By '
        'probability, highest first &middot; <a href="#order-input">show in input order</a>'
        f"</p>{head}{_summary_rows(records, by_probability)}</tbody></table></div></section>"
    )


def _counts(records: Sequence[dict[str, Any]]) -> str:
    from mtdetect._tally import Tally

    tally = Tally()
    for record in records:
        tally.add(record)
    return tally.summary()


def render_report(
    records: Sequence[dict[str, Any]],
    *,
    title: str = "mtdetect report",
    sections: Sequence[Section] = (),
    extra_css: str = "",
) -> str:
    """The whole page for ``records`` (as ``report.make_record`` makes them).

    ``sections`` and ``extra_css`` are where other views plug in (the
    ``--reference`` side-by-side view): each section renders from the record.
    """
    versions = sorted({str(r.get("model_version")) for r in records if r.get("model_version")})
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_css()}{_family_css()}{extra_css}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(_counts(records))} &middot; mtdetect {escape(__version__)}'
        + (f" &middot; model {escape(', '.join(versions))}" if versions else "")
        + ". Hover a highlight for the reason and its weight; click an evidence row to find "
        "it in the text.</p>",
    ]
    if len(records) > 1:
        parts.append(_summary(records))
    parts += [render_input(record, i, sections) for i, record in enumerate(records)]
    parts.append("</main></body></html>\n")
    return "\n".join(parts)
