"""How much a verdict moves when an article is hard-wrapped at another width, or put on one line.

    python benchmarks/bench_reflow.py [--n 100] [--json OUT]

Why: the README once said the probability changes by 0.000 when a text is
reflowed. That was measured with one sentence per line, which keeps every
sentence whole; a text re-wrapped at a fixed width (an e-mail, a terminal
copy, a PDF export) breaks lines inside sentences, and seed 001 moved from
0.154 to 0.081 at 80 columns (issue #14). This measures it on the five seeds
and ``--n`` test-split originals (the first by a hash of their group, so the
same every run): each paragraph (line) of the text re-wrapped at 60, 72, 80
and 100 columns, and the whole text as one line. It prints, per layout, the
mean, 95th percentile and largest absolute probability change, and how many
verdicts (flagged or not, at the shipped threshold) changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WIDTHS = (60, 72, 80, 100)


def wrapped(width: int) -> Callable[[str], str]:
    """Each line of the text filled to ``width`` columns; blank lines kept."""

    def wrap(text: str) -> str:
        return "\n".join(
            textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
            if line.strip()
            else line
            for line in text.split("\n")
        )

    return wrap


def one_line(text: str) -> str:
    return " ".join(text.split())


LAYOUTS: dict[str, Callable[[str], str]] = {
    **{f"wrapped at {width}": wrapped(width) for width in WIDTHS},
    "one line": one_line,
}


def test_originals(n: int) -> list[str]:
    """``n`` test-split originals, the same every run."""
    from training.corpus import original_records

    chosen = [r for r in original_records() if r.split == "test" and r.n_words >= 60]
    chosen.sort(key=lambda r: hashlib.sha256(r.group.encode()).hexdigest())
    return [r.text for r in chosen[:n]]


def seeds() -> list[tuple[str, str]]:
    from training.corpus import SEEDS

    return [(p.name[:3], p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]


def changes(detector: object, texts: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per layout: absolute probability changes and verdict changes over ``texts``."""
    base = detector.detect_many(list(texts))  # type: ignore[attr-defined]
    out: dict[str, dict[str, float]] = {}
    for name, layout in LAYOUTS.items():
        moved = detector.detect_many([layout(t) for t in texts])  # type: ignore[attr-defined]
        deltas = sorted(
            abs(b.probability - m.probability)
            for b, m in zip(base, moved, strict=True)
            if b.probability is not None and m.probability is not None
        )
        out[name] = {
            "n": len(deltas),
            "mean": statistics.fmean(deltas) if deltas else float("nan"),
            "p95": deltas[min(len(deltas) - 1, int(0.95 * len(deltas)))] if deltas else 0.0,
            "max": deltas[-1] if deltas else 0.0,
            "verdicts_changed": sum(
                b.flagged != m.flagged for b, m in zip(base, moved, strict=True)
            ),
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="test-split originals (default 100)")
    parser.add_argument("--json", metavar="OUT", help="also write the numbers as JSON")
    args = parser.parse_args(argv)
    from mtdetect.detector import Detector

    detector = Detector.load()
    named = seeds()
    report: dict[str, object] = {"seeds": {}, "originals": {}}
    print("seeds: probability as given, then per layout")
    print(f"{'seed':6} {'given':>6} " + " ".join(f"{name:>13}" for name in LAYOUTS))
    for name, text in named:
        given = detector.detect(text).probability
        moved = [detector.detect(layout(text)).probability for layout in LAYOUTS.values()]
        report["seeds"][name] = {"given": given, **dict(zip(LAYOUTS, moved, strict=True))}  # type: ignore[index]
        print(f"{name:6} {given:6.3f} " + " ".join(f"{p:13.3f}" for p in moved))
    texts = test_originals(args.n)
    stats = changes(detector, texts)
    report["originals"] = stats
    print(f"\n{len(texts)} test-split originals: absolute probability change")
    print(f"{'layout':14} {'mean':>6} {'p95':>6} {'max':>6}  verdicts changed")
    for name, row in stats.items():
        print(
            f"{name:14} {row['mean']:6.3f} {row['p95']:6.3f} {row['max']:6.3f}  "
            f"{int(row['verdicts_changed'])} of {len(texts)}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
