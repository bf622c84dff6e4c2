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


# -- sorted keys: the news trigram model (mtdetect.fluency_lm), the news bigram counts
# (mtdetect.ngrams). A directory says where each leading id's keys begin, and every
# _STRIDE-th key is copied into a sample small enough to stay in the cache: a search
# narrows to one id's keys, then to _STRIDE keys through the sample, and reads the
# big array in one or two cache lines, instead of missing the cache at every step.

ctypedef fused key_t:
    uint32_t
    uint64_t

cdef enum:
    _STRIDE = 16


cdef inline Py_ssize_t _lower_bound(
    const key_t* keys, Py_ssize_t lo, Py_ssize_t hi, key_t want
) noexcept nogil:
    cdef Py_ssize_t mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < want:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef inline Py_ssize_t _search(
    const key_t* keys, const key_t* sample, Py_ssize_t lo, Py_ssize_t hi, key_t want
) noexcept nogil:
    """``_lower_bound(keys, lo, hi, want)``, where ``sample`` is ``keys[::_STRIDE]``."""
    cdef Py_ssize_t first_block, end_block, b
    if hi <= lo:
        return lo
    first_block = lo // _STRIDE
    end_block = (hi - 1) // _STRIDE + 1
    b = _lower_bound(sample, first_block, end_block, want)
    # keys[b * _STRIDE] >= want (when b < end_block), keys[(b - 1) * _STRIDE] < want
    # (when b > first_block): the answer lies between
    if b > first_block and (b - 1) * _STRIDE + 1 > lo:
        lo = (b - 1) * _STRIDE + 1
    if b < end_block and b * _STRIDE < hi:
        hi = b * _STRIDE
    if hi < lo:  # b == first_block: keys[lo] >= want already
        hi = lo
    return _lower_bound(keys, lo, hi, want)


def _directory(keys: np.ndarray, shift: int) -> np.ndarray:
    """Where the keys with each leading id ``key >> shift`` begin, for ids 0..65536."""
    leading = np.arange((1 << 16) + 1, dtype=np.uint64) << np.uint64(shift)
    return np.searchsorted(keys.astype(np.uint64), leading).astype(np.int64)


cdef class LmTables:
    """The news trigram model's arrays as the compiled loops read them.

    Built once per model (``mtdetect/_accel.py``); checks that the model's own
    arrays agree, so that a search or a history row never reads outside them. Ids
    given to its methods must be below :attr:`limit` (the caller checks). Raw
    pointers into arrays it keeps: a memoryview passed per look-up costs more
    than the look-up.
    """

    cdef object _keep
    cdef const uint64_t* tri_keys
    cdef const uint64_t* tri_sample
    cdef const uint64_t* bi_keys
    cdef const uint64_t* bi_sample
    cdef const int64_t* tri_first
    cdef const int64_t* bi_first
    cdef const int32_t* tri_ctx
    cdef const float* tri_lp
    cdef const float* bi_lp
    cdef const float* uni_bow
    cdef const float* uni_lp
    cdef const float* ctx_bow
    cdef const double* ctx_top
    cdef const double* hist_top
    cdef Py_ssize_t n_tri, n_bi
    cdef readonly Py_ssize_t limit

    def __init__(self, model):
        tri_keys = np.ascontiguousarray(model.tri_keys, dtype=np.uint64)
        bi_keys = np.ascontiguousarray(model.bi_keys, dtype=np.uint64)
        arrays = (
            tri_keys,
            np.ascontiguousarray(tri_keys[::_STRIDE]),
            bi_keys,
            np.ascontiguousarray(bi_keys[::_STRIDE]),
            _directory(tri_keys, 32),
            _directory(bi_keys, 16),
            np.ascontiguousarray(model.tri_ctx, dtype=np.int32),
            np.ascontiguousarray(model.tri_lp, dtype=np.float32),
            np.ascontiguousarray(model.bi_lp, dtype=np.float32),
            np.ascontiguousarray(model.uni_bow, dtype=np.float32),
            np.ascontiguousarray(model.uni_lp, dtype=np.float32),
            np.ascontiguousarray(model.ctx_bow, dtype=np.float32),
            # the rank thresholds in float64, as numpy compares them
            np.ascontiguousarray(model.ctx_top, dtype=np.float64).reshape(-1, 2),
            np.ascontiguousarray(model.hist_top, dtype=np.float64).reshape(-1, 2),
        )
        tri_ctx, tri_lp, bi_lp, uni_bow, uni_lp, ctx_bow, ctx_top, hist_top = arrays[6:]
        if not (
            len(tri_keys) >= 1
            and len(tri_ctx) == len(tri_lp) == len(tri_keys)
            and len(bi_lp) == len(bi_keys)
            and tri_ctx.min() >= 0
            and tri_ctx.max() < min(len(ctx_bow), len(ctx_top))
        ):
            raise ValueError("the trigram model's arrays do not agree")
        self._keep = arrays
        self.tri_keys = _at_u64(arrays[0])
        self.tri_sample = _at_u64(arrays[1])
        self.bi_keys = _at_u64(arrays[2])
        self.bi_sample = _at_u64(arrays[3])
        self.tri_first = _at_i64(arrays[4])
        self.bi_first = _at_i64(arrays[5])
        self.tri_ctx = _at_i32(tri_ctx)
        self.tri_lp, self.bi_lp = _at_f32(tri_lp), _at_f32(bi_lp)
        self.uni_bow, self.uni_lp, self.ctx_bow = _at_f32(uni_bow), _at_f32(uni_lp), _at_f32(ctx_bow)
        self.ctx_top, self.hist_top = _at_f64(ctx_top), _at_f64(hist_top)
        self.n_tri, self.n_bi = len(tri_keys), len(bi_keys)
        self.limit = min(1 << 16, len(uni_bow), len(uni_lp), len(hist_top))
        if self.limit <= _BOUNDARY:
            self.limit = 0  # no id is safe: <s> is read as a history

    cdef inline int64_t _history(
        self, uint64_t u, uint64_t v, uint64_t w, Py_ssize_t* found
    ) noexcept nogil:
        """The history row of ``u v`` (-1: none); ``found[0]`` the trigram's index, or -1.

        A history's trigrams are contiguous: the insertion point or the key
        before it belongs to it, if it has any.
        """
        cdef uint64_t history = (u << 16) | v, want = (history << 16) | w
        cdef Py_ssize_t last = self.n_tri - 1
        cdef Py_ssize_t pos = _search(
            self.tri_keys, self.tri_sample, self.tri_first[u], self.tri_first[u + 1], want
        )
        cdef Py_ssize_t at = pos if pos < last else last, before = pos - 1 if pos > 0 else 0
        found[0] = at if self.tri_keys[at] == want else -1
        if (self.tri_keys[at] >> 16) == history:
            return self.tri_ctx[at]
        if pos > 0 and (self.tri_keys[before] >> 16) == history:
            return self.tri_ctx[before]
        return -1

    cdef inline float _backoff(self, uint64_t v, uint64_t w, int64_t ctx) noexcept nogil:
        """log2 P(w | u v) for a trigram the model has not kept (float32 sums, as numpy)."""
        cdef uint64_t want = (v << 16) | w
        cdef Py_ssize_t n_bi = self.n_bi, pos = -1
        cdef float lp2, lp
        if n_bi > 0:
            pos = _search(
                self.bi_keys, self.bi_sample, self.bi_first[v], self.bi_first[v + 1], want
            )
            if pos > n_bi - 1:
                pos = n_bi - 1
            if self.bi_keys[pos] != want:
                pos = -1
        lp2 = self.bi_lp[pos] if pos >= 0 else self.uni_bow[v] + self.uni_lp[w]
        lp = (self.ctx_bow[ctx] if ctx >= 0 else <float>0.0) + lp2
        return lp if lp < 0 else <float>0.0  # as np.minimum(lp, 0.0): 0.0, never -0.0

    def logprob(self, const int64_t[::1] u, const int64_t[::1] v, const int64_t[::1] w):
        """log2 P(w | u v) (float32) and the history row of each token (-1: none), as
        ``NewsLanguageModel.logprob`` computes them with ``np.searchsorted``."""
        cdef Py_ssize_t n = u.shape[0], i, at
        cdef int64_t ctx
        lp_out = np.empty(n, dtype=np.float32)
        ctx_out = np.empty(n, dtype=np.int64)
        cdef float[::1] lp_view = lp_out
        cdef int64_t[::1] ctx_view = ctx_out
        with nogil:
            for i in range(n):
                ctx = self._history(u[i], v[i], w[i], &at)
                ctx_view[i] = ctx
                lp_view[i] = self.tri_lp[at] if at >= 0 else self._backoff(v[i], w[i], ctx)
        return lp_out, ctx_out

    def score(self, const int64_t[::1] ids, const int64_t[::1] sentence, double tie):
        """``NewsLanguageModel.score``'s log2 probabilities and top-1 / top-k flags of the
        token ids ``ids`` (``sentence``: each one's sentence), histories cut at sentence
        starts as ``with_boundaries`` and ``histories`` cut them."""
        cdef Py_ssize_t n = ids.shape[0], i, at
        cdef uint64_t u, v, w
        cdef int64_t ctx
        cdef float lp
        cdef double first, kth
        if sentence.shape[0] != n:
            raise ValueError("one sentence index per id")
        lp_out = np.empty(n, dtype=np.float32)
        top1_out = np.empty(n, dtype=np.bool_)
        top10_out = np.empty(n, dtype=np.bool_)
        cdef float[::1] lp_view = lp_out
        cdef uint8_t[::1] top1_view = top1_out.view(np.uint8)
        cdef uint8_t[::1] top10_view = top10_out.view(np.uint8)
        with nogil:
            for i in range(n):
                w = <uint64_t>ids[i]
                v = u = _BOUNDARY
                if i > 0 and sentence[i - 1] == sentence[i]:
                    v = <uint64_t>ids[i - 1]
                    if i > 1 and sentence[i - 2] == sentence[i - 1]:
                        u = <uint64_t>ids[i - 2]
                ctx = self._history(u, v, w, &at)
                lp = self.tri_lp[at] if at >= 0 else self._backoff(v, w, ctx)
                lp_view[i] = lp
                if ctx >= 0:
                    first, kth = self.ctx_top[2 * ctx], self.ctx_top[2 * ctx + 1]
                else:
                    first, kth = self.hist_top[2 * v], self.hist_top[2 * v + 1]
                top1_view[i] = w != _UNK and <double>lp >= first - tie
                top10_view[i] = w != _UNK and <double>lp >= kth - tie
        return lp_out, top1_out, top10_out


cdef class PairTable:
    """``NewsNgrams.keys`` (sorted unique ``(id1 << 16) | id2``) for :meth:`positions`."""

    cdef object _keep
    cdef const uint32_t* keys
    cdef const uint32_t* sample
    cdef const int64_t* first
    cdef Py_ssize_t n

    def __init__(self, keys):
        keys = np.ascontiguousarray(keys, dtype=np.uint32)
        self._keep = (keys, np.ascontiguousarray(keys[::_STRIDE]), _directory(keys, 16))
        self.keys = _at_u32(self._keep[0])
        self.sample = _at_u32(self._keep[1])
        self.first = _at_i64(self._keep[2])
        self.n = len(keys)

    def positions(self, const uint32_t[::1] want):
        """Index of each wanted key in the keys, or ``len(keys)`` when absent."""
        cdef Py_ssize_t n = self.n, m = want.shape[0], i, lo
        cdef uint32_t key
        out = np.empty(m, dtype=np.int64)
        cdef int64_t[::1] view = out
        with nogil:
            for i in range(m):
                key = want[i]
                lo = _search(self.keys, self.sample, self.first[key >> 16], self.first[(key >> 16) + 1], key)
                view[i] = lo if lo < n and self.keys[lo] == key else n
        return out


# first elements of C-contiguous arrays (kept alive by their owner), empty ones too
cdef const uint64_t* _at_u64(const uint64_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef const uint32_t* _at_u32(const uint32_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef const int64_t* _at_i64(const int64_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef const int32_t* _at_i32(const int32_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef const float* _at_f32(const float[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef const double* _at_f64(const double[:, ::1] a):
    return &a[0, 0] if a.shape[0] else NULL
