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
from training.corpus import Record

CACHE = Path(__file__).resolve().parent / "cache" / "features"
BALANCE_PAIRS = True


def bucket_of(record: Record) -> str:
    """The source a record is balanced against: no one bucket may dominate."""
    if record.label == "MT":
        return f"MT:{record.lang}"
    if record.label == "RT":
        return f"RT:{record.lang}"
    if record.label == "ORIG":
        return f"ORIG:{record.source}"
    return record.label


def pair_kind(records: Sequence[Record], members: Sequence[int]) -> str:
    """What made a matched group's machine side: a round trip we generated, or MT."""
    return "RT" if any(records[i].label == "RT" for i in members) else "MT"


def sample_weights(
    records: Sequence[Record], single_share: float = 0.3, balance_pairs: bool = BALANCE_PAIRS
) -> np.ndarray:
    """Weights that blunt topic and genre and keep every source in proportion.

    A source document that has both machine and human versions (a WMT source
    with its MT outputs and reference, an original with its Apertium round
    trips) is a matched pair: within its side, each version gets an equal
    share, and every matched group carries the same weight per side, so what
    a document is about weighs nearly the same on both sides. Groups with one
    side only (learner essays, originals without a round trip) carry
    ``single_share`` of their class's total, balanced by bucket (square root of
    bucket size) so no one source dominates. Each class sums to the same total;
    when only the human class has single groups, every matched pair's human
    side weighs ``1 - single_share`` of its machine side. That factor is the
    same for every pair, so it acts as a class prior (absorbed by the
    intercept), not as a topic signal: exactly equal sides give the same
    validation metrics and seed scores to three decimals.
    """
    by_group: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_group.setdefault(record.group, []).append(i)
    weights = np.zeros(len(records))
    paired_total = {0: 0.0, 1: 0.0}
    single: list[int] = []
    paired_groups: list[list[int]] = []
    for members in by_group.values():
        if len({records[i].y for i in members}) < 2:
            single.extend(members)
        else:
            paired_groups.append(members)
    kind_of = [pair_kind(records, members) for members in paired_groups]
    kinds = Counter(kind_of)
    for members, kind in zip(paired_groups, kind_of, strict=True):
        # every kind of pair (translated news, round-tripped originals) weighs the same
        group_weight = 1.0 / kinds[kind] if balance_pairs else 1.0
        for label in (0, 1):
            side = [i for i in members if records[i].y == label]
            for i in side:
                weights[i] = group_weight / len(side)
            paired_total[label] += group_weight
    sizes = Counter(bucket_of(records[i]) for i in single)
    single_total = {0: 0.0, 1: 0.0}
    for i in single:
        bucket = bucket_of(records[i])
        weights[i] = sizes[bucket] ** 0.5 / sizes[bucket]
        single_total[records[i].y] += weights[i]
    single_set = set(single)
    for label in (0, 1):
        members = [i for i in single if records[i].y == label]
        paired = [i for i, r in enumerate(records) if r.y == label and i not in single_set]
        share = single_share if paired and members else 1.0
        if members and single_total[label]:
            weights[members] *= share / single_total[label]
        if paired and paired_total[label]:
            weights[paired] *= (1.0 - share if members else 1.0) / paired_total[label]
    return weights * len(records) / weights.sum()


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
        import mtdetect.style

        files.add(mtdetect.style.__file__)  # the pattern model's code, behind signals.style
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
    for i, text in enumerate(texts):
        rows.append(extractor.extract_one(text).features)
        if i and i % 2000 == 0:
            rate = i / (time.perf_counter() - started)
            print(f"  featurize {label}: {i}/{len(texts)} ({rate:.0f} docs/s)", file=sys.stderr)
    matrix = np.vstack(rows) if rows else np.zeros((0, extractor.n_features_out_))
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, matrix)
    return matrix
