"""Build the shipped name resources: ``mtdetect/data/names.tsv`` and ``name_chars.npz``.

Sources: the native English news LM corpus (unlabelled, used whole) and the
human-written TRAIN-split records (ORIG and HT) of the labelled corpus. No
validation or test record is read, so held-out names stay unknown and the
evaluation of the names signal stays honest.

    python -m training.build_gazetteer [--cache]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from mtdetect._name_forms import count_forms
from mtdetect.gazetteer import Gazetteer
from mtdetect.name_chars import NameCharModel
from mtdetect.resources import data_path
from training.corpus import labelled_records, news_lm_documents

CACHE = Path(__file__).resolve().parent / "cache" / "gazetteer_counts.pkl"
#: capitalised forms are kept from a single sighting (so "is this spelling
#: attested at all" can be answered); ordinary words need two
MIN_NAME_COUNT = 1
MIN_WORD_COUNT = 2
#: the character model learns from spellings seen at least this often (no typos)
CHAR_MIN_COUNT = 2


def human_train_texts() -> list[str]:
    """ORIG and HT records of the train split: human English, never held out."""
    return [r.text for r in labelled_records() if r.split == "train" and r.label in ("ORIG", "HT")]


def count_sources(news: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """Capitalised-form and lowercase-word counts of ``news`` plus the human train split."""
    caps, lower = count_forms(news)
    caps2, lower2 = count_forms(human_train_texts())
    caps.update(caps2)
    lower.update(lower2)
    return caps, lower


def gazetteer_from(caps: Counter[str], lower: Counter[str]) -> Gazetteer:
    """The gazetteer the counts give: names from one sighting, ordinary words from two."""
    counts = {f: n for f, n in caps.items() if n >= MIN_NAME_COUNT}
    counts.update({w: n for w, n in lower.items() if n >= MIN_WORD_COUNT})
    return Gazetteer(counts)


def gather_counts(use_cache: bool) -> tuple[Counter[str], Counter[str]]:
    if use_cache and CACHE.exists():
        with open(CACHE, "rb") as handle:
            return pickle.load(handle)
    caps, lower = count_sources(news_lm_documents())
    if use_cache:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        with open(CACHE, "wb") as handle:
            pickle.dump((caps, lower), handle)
    return caps, lower


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", action="store_true", help="reuse/keep counts in training/cache")
    parser.add_argument("--out", type=Path, default=None, help="output folder (mtdetect/data)")
    args = parser.parse_args(argv)
    out = args.out or data_path("names.tsv").parent

    start = time.time()
    caps, lower = gather_counts(args.cache)
    gazetteer = gazetteer_from(caps, lower)
    gazetteer.save(out / "names.tsv")
    model = NameCharModel.train(f for f, n in caps.items() if n >= CHAR_MIN_COUNT)
    model.save(out / "name_chars.npz")
    print(
        f"{len(gazetteer.counts)} forms "
        f"({sum(1 for f in gazetteer.counts if f[0].isupper())} capitalised), "
        f"odd-spelling threshold {model.threshold:.2f} bits/char, {time.time() - start:.0f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
