"""This code beside a previous checkout, in the same run: throughput, p99 and ready time.

Why: the machine these numbers come from is often shared, and its load moves
every figure by a factor of two or more from one minute to the next. Only
numbers taken side by side, in fresh processes that alternate between the two
code trees, say whether a change made scoring faster. Articles per
CPU-second are printed beside wall-clock articles per second, since CPU time
swings less with other load.

Make a previous checkout with, for example, ``git worktree add /tmp/prev main``
(or ``git archive main | tar -x -C /tmp/prev``) and pass ``--previous /tmp/prev``;
each tree scores with its own shipped bundle unless ``--previous-model`` names one.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from mtdetect.detector import Detector
model = sys.argv[1] or None
t1 = time.perf_counter()
detector = Detector.load(model) if model else Detector.load()
t2 = time.perf_counter()
texts = json.load(open(sys.argv[2], encoding="utf-8"))
detector.detect(texts[0])
t3 = time.perf_counter()
detector.detect(texts[0])
t4 = time.perf_counter()
ready = (t2 - t1) + max(0.0, (t3 - t2) - (t4 - t3))
detector.detect_many(texts[:20])
wall = cpu = float("inf")
for _ in range(2):
    w, c = time.perf_counter(), time.process_time()
    detector.detect_many(texts)
    wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
latency = []
for text in texts[: int(sys.argv[3])]:
    w = time.perf_counter()
    detector.detect(text)
    latency.append(time.perf_counter() - w)
latency.sort()
k = (len(latency) - 1) * 0.99
lo = int(k)
hi = min(lo + 1, len(latency) - 1)
p99 = latency[lo] + (latency[hi] - latency[lo]) * (k - lo)
print(json.dumps({
    "docs_s": len(texts) / wall, "docs_cpu_s": len(texts) / cpu,
    "p50_ms": 1e3 * latency[len(latency) // 2], "p99_ms": 1e3 * p99,
    "ready_s": ready, "import_s": t1 - t0,
}))
"""


def _child(root: Path, model: str, texts_path: Path, latency_n: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(root))
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "mtdetect-bench-pycache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, model, str(texts_path), str(latency_n)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child process in {root} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(
    current: Path,
    previous: Path,
    texts: Sequence[str],
    *,
    model: str = "",
    previous_model: str = "",
    rounds: int = 3,
    latency_n: int = 300,
) -> dict[str, dict[str, float]]:
    """Both trees, alternating for ``rounds`` rounds: the best throughput, median p99 and ready."""
    runs: dict[str, list[dict[str, Any]]] = {"previous": [], "current": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.json"
        path.write_text(json.dumps(list(texts)), encoding="utf-8")
        for _ in range(rounds):
            runs["previous"].append(_child(previous, previous_model, path, latency_n))
            runs["current"].append(_child(current, model, path, latency_n))
    out = {}
    for side, rows in runs.items():
        out[side] = {
            "docs_s": max(row["docs_s"] for row in rows),
            "docs_cpu_s": max(row["docs_cpu_s"] for row in rows),
            "p50_ms": statistics.median(row["p50_ms"] for row in rows),
            "p99_ms": statistics.median(row["p99_ms"] for row in rows),
            "ready_s": statistics.median(row["ready_s"] for row in rows),
        }
    return out


def report(result: dict[str, dict[str, float]], previous: Path, rounds: int) -> None:
    """Print the two trees side by side, each figure with its ratio."""
    print(
        f"\nbeside the previous code ({previous}), same run: fresh processes, "
        f"alternating, {rounds} rounds (best throughput, median p99 and ready), "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"  {'':<36} {'previous':>12} {'this code':>12} {'ratio':>8}   target")
    rows = (
        ("articles/s, 1 process (one core)", "docs_s", "{:.0f}", ">= 300"),
        ("articles per CPU-second", "docs_cpu_s", "{:.0f}", ">= 300"),
        ("latency p50, ms", "p50_ms", "{:.1f}", ""),
        ("latency p99, ms", "p99_ms", "{:.1f}", "<= 20"),
        ("ready (load + lazy resources), s", "ready_s", "{:.3f}", "<= 0.5"),
    )
    for label, key, fmt, target in rows:
        before, after = result["previous"][key], result["current"][key]
        ratio = after / before if before else float("nan")
        print(
            f"  {label:<36} {fmt.format(before):>12} {fmt.format(after):>12} "
            f"{ratio:>7.2f}x   {target}"
        )
