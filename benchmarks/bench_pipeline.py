"""The command line as a pipeline runs it: ``-j 2`` against ``-j 1``, and one 50 MB input.

    python benchmarks/bench_pipeline.py [--n 2000] [--mb 50] [--model PATH]

Why: issue #14 asks that two workers score 2,000 articles at least 1.6 times
as fast as one on a 2-core machine, and that the peak memory of
``mtdetect score`` on any single input it accepts stays under 1 GB (it was
6.3 GB for a 50 MB file). ``benchmarks/bench.py`` prints both; this module
measures them:

* the speed-up: ``benchmarks/bench_jobs.py``'s timed runs of the whole
  command (start-up, model loading and JSON Lines output included);
* the peak memory: ``python -m mtdetect score FILE`` on one file of ``--mb``
  MB of news text, run by a small launcher that reports the process's own
  high-water mark (VmHWM from /proc, reset by exec, unlike ``ru_maxrss``,
  which Linux carries over from the forking parent), once with the default
  ``--max-bytes`` and once with ``--max-bytes 60000000``, as the issue ran it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
for path in (ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import _articles  # noqa: E402
import _peak  # noqa: E402
import bench_jobs  # noqa: E402

_PEAK_LAUNCHER = (
    _peak.PEAK_SOURCE
    + """
import json, runpy, sys

sys.argv = ["mtdetect", *sys.argv[1:]]
status = 0
try:
    runpy.run_module("mtdetect", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    status = exc.code if isinstance(exc.code, int) else 2
sys.stderr.write("\\n" + json.dumps({"peak_mb": peak_mb(), "status": status}) + "\\n")
"""
)


def measure_jobs(n: int, model: str | None = None, jobs: tuple[int, ...] = (1, 2)) -> dict:
    """Articles/s, wall and CPU seconds of each ``--jobs`` value, and the speed-up over 1."""
    texts = _articles.articles(n)
    out: dict[str, Any] = {"n": len(texts), "runs": {}}
    with tempfile.TemporaryDirectory(prefix="mtdetect-bench-") as tmp:
        folder = Path(tmp)
        for i, text in enumerate(texts):
            (folder / f"{i:05}.txt").write_text(text, encoding="utf-8")
        for count in jobs:
            load = os.getloadavg()[0]
            wall, cpu, status = bench_jobs.timed_run(folder, count, model)
            if status not in (0, 1):
                raise RuntimeError(f"--jobs {count}: mtdetect exited with status {status}")
            out["runs"][count] = {
                "docs_s": len(texts) / wall,
                "wall_s": wall,
                "cpu_s": cpu,
                "load_before": load,
            }
    out["speedup"] = speedups(out["runs"])
    return out


def speedups(runs: dict[int, dict[str, float]]) -> dict[int, float]:
    """Articles/s of each ``--jobs`` value over that of ``--jobs 1``."""
    if 1 not in runs:
        return {}
    return {count: run["docs_s"] / runs[1]["docs_s"] for count, run in runs.items() if count != 1}


def big_input(path: Path, mb: float, articles: list[str] | None = None) -> Path:
    """A file of ``mb`` MB of news text (``articles``, or corpus ones, joined by blank lines)."""
    pieces: list[str] = []
    size = 0
    articles = articles or _articles.articles(20)
    while size < mb * 1e6:
        for text in articles:
            pieces.append(text)
            size += len(text.encode("utf-8")) + 2
            if size >= mb * 1e6:
                break
    path.write_text("\n\n".join(pieces), encoding="utf-8")
    return path


def measure_peak(file: Path, extra: list[str], model: str | None = None) -> dict[str, Any]:
    """Peak memory (MB), wall seconds, exit status and verdict of one ``mtdetect score`` run."""
    command = [sys.executable, "-c", _PEAK_LAUNCHER, "score", str(file), "-f", "jsonl", *extra]
    command += ["--model", model] if model else []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    report = json.loads(done.stderr.strip().splitlines()[-1])
    record = json.loads(done.stdout) if done.stdout.strip() else {}
    return {
        **report,
        "wall_s": wall,
        "verdict": record.get("status"),
        "reason": record.get("reason"),
        "notes": record.get("notes"),
    }


def measure_big(
    mb: float = 50.0, model: str | None = None, articles: list[str] | None = None
) -> dict[str, Any]:
    """Peak memory of the command on one ``mb`` MB file, default and --max-bytes 60000000."""
    with tempfile.TemporaryDirectory(prefix="mtdetect-big-") as tmp:
        file = big_input(Path(tmp) / "big.txt", mb, articles)
        size = file.stat().st_size
        return {
            "bytes": size,
            "default": measure_peak(file, [], model),
            "max_bytes_60M": measure_peak(file, ["--max-bytes", "60000000"], model),
        }


def print_jobs(result: dict[str, Any]) -> None:
    for count, run in result["runs"].items():
        print(
            f"  -j {count}: {run['docs_s']:7.1f} articles/s  ({run['wall_s']:.1f} s wall, "
            f"{run['cpu_s']:.1f} s CPU; load average before {run['load_before']:.2f})"
        )
    for count, ratio in result.get("speedup", {}).items():
        verdict = "ok" if ratio >= 1.6 else "MISSED"
        print(
            f"  speed-up of -j {count} over -j 1 on {result['n']} articles: {ratio:.2f}x  "
            f"(target >= 1.6x on 2 cores: {verdict})"
        )


def print_big(result: dict[str, Any]) -> None:
    for name, run in (
        ("default --max-bytes", result["default"]),
        ("--max-bytes 60000000", result["max_bytes_60M"]),
    ):
        verdict = "ok" if run["peak_mb"] < 1024 else "MISSED"
        print(
            f"  {result['bytes'] / 1e6:.0f} MB file, {name}: peak {run['peak_mb']:.0f} MB "
            f"(target < 1 GB: {verdict}), {run['wall_s']:.1f} s, exit {run['status']}, "
            f"{run['verdict']}: {run['reason'] or '-'}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles for -j (default 2000)")
    parser.add_argument("--mb", type=float, default=50.0, help="size of the big input (50)")
    parser.add_argument("--model", help="model bundle (default: the shipped one)")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} CPUs")
    print_jobs(measure_jobs(args.n, args.model))
    print_big(measure_big(args.mb, args.model))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
