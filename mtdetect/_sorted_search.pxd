# cython: language_level=3
"""Searches in sorted keys shared by the compiled news tables (``_tables.pyx``, ``_pairs.pyx``).

Why a .pxd: both extensions search the same way; inline functions here are
compiled into each, with no call between modules.
"""

from libc.stdint cimport int32_t, int64_t, uint16_t, uint32_t, uint64_t


cdef extern from *:
    void __builtin_prefetch(const void* address) noexcept nogil


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


cdef enum:
    _LANES = 32  # searches advanced side by side, so that their cache misses overlap


cdef inline void _steps(
    const key_t* keys, const key_t* want, Py_ssize_t* base, Py_ssize_t* count, Py_ssize_t k
) noexcept nogil:
    """For each lane j < k: ``base[j]`` becomes the lower bound of ``want[j]`` in
    ``keys[base[j] : base[j] + count[j]]`` (branch-free halving, all lanes in step)."""
    cdef Py_ssize_t j, half
    cdef bint busy = True
    while busy:
        busy = False
        for j in range(k):
            if count[j] > 1:
                half = count[j] >> 1
                base[j] += half * (keys[base[j] + half] < want[j])
                count[j] -= half
                busy = True
    for j in range(k):
        if count[j] == 1:
            base[j] += keys[base[j]] < want[j]


cdef inline void _search_all(
    const key_t* keys,
    const key_t* sample,
    const int64_t* first,
    int shift,
    const key_t* want,
    Py_ssize_t m,
    Py_ssize_t* out,
) noexcept nogil:
    """``out[i]``: the lower bound of ``want[i]`` in sorted ``keys``, searched among the
    keys of its leading id ``want[i] >> shift`` (``first``: where each id's keys begin),
    first in ``sample`` (``keys[::_STRIDE]``), then in the ``_STRIDE`` keys it leaves."""
    cdef Py_ssize_t base[_LANES]
    cdef Py_ssize_t count[_LANES]
    cdef Py_ssize_t lo[_LANES]
    cdef Py_ssize_t hi[_LANES]
    cdef Py_ssize_t g = 0, j, k, b, first_block, end_block
    while g < m:
        k = m - g if m - g < _LANES else _LANES
        for j in range(k):
            lo[j] = first[want[g + j] >> shift]
            hi[j] = first[(want[g + j] >> shift) + 1]
        for j in range(k):
            base[j] = lo[j] // _STRIDE
            count[j] = (hi[j] - 1) // _STRIDE + 1 - base[j] if hi[j] > lo[j] else 0
        _steps(sample, want + g, base, count, k)
        for j in range(k):
            if hi[j] <= lo[j]:
                base[j], count[j] = lo[j], 0
                continue
            # keys[b * _STRIDE] >= want (when b < end_block), keys[(b - 1) * _STRIDE]
            # < want (when b > first_block): the answer lies between
            b, first_block, end_block = base[j], lo[j] // _STRIDE, (hi[j] - 1) // _STRIDE + 1
            if b > first_block and (b - 1) * _STRIDE + 1 > lo[j]:
                lo[j] = (b - 1) * _STRIDE + 1
            if b < end_block and b * _STRIDE < hi[j]:
                hi[j] = b * _STRIDE
            base[j] = lo[j]
            count[j] = hi[j] - lo[j] if hi[j] > lo[j] else 0  # b == first_block: lo it is
        _steps(keys, want + g, base, count, k)
        for j in range(k):
            out[g + j] = base[j]
        g += k


# first elements of C-contiguous arrays (kept alive by their owner), empty ones too
cdef inline const uint64_t* _at_u64(const uint64_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef inline const uint32_t* _at_u32(const uint32_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef inline const int64_t* _at_i64(const int64_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef inline const uint16_t* _at_u16(const uint16_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef inline const int32_t* _at_i32(const int32_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef inline const float* _at_f32(const float[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef inline const double* _at_f64(const double[:, ::1] a):
    return &a[0, 0] if a.shape[0] else NULL
