"""Do two code trees score alike? Features, probabilities and evidence on ~470 documents.

    python benchmarks/identity.py dump /tmp/before.pkl      # in the tree before a change
    python benchmarks/identity.py compare /tmp/before.pkl   # in the tree after it

Why: speed work (compiled passes, shared columns, caches) must not move a single
number. The golden table (``tests/test_golden.py``) pins ~55 documents of the
shipped model; this check covers more kinds of text (originals and WMT output as
``bench.py`` builds its articles, learner essays, the seeds, odd inputs) and
compares every evidence item too. It runs in whichever tree is the current
directory, so a previous checkout dumps and this one compares.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path[:0] = [os.getcwd(), str(Path(os.getcwd()) / "benchmarks")]

SHARED = Path(os.getcwd()).resolve().parent / "shared"
ODD = [
    "",
    "short one.",
    "Mr. J. R. R. Tolkien said U.S. 2.5 e.g. \u201cquoted.\u201d " * 40,
    "\u00c9LAN caf\u00e9 na\u00efve \u2014 \u201cquotes\u201d \u2018single\u2019 \u2026 3,000 "
    "$5.6bn 10% (X) (X)" * 30,
]


def documents() -> list[str]:
    from bench import load_articles

    out, _ = load_articles(400, seed=21)
    with gzip.open(SHARED / "corpus" / "learner-essays.jsonl.gz", "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 50 == 0:
                out.append(json.loads(line)["english_text"])
            if len(out) >= 460:
                break
    out += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    return out + ODD


def outcomes(texts: list[str]) -> dict[str, Any]:
    from mtdetect.detector import default_detector

    detector = default_detector()
    results = [
        (r.status, r.reason, r.probability, r.flagged, [repr(e) for e in r.evidence])
        for r in detector.detect_many(texts)
    ]
    features = [detector._extractor.extract_one(t).features for t in texts[:200]]
    return {"results": results, "features": features}


def compare(want: dict[str, Any], got: dict[str, Any], tolerance: float) -> int:
    import numpy as np

    differing = 0
    for i, (a, b) in enumerate(zip(want["results"], got["results"], strict=True)):
        same_probability = (a[2] is None and b[2] is None) or (
            a[2] is not None and b[2] is not None and abs(a[2] - b[2]) <= tolerance
        )
        if a[:2] != b[:2] or a[3] != b[3] or a[4] != b[4] or not same_probability:
            differing += 1
            if differing <= 5:
                print(f"document {i}: {a[:4]} != {b[:4]}")
    gap = max(
        float(np.max(np.abs(x - y), initial=0.0))
        for x, y in zip(want["features"], got["features"], strict=True)
    )
    print(f"results differing: {differing}/{len(want['results'])}; max feature diff {gap:.3g}")
    return 1 if differing or gap > tolerance else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["dump", "compare"])
    parser.add_argument("path", type=Path, help="the dump to write or to compare with")
    parser.add_argument("--tolerance", type=float, default=0.0, help="allowed difference (0)")
    args = parser.parse_args(argv)
    got = outcomes(documents())
    if args.mode == "dump":
        args.path.write_bytes(pickle.dumps(got))
        print(f"dumped {len(got['results'])} results to {args.path}")
        return 0
    return compare(pickle.loads(args.path.read_bytes()), got, args.tolerance)


if __name__ == "__main__":
    raise SystemExit(main())
