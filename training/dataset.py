"""Turn records into a feature matrix once, cache it, and weight it fairly."""

from __future__ import annotations

import hashlib
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mtdetect.features import FeatureExtractor
from training._progress import progress
from training.corpus import Record

CACHE = Path(__file__).resolve().parent / "cache" / "features"
BALANCE_PAIRS = True


# The human texts each kind of machine text is matched with inside its group:
# a WMT system output with the professional translations of the same source (or
# the English source itself, for liv-en), and an Apertium round trip with the
# group's texts of the kind it was made from: its original, the document's
# professional translations, or the author's essays.
PARTNERS: dict[str, frozenset[str]] = {
    "MT": frozenset({"HT", "ORIG"}),
    "RT": frozenset({"ORIG"}),
    "RT-HT": frozenset({"HT"}),
    "RT-LEARNER": frozenset({"LEARNER"}),
}


def bucket_of(record: Record) -> str:
    """The source a record is balanced against: no one bucket may dominate."""
    if record.label in ("MT", "RT"):
        return f"{record.label}:{record.lang}"
    if record.label == "ORIG":
        return f"ORIG:{record.source}"
    return record.label


def pair_kind(label: str) -> str:
    """The kind of matched pair a machine text makes: "MT" (MT-roundtrip included) or its label."""
    return "MT" if label.startswith("MT") else label


def matched_pairs_of(records: Sequence[Record]) -> list[tuple[str, list[int], list[int]]]:
    """Every matched pair as (kind, machine rows, human rows).

    A group holds one pair per kind of machine text that has human partners in
    it: a WMT document with a round trip of its professional translation makes
    two pairs (MT with HT, and RT-HT with HT), the HT row taking part in both.
    """
    by_group: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_group.setdefault(record.group, []).append(i)
    pairs: list[tuple[str, list[int], list[int]]] = []
    for members in by_group.values():
        machine: dict[str, list[int]] = {}
        for i in members:
            if records[i].y == 1:
                machine.setdefault(pair_kind(records[i].label), []).append(i)
        for kind, rows in machine.items():
            partners = PARTNERS.get(kind, frozenset())
            humans = [i for i in members if records[i].y == 0 and records[i].label in partners]
            if humans:
                pairs.append((kind, rows, humans))
    return pairs


def sample_weights(
    records: Sequence[Record], single_share: float = 0.3, balance_pairs: bool = BALANCE_PAIRS
) -> np.ndarray:
    """Weights that blunt topic and genre and keep every source in proportion.

    A machine text and the human text it was made from (a WMT source's MT
    outputs and its reference; an original, a professional translation or a
    learner essay and its Apertium round trips) form a matched pair: within a
    side, each version gets an equal share, and every pair carries the same
    weight per side, so what a document is about weighs nearly the same on
    both sides. Rows in no pair (learner essays without a round trip,
    originals without one) carry ``single_share`` of their class's total,
    balanced by bucket (square root of bucket size) so no one source
    dominates. Each class sums to the same total; when only the human class
    has single rows, every pair's human side weighs ``1 - single_share`` of
    its machine side. That factor is the same for every pair, so it acts as a
    class prior (absorbed by the intercept), not as a topic signal.

    An original's round trips (every pivot, partial ones included) are the
    machine side of its one RT pair, each an equal share. The extra pivots
    (``training/pivots.py``) add two round trips to the first 1,100 originals:
    in the train split Spanish and Catalan then hold 39.7% of the RT weight
    each, Serbo-Croatian and Spanish-French 10.3% each (:func:`pivot_shares`).
    """
    weights = np.zeros(len(records))
    paired_total = {0: 0.0, 1: 0.0}
    pairs = matched_pairs_of(records)
    kinds = Counter(kind for kind, _, _ in pairs)
    in_pair = np.zeros(len(records), dtype=bool)
    for kind, machine, humans in pairs:
        # every kind of pair (translated news, each kind of round trip) weighs the same
        pair_weight = 1.0 / kinds[kind] if balance_pairs else 1.0
        for label, side in ((1, machine), (0, humans)):
            weights[side] += pair_weight / len(side)
            in_pair[side] = True
            paired_total[label] += pair_weight
    single = np.flatnonzero(~in_pair).tolist()
    sizes = Counter(bucket_of(records[i]) for i in single)
    single_total = {0: 0.0, 1: 0.0}
    for i in single:
        bucket = bucket_of(records[i])
        weights[i] = sizes[bucket] ** 0.5 / sizes[bucket]
        single_total[records[i].y] += weights[i]
    for label in (0, 1):
        members = [i for i in single if records[i].y == label]
        paired = [i for i, r in enumerate(records) if r.y == label and in_pair[i]]
        share = single_share if paired and members else 1.0
        if members and single_total[label]:
            weights[members] *= share / single_total[label]
        if paired and paired_total[label]:
            weights[paired] *= (1.0 - share if members else 1.0) / paired_total[label]
    return weights * len(records) / weights.sum()


def pivot_shares(records: Sequence[Record], weights: np.ndarray) -> dict[str, float]:
    """Each pivot's share of the RT rows' weight, so that no one engine is seen to set the model."""
    totals: Counter[str] = Counter()
    for record, weight in zip(records, weights, strict=True):
        if record.label == "RT":
            totals[record.lang] += float(weight)
    whole = sum(totals.values())
    return {pivot: total / whole for pivot, total in sorted(totals.items())} if whole else {}


def _cache_key(extractor: FeatureExtractor, texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    digest.update(repr(sorted(extractor.fingerprints_.items())).encode())
    digest.update("|".join(extractor.get_feature_names_out()).encode())
    for source in sorted(_signal_sources(extractor)):
        digest.update(Path(source).read_bytes())
    for text in texts:
        digest.update(hashlib.sha1(text.encode()).digest())
    return digest.hexdigest()[:20]


def _signal_sources(extractor: FeatureExtractor) -> list[str]:
    """Source files of the feature code: editing a signal invalidates the cache."""
    import mtdetect.features
    import mtdetect.text

    files = {mtdetect.features.__file__, mtdetect.text.__file__}
    for signal in extractor._signals():
        files.add(sys.modules[type(signal).__module__].__file__ or "")
    import mtdetect.boilerplate
    import mtdetect.telltales

    files.add(mtdetect.boilerplate.__file__)
    if "style" in extractor.families:
        import mtdetect.pattern_model

        files.add(
            mtdetect.pattern_model.__file__
        )  # the pattern model's code, behind signals.patterns
    files.add(mtdetect.telltales.__file__)
    files.add(str(mtdetect.telltales.data_path(mtdetect.telltales.RATES_FILE)))
    return [f for f in files if f]


def featurize(
    extractor: FeatureExtractor, texts: Sequence[str], use_cache: bool = True, label: str = ""
) -> np.ndarray:
    """Feature matrix for ``texts`` (cached on disk by content and code)."""
    if not hasattr(extractor, "feature_names_out_"):
        extractor.fit([])
    path = CACHE / f"{_cache_key(extractor, texts)}.npy"
    if use_cache and path.is_file():
        return np.load(path)
    started = time.perf_counter()
    rows = []
    bar = progress(texts, desc=f"featurize {label}".strip())
    for i, text in enumerate(bar):
        rows.append(extractor.extract_one(text).features)
        if bar.disable and i and i % 2000 == 0:  # a log, not a terminal
            rate = i / (time.perf_counter() - started)
            print(f"  featurize {label}: {i}/{len(texts)} ({rate:.0f} docs/s)", file=sys.stderr)
    matrix = np.vstack(rows) if rows else np.zeros((0, extractor.n_features_out_))
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, matrix)
    return matrix
