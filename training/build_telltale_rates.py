"""Measure how often each telltale occurs in native English news.

python -m training.build_telltale_rates  ->  mtdetect/data/telltale_rates.json

Every 4th document of the native news corpus (about 11,000 documents,
3.2M words) goes through the same extractor as production; the rate of each
telltale kind per word, with add-half smoothing, is shipped.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtdetect.features import FeatureExtractor
from mtdetect.resources import data_path
from mtdetect.telltales import RATES_FILE, TELLTALE_KINDS
from training.corpus import news_lm_documents

STEP = 4


def main() -> int:
    extractor = FeatureExtractor(families=("names", "surface"), count_telltales=False).fit([])
    counts: Counter[str] = Counter()
    words = docs = 0
    for i, text in enumerate(news_lm_documents()):
        if i % STEP:
            continue
        extraction = extractor.extract_one(text)
        words += extraction.n_words
        docs += 1
        counts.update(e.kind for e in extraction.evidence if e.kind in TELLTALE_KINDS)
    rates = {kind: (counts[kind] + 0.5) / words for kind in sorted(TELLTALE_KINDS)}
    payload = {
        "source": f"english-news-lm.txt.gz, every {STEP}th document",
        "documents": docs,
        "words": words,
        "counts": {kind: counts[kind] for kind in sorted(TELLTALE_KINDS)},
        "rates": rates,
    }
    path = data_path(RATES_FILE)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(payload["counts"], indent=2), f"\n{docs} documents, {words} words -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
