# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled look-ups in the news trigram model (``mtdetect.fluency_lm``).

Why: each of these families looked every n-gram of a document up in a table of
megabytes with numpy (a sort or a binary search per key, and an array per
step). Here the keys are made and probed in one pass. Only integers come back
(and, for the trigram model, float32 sums done as numpy does them), so every
score is that of the numpy path to the last bit (``mtdetect/_accel.py``,
``tests/test_accel.py``).
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t

from mtdetect._sorted_search cimport (
    _LANES,
    _STRIDE,
    __builtin_prefetch,
    _at_f32,
    _at_f64,
    _at_i32,
    _at_i64,
    _at_u64,
    _search_all,
)

cdef uint64_t _UNK = 0, _BOUNDARY = 2  # mtdetect.fluency_lm's special ids


def _directory(keys: np.ndarray, shift: int) -> np.ndarray:
    """Where the keys with each leading id ``key >> shift`` begin, for ids 0..65536.

    Searched in the keys' own dtype (no copy of megabytes); where that dtype
    cannot hold id 65536's first key (32-bit keys), it starts past every key.
    """
    ids = (1 << 16) + 1 if 8 * keys.dtype.itemsize >= shift + 17 else 1 << 16
    leading = np.arange(ids, dtype=np.uint64) << np.uint64(shift)
    first = np.searchsorted(keys, leading.astype(keys.dtype))
    if ids == 1 << 16:
        first = np.append(first, len(keys))
    return first.astype(np.int64)


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

    cdef void _fill(
        self,
        const int64_t* u,
        const int64_t* v,
        const int64_t* w,
        Py_ssize_t n,
        uint64_t* want,
        Py_ssize_t* pos,
        Py_ssize_t* miss,
        float* lp,
        int64_t* ctx,
    ) noexcept nogil:
        """log2 P(w | u v) and the history row of each token (-1: none) into ``lp`` and
        ``ctx``; ``want``, ``pos``, ``miss``: scratch of ``n`` each.

        One search in the trigram keys finds both the trigram and its history: a
        history's trigrams are contiguous, so if it has any, the insertion point or
        the key before it belongs to it. Bigrams are searched for the misses only.
        """
        cdef Py_ssize_t i, j, at, before, last = self.n_tri - 1, n_miss = 0
        cdef uint64_t history
        cdef float lp2, total
        for i in range(n):
            want[i] = (<uint64_t>u[i] << 32) | (<uint64_t>v[i] << 16) | <uint64_t>w[i]
        _search_all(self.tri_keys, self.tri_sample, self.tri_first, 32, want, n, pos)
        for i in range(n):
            if i + _LANES < n:
                __builtin_prefetch(&self.tri_ctx[min(pos[i + _LANES], last)])
                __builtin_prefetch(&self.tri_lp[min(pos[i + _LANES], last)])
            history = want[i] >> 16
            at = pos[i] if pos[i] < last else last
            before = pos[i] - 1 if pos[i] > 0 else 0
            if (self.tri_keys[at] >> 16) == history:
                ctx[i] = self.tri_ctx[at]
            elif pos[i] > 0 and (self.tri_keys[before] >> 16) == history:
                ctx[i] = self.tri_ctx[before]
            else:
                ctx[i] = -1
            if self.tri_keys[at] == want[i]:
                lp[i] = self.tri_lp[at]
            else:
                miss[n_miss] = i
                n_miss += 1
        if n_miss == 0:
            return
        for j in range(n_miss):
            want[j] = (<uint64_t>v[miss[j]] << 16) | <uint64_t>w[miss[j]]
            pos[j] = -1
        if self.n_bi > 0:
            _search_all(self.bi_keys, self.bi_sample, self.bi_first, 16, want, n_miss, pos)
        for j in range(n_miss):
            i = miss[j]
            if self.n_bi > 0:
                at = pos[j] if pos[j] < self.n_bi - 1 else self.n_bi - 1
                pos[j] = at if self.bi_keys[at] == want[j] else -1
            lp2 = self.bi_lp[pos[j]] if pos[j] >= 0 else self.uni_bow[v[i]] + self.uni_lp[w[i]]
            total = (self.ctx_bow[ctx[i]] if ctx[i] >= 0 else <float>0.0) + lp2
            lp[i] = total if total < 0 else <float>0.0  # as np.minimum(total, 0.0): never -0.0

    def logprob(self, const int64_t[::1] u, const int64_t[::1] v, const int64_t[::1] w):
        """log2 P(w | u v) (float32) and the history row of each token (-1: none), as
        ``NewsLanguageModel.logprob`` computes them with ``np.searchsorted``."""
        cdef Py_ssize_t n = u.shape[0]
        if v.shape[0] != n or w.shape[0] != n:
            raise ValueError("u, v and w differ in length")
        lp_out = np.empty(n, dtype=np.float32)
        ctx_out = np.empty(n, dtype=np.int64)
        if n == 0:
            return lp_out, ctx_out
        cdef float[::1] lp_view = lp_out
        cdef int64_t[::1] ctx_view = ctx_out
        cdef uint64_t[::1] want = np.empty(n, dtype=np.uint64)
        cdef Py_ssize_t[::1] pos = np.empty(n, dtype=np.intp)
        cdef Py_ssize_t[::1] miss = np.empty(n, dtype=np.intp)
        with nogil:
            self._fill(&u[0], &v[0], &w[0], n, &want[0], &pos[0], &miss[0], &lp_view[0], &ctx_view[0])
        return lp_out, ctx_out

    def score(self, const int64_t[::1] ids, const int64_t[::1] sentence, double tie):
        """``NewsLanguageModel.score``'s log2 probabilities and top-1 / top-k flags of the
        token ids ``ids`` (``sentence``: each one's sentence), histories cut at sentence
        starts as ``with_boundaries`` and ``histories`` cut them."""
        cdef Py_ssize_t n = ids.shape[0], i
        cdef int64_t c
        cdef double first, kth
        if sentence.shape[0] != n:
            raise ValueError("one sentence index per id")
        lp_out = np.empty(n, dtype=np.float32)
        top1_out = np.empty(n, dtype=np.bool_)
        top10_out = np.empty(n, dtype=np.bool_)
        if n == 0:
            return lp_out, top1_out, top10_out
        cdef float[::1] lp = lp_out
        cdef uint8_t[::1] top1 = top1_out.view(np.uint8)
        cdef uint8_t[::1] top10 = top10_out.view(np.uint8)
        cdef int64_t[::1] u = np.full(n, _BOUNDARY, dtype=np.int64)
        cdef int64_t[::1] v = np.full(n, _BOUNDARY, dtype=np.int64)
        cdef int64_t[::1] ctx = np.empty(n, dtype=np.int64)
        cdef uint64_t[::1] want = np.empty(n, dtype=np.uint64)
        cdef Py_ssize_t[::1] pos = np.empty(n, dtype=np.intp)
        cdef Py_ssize_t[::1] miss = np.empty(n, dtype=np.intp)
        with nogil:
            for i in range(1, n):
                if sentence[i - 1] == sentence[i]:
                    v[i] = ids[i - 1]
                    if i > 1 and sentence[i - 2] == sentence[i - 1]:
                        u[i] = ids[i - 2]
            self._fill(&u[0], &v[0], &ids[0], n, &want[0], &pos[0], &miss[0], &lp[0], &ctx[0])
            for i in range(n):
                c = ctx[i]
                if c >= 0:
                    first, kth = self.ctx_top[2 * c], self.ctx_top[2 * c + 1]
                else:
                    first, kth = self.hist_top[2 * v[i]], self.hist_top[2 * v[i] + 1]
                top1[i] = ids[i] != _UNK and <double>lp[i] >= first - tie
                top10[i] = ids[i] != _UNK and <double>lp[i] >= kth - tie
        return lp_out, top1_out, top10_out
