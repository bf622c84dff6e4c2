"""Every error mtdetect raises on purpose, one class per kind of failure.

Why one module: callers catch by kind (``except ModelError``) without
knowing which part of the library noticed the problem.
"""

from __future__ import annotations


class ModelError(RuntimeError):
    """The model bundle, or a resource it reads, is missing, corrupt or mismatched.

    Raised for bundle files that fail their checks and for shipped resources
    built for another vocabulary or model; the message says how to rebuild.
    A ``RuntimeError`` subclass, so older ``except RuntimeError`` still catches it.
    """
