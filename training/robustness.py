"""What the score survives: flagged test documents after cheap clean-ups.

    python -m training.robustness [--limit N]

Why: much of what flags a spun article is surface damage that a spinner can
tidy without understanding the text (issue #14: removing doubled
punctuation, capitalising after full stops and closing "$ 2" dropped seeds
002 and 004 below the threshold). Users should know which verdicts survive.
For each slice of machine text (the test split's single-leg MT, its Apertium
round trips of originals through all four pivots, and the spun seeds), the
documents the shipped model flags at its shipped threshold are cleaned up
in four ways and scored again:

* ``punctuation``: doubled marks (". ," and ", ,"), spaces before a mark,
  "$ 2" and "2 %" closed up, "( x )" tightened;
* ``capitalisation``: a lower-case letter after a full stop, "!" or "?"
  capitalised (not after an initial or an abbreviation such as "U.S." or
  "a.m.");
* ``names``: each capitalised word that the gazetteer calls a near miss of a
  well-attested name ('Brinken') replaced by that name ('Blinken'), as a
  spell-checker fed our own gazetteer would; a white-box attack;
* ``all three`` in that order.

The report gives, per slice and clean-up, the share of flagged documents
still flagged, the share of documents the clean-up changed at all, and the
median probability after it. Reads only the corpus and the Apertium
round-trip cache (``training/cache/roundtrip``); writes
``training/reports/robustness.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPORTS = Path(__file__).resolve().parent / "reports"
REPORT_JSON = REPORTS / "robustness.json"

# -- clean-ups --------------------------------------------------------------------------

_SENTENCE_MARKS = ".!?"
_MARK_RUN = re.compile(r"([.,;:!?])(?:[ \t]*[.,;:!?])+")
_SPACE_BEFORE = re.compile(r"[ \t]+([,.;:!?%)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])[ \t]+")
_CURRENCY_GAP = re.compile(r"([$€£¥])[ \t]+(?=\d)")
_ELLIPSIS = re.compile(r"\.\.\.|…")
_PLACEHOLDER = "\x00"


def _one_mark(match: re.Match[str]) -> str:
    """A run of marks as one: the sentence-final one if any, else the first."""
    run = match.group(0).replace(" ", "").replace("\t", "")
    final = [mark for mark in run if mark in _SENTENCE_MARKS]
    return final[0] if final else run[0]


def fix_punctuation(text: str) -> str:
    """Doubled marks, spaces before marks, "$ 2", "( x )": what a tidy-up script fixes."""
    text = _ELLIPSIS.sub(_PLACEHOLDER, text)  # an ellipsis is not a doubled mark
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _MARK_RUN.sub(_one_mark, text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _CURRENCY_GAP.sub(r"\1", text)
    return text.replace(_PLACEHOLDER, "...")


_AFTER_STOP = re.compile(r"(\S*)([.!?])([\"')\]\u201d\u2019]*)([ \t]+|\n+)([a-z])")


def _capitalised(match: re.Match[str]) -> str:
    word, mark = match.group(1), match.group(2)
    last = word[-1:] if word else ""
    # "U.S. officials", "J. smith", "a.m. on": an initial or abbreviation, not a stop
    if mark == "." and (last.isupper() or "." in word or len(word) == 1):
        return match.group(0)
    return match.group(0)[:-1] + match.group(5).upper()


def fix_capitals(text: str) -> str:
    """A lower-case sentence start after a full stop, "!" or "?" capitalised."""
    return _AFTER_STOP.sub(_capitalised, text)


_NAME_SHAPED = re.compile(r"\b[A-Z][a-z\u00e0-\u00ff]{4,}\b")


def fix_names(text: str) -> str:
    """Each near miss of a well-attested name (by the shipped gazetteer) spelled as that name."""
    from mtdetect.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    fixes: dict[str, str] = {}
    for word in set(_NAME_SHAPED.findall(text)):
        hit = gazetteer.near_miss(word)
        if hit is not None:
            fixes[word] = hit[0]
    if not fixes:
        return text
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, fixes)) + r")\b")
    return pattern.sub(lambda m: fixes[m.group(1)], text)


def fix_all(text: str) -> str:
    return fix_names(fix_capitals(fix_punctuation(text)))


CLEANUPS: dict[str, Callable[[str], str]] = {
    "punctuation": fix_punctuation,
    "capitalisation": fix_capitals,
    "names": fix_names,
    "all three": fix_all,
}

# -- data -------------------------------------------------------------------------------


def slices(limit: int | None) -> dict[str, list[tuple[str, str]]]:
    """(name, text) of each slice's machine text: test-split MT, round trips, spun seeds."""
    from training import roundtrip as rt
    from training.corpus import seed_expectations
    from training.records import load_records

    mt = [r for r in load_records(roundtrips=False) if r.split == "test" and r.label == "MT"]
    trips = []
    for pivot, batch in rt.planned_batches(rt.sources(kinds=("ORIG",))):
        cached = rt.read_cached(pivot, batch)  # never runs Apertium
        if cached is None:
            raise SystemExit(f"round-trip cache entry missing for {pivot}; see training/roundtrip")
        trips += [r for r in cached if r.split == "test" and r.n_words >= 60]
    out = {
        "MT (single leg, WMT)": [(f"{r.group}:{r.system}", r.text) for r in mt],
        "round trips (Apertium, 4 pivots)": [(f"{r.group}:{r.lang}", r.text) for r in trips],
    }
    if limit:
        out = {name: _sample(rows, limit) for name, rows in out.items()}
    out["spun seeds"] = [
        (path.name, path.read_text(encoding="utf-8")) for path, spun in seed_expectations() if spun
    ]
    return out


def _sample(rows: list[tuple[str, str]], n: int) -> list[tuple[str, str]]:
    """Every k-th row, so the sample is spread over the slice and the same every run."""
    if len(rows) <= n:
        return rows
    step = len(rows) / n
    return [rows[int(i * step)] for i in range(n)]


# -- measuring --------------------------------------------------------------------------


def measure(detector: Any, rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Flagged share, then per clean-up: stays flagged, changed, median probability."""
    texts = [text for _, text in rows]
    before = detector.detect_many(texts)
    flagged = [(name, text) for (name, text), r in zip(rows, before, strict=True) if r.flagged]
    row: dict[str, Any] = {"n": len(rows), "flagged": len(flagged), "cleanups": {}}
    if rows and any(name.endswith(".txt") for name, _ in rows):  # the seeds, one by one
        row["documents"] = {
            name: {"as given": round(r.probability, 3)}
            for (name, _), r in zip(rows, before, strict=True)
            if r.flagged
        }
    for cleanup, fix in CLEANUPS.items():
        cleaned = [fix(text) for _, text in flagged]
        results = detector.detect_many(cleaned)
        probabilities = [r.probability for r in results if r.probability is not None]
        still = sum(r.flagged for r in results)
        row["cleanups"][cleanup] = {
            "still_flagged": still,
            "share_still_flagged": round(still / len(flagged), 3) if flagged else None,
            "share_changed": round(
                sum(c != t for c, (_, t) in zip(cleaned, flagged, strict=True)) / len(flagged), 3
            )
            if flagged
            else None,
            "median_probability": round(statistics.median(probabilities), 3)
            if probabilities
            else None,
        }
        if "documents" in row:
            for (name, _), result in zip(flagged, results, strict=True):
                probability = result.probability
                row["documents"].setdefault(name, {})[cleanup] = (
                    None if probability is None else round(probability, 3)
                )
    return row


def run(limit: int | None) -> dict[str, Any]:
    from mtdetect.detector import Detector

    started = time.perf_counter()
    detector = Detector.load()
    report: dict[str, Any] = {
        "model_version": detector.model_version,
        "threshold": round(detector.threshold, 4),
        "sample_per_slice": limit,
        "slices": {},
    }
    for name, rows in slices(limit).items():
        report["slices"][name] = measure(detector, rows)
        print(f"robustness: {name} done ({time.perf_counter() - started:.0f}s)", file=sys.stderr)
    report["seconds"] = round(time.perf_counter() - started)
    return report


# -- rendering --------------------------------------------------------------------------


def markdown(report: dict[str, Any]) -> str:
    """The table: share of flagged documents still flagged after each clean-up."""
    names = list(CLEANUPS)
    lines = [
        "| slice | flagged | " + " | ".join(f"still flagged after {n}" for n in names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for slice_name, row in report["slices"].items():
        cells = []
        for cleanup in names:
            c = row["cleanups"][cleanup]
            share = c["share_still_flagged"]
            cells.append(
                "–"
                if share is None
                else f"{share:.1%} ({c['still_flagged']}; {c['share_changed']:.0%} changed)"
            )
        lines.append(
            f"| {slice_name} | {row['flagged']} of {row['n']} | " + " | ".join(cells) + " |"
        )
    seeds = report["slices"].get("spun seeds", {}).get("documents", {})
    if seeds:
        lines += ["", "Spun seeds, probability after each clean-up:", ""]
        lines += [
            f"- {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in values.items() if v is not None)
            for name, values in seeds.items()
        ]
    sample = report.get("sample_per_slice")
    lines += [
        "",
        f"Shipped model {report['model_version']}, shipped threshold {report['threshold']}. "
        + (f"MT and round trips sampled: {sample} per slice, spread evenly. " if sample else "")
        + "'changed': the share of flagged documents the clean-up altered at all. "
        f"`python -m training.robustness`, {report['seconds']} s.",
    ]
    return "\n".join(lines) + "\n"


def card_section(path: Path = REPORT_JSON) -> list[str]:
    """The model card's robustness section, when the report has been written."""
    if not path.is_file():
        return []
    report = json.loads(path.read_text(encoding="utf-8"))
    return [
        "## Robustness: what the score survives",
        "",
        "Flagged test documents after cheap clean-ups a spinner could run without reading "
        "the text (training/robustness.py says exactly what each does). A clean-up that "
        "leaves few flagged documents flagged removes what the verdict rested on.",
        "",
        markdown(report),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--limit", type=int, default=None, help="sample N documents of the MT and round-trip slices"
    )
    parser.add_argument("--out", type=Path, default=REPORT_JSON)
    args = parser.parse_args(argv)
    report = run(args.limit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text("# Robustness\n\n" + markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
