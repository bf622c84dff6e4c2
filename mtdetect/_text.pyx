# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""A document's tokens, words and sentences, compiled (``mtdetect/text.py`` says what they are).

Why: a 5 KB article has about a thousand tokens, and making them was the
costliest step before the signals: a Python call per token tuple, then a
Python pass each for the words, their lower-cased forms and the sentence
ends. Here one pass over the characters makes the tokens (each filled in
place, as ``tuple.__new__`` does, and never tracked by the garbage
collector: a tuple of a str and two ints can be part of no cycle; a repeated
token's text is the same str object each time), the words and their
lower-cased forms. Every result is equal, value for value, to the
pure-Python path's (``tests/test_text_accel.py``).
"""

from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF, Py_INCREF
from libc.stdint cimport uint64_t
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcmp
from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISALPHA, Py_UNICODE_ISDECIMAL
from cpython.unicode cimport Py_UNICODE_ISSPACE


cdef extern from "Python.h":
    ctypedef struct AllocatingType "PyTypeObject":
        PyObject* (*tp_alloc)(AllocatingType* kind, Py_ssize_t items) except NULL
    int PyUnicode_KIND(object text)
    void* PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index) nogil
    object PyUnicode_Substring(object text, Py_ssize_t start, Py_ssize_t end)
    void PyTuple_SET_ITEM(object tup, Py_ssize_t index, object item)
    void PyObject_GC_UnTrack(void* obj)
    object PyLong_FromSsize_t(Py_ssize_t value)


cdef enum:
    SKIP = 0  # [\s_]: between tokens
    LETTER = 1  # [^\W\d_]
    DIGIT = 2  # \d
    MARK = 3  # anything else: a one-character token


# The classes of the first 128 code points, looked up instead of computed.
cdef unsigned char ASCII_CLASS[128]


cdef inline int _slow_class(Py_UCS4 c) noexcept:
    """The class as CPython's regex engine reads ``TOKEN_RE`` (``\\s``, ``\\d``, ``\\w``)."""
    if Py_UNICODE_ISSPACE(c) or c == u"_":
        return SKIP
    if Py_UNICODE_ISDECIMAL(c):
        return DIGIT
    if Py_UNICODE_ISALNUM(c):
        return LETTER
    return MARK


cdef Py_UCS4 _code
for _code in range(128):
    ASCII_CLASS[_code] = _slow_class(_code)


cdef inline int _class(Py_UCS4 c) noexcept:
    if c < 128:
        return ASCII_CLASS[c]
    return _slow_class(c)


def char_classes(str text):
    """Each character's class (0 space or "_", 1 letter, 2 digit, 3 other), a byte each:
    for testing the classes against the regex engine's."""
    cdef Py_ssize_t i, n = len(text)
    out = bytearray(n)
    for i in range(n):
        out[i] = _class(text[i])
    return bytes(out)


cdef extern from *:
    """
    #if PY_VERSION_HEX < 0x030C0000
    #define _mt_text_ready(o) PyUnicode_READY(o)
    #else
    #define _mt_text_ready(o) 0
    #endif
    #define _mt_tuple_has_no_cached_hash (PY_VERSION_HEX < 0x030E0000)
    """
    # a str made by a legacy C API gets its canonical buffer before PyUnicode_DATA reads it
    int _mt_text_ready(object o) except -1
    # from 3.14 a tuple caches its hash, which tuple.__new__ sets to "not computed" (-1)
    # and tp_alloc's zeros would not: such tuples are made by tuple.__new__ instead
    bint _mt_tuple_has_no_cached_hash


cdef bint _fills_like_tuple(type token):
    """Whether ``token`` is a tuple subclass whose instances are bare tuples (a NamedTuple)
    that can be filled in place (as ``tuple.__new__`` would)."""
    return (
        _mt_tuple_has_no_cached_hash
        and issubclass(token, tuple)
        and token.__basicsize__ == tuple.__basicsize__
        and token.__itemsize__ == tuple.__itemsize__
    )


# The offsets of a few pages of text as shared int objects: a token's two offsets
# are otherwise two new ints (both made and freed with every document).
cdef Py_ssize_t N_OFFSETS = 1 << 14
cdef list OFFSETS = list(range(N_OFFSETS))


cdef inline object _offset(Py_ssize_t value):
    if 0 <= value < N_OFFSETS:
        return OFFSETS[value]
    return PyLong_FromSsize_t(value)


cdef inline object _token(type token, bint bare, object text, Py_ssize_t start, Py_ssize_t end):
    """``token(text, start, end)`` as ``tuple.__new__`` makes it, untracked by the collector."""
    cdef AllocatingType* kind
    cdef PyObject* raw
    if not bare:
        return tuple.__new__(token, (text, start, end))
    kind = <AllocatingType*>token
    raw = kind.tp_alloc(kind, 3)
    made = <object>raw  # (a second reference: the cast counts one)
    Py_DECREF(made)
    Py_INCREF(text)
    PyTuple_SET_ITEM(made, 0, text)
    item = _offset(start)
    Py_INCREF(item)
    PyTuple_SET_ITEM(made, 1, item)
    item = _offset(end)
    Py_INCREF(item)
    PyTuple_SET_ITEM(made, 2, item)
    PyObject_GC_UnTrack(<void*>made)
    return made


cdef inline bint _lower_already(int kind, void* data, Py_ssize_t start, Py_ssize_t end):
    """Whether ``text[start:end]`` is ASCII without a capital: its own ``str.lower()``."""
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(start, end):
        c = PyUnicode_READ(kind, data, i)
        if c >= 128 or u"A" <= c <= u"Z":
            return False
    return True


# A document's repeated tokens ("the", "said") share one str object: fewer to make
# and free, and a str hashes once for all of its uses in the families' look-ups.
cdef struct Seen:
    Py_ssize_t start  # where the piece first came (its characters are compared)
    Py_ssize_t length  # 0: an empty slot
    uint64_t hash
    PyObject* piece  # borrowed: the token list holds it
    PyObject* lowered  # borrowed from the lower-cased words; NULL for a non-word


cdef inline uint64_t _hash(int kind, void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    cdef uint64_t h = 14695981039346656037ULL
    cdef Py_ssize_t i
    for i in range(start, end):
        h = (h ^ <uint64_t>PyUnicode_READ(kind, data, i)) * 1099511628211ULL
    return h


cdef inline Seen* _find(
    Seen* table, Py_ssize_t mask, uint64_t h, int kind, void* data, Py_ssize_t start,
    Py_ssize_t end
) noexcept:
    """The slot of ``text[start:end]``: the one holding it, or the empty one it would take."""
    cdef Py_ssize_t slot = <Py_ssize_t>(h & <uint64_t>mask), length = end - start
    cdef char* chars = <char*>data
    while table[slot].length != 0:
        if (
            table[slot].hash == h
            and table[slot].length == length
            and memcmp(chars + table[slot].start * kind, chars + start * kind, length * kind) == 0
        ):
            return &table[slot]
        slot = (slot + 1) & mask
    return &table[slot]


def scan(str text, type token):
    """(tokens, words, lower-cased words, hyphenated ones) of ``text``, in one pass.

    Those of ``Document``: the tokens are ``TOKEN_RE``'s spans as ``token(text, start,
    end)``; a word is a token whose first character is a letter (``str.isalpha``);
    the last list holds the lower-cased words with a hyphen, each time it comes.
    """
    _mt_text_ready(text)
    cdef Py_ssize_t n = len(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef bint bare = _fills_like_tuple(token)
    cdef list tokens = [], words = [], lower = [], hyphenated = []
    # a table of a power of two slots, at most half of them filled
    cdef Py_ssize_t capacity = 64
    while capacity < n // 4 and capacity < (1 << 15):
        capacity <<= 1
    cdef Seen* table = <Seen*>calloc(capacity, sizeof(Seen))
    if table == NULL:
        raise MemoryError()
    try:
        _scan(text, n, kind, data, token, bare, table, capacity, tokens, words, lower,
              hyphenated)
    finally:
        free(table)
    return tokens, words, lower, hyphenated


cdef int _scan(
    str text, Py_ssize_t n, int kind, void* data, type token, bint bare, Seen* table,
    Py_ssize_t capacity, list tokens, list words, list lower, list hyphenated
) except -1:
    cdef Py_ssize_t i = 0, j, filled = 0, mask = capacity - 1
    cdef bint hyphen
    cdef Py_UCS4 c, d
    cdef int cls
    cdef Seen* seen
    cdef uint64_t h
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        cls = _class(c)
        if cls == SKIP:
            i += 1
            continue
        j = i + 1
        hyphen = False
        if cls == LETTER:
            while j < n and _class(PyUnicode_READ(kind, data, j)) == LETTER:
                j += 1
            while j + 1 < n:
                d = PyUnicode_READ(kind, data, j)
                if not (d == u"'" or d == u"-"):
                    break
                if _class(PyUnicode_READ(kind, data, j + 1)) != LETTER:
                    break
                hyphen = hyphen or d == u"-"
                j += 2
                while j < n and _class(PyUnicode_READ(kind, data, j)) == LETTER:
                    j += 1
        elif cls == DIGIT:
            while j < n and _class(PyUnicode_READ(kind, data, j)) == DIGIT:
                j += 1
            while j + 1 < n:
                d = PyUnicode_READ(kind, data, j)
                if not (d == u"." or d == u"," or d == u":"):
                    break
                if _class(PyUnicode_READ(kind, data, j + 1)) != DIGIT:
                    break
                j += 2
                while j < n and _class(PyUnicode_READ(kind, data, j)) == DIGIT:
                    j += 1
            if j < n and PyUnicode_READ(kind, data, j) == u"%":
                j += 1
        h = _hash(kind, data, i, j)
        seen = _find(table, mask, h, kind, data, i, j)
        if seen.length != 0:
            piece = <object>seen.piece
        else:
            piece = PyUnicode_Substring(text, i, j)
        made = _token(token, bare, piece, i, j)
        tokens.append(made)
        if Py_UNICODE_ISALPHA(c):
            words.append(made)
            if seen.length != 0:
                lowered = <object>seen.lowered
            else:
                lowered = piece if _lower_already(kind, data, i, j) else piece.lower()
            lower.append(lowered)
            if hyphen:
                hyphenated.append(lowered)
        if seen.length == 0 and 2 * (filled + 1) <= capacity:
            seen.start = i
            seen.length = j - i
            seen.hash = h
            seen.piece = <PyObject*>piece  # (held by the token just listed)
            seen.lowered = <PyObject*>lowered if Py_UNICODE_ISALPHA(c) else NULL
            filled += 1
        i = j
    return 0


# -- sentences ----------------------------------------------------------------------

def split_sentences(list tokens, type sentence, abbreviations):
    """``mtdetect.text.split_sentences``: the same sentences, as ``sentence(start, end, part)``.

    Each token must be a tuple of a non-empty str and two ints (else TypeError or
    ValueError); their offsets and characters are read once into C arrays.
    """
    cdef Py_ssize_t n = len(tokens), k, i, begin = 0, end
    cdef Py_ssize_t* starts = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* ends = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_UCS4* first = <Py_UCS4*>malloc((n + 1) * sizeof(Py_UCS4))
    cdef Py_UCS4* single = <Py_UCS4*>malloc((n + 1) * sizeof(Py_UCS4))  # 0: longer
    cdef list sentences = []
    cdef tuple items = tuple(tokens)  # (a copy: nothing can change it under us)
    if starts == NULL or ends == NULL or first == NULL or single == NULL:
        free(starts)
        free(ends)
        free(first)
        free(single)
        raise MemoryError()
    try:
        for k in range(n):
            tok = items[k]
            if not isinstance(tok, tuple) or len(<tuple>tok) != 3:
                raise TypeError("a token is a (text, start, end) tuple")
            text = (<tuple>tok)[0]
            if not isinstance(text, str) or len(<str>text) == 0:
                raise ValueError("a token's text is a non-empty str")
            starts[k] = (<tuple>tok)[1]
            ends[k] = (<tuple>tok)[2]
            first[k] = (<str>text)[0]
            single[k] = first[k] if len(<str>text) == 1 else 0
        for i in range(n):
            if not (single[i] == u"." or single[i] == u"!" or single[i] == u"?"):
                continue
            if i < begin or not _ends_sentence(items, i, n, starts, ends, first, single,
                                               abbreviations):
                continue
            end = i + 1
            # absorb closing quotes and brackets glued to the terminator
            while end < n and (
                single[end] == u'"' or single[end] == u"'" or single[end] == u")"
                or single[end] == u"]"
            ) and starts[end] == ends[end - 1]:
                end += 1
            sentences.append(sentence(starts[begin], ends[end - 1], items[begin:end]))
            begin = end
        if begin < n:
            sentences.append(sentence(starts[begin], ends[n - 1], items[begin:n]))
    finally:
        free(starts)
        free(ends)
        free(first)
        free(single)
    return sentences


cdef bint _ends_sentence(
    tuple tokens, Py_ssize_t i, Py_ssize_t n, Py_ssize_t* starts, Py_ssize_t* ends,
    Py_UCS4* first, Py_UCS4* single, abbreviations
) except -1:
    """``mtdetect.text._ends_sentence`` for the terminator token ``i``."""
    if single[i] != u".":
        return True  # "!" or "?"
    if i > 0 and ends[i - 1] == starts[i]:
        before = (<tuple>tokens[i - 1])[0]  # (checked: a 3-tuple)
        word = before.lower()
        if word in abbreviations or (len(word) == 1 and before.isupper()):
            return False
        # "U.S." tokenises as U . S . : a capital letter glued to a dot before us.
        if len(word) == 1 and i >= 2 and single[i - 2] == u"." and ends[i - 2] == starts[i - 1]:
            return False
    # "2.5", "example.com", "a.m": a dot glued to what follows ends nothing
    return not (i + 1 < n and starts[i + 1] == ends[i] and Py_UNICODE_ISALNUM(first[i + 1]))


# -- the English check's character counts ---------------------------------------------

cdef unsigned char ASCII_LETTER[128]  # str.isalpha
cdef unsigned char ASCII_SPACE[128]  # str.isspace
for _code in range(128):
    ASCII_LETTER[_code] = Py_UNICODE_ISALPHA(_code)
    ASCII_SPACE[_code] = Py_UNICODE_ISSPACE(_code)


def char_counts(str text, bytes code_marks):
    """``mtdetect.language._char_counts`` in one pass: (ASCII letters, the other letters in
    order, characters that are not white space, characters among the ASCII ``code_marks``)."""
    _mt_text_ready(text)
    cdef Py_ssize_t n = len(text), i, letters = 0, spaces = 0, code = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    cdef unsigned char marks[128]
    cdef list others = []
    for i in range(128):
        marks[i] = 0
    for i in range(len(code_marks)):
        if code_marks[i] < 128:
            marks[code_marks[i]] = 1
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if c < 128:
            letters += ASCII_LETTER[c]
            spaces += ASCII_SPACE[c]
            code += marks[c]
        else:
            if Py_UNICODE_ISSPACE(c):
                spaces += 1
            if Py_UNICODE_ISALPHA(c):
                others.append(PyUnicode_Substring(text, i, i + 1))
    return letters, others, n - spaces, code
