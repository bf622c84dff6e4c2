"""Milliseconds per 5 KB article of ``FluencySignal.extract`` on native news.

    python benchmarks/bench_fluency.py [--n 300]

Why: the signal must cost well under a millisecond per article, so that it
can join the shipped families without slowing scoring. Articles of 4.5-6 KB
are made by joining consecutive native news documents (of the "selection"
quarter; most are about 1 KB). Two figures: with the ``Document`` already
tokenised (as in the pipeline, where every family reads the same cached
tokens and sentences), and with tokenisation included. CPU time is printed
beside wall time, since wall time swings with other load.
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

from mtdetect.signals.fluency import FluencySignal  # noqa: E402
from mtdetect.text import Document  # noqa: E402


def articles(n: int) -> list[str]:
    return _articles.articles(n, joiner="\n")


def timed(work: object) -> tuple[float, float]:
    """Best of three (wall, CPU) seconds of ``work()``."""
    wall = cpu = float("inf")
    for _ in range(3):
        w0, c0 = time.perf_counter(), time.process_time()
        work()  # type: ignore[operator]
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    texts = articles(args.n)
    kb = sum(len(t.encode("utf-8")) for t in texts) / len(texts) / 1000
    signal = FluencySignal()
    t0 = time.perf_counter()
    signal.extract(Document(texts[0]))  # loads the model
    print(f"model load {1000 * (time.perf_counter() - t0):.0f} ms")
    docs = [Document(t) for t in texts]
    for doc in docs:  # tokenise and split first, as the other families would
        _ = doc.sentences, doc.lower_words

    def warm() -> None:
        for doc in docs:
            signal.extract(doc)

    def cold() -> None:
        for text in texts:
            signal.extract(Document(text))

    scale = 1000.0 / len(texts) * 5.0 / kb  # seconds for all -> ms per 5 KB
    print(f"{len(texts)} articles of native news, {kb:.1f} KB on average")
    for label, work in (("document already tokenised", warm), ("tokenisation included", cold)):
        wall, cpu = timed(work)
        print(f"extract, {label}: {wall * scale:.3f} ms wall, {cpu * scale:.3f} ms CPU per 5 KB")


if __name__ == "__main__":
    main()
