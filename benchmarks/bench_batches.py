"""CPU time per article of the signal families, one document at a time and in batches.

    python benchmarks/bench_batches.py [--n 500] [--sizes 1 8 32 64 128 500] [--rounds 3]

Why: ``detect_many`` runs the families one family at a time over a batch of
documents (``features.BATCH_DOCUMENTS``), so that each family's tables stay in
the CPU cache from one document to the next. This prints what each batch size
costs, on ``bench.py``'s articles (originals and WMT output), in CPU ms per
article: ``prepare`` (boilerplate, tokens) and every family, the best of
``--rounds``, the sizes taking turns within each round. Size 1 is one document
through every family before the next.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench import load_articles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 8, 32, 64, 128, 500])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model")
    args = parser.parse_args()

    from mtdetect import Detector

    articles, _ = load_articles(args.n + 50)
    detector = Detector.load(args.model)
    detector.detect_many(articles[:50])  # lazily loaded tables in
    extractor, texts = detector._extractor, articles[50:]

    def run(size: int) -> float:
        started = time.process_time()
        for start in range(0, len(texts), size):
            batch = [extractor.prepare(text) for text in texts[start : start + size]]
            extractor.extract_prepared_many(batch)
        return 1000 * (time.process_time() - started) / len(texts)

    best = {size: float("inf") for size in args.sizes}
    for _ in range(args.rounds):
        for size in args.sizes:
            best[size] = min(best[size], run(size))
    print(f"{len(texts)} articles, CPU ms per article (best of {args.rounds})")
    for size, ms in best.items():
        print(
            f"  batch of {size:>4}: {ms:.2f} ms   ({ms / best[args.sizes[0]]:.2f}x size "
            f"{args.sizes[0]})"
        )


if __name__ == "__main__":
    main()
