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


def bucket_of(record: Record) -> str:
    """The source a record is balanced against: no one bucket may dominate."""
    if record.label == "MT":
        return f"MT:{record.lang}"
    if record.label == "RT":
        return f"RT:{record.lang}"
    if record.label == "ORIG":
        return f"ORIG:{record.source}"
    return record.label


def sample_weights(records: Sequence[Record], temper: float = 0.5) -> np.ndarray:
    """Each class gets equal total weight; within it, bucket b gets n_b**temper.

    With temper 0.5 a bucket 100 times larger counts 10 times more, not 100:
    big sources still teach more, but none drowns the others.
    """
    buckets = [bucket_of(r) for r in records]
    sizes = Counter(buckets)
    classes = Counter()
    for bucket, size in sizes.items():
        label = records[buckets.index(bucket)].y
        classes[label] += size**temper
    weights = np.empty(len(records))
    for i, (record, bucket) in enumerate(zip(records, buckets, strict=True)):
        weights[i] = sizes[bucket] ** temper / sizes[bucket] / classes[record.y]
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

    files.add(mtdetect.boilerplate.__file__)
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
