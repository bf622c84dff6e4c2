"""Articles per second of ``mtdetect.dask.score_dataframe`` on 1 and 2 worker processes.

    python benchmarks/bench_dask.py [--n 400] [--partitions 16] [--workers 1 2] [--model PATH]

Why: a crawl is re-scored as a batch job, and a Dask cluster must pay for
its workers once (each loads the model once), so that two workers on two
cores beat one process. Printed beside each other, in one run:

- the library in this process, ``score_partition`` on the whole frame with
  the model already loaded (the single-process figure);
- for each cluster size, a ``LocalCluster`` of that many worker processes
  (one thread each): the first ``compute`` (workers load the model) and a
  second one (models loaded), both wall time to results in this process.

The load average is printed before each: on a shared machine the wall
times mean little beyond it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import _articles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=400, help="articles (4.5-6 KB each)")
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--model")
    args = parser.parse_args()

    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    from mtdetect.dask import score_dataframe, score_partition

    frame = pd.DataFrame({"text": _articles.articles(args.n)})
    score_partition(frame.head(5), model=args.model)  # load the model and its tables here
    load = os.getloadavg()[0]
    started = time.perf_counter()
    score_partition(frame, model=args.model)
    single = args.n / (time.perf_counter() - started)
    print(f"{args.n} articles, {args.partitions} partitions")
    print(f"{'':<42} {'articles/s':>10} {'vs one process':>14} {'load avg':>8}")
    print(f"{'one process (library)':<42} {single:>10.1f} {1:>14.2f} {load:>8.2f}")
    for workers in args.workers:
        with (
            LocalCluster(
                n_workers=workers,
                processes=True,
                threads_per_worker=1,
                dashboard_address=None,
            ) as cluster,
            Client(cluster),
        ):
            runs = {"first run (loads model)": frame, "second run": frame.iloc[::-1]}
            for run, data in runs.items():
                # the second run's rows are reversed: new task keys, nothing reused
                ddf = dd.from_pandas(data, npartitions=args.partitions, sort=False)
                load = os.getloadavg()[0]
                started = time.perf_counter()
                scored = score_dataframe(ddf, model=args.model).compute()
                rate = len(scored) / (time.perf_counter() - started)
                label = f"dask, {workers} worker{'s' if workers > 1 else ''}, {run}"
                print(f"{label:<42} {rate:>10.1f} {rate / single:>14.2f} {load:>8.2f}")


if __name__ == "__main__":
    main()
