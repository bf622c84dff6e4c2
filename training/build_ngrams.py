"""Build ``mtdetect/data/news_ngrams.npz``: word and bigram counts of native news.

Why: machine output strings together words that native news never puts side
by side ("marginal policies", "make weaken"). Counting what native news does
say is the reference for the ``phrases`` signal. Only the unlabelled native
news corpus is read (never the labelled corpus), so no evaluation document
leaks into the table.

One pass over the corpus: tokens get provisional ids from a growing dict,
the id stream is kept as a numpy array, and the vocabulary cut and bigram
counting are then done in numpy. Run: ``python -m training.build_ngrams``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.sparse as sp  # scikit-learn's own dependency; used at build time only
from sklearn.utils.extmath import randomized_svd

from mtdetect.ngrams import BOUNDARY, NUM, SPECIALS, UNK, bucket_counts
from mtdetect.resources import data_path
from mtdetect.signals.phrases import FUNCTION_WORDS
from mtdetect.text import TOKEN_RE, normalise
from training.corpus import news_lm_documents

VOCAB_SIZE = 65536  # ids must fit in 16 bits
# Bigrams seen once are kept (2.3M keys, about 4 MB): without them "unseen" would
# mean "seen at most once", and the rarest native collocations would look odd.
MIN_BIGRAM_COUNT = 1
NEIGHBOUR_MIN_COUNT = 50  # words that get a list of distributional neighbours
NEIGHBOURS = 20
CONTEXT_FEATURES = 10000  # most frequent tokens used as left/right contexts
SVD_DIMENSIONS = 150


def tokenise_corpus(limit: int | None) -> tuple[np.ndarray, list[str]]:
    """Return the provisional id stream (BOUNDARY between documents) and id -> token."""
    index: dict[str, int] = {tok: i for i, tok in enumerate(SPECIALS)}
    chunks: list[np.ndarray] = []
    boundary = np.array([BOUNDARY], dtype=np.uint32)
    for doc in news_lm_documents(limit):
        toks = TOKEN_RE.findall(normalise(doc).lower())
        get = index.get
        ids = [get(t, -1) for t in toks]
        for i, v in enumerate(ids):
            if v < 0:
                tok = toks[i]
                v = get(tok, -1)
                if v < 0:
                    v = index[tok] = len(index)
                ids[i] = v
        chunks.append(boundary)
        chunks.append(np.array(ids, dtype=np.uint32))
    chunks.append(boundary)
    return np.concatenate(chunks), list(index)


def neighbours(
    keys: np.ndarray, counts: np.ndarray, vocab: list[str], unigram: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distributional neighbours of each common word, from its left/right contexts.

    Why: an unseen pair ("opposition candidate") is often just sparse data; if
    words used like its words ("democratic candidate", "opposition nominee")
    are seen, it is ordinary English. PPMI over immediate neighbours, reduced
    by SVD, cosine similarity: (word ids, [n_words, NEIGHBOURS] neighbour ids).
    """
    left = (keys >> 16).astype(np.int64)
    right = (keys & 0xFFFF).astype(np.int64)
    is_word = np.fromiter((w[:1].isalpha() for w in vocab), dtype=bool, count=len(vocab))
    targets = np.flatnonzero(is_word & (unigram >= NEIGHBOUR_MIN_COUNT))
    row_of = np.full(len(vocab), -1)
    row_of[targets] = np.arange(len(targets))
    # vocabulary ids are in frequency order, so ids < CONTEXT_FEATURES are the commonest tokens
    as_left = (row_of[left] >= 0) & (right < CONTEXT_FEATURES)
    as_right = (row_of[right] >= 0) & (left < CONTEXT_FEATURES)
    matrix = sp.coo_matrix(
        (
            np.r_[counts[as_left], counts[as_right]].astype(np.float64),
            (
                np.r_[row_of[left[as_left]], row_of[right[as_right]]],
                np.r_[right[as_left], CONTEXT_FEATURES + left[as_right]],
            ),
        ),
        shape=(len(targets), 2 * CONTEXT_FEATURES),
    ).tocsr()
    matrix.sum_duplicates()
    total = matrix.sum()
    row_sum = np.asarray(matrix.sum(axis=1)).ravel()
    col_sum = np.asarray(matrix.sum(axis=0)).ravel() ** 0.75  # context smoothing
    col_sum *= total / col_sum.sum()
    coo = matrix.tocoo()
    pmi = np.log(coo.data * total / (row_sum[coo.row] * col_sum[coo.col]))
    positive = pmi > 0
    ppmi = sp.csr_matrix(
        (pmi[positive], (coo.row[positive], coo.col[positive])), shape=matrix.shape
    )
    u, s, _ = randomized_svd(ppmi, n_components=SVD_DIMENSIONS, random_state=0)
    emb = (u * np.sqrt(s)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    out = np.zeros((len(targets), NEIGHBOURS), dtype=np.uint16)
    block = 2000
    for start in range(0, len(targets), block):
        sim = emb[start : start + block] @ emb.T
        sim[np.arange(len(sim)), np.arange(start, start + len(sim))] = -np.inf
        top = np.argpartition(-sim, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
        order = np.argsort(-np.take_along_axis(sim, top, axis=1), axis=1)
        out[start : start + block] = targets[np.take_along_axis(top, order, axis=1)]
    return targets.astype(np.uint16), out


def content_shares(
    keys: np.ndarray, counts: np.ndarray, vocab: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per id: is it a function word, and how often (percent) is it followed / preceded
    by a content word. Why: stored, so that loading stays fast; the phrases signal
    tests only pairs in a modifier-head slot."""
    function = np.fromiter((w in FUNCTION_WORDS for w in vocab), dtype=bool, count=len(vocab))
    is_word = np.fromiter((w[:1].isalpha() for w in vocab), dtype=bool, count=len(vocab))
    content = is_word & ~function
    left = (keys >> 16).astype(np.int64)
    right = (keys & 0xFFFF).astype(np.int64)
    size = len(vocab)
    weights = counts.astype(np.float64)
    after = np.bincount(left, weights=weights * content[right], minlength=size)
    before = np.bincount(right, weights=weights * content[left], minlength=size)
    after /= np.maximum(np.bincount(left, weights=weights, minlength=size), 1)
    before /= np.maximum(np.bincount(right, weights=weights, minlength=size), 1)
    as_percent = lambda x: np.rint(100 * x).astype(np.uint8)  # noqa: E731
    return function, as_percent(after), as_percent(before)


def build(limit: int | None = None, vocab_size: int = VOCAB_SIZE) -> dict[str, np.ndarray]:
    """Count the corpus and return the arrays that go into the npz."""
    t0 = time.perf_counter()
    stream, tokens = tokenise_corpus(limit)
    elapsed = time.perf_counter() - t0
    print(f"tokenised {len(stream):,} tokens, {len(tokens):,} types in {elapsed:.1f}s")

    # Numbers collapse into one id; specials keep theirs; the rest ranked by count.
    counts = np.bincount(stream, minlength=len(tokens))
    is_num = np.fromiter((t[0].isdigit() for t in tokens), dtype=bool, count=len(tokens))
    counts_words = counts.copy()
    counts_words[is_num] = 0
    counts_words[: len(SPECIALS)] = 0
    order = np.argsort(-counts_words, kind="stable")
    keep = order[: vocab_size - len(SPECIALS)]
    keep = keep[counts_words[keep] > 0]
    remap = np.full(len(tokens), UNK, dtype=np.uint32)
    remap[is_num] = NUM
    remap[BOUNDARY] = BOUNDARY
    remap[keep] = np.arange(len(SPECIALS), len(SPECIALS) + len(keep), dtype=np.uint32)
    ids = remap[stream]
    vocab = list(SPECIALS) + [tokens[i] for i in keep]
    unigram = np.bincount(ids, minlength=len(vocab)).astype(np.uint32)

    keys = (ids[:-1] << 16) | ids[1:]
    keys = keys[(ids[:-1] != BOUNDARY) | (ids[1:] != BOUNDARY)]
    uniq, bi_counts = np.unique(keys, return_counts=True)
    n_distinct = len(uniq)
    mask = bi_counts >= MIN_BIGRAM_COUNT
    uniq, bi_counts = uniq[mask], bi_counts[mask]
    print(
        f"vocab {len(vocab):,}, unk rate {np.mean(ids == UNK):.4f}; "
        f"bigrams {n_distinct:,} distinct, {len(uniq):,} kept (count >= {MIN_BIGRAM_COUNT})"
    )
    deltas = np.diff(uniq, prepend=np.uint32(0)).astype(np.uint32)
    t1 = time.perf_counter()
    nb_ids, nb = neighbours(uniq, bi_counts, vocab, unigram)
    print(f"neighbours for {len(nb_ids):,} words in {time.perf_counter() - t1:.1f}s")
    function, after, before = content_shares(uniq, bi_counts, vocab)
    return {
        "vocab": np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
        "unigram": unigram,
        "n_tokens": np.array([len(ids)], dtype=np.int64),
        "n_bigrams": np.array([int(np.sum(bi_counts))], dtype=np.int64),
        "bigram_delta": deltas,
        "bigram_bucket": bucket_counts(bi_counts),
        "neighbour_ids": nb_ids,
        "neighbours": nb,
        "function_word": function,
        "content_after": after,
        "content_before": before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="documents to read (testing)")
    parser.add_argument("--out", default=str(data_path("news_ngrams.npz")))
    args = parser.parse_args()
    t0 = time.perf_counter()
    arrays = build(args.limit)
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out} in {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
