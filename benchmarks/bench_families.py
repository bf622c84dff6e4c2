"""Milliseconds per 5 KB article of each signal family of a bundle, on native news.

    python benchmarks/bench_families.py [--model PATH] [--n 300]

Why: a family earns its place by what it adds to the held-out measures
against what it costs; this prints the second half. Each family's ``extract``
runs on ``Document`` objects that are already tokenised and sentence-split
(as in the pipeline, where families share that analysis), in the order the
extractor runs them, so a family that fills a shared view first pays for it.
CPU time is printed beside wall time, since wall time swings with other load.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import _articles  # noqa: E402

from mtdetect.bundle import load_bundle  # noqa: E402
from mtdetect.text import Document  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="bundle (default: the shipped one)")
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    texts = _articles.articles(args.n, joiner="\n")
    kb = sum(len(t.encode("utf-8")) for t in texts) / len(texts) / 1000
    extractor = load_bundle(args.model).pipeline[0]
    signals = extractor._signals()
    for signal in signals:  # load every resource before timing
        signal.extract(Document(texts[0]))
    scale = 1000.0 / len(texts) * 5.0 / kb  # seconds for all -> ms per 5 KB
    wall_of = {s.name: float("inf") for s in signals}
    cpu_of = dict(wall_of)
    for _ in range(3):  # best of three, each round on fresh documents
        docs = [Document(t) for t in texts]
        for doc in docs:
            _ = doc.sentences, doc.lower_words
        for signal in signals:
            w0, c0 = time.perf_counter(), time.process_time()
            for doc in docs:
                signal.extract(doc)
            wall_of[signal.name] = min(wall_of[signal.name], time.perf_counter() - w0)
            cpu_of[signal.name] = min(cpu_of[signal.name], time.process_time() - c0)
    print(f"{len(texts)} articles of native news, {kb:.1f} KB on average")
    print(f"{'family':<12}{'ms wall':>10}{'ms CPU':>10}  per 5 KB article")
    for signal in signals:
        wall, cpu = wall_of[signal.name] * scale, cpu_of[signal.name] * scale
        print(f"{signal.name:<12}{wall:>10.3f}{cpu:>10.3f}")
    total_wall = sum(wall_of.values()) * scale
    print(f"{'all':<12}{total_wall:>10.3f}{sum(cpu_of.values()) * scale:>10.3f}")


if __name__ == "__main__":
    main()
