"""Build ``mtdetect/data/news_lm.npz``: a pruned Kneser-Ney trigram model of native news.

Why: the ``fluency`` signal asks how predictable each word is for a model of
native English news. Interpolated modified Kneser-Ney (Chen & Goodman 1998),
pruned to trigrams seen at least ``MIN_TRIGRAM_COUNT`` times and bigrams seen
at least ``MIN_BIGRAM_COUNT`` times, with backoff weights renormalised after
pruning (as SRILM does), so each history's distribution still sums to one.

The evaluation quarter of the news corpus (``training.corpus.NEWS_QUARTERS``)
is left out, so that the native news whose false positives are measured is
as new to the model as text in production is.

Everything is counted in numpy over packed integer keys: one sort per order.
Run: ``python -m training.build_fluency [--limit N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mtdetect.fluency_lm import (
    BOUNDARY,
    NUM,
    SPECIALS,
    TOP_K,
    UNK,
    histories,
    lm_tokens,
    with_boundaries,
)
from mtdetect.resources import data_path
from mtdetect.text import Document
from training.corpus import NEWS_QUARTERS, NEWS_STEP, news_lm_documents

VOCAB_SIZE = 50_000  # words, besides the specials; ids stay below 2**16
MIN_WORD_COUNT = 3
# Trigrams seen once are dropped, and bigrams too: about 5.4 MB on disk. The
# trigram cut must not be below the bigram cut, so that every kept trigram's
# last two words are a kept bigram (the backoff weights assume it).
MIN_BIGRAM_COUNT = 2
MIN_TRIGRAM_COUNT = 2
LP_STEP = 0.1  # bits per step of a quantised log-probability (uint8: 0 to 25.5 bits)
CANDIDATES = 20  # likeliest lower-order words considered for a history's k-th best
HELD_OUT = NEWS_QUARTERS["evaluation"]
_M16 = np.uint64(0xFFFF)
_S16 = np.uint64(16)


@dataclass
class Tables:
    """The model in float64, before quantisation (what :func:`pack` stores)."""

    vocab: list[str]
    uni_lp: np.ndarray  # log2 P1(w)
    uni_bow: np.ndarray  # log2 bow(v)
    hist_top: np.ndarray  # [V, 2] log2 of the 1st and TOP_K-th best after v
    bi_keys: np.ndarray  # uint64 (v << 16) | w, sorted
    bi_lp: np.ndarray
    ctx_keys: np.ndarray  # uint64 (u << 16) | v, sorted
    ctx_bow: np.ndarray
    ctx_top: np.ndarray
    tri_keys: np.ndarray  # uint64 (u << 32) | (v << 16) | w, sorted
    tri_lp: np.ndarray
    n_tokens: int


def tokenise(documents: Iterable[str]) -> tuple[np.ndarray, list[str]]:
    """Provisional id stream ``<s> s1 <s> s2 ... <s>`` over all documents, and id -> token."""
    index: dict[str, int] = {tok: i for i, tok in enumerate(SPECIALS)}
    chunks: list[np.ndarray] = []
    for text in documents:
        doc = Document(text)
        toks = lm_tokens(doc)
        ids = [index.setdefault(t, len(index)) for t in toks.strings(doc)]
        stream, _ = with_boundaries(np.array(ids, dtype=np.int64), toks.sentence)
        chunks.append(stream[:-1])  # the next document's opening <s> closes this one
    chunks.append(np.array([BOUNDARY], dtype=np.int64))
    return np.concatenate(chunks), list(index)


def discounts(counts: np.ndarray) -> np.ndarray:
    """Modified Kneser-Ney discounts ``[0, D1, D2, D3+]`` from the counts of counts."""
    n = np.array([np.sum(counts == k) for k in range(1, 5)], dtype=np.float64)
    if n[0] == 0 or n[1] == 0:
        return np.array([0.0, 0.5, 1.0, 1.5])
    y = n[0] / (n[0] + 2 * n[1])
    out = [1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1]]
    out.append(3 - 4 * y * n[3] / n[2] if n[2] > 0 else 1.5)
    return np.array([0.0] + [min(max(d, 0.1), k) for k, d in enumerate(out, 1)])


def _group_sums(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(groups, weights=values, minlength=size)


def _contains(keys: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Whether each wanted key is in sorted ``keys``."""
    if len(keys) == 0:
        return np.zeros(len(want), dtype=bool)
    return keys[np.minimum(np.searchsorted(keys, want), len(keys) - 1)] == want


def _kth_best(
    groups: np.ndarray, probs: np.ndarray, n_groups: int, words: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per group, the ``CANDIDATES`` largest probabilities (descending, 0-padded) and
    their words (-1 padded)."""
    order = np.lexsort((-probs, groups))
    groups, probs = groups[order], probs[order]
    first = np.searchsorted(groups, np.arange(n_groups))
    rank = np.arange(len(groups)) - first[groups]
    keep = rank < CANDIDATES
    top_p = np.zeros((n_groups, CANDIDATES))
    top_p[groups[keep], rank[keep]] = probs[keep]
    top_w = np.full((n_groups, CANDIDATES), -1, dtype=np.int64)
    if words is not None:
        top_w[groups[keep], rank[keep]] = words[order][keep]
    return top_p, top_w


def _top_pair(top_p: np.ndarray) -> np.ndarray:
    """log2 of the 1st and TOP_K-th best (the last candidate when there are fewer)."""
    k = min(TOP_K, top_p.shape[1]) - 1
    kth = top_p[:, k]
    filled = np.maximum((top_p > 0).sum(axis=1) - 1, 0)
    kth = np.where(kth > 0, kth, top_p[np.arange(len(top_p)), filled])
    return np.log2(np.maximum(np.stack([top_p[:, 0], kth], axis=1), 1e-300))


def estimate(ids: np.ndarray, vocab: list[str]) -> Tables:
    """Kneser-Ney estimates from an id stream (``<s>`` between sentences)."""
    size = len(vocab)
    positions = np.arange(1, len(ids))
    u, v = histories(ids, positions)
    w = ids[positions]
    real = ~((v == BOUNDARY) & (w == BOUNDARY))
    u, v, w = (x[real].astype(np.uint64) for x in (u, v, w))
    tri, c3 = np.unique((u << np.uint64(32)) | (v << _S16) | w, return_counts=True)
    bi, c2 = np.unique((v << _S16) | w, return_counts=True)

    # adjusted counts: how many words precede a bigram type (raw counts after <s>)
    _, a2 = np.unique(tri & np.uint64(0xFFFFFFFF), return_counts=True)
    bi_v, bi_w = (bi >> _S16).astype(np.int64), (bi & _M16).astype(np.int64)
    a2 = np.where(bi_v == BOUNDARY, c2, a2).astype(np.float64)
    a1 = np.bincount(bi_w, minlength=size).astype(np.float64)

    d1 = discounts(a1)
    disc1 = d1[np.minimum(a1, 3).astype(int)]
    p1 = (a1 - disc1) / a1.sum() + disc1.sum() / a1.sum() / size

    d2 = discounts(a2)
    disc2 = d2[np.minimum(a2, 3).astype(int)]
    s2 = _group_sums(bi_v, a2, size)
    gamma2 = np.where(s2 > 0, _group_sums(bi_v, disc2, size) / np.maximum(s2, 1), 1.0)
    p2 = (a2 - disc2) / s2[bi_v] + gamma2[bi_v] * p1[bi_w]

    ctx, ctx_first, ctx_n = np.unique(tri >> _S16, return_index=True, return_counts=True)
    group = np.repeat(np.arange(len(ctx)), ctx_n)
    d3 = discounts(c3)
    disc3 = d3[np.minimum(c3, 3)]
    s3 = np.add.reduceat(c3, ctx_first).astype(np.float64)
    gamma3 = np.add.reduceat(disc3, ctx_first) / s3
    p2_of_tri = p2[np.searchsorted(bi, tri & np.uint64(0xFFFFFFFF))]  # every suffix is a bigram
    p3 = (c3 - disc3) / s3[group] + gamma3[group] * p2_of_tri

    # prune, then renormalise each history's backoff weight over what was pruned
    keep2 = c2 >= MIN_BIGRAM_COUNT
    kv, kw = bi_v[keep2], bi_w[keep2]
    bow2 = (1 - _group_sums(kv, p2[keep2], size)) / (1 - _group_sums(kv, p1[kw], size))
    bow2 = np.clip(bow2, 1e-12, None)
    keep3 = c3 >= MIN_TRIGRAM_COUNT
    kg = group[keep3]
    kept_ctx = np.unique(kg)
    mass3 = _group_sums(kg, p3[keep3], len(ctx))[kept_ctx]
    mass2 = _group_sums(kg, p2_of_tri[keep3], len(ctx))[kept_ctx]
    bow3 = np.clip((1 - mass3) / np.maximum(1 - mass2, 1e-12), 1e-12, None)

    # the k-th best next token after each one-word history v: kept bigrams, and
    # v's backoff to the likeliest unigrams (never <unk>: it is not one word)
    top_uni = np.argsort(-p1, kind="stable")
    top_uni = top_uni[top_uni != UNK][:CANDIDATES]
    cand_v = np.repeat(np.arange(size), len(top_uni))
    cand_w = np.tile(top_uni, size)
    fresh = ~_contains(bi[keep2], (cand_v.astype(np.uint64) << _S16) | cand_w.astype(np.uint64))
    ok2 = kw != UNK
    hist_p, hist_w = _kth_best(
        np.r_[kv[ok2], cand_v[fresh]],
        np.r_[p2[keep2][ok2], bow2[cand_v[fresh]] * p1[cand_w[fresh]]],
        size,
        np.r_[kw[ok2], cand_w[fresh]],
    )
    # ... and after each two-word history: kept trigrams, and its backoff to v's best
    ctx_keys = ctx[kept_ctx]
    ctx_v = (ctx_keys & _M16).astype(np.int64)
    slot = np.full(len(ctx), -1)
    slot[kept_ctx] = np.arange(len(kept_ctx))
    cand_c = np.repeat(np.arange(len(kept_ctx)), CANDIDATES)
    cand_w = hist_w[ctx_v].ravel()
    cand_p = (bow3[:, None] * hist_p[ctx_v]).ravel()
    tri_kept = tri[keep3]
    stored = _contains(
        tri_kept, (ctx_keys[cand_c] << _S16) | np.maximum(cand_w, 0).astype(np.uint64)
    )
    fresh = (cand_w >= 0) & ~stored
    tw = (tri_kept & _M16).astype(np.int64)
    ok3 = tw != UNK
    ctx_p, _ = _kth_best(
        np.r_[slot[kg][ok3], cand_c[fresh]],
        np.r_[p3[keep3][ok3], cand_p[fresh]],
        len(kept_ctx),
    )
    return Tables(
        vocab=vocab,
        uni_lp=np.log2(p1),
        uni_bow=np.log2(bow2),
        hist_top=_top_pair(hist_p),
        bi_keys=bi[keep2],
        bi_lp=np.log2(p2[keep2]),
        ctx_keys=ctx_keys,
        ctx_bow=np.log2(bow3),
        ctx_top=_top_pair(ctx_p),
        tri_keys=tri_kept,
        tri_lp=np.log2(p3[keep3]),
        n_tokens=len(ids),
    )


def build(documents: Iterable[str], vocab_size: int = VOCAB_SIZE) -> Tables:
    """Tokenise, cut the vocabulary, and estimate the model."""
    t0 = time.perf_counter()
    stream, tokens = tokenise(documents)
    elapsed = time.perf_counter() - t0
    print(f"tokenised {len(stream):,} tokens, {len(tokens):,} types in {elapsed:.1f}s")
    counts = np.bincount(stream, minlength=len(tokens))
    counts[: len(SPECIALS)] = 0
    order = np.argsort(-counts, kind="stable")[:vocab_size]
    keep = order[counts[order] >= MIN_WORD_COUNT]
    remap = np.full(len(tokens), UNK, dtype=np.int64)
    remap[NUM], remap[BOUNDARY] = NUM, BOUNDARY
    remap[keep] = np.arange(len(SPECIALS), len(SPECIALS) + len(keep))
    ids = remap[stream]
    vocab = list(SPECIALS) + [tokens[i] for i in keep]
    print(f"vocabulary {len(vocab):,}, unknown rate {np.mean(ids == UNK):.4f}")
    t1 = time.perf_counter()
    tables = estimate(ids, vocab)
    print(
        f"estimated in {time.perf_counter() - t1:.1f}s: {len(tables.bi_keys):,} bigrams, "
        f"{len(tables.ctx_keys):,} histories, {len(tables.tri_keys):,} trigrams"
    )
    return tables


def _quantise(lp: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(-lp / LP_STEP), 0, 255).astype(np.uint8)


def pack(tables: Tables, quantise: bool = True) -> dict[str, np.ndarray]:
    """The arrays of ``news_lm.npz`` (see ``mtdetect/fluency_lm.py``)."""
    q = _quantise if quantise else (lambda lp: lp.astype(np.float32))
    size = len(tables.vocab)
    bi_v = (tables.bi_keys >> _S16).astype(np.int64)
    tri_ctx = tables.tri_keys >> _S16
    tri_n = np.diff(np.searchsorted(tri_ctx, tables.ctx_keys), append=len(tri_ctx))
    return {
        "vocab": np.frombuffer("\n".join(tables.vocab).encode("utf-8"), dtype=np.uint8),
        "lp_step": np.array([LP_STEP]),
        "n_tokens": np.array([tables.n_tokens], dtype=np.int64),
        "uni_lp": tables.uni_lp.astype(np.float16 if quantise else np.float32),
        "uni_bow": tables.uni_bow.astype(np.float16 if quantise else np.float32),
        "hist_top": q(tables.hist_top),
        "bi_n": np.bincount(bi_v, minlength=size).astype(np.uint32),
        "bi_w": (tables.bi_keys & _M16).astype(np.uint16),
        "bi_lp": q(tables.bi_lp),
        "ctx_delta": np.diff(tables.ctx_keys, prepend=np.uint64(0)).astype(np.uint32),
        "ctx_bow": tables.ctx_bow.astype(np.float16 if quantise else np.float32),
        "ctx_top": q(tables.ctx_top),
        "tri_n": tri_n.astype(np.uint32),
        "tri_w": (tables.tri_keys & _M16).astype(np.uint16),
        "tri_lp": q(tables.tri_lp),
    }


def training_documents(limit: int | None = None) -> Iterable[str]:
    """Native news, less the held-out evaluation quarter."""
    for i, text in enumerate(news_lm_documents(limit)):
        if i % NEWS_STEP != HELD_OUT:
            yield text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="documents to read (testing)")
    parser.add_argument("--out", default=str(data_path("news_lm.npz")))
    args = parser.parse_args()
    t0 = time.perf_counter()
    arrays = pack(build(training_documents(args.limit)))
    np.savez_compressed(args.out, **arrays)
    in_memory = sum(a.nbytes for a in arrays.values()) / 1e6
    on_disk = Path(args.out).stat().st_size / 1e6
    print(f"wrote {args.out}: {on_disk:.2f} MB ({in_memory:.1f} MB uncompressed)")
    print(f"build time {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main()
