"""Apertium round trips (eng -> pivot -> eng) of human-written English: RT, RT-HT, RT-LEARNER.

Rule-based round trips are the cheapest "spun" English we can make ourselves.
The English originals are round-tripped (label RT: the round trips every
metric measures), and so are the professional translations (RT-HT) and the
learner essays (RT-LEARNER). Those two are the human texts a detector most
easily mistakes for machine output (translationese, learners' errors); their
own round trips, matched with them, teach the ``roundtrip`` pattern model what
a round trip adds on top of translationese or a learner's errors, so that it
learns the artefacts and not the kind of text. Each round trip keeps its
source's group, so a text and its round trips always land in the same split
and the model can never see one while tested on the other. Spanish and
Catalan round-trip every text; the extra pivots of ``training/pivots.py``
(Serbo-Croatian, Spanish-French-Spanish) only the first originals, as RT.

Apertium's start-up is slow, so many documents go through one shell pipeline
(``apertium -u eng-X | apertium -u X-eng``, or a longer chain), joined by a
separator paragraph that Apertium passes through as an unknown word. Segments
are joined by blank lines, not single newlines: Apertium reads a single newline
as plain whitespace and would reorder words across segment boundaries (a
headline without a full stop gets fused with the next sentence), while a blank
line ends a sentence.
Outputs are cached per (pivot, batch content hash), so reruns are instant.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

if __name__ == "__main__" and __package__ in (None, ""):
    # ``python training/roundtrip.py`` runs without the repo root on sys.path.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training._apertium_batches import (
    BatchResult,
    Original,
    Runner,
    join_document,
    join_units,
    postprocess,
    translate_batch,
)
from training._progress import progress
from training.corpus import (
    MIN_CORPUS_WORDS,
    Record,
    learner_records,
    original_records,
    wmt_records,
)
from training.pivots import (
    EXTRA_PIVOT_LIMIT,
    EXTRA_PIVOTS,
    PIVOTS,
    UNREPAIRED,
    ApertiumMissing,
    check_apertium,
    command,
    run_pipeline,
)

CACHE = Path(__file__).resolve().parent / "cache" / "roundtrip"
BATCH_DOCS = 16
DEFAULT_WORKERS = 2
# Originals round-tripped per pivot (None = all 2,672 of >= 60 words). The
# first cut stopped at 1,600 per pivot (19 min wall on a busy 2-core machine);
# the remaining 1,053 per pivot took 5 min with one worker on an idle one, so
# all are used. ``--limit N`` still takes the first N (cache entries are shared).
DEFAULT_LIMIT: int | None = None
# Bump when the joining, splitting or command changes: old cache entries then miss.
# The key holds the pivot's name, not its command (spa and cat keys predate chains).
PIPELINE_VERSION = "1"


# What each kind of human text becomes when round-tripped.
ROUNDTRIP_LABELS: dict[str, str] = {"ORIG": "RT", "HT": "RT-HT", "LEARNER": "RT-LEARNER"}
SOURCE_KINDS: tuple[str, ...] = tuple(ROUNDTRIP_LABELS)


def selection_key(group: str) -> str:
    """Stable order for subsets, salted so it is independent of ``split_of``'s hash."""
    return hashlib.sha256(f"roundtrip:{group}".encode()).hexdigest()


def select_originals(
    records: Iterable[Record], limit: int | None = DEFAULT_LIMIT, min_words: int = MIN_CORPUS_WORDS
) -> list[Original]:
    """Originals of at least ``min_words`` words in a stable hash order, first ``limit``.

    A larger limit extends a smaller one, so batches (and cache entries) are shared.
    """
    chosen = sorted(
        (r for r in records if r.label == "ORIG" and r.n_words >= min_words),
        key=lambda r: selection_key(r.group),
    )
    if limit is not None:
        chosen = chosen[:limit]
    return [Original(r.group, tuple(r.text.split("\n"))) for r in chosen]


def select_sources(
    records: Iterable[Record], kind: str, min_words: int = MIN_CORPUS_WORDS
) -> list[Original]:
    """Every human text of one kind (HT or LEARNER) of at least ``min_words`` words.

    Several texts share a group (an author's essays, a document's references),
    so the stable order is keyed on the group and the text together.
    Originals are chosen by :func:`select_originals`, whose order the cache keeps.
    """
    chosen = sorted(
        (r for r in records if r.label == kind and r.n_words >= min_words),
        key=lambda r: selection_key(f"{r.group}\n{r.text}"),
    )
    return [Original(r.group, tuple(r.text.split("\n")), kind, r.lang) for r in chosen]


def batches(originals: Sequence[Original], size: int = BATCH_DOCS) -> list[list[Original]]:
    return [list(originals[i : i + size]) for i in range(0, len(originals), size)]


def batch_key(pivot: str, originals: Sequence[Original]) -> str:
    payload = json.dumps(
        [
            PIPELINE_VERSION,
            pivot,
            [o.group for o in originals],
            join_units([join_document(o.segments) for o in originals]),
        ]
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def cache_path(pivot: str, key: str, cache_dir: Path = CACHE) -> Path:
    return cache_dir / pivot / f"{key}.json"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


Job = tuple[str, list[Original]]  # a pivot and one batch of texts to round-trip through it


def planned_batches(
    chosen: Sequence[Original],
    pivots: Sequence[str] = PIVOTS,
    extra_pivots: Sequence[str] = EXTRA_PIVOTS,
    extra_limit: int = EXTRA_PIVOT_LIMIT,
    batch_docs: int = BATCH_DOCS,
) -> list[Job]:
    """Every (pivot, batch): ``pivots`` of all of ``chosen``, then ``extra_pivots`` of originals.

    The extra pivots take the first ``extra_limit`` originals in the selection
    order, so a larger limit extends a smaller one. The main pivots' batches
    come first and as before, so their records (and partial round trips'
    seeds) keep their order. A (pivot, batch) named twice is planned once.
    """
    firsts = [o for o in chosen if o.kind == "ORIG"][:extra_limit]
    jobs = [(p, b) for p in pivots for b in source_batches(chosen, batch_docs)]
    jobs += [(p, b) for p in extra_pivots for b in batches(firsts, batch_docs)]
    seen: set[tuple[str, str]] = set()
    out: list[Job] = []
    for pivot, batch in jobs:
        key = (pivot, batch_key(pivot, batch))
        if key not in seen:
            seen.add(key)
            out.append((pivot, batch))
    return out


def generate(
    jobs: Sequence[Job],
    workers: int = DEFAULT_WORKERS,
    cache_dir: Path = CACHE,
    runner: Runner = run_pipeline,
) -> dict[str, int]:
    """Fill the cache for every missing (pivot, batch); returns batches run per pivot.

    ``runner`` stands in for Apertium in tests; only the real one needs it installed.
    """
    todo = [
        (pivot, batch)
        for pivot, batch in jobs
        if not cache_path(pivot, batch_key(pivot, batch), cache_dir).exists()
    ]
    ran = {pivot: 0 for pivot, _ in jobs}
    if not todo:
        return ran
    if runner is run_pipeline:
        check_apertium(sorted({pivot for pivot, _ in todo}))
    n_docs = sum(len(b) for _, b in todo)
    _log(f"roundtrip: {len(todo)} batches, {n_docs} documents to translate, {workers} workers")
    start = time.monotonic()
    done_docs = 0
    bar = progress(desc="roundtrip", total=n_docs)
    with bar, ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_run_and_store, p, b, cache_dir, runner): (p, b) for p, b in todo}
        for future in as_completed(futures):
            pivot, batch = futures[future]
            result = future.result()
            ran[pivot] += 1
            done_docs += len(batch)
            elapsed = time.monotonic() - start
            eta = elapsed / done_docs * (n_docs - done_docs)
            note = ""
            if result.fallback:
                note = (
                    f" ({result.calls} calls, {result.repaired_docs} docs by sentence, "
                    f"{result.dropped_sentences} sentences dropped)"
                )
            bar.update(len(batch))
            if not bar.disable:  # a terminal: the bar shows the rest
                if note:
                    bar.write(f"roundtrip: [{pivot}]{note}", file=sys.stderr)
                continue
            _log(
                f"roundtrip: {done_docs}/{n_docs} docs, {elapsed:.0f}s elapsed, "
                f"~{eta:.0f}s left [{pivot}]{note}"
            )
    return ran


def _run_and_store(
    pivot: str, batch: Sequence[Original], cache_dir: Path, runner: Runner = run_pipeline
) -> BatchResult:
    start = time.monotonic()
    result = translate_batch(pivot, batch, runner)
    path = cache_path(pivot, batch_key(pivot, batch), cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "pivot": pivot,
        "command": command(pivot),
        "version": PIPELINE_VERSION,
        "groups": [o.group for o in batch],
        "segments": result.segments,
        "calls": result.calls,
        "fallback": result.fallback,
        "repaired_docs": result.repaired_docs,
        "dropped_sentences": result.dropped_sentences,
        "seconds": round(time.monotonic() - start, 3),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)  # atomic: an interrupted run never leaves half a cache entry
    return result


def make_record(pivot: str, original: Original, segments: Sequence[str]) -> Record:
    """A round-trip record that shares its source's group (and so its split).

    ``lang`` is the pivot, as for every round trip; a round-tripped professional
    translation keeps the language it was translated from as ``source_lang``,
    so that holding a language out holds out its round trips too.
    """
    meta = [("pivot", pivot), ("orig_group", original.group), ("of", original.kind)]
    if original.kind == "HT":
        meta.append(("source_lang", original.lang))
    return Record(
        text=postprocess(segments, original, repair=pivot not in UNREPAIRED),
        label=ROUNDTRIP_LABELS[original.kind],
        group=original.group,
        source=f"apertium-{pivot}",
        lang=pivot,
        system=f"apertium-{pivot}",
        meta=tuple(meta),
    )


def read_cached(
    pivot: str, batch: Sequence[Original], cache_dir: Path = CACHE
) -> list[Record] | None:
    """The batch's round-trip records from the cache; None if missing or made for other groups."""
    path = cache_path(pivot, batch_key(pivot, batch), cache_dir)
    if not path.is_file():
        return None
    entry = json.loads(path.read_text(encoding="utf-8"))
    if entry["groups"] != [o.group for o in batch]:
        return None
    return [
        make_record(pivot, original, segments)
        for original, segments in zip(batch, entry["segments"], strict=True)
    ]


def sources(
    kinds: Sequence[str] = SOURCE_KINDS, limit: int | None = DEFAULT_LIMIT
) -> list[Original]:
    """The human texts to round-trip, kind by kind (originals first, as the cache has them)."""
    unknown = set(kinds) - set(SOURCE_KINDS)
    if unknown:
        raise ValueError(f"unknown source kinds {sorted(unknown)}; known: {list(SOURCE_KINDS)}")
    out: list[Original] = []
    if "ORIG" in kinds:
        out.extend(select_originals(original_records(), limit))
    others = [kind for kind in kinds if kind != "ORIG"]
    if others:
        human = [*wmt_records(), *learner_records()]
        for kind in others:
            out.extend(select_sources(human, kind))
    return out


def roundtrip_records(
    pivots: Sequence[str] = PIVOTS,
    limit: int | None = DEFAULT_LIMIT,
    workers: int = DEFAULT_WORKERS,
    cache_dir: Path = CACHE,
    kinds: Sequence[str] = SOURCE_KINDS,
    extra_pivots: Sequence[str] = EXTRA_PIVOTS,
    extra_limit: int = EXTRA_PIVOT_LIMIT,
) -> list[Record]:
    """Round trips of every planned batch, generating what is missing (progress on stderr)."""
    jobs = planned_batches(sources(kinds, limit), pivots, extra_pivots, extra_limit)
    generate(jobs, workers, cache_dir)
    return read_records(jobs, cache_dir)


def read_records(jobs: Sequence[Job], cache_dir: Path = CACHE) -> list[Record]:
    """The cached round trips of every (pivot, batch), in order; every batch must be there."""
    records: list[Record] = []
    for pivot, batch in jobs:
        cached = read_cached(pivot, batch, cache_dir)
        if cached is None:
            path = cache_path(pivot, batch_key(pivot, batch), cache_dir)
            raise RuntimeError(f"cache entry {path} is missing or not for its batch; delete it")
        records.extend(cached)
    return records


def source_batches(chosen: Sequence[Original], size: int = BATCH_DOCS) -> list[list[Original]]:
    """Batches that never mix kinds, so the originals' batches (and cache) stay as they were."""
    out: list[list[Original]] = []
    for kind in SOURCE_KINDS:
        out.extend(batches([o for o in chosen if o.kind == kind], size))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pivots", nargs="+", default=list(PIVOTS), help="of every text")
    parser.add_argument(
        "--extra-pivots",
        nargs="*",
        default=list(EXTRA_PIVOTS),
        help="of the first --extra-limit originals only (none: give the flag alone)",
    )
    parser.add_argument("--extra-limit", type=int, default=EXTRA_PIVOT_LIMIT)
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help="originals per pivot, 0 for all (default: all)",
    )
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument(
        "--of",
        nargs="+",
        default=list(SOURCE_KINDS),
        choices=SOURCE_KINDS,
        help="which human texts to round-trip (default: all)",
    )
    args = parser.parse_args(argv)
    limit = args.limit or None
    start = time.monotonic()
    chosen = sources(args.of, limit)
    jobs = planned_batches(chosen, args.pivots, args.extra_pivots, args.extra_limit)
    try:
        ran = generate(jobs, args.workers)
    except ApertiumMissing as error:
        _log(str(error))
        return 1
    records = read_records(jobs)
    elapsed = time.monotonic() - start
    for pivot in ran:
        for kind in args.of:
            mine = [r for r in records if r.lang == pivot and r.label == ROUNDTRIP_LABELS[kind]]
            if not mine:
                continue
            words = sum(r.n_words for r in mine)
            print(
                f"{pivot} {ROUNDTRIP_LABELS[kind]}: {len(mine)} round trips, {words} words, "
                f"{sum(r.n_words >= MIN_CORPUS_WORDS for r in mine)} with "
                f">= {MIN_CORPUS_WORDS} words"
            )
        print(f"{pivot}: {ran[pivot]} batches run now")
    print(f"total: {len(records)} records in {elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
