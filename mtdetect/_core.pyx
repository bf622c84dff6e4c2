# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The pattern models' per-token core, compiled: n-gram keys and vocabulary look-ups.

Why: after the shared type table, a pattern model spent most of its time in
``np.unique`` and ``np.searchsorted`` over a few thousand n-gram keys per
document and per model. Here each key is looked up in a hash table of the
model's vocabulary (built once per model) and counted in a small per-document
table, in one pass. Only integers come back (the columns present and their
counts); the floating-point TF-IDF arithmetic stays in numpy, so scores are
those of the pure-Python path to the last bit (``mtdetect/_accel.py``).
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.stdlib cimport calloc, free, malloc

cdef uint64_t _MIX = 0x9E3779B97F4A7C15ULL


cdef inline Py_ssize_t _slot(int64_t key, int shift) noexcept nogil:
    return <Py_ssize_t>((<uint64_t>key * _MIX) >> shift)


cdef class VocabularyIndex:
    """A model's sorted n-gram keys as an open-addressing hash table: key -> column."""

    cdef int64_t* keys
    cdef int32_t* columns  # a vocabulary has fewer than 2**31 columns
    cdef Py_ssize_t mask
    cdef int shift
    cdef readonly Py_ssize_t size

    def __cinit__(self, const int64_t[::1] vocabulary):
        cdef Py_ssize_t n = vocabulary.shape[0], capacity = 16, i, slot
        cdef int bits = 4
        while capacity < 2 * n:
            capacity <<= 1
            bits += 1
        self.size = n
        self.mask = capacity - 1
        self.shift = 64 - bits
        self.keys = <int64_t*>calloc(capacity, sizeof(int64_t))  # 0: empty (keys are >= 1)
        self.columns = <int32_t*>malloc(capacity * sizeof(int32_t))
        if self.keys == NULL or self.columns == NULL:
            raise MemoryError()
        if n >= 2**31:
            raise ValueError("too many n-grams for one vocabulary")
        for i in range(n):
            if vocabulary[i] <= 0:
                raise ValueError("n-gram keys must be positive")
            slot = _slot(vocabulary[i], self.shift)
            while self.keys[slot] != 0 and self.keys[slot] != vocabulary[i]:
                slot = (slot + 1) & self.mask
            self.keys[slot] = vocabulary[i]
            self.columns[slot] = i

    def __dealloc__(self):
        free(self.keys)
        free(self.columns)

    cdef inline int64_t find(self, int64_t key) noexcept nogil:
        cdef Py_ssize_t slot = _slot(key, self.shift)
        while self.keys[slot] != 0:
            if self.keys[slot] == key:
                return self.columns[slot]
            slot = (slot + 1) & self.mask
        return -1

    def matches(self, const int64_t[::1] codes, int bits, int max_n):
        """(columns, counts) of the vocabulary n-grams (1..max_n) of a code stream.

        Columns come in no particular order; the caller sorts them. A code
        with every bit set (``unseen``) never forms a key, as in the model.
        """
        cdef Py_ssize_t length = codes.shape[0], i, n, slot, found = 0, capacity = 16
        cdef int table_bits = 4
        cdef int64_t key, column
        while capacity < 2 * length * max_n + 2:
            capacity <<= 1
            table_bits += 1
        cdef int64_t[::1] out_columns = np.empty(length * max_n, dtype=np.int64)
        cdef int64_t[::1] out_counts = np.empty(length * max_n, dtype=np.int64)
        cdef int64_t* seen = <int64_t*>malloc(capacity * sizeof(int64_t))
        cdef int64_t* where = <int64_t*>malloc(capacity * sizeof(int64_t))
        if seen == NULL or where == NULL:
            free(seen)
            free(where)
            raise MemoryError()
        cdef int doc_shift = 64 - table_bits
        cdef Py_ssize_t doc_mask = capacity - 1
        with nogil:
            for i in range(capacity):
                seen[i] = -1
            for i in range(length):
                key = 0
                for n in range(max_n):
                    if i + n >= length:
                        break
                    key = (key << bits) | codes[i + n]
                    column = self.find(key)
                    if column < 0:
                        continue
                    slot = _slot(column, doc_shift)
                    while seen[slot] != -1 and seen[slot] != column:
                        slot = (slot + 1) & doc_mask
                    if seen[slot] == -1:
                        seen[slot] = column
                        where[slot] = found
                        out_columns[found] = column
                        out_counts[found] = 1
                        found += 1
                    else:
                        out_counts[where[slot]] += 1
        free(seen)
        free(where)
        return np.asarray(out_columns)[:found], np.asarray(out_counts)[:found]
