"""Build ``mtdetect/data/reversed_compounds.npz``: compounds native news never turns inside out.

Why: Romance languages have no noun compounds, so a round trip through
Spanish or Catalan turns "election campaign" into "campaña electoral" and back
into "campaign of election". English news writes the compound and never the
of-form. This table holds the noun pairs for which native news shows exactly
that: the compound "A B" at least ``MIN_COMPOUND_COUNT`` times, and "B of A"
(with or without an article) never. A bare "B of A" in a document is then a
compound turned inside out.

Only the unlabelled native news corpus is read, and words get the ids of the
shipped ``news_ngrams.npz`` (whose fingerprint is stored, so a table built
against another vocabulary is refused at load).
Run: ``python -m training.build_compounds`` (about 15 s).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mtdetect.ngrams import BOUNDARY, UNK, news_ngrams
from mtdetect.resources import data_path
from mtdetect.signals.phrases import REVERSED_COMPOUNDS, content_words
from mtdetect.text import TOKEN_RE, normalise
from training.corpus import news_lm_documents

# A compound seen fewer times than this is too thin a basis for "native news
# never says the of-form". At 5, the signal fires on 46.6% of round trips and
# 1.1-1.8% of human translations, originals and learner essays (train and
# validation splits: python -m training.experiments.surface_rates --families
# phrases); lower counts catch more round trips and more human text with them.
MIN_COMPOUND_COUNT = 5


def stream_ids(limit: int | None) -> np.ndarray:
    """The news corpus as ids of the shipped vocabulary, BOUNDARY between documents."""
    index = news_ngrams().index
    get = index.get
    chunks = []
    for doc in news_lm_documents(limit):
        chunks.append(np.array([BOUNDARY], dtype=np.int64))
        toks = TOKEN_RE.findall(normalise(doc).lower())
        chunks.append(np.array([get(t, UNK) for t in toks], dtype=np.int64))
    chunks.append(np.array([BOUNDARY], dtype=np.int64))
    return np.concatenate(chunks)


def reversed_compounds(
    ids: np.ndarray, min_count: int = MIN_COMPOUND_COUNT
) -> dict[str, np.ndarray]:
    """Keys ``(A << 16) | B`` of compounds "A B" whose of-form "B of (the) A" never occurs."""
    ng = news_ngrams()
    c = content_words(ng)[ids]
    pair = c[:-1] & c[1:]
    compounds, counts = np.unique((ids[:-1][pair] << 16) | ids[1:][pair], return_counts=True)

    of = ng.index["of"]
    article = np.isin(ids, [ng.index[w] for w in ("the", "a", "an")])
    bare = c[:-2] & (ids[1:-1] == of) & c[2:]
    with_article = c[:-3] & (ids[1:-2] == of) & article[2:-1] & c[3:]
    bare_keys = (ids[2:][bare] << 16) | ids[:-2][bare]
    article_keys = (ids[3:][with_article] << 16) | ids[:-3][with_article]
    of_forms = np.unique(np.concatenate([bare_keys, article_keys]))
    keep = (counts >= min_count) & ~np.isin(compounds, of_forms)
    keys = compounds[keep].astype(np.uint32)
    return {
        "key_delta": np.diff(keys, prepend=np.uint32(0)).astype(np.uint32),
        "compound_count": np.minimum(counts[keep], np.iinfo(np.uint16).max).astype(np.uint16),
        "ngrams_fingerprint": np.frombuffer(ng.fingerprint().encode("ascii"), dtype=np.uint8),
        "min_count": np.array([min_count], dtype=np.int64),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="documents to read (testing)")
    parser.add_argument("--min-count", type=int, default=MIN_COMPOUND_COUNT)
    parser.add_argument("--out", default=str(data_path(REVERSED_COMPOUNDS)))
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    ids = stream_ids(args.limit)
    arrays = reversed_compounds(ids, args.min_count)
    np.savez_compressed(args.out, **arrays)
    print(
        f"{len(ids):,} tokens; {len(arrays['key_delta']):,} compounds never reversed "
        f"(seen >= {args.min_count} times); wrote {args.out} in {time.perf_counter() - t0:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
