"""Where shipped resources live, and a digest that ties a model to them."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path


def data_path(name: str) -> Path:
    """Path of a file shipped in ``mtdetect/data``."""
    return Path(str(resources.files("mtdetect.data").joinpath(name)))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
