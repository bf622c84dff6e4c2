"""Articles per second of ``mtdetect score`` with ``--jobs 1`` and ``--jobs 2``.

    python benchmarks/bench_jobs.py [--n 2000] [--jobs 1 2] [--model PATH]

Why: ``--jobs N`` must pay for its workers once per run (each loads the
model once), so that two workers on two cores score a large batch at least
1.6 times as fast as one (issue #14). ``--n`` articles of 4.5-6 KB, each a
run of whole native news documents (the "selection" quarter), are written to
a temporary directory, and the whole command is timed as a user runs it:
start-up, model loading and writing JSON Lines to /dev/null included. CPU
time (of the command and its workers) is printed beside wall time, and the
load average before each run: on a busy machine the wall times, and so the
speed-up, mean little.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import _articles  # noqa: E402


def articles(n: int) -> list[str]:
    return _articles.articles(n)


def timed_run(folder: Path, jobs: int, model: str | None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (command and workers) and exit status of one scoring run."""
    command = [sys.executable, "-m", "mtdetect", "score", str(folder), "-f", "jsonl"]
    command += ["--jobs", str(jobs)] + (["--model", model] if model else [])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        status = subprocess.run(command, stdout=sink, cwd=ROOT, env=env, check=False).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles (default 2000)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="default: 1 2")
    parser.add_argument("--model", help="model bundle (default: the shipped one)")
    args = parser.parse_args()
    texts = articles(args.n)
    print(f"{len(texts)} articles, mean {sum(map(len, texts)) / len(texts) / 1000:.1f} KB")
    print(f"{os.cpu_count()} cores")
    speeds: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="mtdetect-bench-") as tmp:
        folder = Path(tmp)
        for i, text in enumerate(texts):
            (folder / f"{i:05}.txt").write_text(text, encoding="utf-8")
        for jobs in args.jobs:
            load = " ".join(f"{value:.2f}" for value in os.getloadavg())
            wall, cpu, status = timed_run(folder, jobs, args.model)
            if status not in (0, 1):
                raise SystemExit(f"--jobs {jobs}: mtdetect exited with status {status}")
            speeds[jobs] = len(texts) / wall
            print(
                f"-j {jobs}: {speeds[jobs]:7.1f} articles/s  ({wall:6.1f} s wall, "
                f"{cpu:6.1f} s CPU; load average before: {load})"
            )
    if 1 in speeds:
        for jobs, speed in speeds.items():
            if jobs != 1:
                print(f"speed-up of -j {jobs} over -j 1: {speed / speeds[1]:.2f}x")


if __name__ == "__main__":
    main()
