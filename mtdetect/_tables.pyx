# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled look-ups in the shipped tables: character n-grams, the news trigram model,
the news bigram counts.

Why: each of these families looked every n-gram of a document up in a table of
megabytes with numpy (a sort or a binary search per key, and an array per
step). Here the keys are made and probed in one pass. Only integers come back
(and, for the trigram model, float32 sums done as numpy does them), so every
score is that of the numpy path to the last bit (``mtdetect/_accel.py``,
``tests/test_accel.py``).
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from cpython.unicode cimport Py_UNICODE_ISSPACE
from libc.stdlib cimport calloc, free, malloc

cdef uint64_t _MIX = 0x9E3779B97F4A7C15ULL
cdef uint64_t _UNK = 0, _BOUNDARY = 2  # mtdetect.fluency_lm's special ids


# -- character n-grams (mtdetect.char_model) ------------------------------------------
# The same keys as ``char_model.char_grams``: code points of the lower-cased text,
# ASCII digits folded to "0", white space (up to U+3000) to " ", runs of spaces
# kept once; the key of an n-gram is its polynomial rolling hash (mod 2**64)
# xor a per-length salt. uint64 arithmetic wraps in C as in numpy.

cdef uint64_t _PRIME = 0x100000001B3ULL
cdef Py_ssize_t _AHEAD = 12  # look-ups between a slot's prefetch and its probe


cdef extern from *:
    void __builtin_prefetch(const void* address) noexcept nogil


cdef struct _Slot:
    uint64_t key
    int64_t column


cdef class GramIndex:
    """A character model's n-gram hashes as an open-addressing table: key -> column.

    Key 0 is never stored (the numpy ``HashIndex`` leaves it out too).
    """

    cdef _Slot* slots  # key and column side by side: one cache line per probe
    cdef Py_ssize_t mask
    cdef int shift
    cdef readonly Py_ssize_t size

    def __cinit__(self, const uint64_t[::1] vocabulary):
        cdef Py_ssize_t n = vocabulary.shape[0], capacity = 16, i, slot
        cdef int bits = 4
        if n >= 2**31:
            raise ValueError("too many n-grams for one vocabulary")
        while capacity < 2 * n:
            capacity <<= 1
            bits += 1
        self.size = n
        self.mask = capacity - 1
        self.shift = 64 - bits
        self.slots = <_Slot*>calloc(capacity, sizeof(_Slot))
        if self.slots == NULL:
            raise MemoryError()
        for i in range(n):
            if vocabulary[i] == 0:
                continue
            slot = <Py_ssize_t>((vocabulary[i] * _MIX) >> self.shift)
            while self.slots[slot].key != 0 and self.slots[slot].key != vocabulary[i]:
                slot = (slot + 1) & self.mask
            if self.slots[slot].key == 0:  # a repeated key keeps its first column
                self.slots[slot].key = vocabulary[i]
                self.slots[slot].column = i

    def __dealloc__(self):
        free(self.slots)

    cdef inline int64_t find(self, uint64_t key) noexcept nogil:
        cdef Py_ssize_t slot
        if key == 0:
            return -1
        slot = <Py_ssize_t>((key * _MIX) >> self.shift)
        while self.slots[slot].key != 0:
            if self.slots[slot].key == key:
                return self.slots[slot].column
            slot = (slot + 1) & self.mask
        return -1

    def occurrences(self, str lowered, int min_n, int max_n):
        """(columns, counts, starts) of every vocabulary n-gram occurrence of ``lowered``.

        ``lowered`` is the normalised text already lower-cased (one character
        for one). Occurrences come all ``min_n``-grams first, then longer ones,
        each in text order: the order of ``char_grams``' concatenated arrays
        with unknown keys left out. ``counts[k]`` is how often ``columns[k]``
        occurs in the whole text; ``starts[k]`` the occurrence's offset.
        """
        cdef Py_ssize_t length = len(lowered), kept = 0, i, n, found = 0, k, slot
        cdef Py_ssize_t capacity = 16
        cdef int table_bits = 4
        cdef Py_UCS4 c
        cdef uint64_t code, h
        cdef uint64_t[::1] codes = np.empty(max(length, 1), dtype=np.uint64)
        cdef int64_t[::1] offsets = np.empty(max(length, 1), dtype=np.int64)
        cdef bint previous_space = False
        for i in range(length):
            c = lowered[i]
            if c >= u"0" and c <= u"9":
                code = 48
            elif c <= 0x3000 and Py_UNICODE_ISSPACE(c):
                code = 32
            else:
                code = c
            if code == 32:
                if previous_space:
                    continue
                previous_space = True
            else:
                previous_space = False
            codes[kept] = code
            offsets[kept] = i
            kept += 1
        cdef Py_ssize_t total = 0
        for n in range(min_n, max_n + 1):
            if kept >= n:
                total += kept - n + 1
        cdef int64_t[::1] out_columns = np.empty(max(total, 1), dtype=np.int64)
        cdef int64_t[::1] out_starts = np.empty(max(total, 1), dtype=np.int64)
        cdef int64_t[::1] out_counts = np.empty(max(total, 1), dtype=np.int64)
        cdef uint64_t salt
        cdef int64_t column
        cdef Py_ssize_t size = max(total, 1), g = 0, distinct = 0, d
        cdef uint64_t[::1] grams = np.empty(size, dtype=np.uint64)
        # each occurrence's distinct n-gram; each distinct one's key, count and column
        cdef int64_t[::1] distinct_of = np.empty(size, dtype=np.int64)
        cdef uint64_t[::1] distinct_keys = np.empty(size, dtype=np.uint64)
        cdef int64_t[::1] distinct_counts = np.empty(size, dtype=np.int64)
        cdef int64_t[::1] distinct_columns = np.empty(size, dtype=np.int64)
        while capacity < 2 * total + 2:
            capacity <<= 1
            table_bits += 1
        cdef int64_t* seen = <int64_t*>malloc(capacity * sizeof(int64_t))
        if seen == NULL:
            raise MemoryError()
        cdef int doc_shift = 64 - table_bits
        cdef Py_ssize_t doc_mask = capacity - 1
        with nogil:
            # n-major order, as the concatenated arrays of char_grams
            for n in range(min_n, max_n + 1):
                salt = <uint64_t>n * _MIX
                for i in range(kept - n + 1):
                    h = codes[i]
                    for k in range(1, n):
                        h = h * _PRIME + codes[i + k]
                    grams[g] = h ^ salt
                    out_starts[g] = offsets[i]
                    g += 1
            # about half the occurrences repeat an n-gram: find the distinct ones in a
            # table small enough for the cache, so the model's table is probed once each
            for i in range(capacity):
                seen[i] = -1
            for i in range(total):
                h = grams[i]
                slot = <Py_ssize_t>((h * _MIX) >> doc_shift)
                while seen[slot] != -1 and distinct_keys[seen[slot]] != h:
                    slot = (slot + 1) & doc_mask
                if seen[slot] == -1:
                    seen[slot] = distinct
                    distinct_keys[distinct] = h
                    distinct_counts[distinct] = 0
                    distinct += 1
                d = seen[slot]
                distinct_counts[d] += 1
                distinct_of[i] = d
            # the model's table is megabytes: ask for each slot a few look-ups ahead
            for d in range(distinct):
                if d + _AHEAD < distinct:
                    __builtin_prefetch(
                        &self.slots[(distinct_keys[d + _AHEAD] * _MIX) >> self.shift]
                    )
                distinct_columns[d] = self.find(distinct_keys[d])
            for i in range(total):
                d = distinct_of[i]
                column = distinct_columns[d]
                if column >= 0:
                    out_columns[found] = column
                    out_counts[found] = distinct_counts[d]
                    out_starts[found] = out_starts[i]
                    found += 1
        free(seen)
        return (
            np.asarray(out_columns)[:found],
            np.asarray(out_counts)[:found],
            np.asarray(out_starts)[:found],
        )


# -- the news trigram model (mtdetect.fluency_lm) -------------------------------------
# Sorted keys with a directory of where each leading id's keys begin, so a search
# covers one id's keys (a few hundred on average) instead of a million.

cdef inline Py_ssize_t _lower_bound(
    const uint64_t[::1] keys, Py_ssize_t lo, Py_ssize_t hi, uint64_t want
) noexcept nogil:
    cdef Py_ssize_t mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < want:
            lo = mid + 1
        else:
            hi = mid
    return lo


def lm_logprob(
    const uint64_t[::1] tri_keys,
    const int64_t[::1] tri_first,
    const int32_t[::1] tri_ctx,
    const float[::1] tri_lp,
    const uint64_t[::1] bi_keys,
    const int64_t[::1] bi_first,
    const float[::1] bi_lp,
    const float[::1] uni_bow,
    const float[::1] uni_lp,
    const float[::1] ctx_bow,
    const int64_t[::1] u,
    const int64_t[::1] v,
    const int64_t[::1] w,
):
    """log2 P(w | u v) (float32) and the history row of each token (-1: none), as
    ``NewsLanguageModel.logprob`` computes them with ``np.searchsorted``.

    ``tri_first[a]`` is where the trigram keys with leading id ``a`` begin
    (``tri_keys`` ends with a sentinel above every key); ``bi_first`` likewise
    for the bigram keys. Float32 sums, as numpy does them on float32 arrays.
    """
    cdef Py_ssize_t n = u.shape[0], i, pos, last = tri_keys.shape[0] - 1, at, before
    cdef Py_ssize_t n_bi = bi_keys.shape[0], bpos
    cdef uint64_t history, want, bwant
    cdef int64_t ctx
    cdef float lp, lp2, bow
    lp_out = np.empty(n, dtype=np.float32)
    ctx_out = np.empty(n, dtype=np.int64)
    cdef float[::1] lp_view = lp_out
    cdef int64_t[::1] ctx_view = ctx_out
    with nogil:
        for i in range(n):
            history = (<uint64_t>u[i] << 16) | <uint64_t>v[i]
            want = (history << 16) | <uint64_t>w[i]
            pos = _lower_bound(tri_keys, tri_first[u[i]], tri_first[u[i] + 1], want)
            at = pos if pos < last else last
            before = pos - 1 if pos > 0 else 0
            if (tri_keys[at] >> 16) == history:
                ctx = tri_ctx[at]
            elif pos > 0 and (tri_keys[before] >> 16) == history:
                ctx = tri_ctx[before]
            else:
                ctx = -1
            ctx_view[i] = ctx
            if tri_keys[at] == want:
                lp_view[i] = tri_lp[at]
                continue
            bwant = (<uint64_t>v[i] << 16) | <uint64_t>w[i]
            bpos = -1
            if n_bi > 0:
                bpos = _lower_bound(bi_keys, bi_first[v[i]], bi_first[v[i] + 1], bwant)
                if bpos > n_bi - 1:
                    bpos = n_bi - 1
                if bi_keys[bpos] != bwant:
                    bpos = -1
            if bpos >= 0:
                lp2 = bi_lp[bpos]
            else:
                lp2 = uni_bow[v[i]] + uni_lp[w[i]]
            bow = ctx_bow[ctx] if ctx >= 0 else <float>0.0
            lp = bow + lp2
            lp_view[i] = lp if lp < 0 else <float>0.0
    return lp_out, ctx_out


def pair_positions(const uint32_t[::1] keys, const int64_t[::1] first, const uint32_t[::1] want):
    """Index of each wanted key in sorted unique ``keys`` (``NewsNgrams.keys``), or
    ``len(keys)`` when absent; ``first[a]`` is where the keys with leading id ``a``
    (``key >> 16``) begin."""
    cdef Py_ssize_t n = keys.shape[0], m = want.shape[0], i, lo, hi, mid
    cdef uint32_t key
    out = np.empty(m, dtype=np.int64)
    cdef int64_t[::1] view = out
    with nogil:
        for i in range(m):
            key = want[i]
            lo = first[key >> 16]
            hi = first[(key >> 16) + 1]
            while lo < hi:
                mid = (lo + hi) >> 1
                if keys[mid] < key:
                    lo = mid + 1
                else:
                    hi = mid
            view[i] = lo if lo < n and keys[lo] == key else n
    return out


cdef inline int64_t _trigram(
    const uint64_t[::1] tri_keys, const int64_t[::1] tri_first, const int32_t[::1] tri_ctx,
    uint64_t u, uint64_t v, uint64_t w, Py_ssize_t* found
) noexcept nogil:
    """The history row of ``u v`` (-1: none); ``found[0]`` the trigram's index, or -1."""
    cdef uint64_t history = (u << 16) | v, want = (history << 16) | w
    cdef Py_ssize_t last = tri_keys.shape[0] - 1
    cdef Py_ssize_t pos = _lower_bound(tri_keys, tri_first[u], tri_first[u + 1], want)
    cdef Py_ssize_t at = pos if pos < last else last, before = pos - 1 if pos > 0 else 0
    found[0] = at if tri_keys[at] == want else -1
    if (tri_keys[at] >> 16) == history:
        return tri_ctx[at]
    if pos > 0 and (tri_keys[before] >> 16) == history:
        return tri_ctx[before]
    return -1


def lm_score(
    tables,
    const double[:, ::1] ctx_top,
    const double[:, ::1] hist_top,
    const int64_t[::1] ids,
    const int64_t[::1] sentence,
    double tie,
):
    """``NewsLanguageModel.score``'s log2 probabilities and top-1 / top-k flags of the
    token ids ``ids`` (sentence index each), histories cut at sentence starts.

    ``tables`` are ``lm_logprob``'s tables; the caller checks that every id is in
    the vocabulary and that ``sentence`` is as long as ``ids``. The same float32
    sums as ``lm_logprob``; the flags compare in float64, as numpy does.
    """
    cdef const uint64_t[::1] tri_keys = tables[0]
    cdef const int64_t[::1] tri_first = tables[1]
    cdef const int32_t[::1] tri_ctx = tables[2]
    cdef const float[::1] tri_lp = tables[3]
    cdef const uint64_t[::1] bi_keys = tables[4]
    cdef const int64_t[::1] bi_first = tables[5]
    cdef const float[::1] bi_lp = tables[6]
    cdef const float[::1] uni_bow = tables[7]
    cdef const float[::1] uni_lp = tables[8]
    cdef const float[::1] ctx_bow = tables[9]
    cdef Py_ssize_t n = ids.shape[0], i, at, n_bi = bi_keys.shape[0], bpos
    cdef uint64_t u, v, w, bwant
    cdef int64_t ctx
    cdef float lp, lp2, bow
    cdef double first, kth
    lp_out = np.empty(n, dtype=np.float32)
    top1_out = np.empty(n, dtype=np.bool_)
    top10_out = np.empty(n, dtype=np.bool_)
    cdef float[::1] lp_view = lp_out
    cdef uint8_t[::1] top1_view = top1_out.view(np.uint8)
    cdef uint8_t[::1] top10_view = top10_out.view(np.uint8)
    with nogil:
        for i in range(n):
            w = <uint64_t>ids[i]
            v = _BOUNDARY
            u = _BOUNDARY
            if i > 0 and sentence[i - 1] == sentence[i]:
                v = <uint64_t>ids[i - 1]
                if i > 1 and sentence[i - 2] == sentence[i - 1]:
                    u = <uint64_t>ids[i - 2]
            ctx = _trigram(tri_keys, tri_first, tri_ctx, u, v, w, &at)
            if at >= 0:
                lp = tri_lp[at]
            else:
                bwant = (v << 16) | w
                bpos = -1
                if n_bi > 0:
                    bpos = _lower_bound(bi_keys, bi_first[v], bi_first[v + 1], bwant)
                    if bpos > n_bi - 1:
                        bpos = n_bi - 1
                    if bi_keys[bpos] != bwant:
                        bpos = -1
                if bpos >= 0:
                    lp2 = bi_lp[bpos]
                else:
                    lp2 = uni_bow[v] + uni_lp[w]
                bow = ctx_bow[ctx] if ctx >= 0 else <float>0.0
                lp = bow + lp2
                if not lp < 0:  # as lm_logprob: 0.0, never -0.0
                    lp = 0.0
            lp_view[i] = lp
            if ctx >= 0:
                first, kth = ctx_top[ctx, 0], ctx_top[ctx, 1]
            else:
                first, kth = hist_top[v, 0], hist_top[v, 1]
            top1_view[i] = w != _UNK and <double>lp >= first - tie
            top10_view[i] = w != _UNK and <double>lp >= kth - tie
    return lp_out, top1_out, top10_out
