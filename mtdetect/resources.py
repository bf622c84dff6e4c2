"""Where shipped resources live, and a digest that ties a model to them."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_SHARED: dict[str, Any] = {}
# re-entrant: a loader may need another shared resource (a detector needs its tables)
_SHARED_LOCK = threading.RLock()


def data_path(name: str) -> Path:
    """Path of a file shipped in ``mtdetect/data``."""
    return Path(str(resources.files("mtdetect.data").joinpath(name)))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def shared(key: str, loader: Callable[[], T]) -> T:
    """The process-wide resource ``key``, loaded by ``loader`` on first use (thread-safe).

    Why one helper: every shipped resource is loaded lazily, once per process,
    and a module should only say how to load its own.
    """
    value = _SHARED.get(key)
    if value is None:
        with _SHARED_LOCK:
            value = _SHARED.get(key)
            if value is None:
                value = _SHARED[key] = loader()
    return value
