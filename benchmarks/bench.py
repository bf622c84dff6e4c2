"""How fast is mtdetect, and is that fast enough for a moderation pipeline?

    python benchmarks/bench.py [--model PATH] [--n 1000] [--json OUT] [--previous DIR]
    python benchmarks/bench.py --only cold [--previous DIR] [--rounds 10]

Measured on the machine it runs on, each number printed beside its target:

* cold start: ``Detector.load`` in a fresh process (import timed apart), the
  lazily loaded resources that the first document pays for, and the wall
  time of a whole ``python -m mtdetect score article.txt``;
* throughput of ``Detector.detect_many`` on ``--n`` articles of about 5 KB
  made from real corpus documents (English originals and WMT machine
  translations), in one process and with ``n_jobs=2``;
* single-document ``detect`` latency (p50, p99);
* peak resident memory of a fresh process that loads and scores ``--n``
  (VmHWM from /proc, since Linux carries ``ru_maxrss`` over from the parent
  across exec; ``ru_maxrss`` where /proc is missing);
* time against document length (1 KB to 1 MB): it must grow linearly;
* with ``--previous DIR`` (a checkout of earlier code): throughput, p99 and
  ready time of both trees side by side, alternating fresh processes
  (``benchmarks/_previous.py``), the only fair comparison on a busy machine;
* with ``--only cold``: the cold start alone, and with ``--previous`` both
  trees' cold starts (ready time and the whole command line) side by side over
  ``--rounds`` alternating rounds (``benchmarks/_cold.py``);
* the same throughput and latency for a TF-IDF word + character n-gram
  logistic regression (fitted on 2,000 training-split documents, fit time
  not counted), so the price of the telltale features is visible.

Fresh processes run with bytecode cached outside the repository, as for an
installed package. Articles are built from ``../shared/corpus`` at run time
and never written into the repository. Timings swing with other load: run it
on a quiet machine and read the load average it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import _peak  # noqa: E402  (this directory, first on sys.path for a script)

ARTICLE_BYTES = (4_500, 6_000)  # an "article" is 4.5-6 KB of text, cut at a line end
SIZES_KB = (1, 10, 100, 1000)
LINEAR_SLACK = 2.0  # per-KB time at 1 MB may be at most this times that at 10 KB

TARGETS = {
    "throughput": 300.0,  # articles/s, ~5 KB each, one core
    "p99_ms": 20.0,
    "load_s": 0.5,
    "cli_s": 2.0,
    "rss_mb": 300.0,
}


# -- inputs ------------------------------------------------------------------------
def _articles(records: Sequence[Any], n: int, rng: random.Random) -> list[str]:
    """~5 KB articles: a long document cut at a line end, or short ones of one source joined."""
    by_source: dict[str, list[str]] = {}
    for record in records:
        by_source.setdefault(f"{record.source}:{record.label}", []).append(record.text)
    pool = [texts for texts in by_source.values() if texts]
    out: list[str] = []
    while len(out) < n:
        texts = rng.choice(pool)
        i = rng.randrange(len(texts))
        lines: list[str] = []
        size = 0
        while size < ARTICLE_BYTES[0] and i < len(texts):
            for line in texts[i].split("\n"):
                if size + len(line.encode()) + 1 > ARTICLE_BYTES[1]:
                    break
                lines.append(line)
                size += len(line.encode()) + 1
            i += 1
        if size >= ARTICLE_BYTES[0]:
            out.append("\n".join(lines))
    return out


def load_articles(n: int, seed: int = 13) -> tuple[list[str], list[str]]:
    """``n`` ~5 KB articles (half originals, half MT), and every document they came from."""
    from training.corpus import original_records, wmt_records

    rng = random.Random(seed)
    originals = [r for r in original_records() if len(r.text) >= 400]
    machine = [r for r in wmt_records() if r.label == "MT" and len(r.text) >= 400]
    articles = _articles(originals, n // 2, rng) + _articles(machine, n - n // 2, rng)
    rng.shuffle(articles)
    return articles, [r.text for r in originals + machine]


def sized_text(documents: Sequence[str], kb: int, seed: int = 5) -> str:
    """About ``kb`` KB of text made by joining corpus documents (cut at a space)."""
    rng = random.Random(seed + kb)
    want = kb * 1000
    parts: list[str] = []
    size = 0
    while size < want:
        doc = rng.choice(documents)
        parts.append(doc)
        size += len(doc.encode()) + 1
    text = "\n".join(parts).encode()[:want].decode("utf-8", errors="ignore")
    return text[: text.rfind(" ")] if " " in text else text


# -- helpers ---------------------------------------------------------------------
def _mb(texts: Sequence[str]) -> float:
    return sum(len(t.encode()) for t in texts) / 1e6


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _row(label: str, value: str, target: str = "", ok: bool | None = None) -> None:
    mark = "" if ok is None else _verdict(ok)
    print(f"  {label:<44} {value:>18}   {target:<14} {mark}")


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


_PYCACHE = Path(tempfile.gettempdir()) / "mtdetect-bench-pycache"


def _child_env() -> dict[str, str]:
    """Environment of a fresh interpreter, with bytecode cached as in an installed package.

    Compiled modules go to a cache outside the repository (PYTHONPYCACHEPREFIX);
    without it, a cold start here would also pay for compiling mtdetect's
    sources, which an installed package never does.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(_PYCACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run_child(code: str, *args: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object last."""
    env = _child_env()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child process failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


_LOAD_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from mtdetect.detector import Detector
t1 = time.perf_counter()
detector = Detector.load(sys.argv[1])
t2 = time.perf_counter()
text = open(sys.argv[2], encoding="utf-8").read()
detector.detect(text)
t3 = time.perf_counter()
detector.detect(text)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "first": t3 - t2, "warm": t4 - t3}))
"""

_RSS_CHILD = (
    _peak.PEAK_SOURCE
    + """
import json, sys
from mtdetect.detector import Detector

after_import = peak_mb()
detector = Detector.load(sys.argv[1])
after_load = peak_mb()
texts = json.load(open(sys.argv[2], encoding="utf-8"))
after_read = peak_mb()
detector.detect_many(texts)
peaks = {"import": after_import, "load": after_load, "read": after_read, "scored": peak_mb()}
print(json.dumps(peaks))
"""
)


# -- measurements ------------------------------------------------------------------
def measure_cold(model: str, article: str, repeats: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.txt"
        path.write_text(article, encoding="utf-8")
        _run_child(_LOAD_CHILD, model, str(path))  # fills the bytecode cache
        runs = [_run_child(_LOAD_CHILD, model, str(path)) for _ in range(repeats)]
        cli = []
        env = _child_env()
        for _ in range(repeats):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "mtdetect", "score", "--model", model, str(path)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            cli.append(time.perf_counter() - started)
            if done.returncode not in (0, 1):
                raise RuntimeError(f"mtdetect score failed: {done.stderr[-2000:]}")
    out = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    # what the first document pays beyond a warm one: lazily loaded resources
    out["lazy"] = max(0.0, out["first"] - out["warm"])
    out["ready"] = out["load"] + out["lazy"]
    out["cli"] = statistics.median(cli)
    return out


def measure_throughput(
    score_many: Callable[[list[str]], object], texts: list[str], repeats: int = 1
) -> float:
    """Best-of-``repeats`` seconds for scoring ``texts`` in one call."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        score_many(texts)
        best = min(best, time.perf_counter() - started)
    return best


def measure_latency(score_one: Callable[[str], object], texts: Sequence[str]) -> list[float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        score_one(text)
        times.append(time.perf_counter() - started)
    return times


def measure_rss(model: str, texts: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.json"
        path.write_text(json.dumps(texts), encoding="utf-8")
        return _run_child(_RSS_CHILD, model, str(path))


def measure_lengths(score_one: Callable[[str], object], documents: Sequence[str]) -> list[dict]:
    rows = []
    for kb in SIZES_KB:
        text = sized_text(documents, kb)
        repeats = max(1, min(20, 2000 // kb))
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            score_one(text)
            times.append(time.perf_counter() - started)
        seconds = min(times)
        real_kb = len(text.encode()) / 1000.0
        rows.append({"kb": real_kb, "seconds": seconds, "per_kb": seconds / real_kb})
    return rows


def measure_families(detector: Any, texts: Sequence[str], runs: int = 3) -> dict[str, float]:
    """Milliseconds per article in each signal family (best of ``runs``), tokens built first."""
    from mtdetect.text import Document

    docs = [Document(text) for text in texts]
    # tokenising and sentence splitting are shared by all families: done here, uncharged
    for doc in docs:
        _ = doc.sentences
    out = {}
    for signal in detector._extractor._signals():
        signal.extract(docs[0])  # lazy resources
        best = float("inf")
        for _ in range(runs):
            started = time.perf_counter()
            for doc in docs:
                signal.extract(doc)
            best = min(best, time.perf_counter() - started)
        out[signal.name] = best / len(docs) * 1e3
    return out


def fit_baseline(n_docs: int = 2000, seed: int = 3) -> Any:
    """TF-IDF word 1-2 + char_wb 2-5 grams and logistic regression, on train-split documents."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from training.baseline import make_vectorizer
    from training.corpus import labelled_records

    records = [r for r in labelled_records() if r.split == "train"]
    sample = random.Random(seed).sample(records, min(n_docs, len(records)))
    model = make_pipeline(make_vectorizer(), LogisticRegression(C=10.0, max_iter=1000))
    model.fit([r.text for r in sample], [r.y for r in sample])
    return model


# -- report ------------------------------------------------------------------------
def _only_cold(args: argparse.Namespace, model: str, article: str, results: dict) -> int:
    """``--only cold``: this tree's cold start, beside ``--previous`` when given."""
    import _cold

    trees = {}
    if args.previous is not None:
        trees["previous"] = (args.previous.resolve(), args.previous_model)
    trees["this code"] = (ROOT, model if args.model else "")
    rounds = args.rounds if args.previous is not None else args.repeats
    results["cold"] = _cold.measure(trees, article, rounds)
    _cold.report(results["cold"], tuple(trees))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="model bundle (default: the shipped one)")
    parser.add_argument("--n", type=int, default=1000, help="articles for throughput (1000)")
    parser.add_argument("--latency-n", type=int, default=300, help="articles for latency (300)")
    parser.add_argument("--repeats", type=int, default=3, help="cold-start runs (median)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the TF-IDF baseline")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--jobs-n", type=int, default=2000, help="articles for -j 1 vs 2 (2000)")
    parser.add_argument("--big-mb", type=float, default=50.0, help="one big input, MB (50)")
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    parser.add_argument(
        "--previous",
        type=Path,
        help="a checkout of the previous code: its throughput, p99 and ready time are "
        "measured beside this code's, alternating fresh processes (see _previous.py)",
    )
    parser.add_argument("--previous-model", default="", help="bundle for --previous")
    parser.add_argument("--rounds", type=int, default=3, help="rounds for --previous (3)")
    parser.add_argument(
        "--only",
        choices=("cold",),
        help="measure only this part (cold: the cold start; with --previous, both trees "
        "alternating for --rounds rounds)",
    )
    parser.add_argument(
        "--only-previous", action="store_true", help="with --previous: print only the comparison"
    )
    args = parser.parse_args(argv)

    from mtdetect.bundle import default_path
    from mtdetect.detector import Detector

    model = str(Path(args.model).resolve()) if args.model else str(default_path())
    if not Path(model).is_file():
        parser.error(
            f"no model at {model}; train one with "
            "python training/train.py --no-roundtrips --out /tmp/benchmodel/model.joblib "
            "and pass --model"
        )
    articles, documents = load_articles(2 if args.only == "cold" else args.n)
    mb = _mb(articles)
    print(
        f"mtdetect benchmark: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"model: {model}")
    print(
        f"inputs: {len(articles)} articles, mean {1000 * mb / len(articles):.1f} KB "
        f"({mb:.2f} MB), from ../shared/corpus (originals + WMT MT)"
    )
    results: dict[str, Any] = {"n": len(articles), "mb": mb}
    if args.only == "cold":
        return _only_cold(args, model, articles[0], results)

    if args.previous is not None:
        import _previous

        side_by_side = _previous.compare(
            ROOT,
            args.previous.resolve(),
            articles,
            model=model,
            previous_model=args.previous_model,
            rounds=args.rounds,
            latency_n=args.latency_n,
        )
        results["previous"] = side_by_side
        _previous.report(side_by_side, args.previous, args.rounds)
        if args.only_previous:
            if args.json:
                args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
            return 0

    print(f"\ncold start (fresh processes, bytecode cached, median of {args.repeats})")
    cold = measure_cold(model, articles[0], args.repeats)
    results["cold"] = cold
    _row("import mtdetect.detector", f"{cold['import']:.3f} s")
    _row("Detector.load", f"{cold['load']:.3f} s")
    _row("lazy resources on first detect", f"{cold['lazy']:.3f} s")
    _row(
        "load ready (load + lazy resources)",
        f"{cold['ready']:.3f} s",
        "< 0.5 s",
        cold["ready"] < TARGETS["load_s"],
    )
    _row(
        "python -m mtdetect score article.txt",
        f"{cold['cli']:.3f} s",
        "< 2 s",
        cold["cli"] < TARGETS["cli_s"],
    )

    detector = Detector.load(model)
    detector.detect_many(articles[:20])  # resources loaded, caches warm

    print("\nthroughput, Detector.detect_many")
    statuses = Counter(result.status for result in detector.detect_many(articles))
    print(f"  statuses: {dict(statuses)}")
    if statuses.get("error"):
        raise SystemExit("some articles failed to score: is the model stale? retrain it")
    one = measure_throughput(detector.detect_many, articles)
    rate = len(articles) / one
    results["throughput"] = {"docs_s": rate, "mb_s": mb / one}
    _row("1 process", f"{rate:.0f} docs/s", ">= 300/s", rate >= TARGETS["throughput"])
    _row("", f"{mb / one:.2f} MB/s", ">= 1.5 MB/s", mb / one >= 1.5)
    first = measure_throughput(lambda t: detector.detect_many(t, n_jobs=2), articles)
    again = measure_throughput(lambda t: detector.detect_many(t, n_jobs=2), articles)
    results["throughput"]["n_jobs2_first_docs_s"] = len(articles) / first
    results["throughput"]["n_jobs2_docs_s"] = len(articles) / again
    _row("n_jobs=2, first call (workers start)", f"{len(articles) / first:.0f} docs/s")
    _row("n_jobs=2, next call (workers reused)", f"{len(articles) / again:.0f} docs/s")
    _row("", f"{mb / again:.2f} MB/s")

    print("\nsignal families, ms per article (best of 3 over 100 articles)")
    families = measure_families(detector, articles[:100])
    results["family_ms"] = families
    for name, ms in sorted(families.items(), key=lambda item: -item[1]):
        _row(name, f"{ms:.2f} ms")

    print("\nlatency, Detector.detect, one article at a time")
    latency = measure_latency(detector.detect, articles[: args.latency_n])
    p50, p99 = _percentile(latency, 50) * 1e3, _percentile(latency, 99) * 1e3
    results["latency_ms"] = {"p50": p50, "p99": p99, "max": max(latency) * 1e3}
    _row(f"p50 over {len(latency)}", f"{p50:.1f} ms")
    _row(f"p99 over {len(latency)}", f"{p99:.1f} ms", "< 20 ms", p99 < TARGETS["p99_ms"])

    print("\nmemory (fresh process: load + detect_many on all articles)")
    rss = measure_rss(model, articles)
    results["rss_mb"] = rss
    _row("peak RSS after import", f"{rss['import']:.0f} MB")
    _row("peak RSS after load", f"{rss['load']:.0f} MB")
    _row(f"peak RSS after reading {len(articles)} articles", f"{rss['read']:.0f} MB")
    _row(
        f"peak RSS after scoring {len(articles)}",
        f"{rss['scored']:.0f} MB",
        "< 300 MB",
        rss["scored"] < TARGETS["rss_mb"],
    )

    if not args.no_cli:  # issue #14: the command line as pipelines run it (bench_pipeline.py)
        import bench_pipeline

        print(f"\ncommand line, mtdetect score -f jsonl DIR, {args.jobs_n} articles")
        results["cli_jobs"] = bench_pipeline.measure_jobs(args.jobs_n, args.model)
        bench_pipeline.print_jobs(results["cli_jobs"])
        print(f"\ncommand line, peak memory on one {args.big_mb:.0f} MB input")
        results["cli_big"] = bench_pipeline.measure_big(args.big_mb, args.model)
        bench_pipeline.print_big(results["cli_big"])

    print("\ntime against length, Detector.detect (best of several runs)")
    lengths = measure_lengths(detector.detect, documents)
    results["lengths"] = lengths
    for row in lengths:
        _row(
            f"{row['kb']:.0f} KB",
            f"{row['seconds'] * 1e3:.1f} ms",
            f"{row['per_kb'] * 1e3:.3f} ms/KB",
        )
    ratio = lengths[-1]["per_kb"] / lengths[1]["per_kb"]
    linear = ratio <= LINEAR_SLACK
    results["linear_ratio"] = ratio
    _row("per-KB time, 1 MB / 10 KB", f"{ratio:.2f}x", "<= 2x", linear)
    print(f"  verdict: {'linear' if linear else 'NOT linear'}")

    if not args.no_baseline:
        print(
            "\nbaseline: TF-IDF word 1-2 + char 2-5 grams, logistic regression "
            "(2,000 train docs; fit not timed)"
        )
        baseline = fit_baseline()
        score_many = baseline.predict_proba
        score_many(articles[:20])
        b_one = measure_throughput(score_many, articles)
        b_lat = measure_latency(lambda t: score_many([t]), articles[: args.latency_n])
        b50, b99 = _percentile(b_lat, 50) * 1e3, _percentile(b_lat, 99) * 1e3
        results["baseline"] = {
            "docs_s": len(articles) / b_one,
            "mb_s": mb / b_one,
            "p50_ms": b50,
            "p99_ms": b99,
        }
        _row("throughput, 1 process", f"{len(articles) / b_one:.0f} docs/s")
        _row("", f"{mb / b_one:.2f} MB/s")
        _row("latency p50 / p99", f"{b50:.1f} / {b99:.1f} ms")
        _row("mtdetect time / baseline time, batch", f"{one / b_one:.2f}x")
        _row("mtdetect time / baseline time, p50", f"{p50 / b50:.2f}x")

    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
