"""Peak memory of ``detect_many`` on long documents, against scoring them one at a time.

    python benchmarks/bench_batch_memory.py [--n 8] [--chars 900000]

Why: a batch keeps every document's analysis until the last signal family has
run, so a batch must be bounded by its characters as well as by its documents
(``features.BATCH_CHARACTERS``), or a few long inputs multiply the memory.
Each way of scoring runs in a fresh process; the figure is the growth of its
peak memory (VmHWM) from just before scoring, after the model and its lazily
loaded resources are in.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from _peak import PEAK_SOURCE  # noqa: E402

CHILD = (
    PEAK_SOURCE
    + """
import json, sys, time
from mtdetect import Detector
n, chars, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, sys.argv[4])
import _articles
base = "\\n\\n".join(_articles.articles(max(40, chars // 4000)))
while len(base) < chars + 1000 * n:
    base += "\\n\\n" + base
detector = Detector.load()
detector.detect("warm up " * 60)
texts = [base[i * 1000 : i * 1000 + chars] for i in range(n)]  # n different documents
before, start = peak_mb(), time.perf_counter()
if mode == "batch":
    results = detector.detect_many(texts)
else:
    results = [detector.detect(text) for text in texts]
seconds = time.perf_counter() - start
print(json.dumps({"growth_mb": peak_mb() - before, "seconds": seconds,
                  "statuses": sorted({r.status for r in results})}))
"""
)


def measure(n: int, chars: int, mode: str) -> dict[str, object]:
    command = [sys.executable, "-c", CHILD, str(n), str(chars), mode, str(ROOT / "benchmarks")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode}: the child failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8, help="documents (default 8)")
    parser.add_argument("--chars", type=int, default=900_000, help="characters each (900000)")
    args = parser.parse_args()
    print(f"{args.n} documents of {args.chars:,} characters, each way in a fresh process")
    for mode, label in (("batch", "detect_many, one call"), ("alone", "detect, one at a time")):
        got = measure(args.n, args.chars, mode)
        print(
            f"  {label:24} peak memory growth {got['growth_mb']:7.0f} MB, "
            f"{got['seconds']:6.1f} s, statuses {got['statuses']}"
        )


if __name__ == "__main__":
    main()
