"""Cold start of this code beside a previous checkout: ready time and the whole command line.

Why: a cold start is a few hundred milliseconds of loading, and on a shared
machine another process can add as much. Only fresh processes that alternate
between the two code trees, many times over, say whether a change made the
start faster. Each round runs, for both trees, one process that times
``import`` / ``Detector.load`` / the first and a second ``detect`` of one
article, and one whole ``python -m mtdetect score article.txt``; the medians
and the minima are printed (the minimum is the figure least moved by others'
load), with the load average before and after.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from mtdetect.detector import Detector
t1 = time.perf_counter()
detector = Detector.load(sys.argv[1] or None)
t2 = time.perf_counter()
text = open(sys.argv[2], encoding="utf-8").read()
first = detector.detect(text)
t3 = time.perf_counter()
detector.detect(text)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "first": t3 - t2, "warm": t4 - t3,
                  "probability": first.probability}))
"""

KEYS = ("import", "load", "lazy", "ready", "cli")


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(root))
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "mtdetect-bench-pycache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _load_run(root: Path, model: str, article: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, model, str(article)],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child process in {root} failed:\n{done.stderr[-2000:]}")
    row = json.loads(done.stdout.strip().splitlines()[-1])
    row["lazy"] = max(0.0, row["first"] - row["warm"])
    row["ready"] = row["load"] + row["lazy"]
    return row


def _cli_run(root: Path, model: str, article: Path) -> float:
    command = [sys.executable, "-m", "mtdetect", "score", str(article)]
    if model:
        command[4:4] = ["--model", model]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=root, env=_env(root), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(f"mtdetect score in {root} failed:\n{done.stderr[-2000:]}")
    return seconds


def measure(trees: dict[str, tuple[Path, str]], article: str, rounds: int) -> dict[str, Any]:
    """``rounds`` alternating rounds over ``trees`` (name -> (root, model or "")).

    Returns per tree the median and minimum of each figure, the probability
    each tree gave the article (the same code must give the same one), and
    the load average before and after.
    """
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.txt"
        path.write_text(article, encoding="utf-8")
        for root, model in trees.values():  # fills each tree's bytecode cache
            _load_run(root, model, path)
        for _ in range(rounds):
            for name, (root, model) in trees.items():
                row = _load_run(root, model, path)
                row["cli"] = _cli_run(root, model, path)
                runs[name].append(row)
    out: dict[str, Any] = {"load_average": [load_before, os.getloadavg()[0]], "rounds": rounds}
    for name, rows in runs.items():
        out[name] = {
            "median": {key: statistics.median(row[key] for row in rows) for key in KEYS},
            "min": {key: min(row[key] for row in rows) for key in KEYS},
            "probability": rows[0]["probability"],
        }
    return out


def report(result: dict[str, Any], names: tuple[str, ...]) -> None:
    """One line per figure: median (and minimum) for each tree, and the ratio of medians."""
    before, after = result["load_average"]
    print(
        f"\ncold start, fresh processes alternating over {result['rounds']} rounds "
        f"(median, min in brackets), load average {before:.2f} -> {after:.2f}"
    )
    print(f"  {'':<28}" + "".join(f"{name:>22}" for name in names) + f"{'ratio':>8}   target")
    labels = {
        "import": ("import mtdetect.detector, s", ""),
        "load": ("Detector.load, s", ""),
        "lazy": ("lazy, first detect, s", ""),
        "ready": ("ready (load + lazy), s", "<= 0.5"),
        "cli": ("mtdetect score article, s", "< 2.0"),
    }
    for key in KEYS:
        label, target = labels[key]
        cells = [f"{result[n]['median'][key]:.3f} ({result[n]['min'][key]:.3f})" for n in names]
        first, last = result[names[0]]["median"][key], result[names[-1]]["median"][key]
        ratio = f"{last / first:>7.2f}x" if first and len(names) > 1 else " " * 8
        print(f"  {label:<28}" + "".join(f"{c:>22}" for c in cells) + f"{ratio}   {target}")
    probabilities = {name: result[name]["probability"] for name in names}
    same = len(set(probabilities.values())) == 1
    verdict = ("same" if same else "DIFFERENT") if len(names) > 1 else ""
    print(f"  probability of the article: {probabilities} {verdict}".rstrip())
