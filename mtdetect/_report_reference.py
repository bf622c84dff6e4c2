"""The ``--reference`` part of the HTML report: the original found, and both texts side by side.

Why side by side: a moderator trusts "Brinken" once they see "Blinken" in the
same sentence of the original. The section reuses ``compare``'s alignment and
changes (nothing is aligned twice in two ways) and ``html_report.mark_text``
(so text never becomes markup and marks never cross tags). A record carries
only the source's id, so the original's text is read back from the index,
which stores it, and the comparison is made again: ``compare`` is a pure
function of the two texts, so it gives the changes that scoring turned into
evidence, at a few hundredths of a second per input.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from mtdetect.html_report import mark_text
from mtdetect.reference.compare import Comparison
from mtdetect.reference.scoring import EVIDENCE_KINDS

#: a run of more dropped or added sentences than this is folded (``<details>``):
#: a page's other articles, left out of a copy, would bury the aligned sentences
FOLD = 2
_NOWHERE: dict[str, Any] = {"start": -1, "end": -1}  # a change in another row: not marked

CSS = (
    "section.reference{margin-top:1.2rem;border-top:2px solid #eee;padding-top:.4rem}"
    ".v-spun{background:#c62828}.v-copy{background:#ef6c00}"
    "table.sbs{table-layout:fixed}table.sbs th,table.sbs td{width:50%}"
    "table.sbs td{font-family:Georgia,serif;line-height:1.5;white-space:pre-wrap;"
    "overflow-wrap:anywhere}"
    "table.sbs tr.added td.s,table.sbs tr.dropped td.o{background:#fff8e1}"
    "table.sbs td.gap{color:#999;font-style:italic;font-family:inherit}"
    "table.sbs summary{cursor:pointer;color:#666;font-style:italic;font-family:system-ui}"
    "mark.reference\\.name{background:#ffb3b3}mark.reference\\.phrase{background:#b7eb8f}"
    "mark.reference\\.number{background:#ffd591}"
)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: character ranges of each side; None where that side has nothing.

    ``count`` is how many sentences the row holds (a merge, or a run of
    dropped or added ones).
    """

    suspect: tuple[int, int] | None
    original: tuple[int, int] | None
    similarity: float = 0.0
    count: int = 1


def rows(comparison: Comparison) -> list[Row]:
    """The table's rows in the suspect's order, with dropped sentences where they were cut.

    Suspect sentences linked to one original span (a merge) share a row, and
    so do runs of added sentences; each ``dropped`` change says where in the
    suspect its sentence would have stood, and runs of them share a row.
    """
    linked: list[Row] = []
    for pair in comparison.sentences:
        here = (pair.suspect.start, pair.suspect.end)
        there = None if pair.original is None else (pair.original.start, pair.original.end)
        last = linked[-1] if linked else None
        if last is not None and last.original == there:
            assert last.suspect is not None
            linked[-1] = Row((last.suspect[0], here[1]), there, last.similarity, last.count + 1)
        else:
            linked.append(Row(here, there, pair.similarity))
    cuts: dict[int, list[tuple[int, int]]] = {}
    for change in comparison.changes:
        if change.kind == "dropped":
            cuts.setdefault(change.suspect.start, []).append(
                (change.original.start, change.original.end)
            )
    dropped = [
        Row(None, (min(s for s, _ in runs), max(e for _, e in runs)), 0.0, len(runs))
        for _, runs in sorted(cuts.items())
    ]
    at = sorted(cuts)
    out: list[Row] = []
    k = 0
    for row in linked:
        assert row.suspect is not None
        while k < len(at) and at[k] <= row.suspect[0]:
            out.append(dropped[k])
            k += 1
        out.append(row)
    return out + dropped[k:]


def _cell(text: str, where: tuple[int, int], changes: list[Any], side: str, prefix: str) -> str:
    """One side of a row, its changes marked; a change's ``j`` is its place in ``changes``."""
    start, end = where
    items: list[dict[str, Any]] = []
    for change in changes:
        span = change.suspect if side == "s" else change.original
        if start <= span.start < span.end <= end:
            items.append(
                {
                    "kind": f"reference.{change.kind}",
                    "start": span.start - start,
                    "end": span.end - start,
                    "message": change.message,
                }
            )
        else:
            items.append(_NOWHERE)
    return mark_text(text[start:end], items, prefix=f"{prefix}-{side}")


def _folded(text: str, where: tuple[int, int], count: int) -> str:
    """An unaligned run of sentences, escaped; folded away when it is long."""
    shown = mark_text(text[where[0] : where[1]], [])
    if count > FOLD:
        return f"<details><summary>{count} sentences</summary>{shown}</details>"
    return shown


def _row_html(
    row: Row, suspect: str, original: str, changes: list[Any], prefix: str
) -> tuple[str, str]:
    """(class, cells) of one row."""
    if row.original is None:
        assert row.suspect is not None
        shown = _folded(suspect, row.suspect, row.count)
        return "added", f'<td class="s">{shown}</td><td class="o gap">not in the original</td>'
    if row.suspect is None:
        shown = _folded(original, row.original, row.count)
        return "dropped", f'<td class="s gap">left out</td><td class="o">{shown}</td>'
    left = _cell(suspect, row.suspect, changes, "s", prefix)
    right = _cell(original, row.original, changes, "o", prefix)
    return "pair", f'<td class="s">{left}</td><td class="o">{right}</td>'


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_section(
    comparison: Comparison, suspect: str, original: str, source: str, index: int
) -> str:
    """The section for input ``index``: source, verdict, coverage, and the aligned sentences.

    Each name, phrase and number change is marked on both sides, with
    ``data-ev="ref-{index}-s-{j}"`` in the suspect and ``ref-{index}-o-{j}``
    in the original, ``j`` counting those changes in ``comparison.changes`` order.
    """
    prefix = f"ref-{index}"
    changes = [c for c in comparison.changes if c.kind in EVIDENCE_KINDS]
    counts = comparison.counts()
    table = []
    for row in rows(comparison):
        css, cells = _row_html(row, suspect, original, changes, prefix)
        title = f' title="similarity {row.similarity:.2f}"' if css == "pair" else ""
        table.append(f'<tr class="{css}"{title}>{cells}</tr>')
    listed = ", ".join(
        _plural(counts.get(kind, 0), word)
        for kind, word in (("name", "name"), ("phrase", "phrase"), ("number", "figure"))
    )
    verdict = escape(comparison.verdict)
    return (
        f'<section class="reference" id="{prefix}"><h3>Original found: {escape(source)}</h3>'
        f'<p><span class="verdict v-{verdict}">{verdict}</span>'
        f"{100 * comparison.coverage:.0f}% of the text aligned with the original"
        f" &middot; similarity {comparison.similarity:.2f}"
        f" &middot; wording kept {comparison.exact:.2f}</p>"
        f'<p class="meta">Changed: {listed}; {_plural(counts.get("added", 0), "sentence")} '
        f"added, {_plural(counts.get('dropped', 0), 'sentence')} of the original left out. "
        "Hover a highlight for the change.</p>"
        '<table class="sbs"><thead><tr><th>this text</th>'
        f"<th>original ({escape(source)})</th></tr></thead>"
        f"<tbody>{''.join(table)}</tbody></table></section>"
    )


class ReferenceSection:
    """``html_report``'s section hook for ``--reference``: the side-by-side view of each input."""

    def __init__(self, reference: Any) -> None:
        self.reference = reference

    def __call__(self, record: dict[str, Any], index: int) -> str:
        from mtdetect.reference.compare import compare

        source, text = record.get("source"), record.get("text")
        if text is None:
            return ""
        if source is None:
            return '<p class="meta">Reference: no original of this text in the index.</p>'
        original = self.reference.text(str(source))
        if original is None:  # the index changed since the text was scored
            return f'<p class="meta">Reference: {escape(str(source))} is not in the index.</p>'
        return render_section(compare(text, original), text, original, str(source), index)


def report_options(reference: str | None) -> dict[str, Any]:
    """``Writer``'s keyword arguments for an HTML page with ``--reference`` (none without)."""
    if reference is None:
        return {}
    from mtdetect.reference.index import Reference

    return {"sections": [ReferenceSection(Reference.open(reference))], "extra_css": CSS}
