# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled look-ups in the news bigram counts (``mtdetect.ngrams``).

Why: phrases looks every word pair of a document up in a table of megabytes;
here many searches advance side by side (``_sorted_search.pxd``). Only counts
and flags come back, equal to the numpy path's (``tests/test_accel.py``).
"""

import numpy as np

from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t

from mtdetect._sorted_search cimport _STRIDE, _at_f64, _at_i64, _at_u16, _at_u32, _search_all

from mtdetect._tables import _directory

cdef enum:
    _NEAR = 4  # neighbours searched first by unsupported(): about half the pairs end there


cdef class PairTable:
    """``NewsNgrams.keys`` (sorted unique ``(id1 << 16) | id2``), with each key's count
    bucket (``bucket[len(keys)]``: the absent bucket) and each bucket's count."""

    cdef object _keep
    cdef const uint32_t* keys
    cdef const uint32_t* sample
    cdef const int64_t* first
    cdef const uint16_t* bucket
    cdef const double* bucket_count
    cdef const int64_t* neighbour_row
    cdef const int64_t* neighbours
    cdef Py_ssize_t n
    cdef readonly Py_ssize_t limit, n_columns

    def __init__(self, keys, bucket, bucket_count, neighbour_row, neighbours):
        keys = np.ascontiguousarray(keys, dtype=np.uint32)
        bucket = np.ascontiguousarray(bucket, dtype=np.uint16)
        bucket_count = np.ascontiguousarray(bucket_count, dtype=np.float64)
        neighbour_row = np.ascontiguousarray(neighbour_row, dtype=np.int64)
        neighbours = np.ascontiguousarray(neighbours, dtype=np.int64).reshape(len(neighbours), -1)
        if len(bucket) != len(keys) + 1 or bucket.max() >= len(bucket_count):
            raise ValueError("the bigram buckets do not fit the keys")
        if neighbour_row.size and (
            neighbour_row.min() < -1 or neighbour_row.max() >= len(neighbours)
        ):
            raise ValueError("a neighbour row outside the neighbour lists")
        if neighbours.size and (neighbours.min() < 0 or neighbours.max() >= 1 << 16):
            raise ValueError("a neighbour that is not a 16-bit id")
        sample = np.ascontiguousarray(keys[::_STRIDE])
        self._keep = (keys, sample, _directory(keys, 16), bucket, bucket_count, neighbour_row, neighbours)
        self.keys, self.sample = _at_u32(keys), _at_u32(sample)
        self.first = _at_i64(self._keep[2])
        self.bucket = _at_u16(bucket)
        self.bucket_count = _at_f64(bucket_count.reshape(-1, 1))
        self.neighbour_row = _at_i64(neighbour_row)
        self.neighbours = _at_i64(neighbours.reshape(-1)) if neighbours.size else NULL
        self.n, self.n_columns = len(keys), neighbours.shape[1]
        self.limit = min(1 << 16, len(neighbour_row))  # ids safe for unsupported()

    cdef void _positions(self, const uint32_t* want, Py_ssize_t m, Py_ssize_t* out) noexcept nogil:
        cdef Py_ssize_t i
        _search_all(self.keys, self.sample, self.first, 16, want, m, out)
        for i in range(m):
            if out[i] >= self.n or self.keys[out[i]] != want[i]:
                out[i] = self.n

    def positions(self, const uint32_t[::1] want):
        """Index of each wanted key in the keys, or ``len(keys)`` when absent."""
        cdef Py_ssize_t m = want.shape[0]
        out = np.empty(m, dtype=np.intp)
        cdef Py_ssize_t[::1] view = out
        if m:
            with nogil:
                self._positions(&want[0], m, &view[0])
        return out.astype(np.int64, copy=False)

    def counts(self, const int64_t[::1] left, const int64_t[::1] right):
        """``NewsNgrams.bigram_counts``: the count of each pair's bucket (0: never seen).
        The caller checks that every id is in ``[0, 65536)``."""
        cdef Py_ssize_t m = left.shape[0], i
        if right.shape[0] != m:
            raise ValueError("left and right differ in length")
        out = np.empty(m, dtype=np.float64)
        cdef double[::1] view = out
        cdef uint32_t[::1] want = np.empty(m, dtype=np.uint32)
        cdef Py_ssize_t[::1] pos = np.empty(m, dtype=np.intp)
        if m == 0:
            return out
        with nogil:
            for i in range(m):
                want[i] = (<uint32_t>left[i] << 16) | <uint32_t>right[i]
            self._positions(&want[0], m, &pos[0])
            for i in range(m):
                view[i] = self.bucket_count[self.bucket[pos[i]]]
        return out

    cdef Py_ssize_t _support(
        self,
        const int64_t* first,
        const int64_t* second,
        Py_ssize_t* todo,
        Py_ssize_t n_todo,
        Py_ssize_t j0,
        Py_ssize_t j1,
        uint32_t* want,
        Py_ssize_t* pos,
        uint8_t* out,
    ) noexcept nogil:
        """Clears ``out[i]`` for each pair ``i`` of ``todo`` that a pair of neighbour
        ``j0 <= j < j1`` of one word with the other supports; keeps the rest in ``todo``
        (in order) and returns how many. ``want``, ``pos``: scratch of 2 * (j1 - j0) each."""
        cdef Py_ssize_t t, j, at, i, half = j1 - j0, kept = 0
        cdef int64_t a, b, ra, rb
        if half <= 0 or n_todo == 0:
            return n_todo
        for t in range(n_todo):
            i = todo[t]
            a, b = first[i], second[i]
            ra, rb = self.neighbour_row[a], self.neighbour_row[b]
            at = 2 * half * t
            for j in range(j0, j1):
                want[at + j - j0] = <uint32_t>(
                    ((self.neighbours[ra * self.n_columns + j] if ra >= 0 else a) << 16) | b
                )
                want[at + half + j - j0] = <uint32_t>(
                    (a << 16) | (self.neighbours[rb * self.n_columns + j] if rb >= 0 else b)
                )
        self._positions(want, 2 * half * n_todo, pos)
        for t in range(n_todo):
            i = todo[t]
            for j in range(2 * half * t, 2 * half * (t + 1)):
                if pos[j] != self.n and self.bucket_count[self.bucket[pos[j]]] > 0:
                    out[i] = 0
                    break
            if out[i]:
                todo[kept] = i
                kept += 1
        return kept

    def unsupported(self, const int64_t[::1] first, const int64_t[::1] second, Py_ssize_t k):
        """Per pair ``(first[i], second[i])``: no pair of one of the ``k`` words used most
        like one of them with the other is seen (``NewsNgrams.unsupported``; a word with
        no neighbour list stands for itself). The caller checks ids below :attr:`limit`.

        The nearest neighbours first: most supported pairs are supported there, and
        only the pairs they leave are searched with the rest (the same answer)."""
        cdef Py_ssize_t m = first.shape[0], kk = min(k, self.n_columns), i, n_todo
        cdef Py_ssize_t near = min(kk, _NEAR)
        if second.shape[0] != m or k < 1:
            raise ValueError("one second word per first, and k >= 1")
        out = np.ones(m, dtype=np.bool_)
        if m == 0 or kk == 0:
            return out
        cdef uint8_t[::1] view = out.view(np.uint8)
        cdef uint32_t[::1] want = np.empty(2 * kk * m, dtype=np.uint32)
        cdef Py_ssize_t[::1] pos = np.empty(2 * kk * m, dtype=np.intp)
        cdef Py_ssize_t[::1] todo = np.arange(m, dtype=np.intp)
        with nogil:
            n_todo = self._support(
                &first[0], &second[0], &todo[0], m, 0, near, &want[0], &pos[0], &view[0]
            )
            self._support(
                &first[0], &second[0], &todo[0], n_todo, near, kk, &want[0], &pos[0], &view[0]
            )
        return out
