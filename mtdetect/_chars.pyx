# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled scoring for the character model and candidate spans for the surface patterns.

Why: after the n-gram look-ups, ``CharGramModel.contributions`` spent more time
in a dozen numpy calls over ~15,000 occurrences than the look-ups took, and
the surface family scanned each 5 KB article six times with the regex engine.
Here the character model's look-ups, TF-IDF terms, sums and per-character
shares are one pass; every floating-point operation is numpy's, in numpy's
order (its pairwise sum, ``bincount``'s running sums, a log table numpy
computed), so each score is the numpy path's to the last bit
(``mtdetect/_chars_accel.py``, ``tests/test_chars_accel.py``). The surface
scan only proposes where a pattern may match; the regex decides.
"""

import numpy as np

from libc.math cimport sqrt
from libc.stdint cimport int64_t, uint32_t, uint64_t, uintptr_t
from libc.stdlib cimport calloc, free, malloc
from cpython.unicode cimport (
    Py_UNICODE_ISSPACE, PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ
)

cdef uint64_t _MIX = 0x9E3779B97F4A7C15ULL
cdef uint64_t _PRIME = 0x100000001B3ULL
cdef Py_ssize_t _AHEAD = 12  # look-ups between a slot's prefetch and its probe
cdef Py_ssize_t _PW_BLOCK = 128  # numpy's PW_BLOCKSIZE


cdef extern from *:
    void __builtin_prefetch(const void* address) noexcept nogil


cdef extern from *:
    """
    #if PY_VERSION_HEX < 0x030C0000
    #define _mt_unicode_ready(o) PyUnicode_READY(o)
    #else
    #define _mt_unicode_ready(o) 0
    #endif
    """
    # a str made by a legacy C API gets its canonical buffer before PyUnicode_DATA reads it
    int _mt_unicode_ready(object o) except -1


cdef struct _Slot:  # 24 bytes: the key and the two values a look-up reads (no column)
    uint64_t key
    double idf
    double coef


cdef double _pairwise(const double* a, Py_ssize_t n) noexcept nogil:
    """numpy's ``pairwise_sum`` for float64 (``np.sum`` of a contiguous array adds it to 0.0)."""
    cdef Py_ssize_t i, n2
    cdef double res, r0, r1, r2, r3, r4, r5, r6, r7
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    if n <= _PW_BLOCK:
        r0, r1, r2, r3 = a[0], a[1], a[2], a[3]
        r4, r5, r6, r7 = a[4], a[5], a[6], a[7]
        i = 8
        while i < n - (n % 8):
            r0 += a[i]
            r1 += a[i + 1]
            r2 += a[i + 2]
            r3 += a[i + 3]
            r4 += a[i + 4]
            r5 += a[i + 5]
            r6 += a[i + 6]
            r7 += a[i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            res += a[i]
            i += 1
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise(a, n2) + _pairwise(a + n2, n - n2)


def numpy_sum(const double[::1] values):
    """``np.sum`` of a float64 array, the compiled way (for the tests)."""
    return 0.0 + _pairwise(&values[0], values.shape[0]) if values.shape[0] else 0.0


cdef class CharScorer:
    """A character model's vocabulary as an open-addressing table: key -> its ``idf_``
    and ``coef_`` values, everything ``contributions`` reads, in one place.

    Key 0 is never stored (the numpy ``HashIndex`` leaves it out too); a repeated key
    keeps its first column's values.
    """

    cdef _Slot* slots
    cdef void* block  # slots points into it, at a 64-byte boundary
    cdef Py_ssize_t mask
    cdef int shift
    cdef readonly Py_ssize_t size

    def __cinit__(self, const uint64_t[::1] vocabulary, const double[::1] idf,
                  const double[::1] coef):
        cdef Py_ssize_t n = vocabulary.shape[0], capacity = 16, i, slot
        cdef int bits = 4
        if idf.shape[0] != n or coef.shape[0] != n:
            raise ValueError("idf and coef must have one value per vocabulary key")
        if n >= 2**31:
            raise ValueError("too many n-grams for one vocabulary")
        while capacity < 2 * n:
            capacity <<= 1
            bits += 1
        self.size = n
        self.mask = capacity - 1
        self.shift = 64 - bits
        self.block = calloc(capacity + 3, sizeof(_Slot))
        if self.block == NULL:
            raise MemoryError()
        self.slots = <_Slot*>((<uintptr_t>self.block + 63) & ~(<uintptr_t>63))
        for i in range(n):
            if vocabulary[i] == 0:
                continue
            slot = <Py_ssize_t>((vocabulary[i] * _MIX) >> self.shift)
            while self.slots[slot].key != 0 and self.slots[slot].key != vocabulary[i]:
                slot = (slot + 1) & self.mask
            if self.slots[slot].key == 0:  # a repeated key keeps its first values
                self.slots[slot].key = vocabulary[i]
                self.slots[slot].idf = idf[i]
                self.slots[slot].coef = coef[i]

    def __dealloc__(self):
        free(self.block)

    cdef inline _Slot* find(self, uint64_t key) noexcept nogil:
        cdef Py_ssize_t slot
        if key == 0:
            return NULL
        slot = <Py_ssize_t>((key * _MIX) >> self.shift)
        while self.slots[slot].key != 0:
            if self.slots[slot].key == key:
                return &self.slots[slot]
            slot = (slot + 1) & self.mask
        return NULL

    def score(self, str lowered, int min_n, int max_n, const double[::1] logs, int mode):
        """``(found, raw, array)``: how many vocabulary n-gram occurrences ``lowered`` has,
        the TF-IDF dot product without the intercept, and per ``mode`` nothing (0),
        each character's share (1) or the running sum of the shares from 0.0 (2).

        ``lowered`` is the normalised text lower-cased (one character for one);
        ``logs[c - 1]`` is ``np.log(c)`` for every count ``c`` up to ``len(lowered)``.
        Occurrences are taken in ``char_grams``' order (all ``min_n``-grams in text
        order, then longer ones), which fixes the order of every sum.
        """
        cdef Py_ssize_t length = len(lowered), kept = 0, i, n, k, slot, total = 0
        cdef Py_ssize_t found = 0, distinct = 0, d, g = 0, capacity = 16
        cdef int table_bits = 4, doc_shift
        cdef Py_UCS4 c
        cdef uint64_t code, h, salt
        cdef int64_t count
        cdef _Slot* hit
        cdef double value, norm, raw
        cdef bint previous_space = False
        if min_n < 1 or max_n < min_n:
            raise ValueError("need 1 <= min_n <= max_n")
        if logs.shape[0] < length:
            raise ValueError("the log table must cover every count up to the text's length")
        _mt_unicode_ready(lowered)
        for n in range(min_n, max_n + 1):
            if length >= n:
                total += length - n + 1
        while capacity < 2 * total + 2:
            capacity <<= 1
            table_bits += 1
        doc_shift = 64 - table_bits
        cdef Py_ssize_t doc_mask = capacity - 1
        cdef Py_ssize_t room = max(total, 1)
        cdef uint64_t* codes = <uint64_t*>malloc(max(length, 1) * sizeof(uint64_t))
        cdef int64_t* offsets = <int64_t*>malloc(max(length, 1) * sizeof(int64_t))
        cdef uint64_t* grams = <uint64_t*>malloc(room * sizeof(uint64_t))
        cdef int64_t* starts = <int64_t*>malloc(room * sizeof(int64_t))
        cdef int64_t* distinct_of = <int64_t*>malloc(room * sizeof(int64_t))
        cdef uint64_t* distinct_keys = <uint64_t*>malloc(room * sizeof(uint64_t))
        cdef int64_t* distinct_counts = <int64_t*>malloc(room * sizeof(int64_t))
        cdef double* distinct_terms = <double*>malloc(room * sizeof(double))
        cdef double* distinct_squares = <double*>malloc(room * sizeof(double))
        cdef unsigned char* distinct_known = <unsigned char*>malloc(room)
        cdef double* terms = <double*>malloc(room * sizeof(double))
        cdef double* squares = <double*>malloc(room * sizeof(double))
        cdef int64_t* seen = <int64_t*>malloc(capacity * sizeof(int64_t))
        cdef double* shares = <double*>calloc(max(length, 1), sizeof(double))
        cdef double[::1] out
        cdef int kind = PyUnicode_KIND(lowered)
        cdef void* data = PyUnicode_DATA(lowered)
        try:
            if (codes == NULL or offsets == NULL or grams == NULL or starts == NULL
                    or distinct_of == NULL or distinct_keys == NULL or distinct_counts == NULL
                    or distinct_terms == NULL or distinct_squares == NULL
                    or distinct_known == NULL or terms == NULL or squares == NULL
                    or seen == NULL or shares == NULL):
                raise MemoryError()
            for i in range(length):
                c = PyUnicode_READ(kind, data, i)
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
            with nogil:
                for n in range(min_n, max_n + 1):  # n-major, as char_grams' arrays
                    salt = <uint64_t>n * _MIX
                    for i in range(kept - n + 1):
                        h = codes[i]
                        for k in range(1, n):
                            h = h * _PRIME + codes[i + k]
                        grams[g] = h ^ salt
                        starts[g] = offsets[i]
                        g += 1
                # the distinct n-grams, in a table small enough for the cache
                for i in range(capacity):
                    seen[i] = -1
                for i in range(g):
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
                    hit = self.find(distinct_keys[d])
                    distinct_known[d] = hit != NULL
                    if hit != NULL:  # numpy: values = (log(counts) + 1) * idf[columns]
                        count = distinct_counts[d]
                        value = (logs[count - 1] + 1.0) * hit.idf
                        distinct_squares[d] = value * value / <double>count
                        distinct_terms[d] = value * hit.coef / <double>count
                for i in range(g):
                    d = distinct_of[i]
                    if distinct_known[d]:
                        terms[found] = distinct_terms[d]
                        squares[found] = distinct_squares[d]
                        starts[found] = starts[i]
                        found += 1
                if found:
                    norm = sqrt(0.0 + _pairwise(squares, found))
                    raw = (0.0 + _pairwise(terms, found)) / norm
                    if mode:  # bincount(starts, weights=terms / norm), added to zeros
                        for i in range(found):
                            shares[starts[i]] += terms[i] / norm
            if not found:
                return 0, 0.0, None
            if mode == 0:
                return found, raw, None
            if mode == 1:
                out = np.empty(length, dtype=np.float64)
                for i in range(length):
                    out[i] = 0.0 + shares[i]
            else:  # concatenate(([0.0], cumsum(shares)))
                out = np.empty(length + 1, dtype=np.float64)
                out[0] = 0.0
                if length:
                    out[1] = 0.0 + shares[0]
                for i in range(1, length):
                    out[i + 1] = out[i] + (0.0 + shares[i])
            return found, raw, np.asarray(out)
        finally:
            free(codes)
            free(offsets)
            free(grams)
            free(starts)
            free(distinct_of)
            free(distinct_keys)
            free(distinct_counts)
            free(distinct_terms)
            free(distinct_squares)
            free(distinct_known)
            free(terms)
            free(squares)
            free(seen)
            free(shares)


# -- surface patterns (mtdetect.signals.surface): where each could match, from necessary
# conditions only (a superset); the regex decides at each, so the matches are its own.
# Order: STRAY, SPACE_BEFORE, CURRENCY, MISSING_SPACE, DOUBLED, LONE_LETTER.

cdef inline bint _ascii_lower(Py_UCS4 c) noexcept nogil:
    return c >= u"a" and c <= u"z"


cdef inline bint _ascii_upper(Py_UCS4 c) noexcept nogil:
    return c >= u"A" and c <= u"Z"


cdef inline bint _marks(Py_UCS4 c) noexcept nogil:  # [.,;:]
    return c == u"." or c == u"," or c == u";" or c == u":"


cdef inline bint _letterish(Py_UCS4 c) noexcept nogil:
    """Could be [^\\W\\d_] under IGNORECASE: an ASCII letter, or anything past ASCII."""
    return _ascii_lower(c) or _ascii_upper(c) or c >= 128


cdef inline uint32_t _fold_ascii(Py_UCS4 c) noexcept nogil:
    return <uint32_t>c + 32 if _ascii_upper(c) else <uint32_t>c


def surface_starts(str text):
    """Six ascending lists: where each surface pattern might match in ``text``; the
    doubled-word one None past a few passes' work (long runs beyond ASCII, each char a
    possible start): its linear regex then scans the whole text."""
    cdef Py_ssize_t n = len(text), i, j, s, p, k, e, q, size
    cdef Py_ssize_t work = 0, budget = 8 * n + 4096  # characters compared for DOUBLED
    cdef Py_UCS4 c, a, b
    cdef bint same, doubled_given_up = False
    cdef list stray = [], before = [], currency = [], missing = [], doubled = [], lone = []
    _mt_unicode_ready(text)
    cdef int kind = PyUnicode_KIND(text)  # every index read below is checked against n
    cdef void* data = PyUnicode_DATA(text)
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if _marks(c):
            # [.,;:] then at least one [ ]+[.,;:]
            j = i + 1
            if j < n and PyUnicode_READ(kind, data, j) == u" ":
                while j < n and PyUnicode_READ(kind, data, j) == u" ":
                    j += 1
                if j < n and _marks(PyUnicode_READ(kind, data, j)):
                    stray.append(i)
            # (?<=[a-z]{2})[.,](?=[A-Z][a-z])
            if ((c == u"." or c == u",") and i >= 2 and i + 2 < n
                    and _ascii_lower(PyUnicode_READ(kind, data, i - 1)) and _ascii_lower(PyUnicode_READ(kind, data, i - 2))
                    and _ascii_upper(PyUnicode_READ(kind, data, i + 1)) and _ascii_lower(PyUnicode_READ(kind, data, i + 2))):
                missing.append(i)
        elif c == u"$" or c == u"\u20ac" or c == u"\u00a3" or c == u"\u00a5":
            if i + 1 < n and PyUnicode_READ(kind, data, i + 1) == u" ":
                currency.append(i)
        elif c == u" " and i > 0 and PyUnicode_READ(kind, data, i - 1) != u" ":
            # a letter, then the first space of a run: space before punctuation
            j = i
            while j < n and PyUnicode_READ(kind, data, j) == u" ":
                j += 1
            q = j
            c = PyUnicode_READ(kind, data, j) if j < n else 0
            if c == u"," or c == u";" or c == u":" or c == u"!" or c == u"?" or c == u".":
                before.append(i)
            # [ ]([b-hj-uwyz])(?= ...)
            if i + 2 < n and PyUnicode_READ(kind, data, i + 2) == u" ":
                c = PyUnicode_READ(kind, data, i + 1)
                if _ascii_lower(c) and c != u"a" and c != u"i" and c != u"v" and c != u"x":
                    lone.append(i)
            if doubled_given_up:  # a word, spaces, the same word again: each start the word
                continue  # may have (its first letter, or past a character beyond ASCII)
            e = s = i
            while s > 0 and _letterish(PyUnicode_READ(kind, data, s - 1)):
                s -= 1
            for p in range(s, e):
                if p > s and PyUnicode_READ(kind, data, p - 1) < 128 and PyUnicode_READ(kind, data, p) < 128:
                    continue
                size = e - p
                if q + size > n:
                    continue
                work += size
                doubled_given_up = work > budget
                if doubled_given_up:
                    break
                same = True
                for k in range(size):
                    a = PyUnicode_READ(kind, data, p + k)
                    b = PyUnicode_READ(kind, data, q + k)
                    if a < 128 and b < 128 and _fold_ascii(a) != _fold_ascii(b):
                        same = False
                        break
                if same:
                    doubled.append(p)
    return stray, before, currency, missing, None if doubled_given_up else doubled, lone
