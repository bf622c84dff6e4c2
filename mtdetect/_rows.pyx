# cython: language_level=3, boundscheck=True, wraparound=False
"""The type table's row of each of a document's tokens (``TypeTable.lookup_tokens``).

Why compiled: about 1,000 tokens an article went through ``doc_texts`` (a
list of their texts) and ``np.fromiter(map(dict.get, ...))``; here each
token's text is read from its tuple and looked up in the table's dict
straight into the int64 result. Reads happen under the GIL, as
``dict.get`` would; rows are added by the caller, under the table's lock.
"""

from cpython.ref cimport PyObject
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE
from libc.stdint cimport int64_t

import numpy as np


cdef extern from "Python.h":
    PyObject* PyDict_GetItemWithError(object mapping, object key) except? NULL


def token_rows(dict rows, list tokens):
    """(row of each token's text or -1, how many are -1) for ``tokens`` (tuples, text first)."""
    cdef Py_ssize_t i, n = len(tokens), missing = 0
    out = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] view = out
    cdef PyObject* found
    cdef object token, text
    for i in range(n):
        token = tokens[i]  # bounds-checked: another thread may have shortened the list
        if not isinstance(token, tuple) or PyTuple_GET_SIZE(token) < 1:
            raise TypeError(f"a token is a tuple with its text first, not {token!r}")
        text = <object>PyTuple_GET_ITEM(token, 0)
        found = PyDict_GetItemWithError(rows, text)
        if found is NULL:
            view[i] = -1
            missing += 1
        else:
            view[i] = <object>found
    return out, missing
