# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The pattern models' per-token core, compiled: n-gram keys and vocabulary look-ups.

Why: after the shared type table, a pattern model spent most of its time in
``np.unique`` and ``np.searchsorted`` over a few thousand n-gram keys per
document and per model. Here each key is looked up in a hash table of the
model's vocabulary (built once per model) and counted, the misses of many
probes overlapped. Only integers come back (the columns present and their
counts) and copied values (``take_pair``); the floating-point TF-IDF
arithmetic stays in numpy, so scores are those of the pure-Python path to the
last bit (``mtdetect/_accel.py``).
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.stdlib cimport calloc, free, malloc

cdef uint64_t _MIX = 0x9E3779B97F4A7C15ULL
# ctz of a 64-bit word with one bit set, by de Bruijn multiplication (portable C)
cdef uint64_t _DEBRUIJN = 0x03F79D71B4CB0A89ULL
cdef int[64] _DEBRUIJN_INDEX = [
    0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4,
    62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
    63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
    46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6,
]


cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define MTD_PREFETCH(p) __builtin_prefetch(p)
    #else
    #define MTD_PREFETCH(p) ((void)0)
    #endif
    """
    void _prefetch "MTD_PREFETCH"(const void* p) noexcept nogil

# how many probes ahead a slot is fetched: enough misses in flight to hide memory latency
cdef Py_ssize_t _AHEAD = 16
# the most n-gram occurrences one call counts (a column's count is 32-bit)
MAX_HITS = 2**31 - 2
cdef Py_ssize_t _MAX_HITS = MAX_HITS


cdef inline Py_ssize_t _slot(int64_t key, int shift) noexcept nogil:
    return <Py_ssize_t>((<uint64_t>key * _MIX) >> shift)


cdef struct Entry:
    int64_t key  # 0: an empty slot (keys are >= 1)
    int64_t column


cdef class VocabularyIndex:
    """A model's sorted n-gram keys as an open-addressing hash table: key -> column.

    Why the extras: a document's n-grams are looked up by the thousand, mostly
    missing the cache, so a key and its column share a slot (one miss, not
    two), unigrams (symbol codes below ``2**bits``) are a direct table, and
    where the vocabulary holds every prefix of its n-grams (checked here) a
    position stops at its first missing n-gram, whose extensions cannot be
    there. Counting goes to a per-column scratch kept zeroed between calls, and
    a bitmap of the touched columns gives them back in ascending order, as
    ``np.unique`` does, without a sort.
    """

    cdef Entry* table
    cdef int32_t* unigram  # code -> column, -1 if absent; 2**bits entries
    cdef int32_t* counts  # per column; all zero between calls
    cdef uint64_t* touched  # a bit per column; all zero between calls
    cdef Py_ssize_t mask, words
    cdef int shift
    cdef bint busy
    cdef readonly Py_ssize_t size
    cdef readonly int bits
    cdef readonly bint prefix_closed

    def __cinit__(self, const int64_t[::1] vocabulary, int bits=0):
        cdef Py_ssize_t n = vocabulary.shape[0], capacity = 16, i, slot
        cdef int table_bits = 4
        cdef int64_t key
        if n >= 2**31:
            raise ValueError("too many n-grams for one vocabulary")
        if bits < 0 or bits > 24:
            raise ValueError("bits must be in [0, 24]")
        while capacity < 2 * n:
            capacity <<= 1
            table_bits += 1
        self.size = n
        self.bits = bits
        self.mask = capacity - 1
        self.shift = 64 - table_bits
        self.words = (n + 63) >> 6
        self.table = <Entry*>calloc(capacity, sizeof(Entry))
        self.counts = <int32_t*>calloc(n + 1, sizeof(int32_t))
        self.touched = <uint64_t*>calloc(self.words + 1, sizeof(uint64_t))
        self.unigram = <int32_t*>malloc((<Py_ssize_t>1 << bits) * sizeof(int32_t))
        if self.table == NULL or self.counts == NULL or self.touched == NULL or self.unigram == NULL:
            raise MemoryError()
        for i in range(<Py_ssize_t>1 << bits):
            self.unigram[i] = -1
        for i in range(n):
            key = vocabulary[i]
            if key <= 0:
                raise ValueError("n-gram keys must be positive")
            slot = _slot(key, self.shift)
            while self.table[slot].key != 0 and self.table[slot].key != key:
                slot = (slot + 1) & self.mask
            self.table[slot].key = key
            self.table[slot].column = i
            if bits and key < (<int64_t>1 << bits):
                self.unigram[key] = <int32_t>i
        self.prefix_closed = bits > 0
        if bits:
            for i in range(n):
                key = vocabulary[i] >> bits
                if key and self.find(key) < 0:
                    self.prefix_closed = False
                    break

    def __dealloc__(self):
        free(self.table)
        free(self.unigram)
        free(self.counts)
        free(self.touched)

    cdef inline int64_t find(self, int64_t key) noexcept nogil:
        cdef Py_ssize_t slot = _slot(key, self.shift)
        while self.table[slot].key != 0:
            if self.table[slot].key == key:
                return self.table[slot].column
            slot = (slot + 1) & self.mask
        return -1

    cdef Py_ssize_t _hits_plain(self, const int64_t[::1] codes, int bits, int max_n,
                                int32_t* hits) noexcept:
        """Every key of every position looked up: the columns found, by position."""
        cdef Py_ssize_t length = codes.shape[0], i, n, found = 0
        cdef uint64_t key
        cdef int64_t column
        for i in range(length):
            key = 0
            for n in range(max_n):
                if i + n >= length:
                    break
                key = (key << bits) | <uint64_t>codes[i + n]  # wraps as numpy's int64 does
                column = self.find(<int64_t>key)
                if column >= 0:
                    hits[found] = <int32_t>column
                    found += 1
        return found

    cdef Py_ssize_t _hits_by_level(self, const int64_t[::1] codes, int bits, int max_n,
                                   int64_t* pos, uint64_t* keys, int32_t* hits) noexcept:
        """The columns found, unigrams first, then the bigrams of the positions whose
        unigram was found, and so on (the vocabulary holds every prefix, and every
        code is in ``[1, 2**bits)``). Level by level, each probe's slot is fetched
        ``_AHEAD`` probes early, so the cache misses overlap instead of queueing.
        """
        cdef Py_ssize_t length = codes.shape[0], i, j, n, alive = 0, kept, found = 0
        cdef Py_ssize_t slot
        cdef int64_t column, key
        for i in range(length):
            column = self.unigram[codes[i]]
            if column >= 0:
                hits[found] = <int32_t>column
                found += 1
                pos[alive] = i
                keys[alive] = <uint64_t>codes[i]
                alive += 1
        for n in range(1, max_n):
            kept = 0
            for j in range(alive):  # positions ascend: those too near the end are last
                i = pos[j]
                if i + n >= length:
                    break
                keys[kept] = (keys[j] << bits) | <uint64_t>codes[i + n]
                pos[kept] = i
                kept += 1
            alive = kept
            for j in range(min(alive, _AHEAD)):
                _prefetch(&self.table[_slot(<int64_t>keys[j], self.shift)])
            kept = 0
            for j in range(alive):
                if j + _AHEAD < alive:
                    _prefetch(&self.table[_slot(<int64_t>keys[j + _AHEAD], self.shift)])
                key = <int64_t>keys[j]
                slot = _slot(key, self.shift)
                column = -1
                while self.table[slot].key != 0:
                    if self.table[slot].key == key:
                        column = self.table[slot].column
                        break
                    slot = (slot + 1) & self.mask
                if column >= 0:
                    hits[found] = <int32_t>column
                    found += 1
                    keys[kept] = keys[j]
                    pos[kept] = pos[j]
                    kept += 1
            alive = kept
        return found

    def matches(self, const int64_t[::1] codes, int bits, int max_n):
        """(columns ascending, counts) of the vocabulary n-grams (1..max_n) of a code stream.

        A code with every bit set (``unseen``) never forms a key, as in the
        model. Codes outside ``[1, 2**bits)`` or a ``bits`` other than the
        index's take the plain path (every key looked up), as numpy would.
        """
        cdef Py_ssize_t length = codes.shape[0], i, found = 0, most, w
        cdef int64_t column, limit
        cdef uint64_t word, low
        cdef int32_t* counts = self.counts
        cdef uint64_t* touched = self.touched
        cdef bint fast = self.prefix_closed and bits == self.bits, borrowed
        if bits < 1 or bits > 62 or max_n < 1:  # (max_n 0 would write hits past the buffers)
            raise ValueError("bits must be in [1, 62] and max_n >= 1")
        if length > _MAX_HITS // max_n:  # counts are 32-bit
            raise ValueError("the stream is too long for one call")
        if fast:
            limit = <int64_t>1 << bits
            for i in range(length):
                if codes[i] < 1 or codes[i] >= limit:  # code 0 would alias shorter keys
                    fast = False
                    break
        most = min(self.size, length * max_n)
        out_columns = np.empty(most, dtype=np.int64)
        out_counts = np.empty(most, dtype=np.int64)
        cdef int64_t[::1] columns_view = out_columns
        cdef int64_t[::1] counts_view = out_counts
        # no Python call from here until the scratch is zeroed again: the GIL is held,
        # so no other thread can use it meanwhile (busy covers a reentrant call anyway)
        borrowed = not self.busy
        if not borrowed:
            counts = <int32_t*>calloc(self.size + 1, sizeof(int32_t))
            touched = <uint64_t*>calloc(self.words + 1, sizeof(uint64_t))
            if counts == NULL or touched == NULL:
                free(counts)
                free(touched)
                raise MemoryError()
        cdef int64_t* pos = <int64_t*>malloc((length + 1) * sizeof(int64_t))
        cdef uint64_t* keys = <uint64_t*>malloc((length + 1) * sizeof(uint64_t))
        cdef int32_t* hits = <int32_t*>malloc((length * max_n + 1) * sizeof(int32_t))
        if pos == NULL or keys == NULL or hits == NULL:
            free(pos)
            free(keys)
            free(hits)
            if not borrowed:
                free(counts)
                free(touched)
            raise MemoryError()
        self.busy = True
        if fast:
            found = self._hits_by_level(codes, bits, max_n, pos, keys, hits)
        else:
            found = self._hits_plain(codes, bits, max_n, hits)
        free(pos)
        free(keys)
        # counting, its cache misses overlapped as the probes' were
        for i in range(found):
            if i + _AHEAD < found:
                _prefetch(&counts[hits[i + _AHEAD]])
            column = hits[i]
            if counts[column] == 0:
                touched[column >> 6] |= (<uint64_t>1) << (column & 63)
            counts[column] += 1
        free(hits)
        found = 0
        for w in range(self.words):
            word = touched[w]
            if word == 0:
                continue
            touched[w] = 0
            while word:
                low = word & (~word + 1)
                column = (w << 6) + _DEBRUIJN_INDEX[(low * _DEBRUIJN) >> 58]
                columns_view[found] = column
                counts_view[found] = counts[column]
                counts[column] = 0
                found += 1
                word ^= low
        if borrowed:
            self.busy = False
        else:
            free(counts)
            free(touched)
        return out_columns[:found], out_counts[:found]


def take_pair(const double[::1] first, const double[::1] second, const int64_t[::1] columns):
    """``(first[columns], second[columns])``, each element fetched a few ahead.

    Why: a document's vocabulary columns are scattered over tables of a few
    megabytes (a model's IDF and weights) that the other families have pushed
    out of the cache. Columns outside either array raise ``IndexError``.
    """
    cdef Py_ssize_t n = columns.shape[0], i, limit = min(first.shape[0], second.shape[0])
    for i in range(n):
        if columns[i] < 0 or columns[i] >= limit:
            raise IndexError("column out of range")
    out_first = np.empty(n, dtype=np.float64)
    out_second = np.empty(n, dtype=np.float64)
    cdef double[::1] a = out_first, b = out_second
    for i in range(n):
        if i + _AHEAD < n:
            _prefetch(&first[columns[i + _AHEAD]])
            _prefetch(&second[columns[i + _AHEAD]])
        a[i] = first[columns[i]]
        b[i] = second[columns[i]]
    return out_first, out_second
