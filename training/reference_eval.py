"""Reference mode, measured: does the index find the original of a round trip? Right verdict?

``python -m training.reference_eval`` writes ``training/reports/reference.{json,md}``.

Nothing held back is used: queries come from originals outside the test
split (``split_of``), and the native news evaluation quarter stays out of the
index. The index holds, in this order, the non-test originals, the rest of
the native news, and non-test WMT translations (human, then machine) up to
50,000 documents; every document but a query's own source is a distractor.
Queries, drawn with a fixed seed:

- ``spun``: Apertium round trips of indexed originals (from the round-trip
  cache, never regenerated), across the four pivots;
- ``copy``: indexed originals with a new headline, page boilerplate, the last
  quarter cut and one middle paragraph dropped;
- ``absent``: round trips of originals kept out of the index, for which no
  source must be found.

Latency is measured on the same queries at 12,500, 25,000 and 50,000
indexed documents, on one core of a machine shared with other work.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

if __name__ == "__main__" and __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtdetect.reference.index import POSTINGS, Reference, Source
from training.corpus import (
    MIN_CORPUS_WORDS,
    NEWS_QUARTERS,
    NEWS_STEP,
    news_lm_documents,
    original_records,
    split_of,
    wmt_records,
)
from training.roundtrip import batches, read_cached, select_originals

REPORTS = Path(__file__).resolve().parent / "reports"
PIVOTS = ("spa", "cat", "hbs", "spa-fra")
SIZES = (12_500, 25_000, 50_000)
HEADLINES = (
    "What we know so far",
    "Everything you need to know today",
    "The story everyone is talking about",
    "Latest: here is what happened",
)
BOILERPLATE_TOP = ("[ad_1]", "Advertisement")
BOILERPLATE_END = ("Source link", "Share this:", "Leave a Reply", "[ad_2]")


def originals() -> dict[str, str]:
    """Non-test originals by group (short ones too: they are distractors)."""
    return {r.group: r.text for r in original_records() if split_of(r.group) != "test"}


def round_trips(keep: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Cached round trips of the originals in ``keep``, by pivot: (group, text)."""
    chosen = select_originals(original_records())
    out: dict[str, list[tuple[str, str]]] = {}
    for pivot in PIVOTS:
        found: list[tuple[str, str]] = []
        for batch in batches(chosen):
            records = read_cached(pivot, batch)
            if records is None:
                continue
            found.extend((r.group, r.text) for r in records if r.group in keep)
        out[pivot] = found
    return out


def duplicates(texts: dict[str, str], shingle: int = 8) -> dict[str, set[str]]:
    """Groups whose texts share half their 8-word shingles: one story filed twice.

    The corpus holds a few (BBC stories under two numbers, a support template
    reused): finding the twin is finding the original, and a left-out
    original with a twin in the index is not absent.
    """
    postings: dict[int, list[str]] = {}
    sizes: dict[str, int] = {}
    for group, text in texts.items():
        words = text.lower().split()
        grams = {hash(tuple(words[i : i + shingle])) for i in range(len(words) - shingle + 1)}
        sizes[group] = len(grams)
        for gram in grams:
            postings.setdefault(gram, []).append(group)
    shared: dict[tuple[str, str], int] = {}
    for groups in postings.values():
        if 1 < len(groups) <= 20:
            for a in groups:
                for b in groups:
                    if a < b:
                        shared[a, b] = shared.get((a, b), 0) + 1
    out: dict[str, set[str]] = {}
    for (a, b), n in shared.items():
        if n >= 0.5 * min(sizes[a], sizes[b]):
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return out


def make_copy(text: str, rng: random.Random) -> str:
    """An edited copy: new headline, boilerplate, the tail cut, one paragraph dropped."""
    lines = [line for line in text.split("\n") if line.strip()]
    body = lines[1:] if len(lines) > 3 else lines
    body = body[: max(2, round(len(body) * 0.75))]
    if len(body) > 4:
        del body[rng.randrange(1, len(body) - 1)]
    top = [rng.choice(HEADLINES), rng.choice(BOILERPLATE_TOP)]
    return "\n\n".join([*top, *body, *rng.sample(BOILERPLATE_END, 2)])


def distractors() -> Iterator[Source]:
    """Native news outside the evaluation quarter, then non-test WMT translations."""
    held_out = NEWS_QUARTERS["evaluation"]
    for i, text in enumerate(news_lm_documents()):
        if i % NEWS_STEP != held_out:
            yield Source(f"news:{i}", text)
    for label in ("HT", "MT"):
        for n, record in enumerate(wmt_records()):
            if record.label == label and split_of(record.group) != "test":
                yield Source(f"wmt:{label}:{n}", record.text)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time_queries(reference: Reference, texts: list[str]) -> dict[str, float]:
    """Latency per query, the better of two runs: the machine is shared, and a
    neighbour's burst should not count as ours."""
    reference.match(texts[0])  # warm: imports, page cache
    search, total = [], []
    for text in texts:
        runs = []
        for _ in range(2):
            t0 = time.perf_counter()
            reference.candidates(text)
            t1 = time.perf_counter()
            reference.match(text)
            runs.append((t1 - t0, time.perf_counter() - t1))
        search.append(min(r[0] for r in runs))
        total.append(min(r[1] for r in runs))
    return {
        "p50_ms": 1000 * statistics.median(total),
        "p99_ms": 1000 * _percentile(total, 0.99),
        "search_p50_ms": 1000 * statistics.median(search),
        "search_p99_ms": 1000 * _percentile(search, 0.99),
    }


def evaluate(
    n_spun: int, n_copy: int, n_absent: int, sizes: tuple[int, ...] = SIZES, seed: int = 0
) -> dict:
    rng = random.Random(seed)
    source_text = originals()
    groups = sorted(source_text)
    long_groups = [g for g in groups if len(source_text[g].split()) >= MIN_CORPUS_WORDS]
    twins = duplicates(source_text)
    absent = set(rng.sample([g for g in long_groups if g not in twins], n_absent))
    trips = round_trips(set(long_groups))
    spun: list[tuple[str, str, str]] = []  # (kind, truth, text)
    per_pivot = max(1, n_spun // len(PIVOTS))
    for pivot in PIVOTS:
        pool = [(g, t) for g, t in trips[pivot] if g not in absent]
        spun += [(f"spun:{pivot}", g, t) for g, t in rng.sample(pool, min(per_pivot, len(pool)))]
    present = [g for g in long_groups if g not in absent]
    copies = [("copy", g, make_copy(source_text[g], rng)) for g in rng.sample(present, n_copy)]
    gone = [(g, t) for g, t in trips["spa"] if g in absent]
    absents = [("absent", g, t) for g, t in gone]
    queries = spun + copies + absents

    def sources() -> Iterator[Source]:
        for group in groups:
            if group not in absent:
                yield Source(group, source_text[group])
        yield from distractors()

    stream = sources()
    report: dict = {"seed": seed, "sizes": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reference.sqlite"
        built, seconds, reference = 0, 0.0, None
        for size in sizes:
            chunk = [s for _, s in zip(range(size - built), stream, strict=False)]
            t0 = time.perf_counter()
            if reference is None:
                reference = Reference.build(path, chunk)
                writer = Reference.appendable(path)
            else:
                writer.add(chunk)
            seconds += time.perf_counter() - t0
            built += len(chunk)
            reference = Reference.open(path)
            timing = _time_queries(reference, [t for _, _, t in spun[:200]])
            row = {
                "documents": built,
                "build_seconds": round(seconds, 1),
                "bytes": path.stat().st_size,
                **{k: round(v, 1) for k, v in timing.items()},
            }
            report["sizes"].append(row)
            print(json.dumps(row), file=sys.stderr)
        report["results"] = _score_queries(reference, queries, twins)
    report["queries"] = {
        "spun": len(spun),
        "copy": len(copies),
        "absent": len(absents),
        "originals_with_a_twin": len(twins),
        "round_trips_available": {p: len(v) for p, v in trips.items()},
    }
    return report


def _score_queries(
    reference: Reference, queries: list[tuple[str, str, str]], twins: dict[str, set[str]]
) -> dict:
    rows: dict[str, list[dict]] = {}
    for kind, group, text in queries:
        truth = {group} | twins.get(group, set())
        t0 = time.perf_counter()
        matches = reference.match(text, k=5)
        elapsed = time.perf_counter() - t0
        ids = [m.id for m in matches]
        best = matches[0] if matches else None
        verdict = best.verdict if best is not None else None
        found = best.id if best is not None and verdict in ("spun", "copy") else None
        rows.setdefault(kind.split(":")[0], []).append(
            {"kind": kind, "at1": bool(truth & set(ids[:1])), "at5": bool(truth & set(ids)),
             "verdict": verdict, "source": found, "seconds": elapsed}
        )  # fmt: skip
    out: dict = {}
    for kind, items in rows.items():
        n = len(items)
        summary: dict = {"n": n}
        if kind == "absent":
            summary["no_source"] = sum(r["source"] is None for r in items) / n
            summary["verdicts"] = _count(r["verdict"] for r in items)
        else:
            summary["recall_at_1"] = sum(r["at1"] for r in items) / n
            summary["recall_at_5"] = sum(r["at5"] for r in items) / n
            summary["verdict_accuracy"] = sum(r["verdict"] == kind for r in items) / n
            summary["verdicts"] = _count(r["verdict"] for r in items)
        if kind == "spun":
            for pivot in PIVOTS:
                mine = [r for r in items if r["kind"] == f"spun:{pivot}"]
                if mine:
                    summary[f"recall_at_1_{pivot}"] = sum(r["at1"] for r in mine) / len(mine)
        times = [r["seconds"] for r in items]
        summary["p50_ms"] = 1000 * statistics.median(times)
        summary["p99_ms"] = 1000 * _percentile(times, 0.99)
        out[kind] = summary
    return out


def _count(values: Iterator[str | None]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[str(value)] = counts.get(str(value), 0) + 1
    return counts


def markdown(report: dict) -> str:
    results = report["results"]
    lines = [
        "# Reference mode: finding the original, and the verdict",
        "",
        "Made by `python -m training.reference_eval` (see its docstring for the design). "
        f"{report['queries']['spun']} round trips and {report['queries']['copy']} edited "
        f"copies of indexed originals, among {report['sizes'][-1]['documents']:,} indexed "
        "documents; the `related` verdict is not measured (the corpus has no labelled pairs "
        "of articles on one story). Latency: one core of a shared machine, the better of two "
        f"runs per query; the whole run took {report.get('seconds', '?')} s.",
        "",
        "| queries | n | recall@1 | recall@5 | verdict accuracy | verdicts | p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind in ("spun", "copy"):
        r = results[kind]
        lines.append(
            f"| {kind} | {r['n']} | {r['recall_at_1']:.3f} | {r['recall_at_5']:.3f} | "
            f"{r['verdict_accuracy']:.3f} | {r['verdicts']} | {r['p50_ms']:.0f} | "
            f"{r['p99_ms']:.0f} |"
        )
    a = results["absent"]
    lines += [
        "",
        f"Round trips of {a['n']} originals kept out of the index: no source found for "
        f"{a['no_source']:.3f} of them (verdicts against the best candidate: {a['verdicts']}).",
        "",
        "Spun recall@1 by pivot: "
        + ", ".join(
            f"{p} {results['spun'][f'recall_at_1_{p}']:.3f}"
            for p in PIVOTS
            if f"recall_at_1_{p}" in results["spun"]
        ),
        "",
        "| indexed documents | build s | docs/s | MB | KB per 1,000 docs | query p50 ms "
        "| p99 ms | search p50 ms | search p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["sizes"]:
        lines.append(
            f"| {row['documents']:,} | {row['build_seconds']} | "
            f"{row['documents'] / max(row['build_seconds'], 1e-9):.0f} | "
            f"{row['bytes'] / 1e6:.1f} | {row['bytes'] / row['documents']:.0f} | "
            f"{row['p50_ms']} | {row['p99_ms']} | {row['search_p50_ms']} | "
            f"{row['search_p99_ms']} |"
        )
    lines += ["", report.get("extrapolation", ""), ""]
    return "\n".join(lines)


def extrapolate(report: dict) -> str:
    """To 1,000,000 documents, on paper: what grows linearly, and what does not."""
    last = report["sizes"][-1]
    per_doc = last["bytes"] / last["documents"]
    rate = last["documents"] / last["build_seconds"]
    depth = math.log(1_000_000) / math.log(last["documents"])
    search = last["search_p50_ms"] * depth
    align = last["p50_ms"] - last["search_p50_ms"]
    return (
        f"At 1,000,000 documents (extrapolated, not measured): disk grows linearly, to about "
        f"{per_doc * 1e6 / 1e9:.1f} GB ({per_doc / 1000:.1f} KB a document); building too, "
        f"about {1e6 / rate / 60:.0f} minutes at {rate:.0f} docs/s. A query reads at most "
        f"{POSTINGS:,} postings (its rarest terms) whatever the size, so its search grows "
        f"with the B-tree depth (log N), to about {search:.0f} ms p50, and the alignment of "
        f"the top candidates ({align:.0f} ms p50) does not grow. What may degrade is recall: "
        f"with 20 times the documents, fewer query terms stay rare enough to fit the budget."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spun", type=int, default=400, help="round-trip queries")
    parser.add_argument("--copy", type=int, default=200, help="edited-copy queries")
    parser.add_argument("--absent", type=int, default=150, help="originals left out")
    parser.add_argument("--out", type=Path, default=REPORTS)
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="index sizes to time, ascending"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sizes = tuple(int(x) for x in args.sizes.split(","))
    report = evaluate(args.spun, args.copy, args.absent, sizes)
    report["extrapolation"] = extrapolate(report)
    report["seconds"] = round(time.perf_counter() - started)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "reference.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "reference.md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
