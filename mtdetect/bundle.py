"""The shipped model bundle: save it with its metadata, load it with checks.

A bundle is two files side by side: ``<name>.joblib`` (the fitted objects)
and ``<name>.json`` (human-readable metadata: versions, sha256 of the joblib
file, threshold, training-data summary, metrics). Loading verifies the hash
*before* unpickling and refuses mismatched library versions or resources.
It never falls back to another model.
"""

from __future__ import annotations

import copy
import importlib
import json
import pickle
import platform
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn

from mtdetect._version import __version__
from mtdetect.exceptions import ModelError
from mtdetect.resources import data_path, file_sha256

FORMAT_VERSION = 1
DEFAULT_MODEL = "model"
#: joblib compression of a saved bundle: 0, none. Decompressing the 16 MB of model
#: arrays took 70 ms of every cold start (three times what reading them
#: uncompressed takes), against 8 MB saved on disk. ``resave_bundle`` rewrites
#: a bundle saved with another setting.
COMPRESS = 0

# Modules that were renamed after a shipped bundle was pickled: old path -> new path.
# A pickle names each class by module path, so while a bundle is unpickled the old
# paths are aliased to the new modules (and only then). New bundles are pickled
# under the new paths; drop an entry once no supported bundle refers to it.
RENAMED_MODULES: dict[str, str] = {
    "mtdetect.style": "mtdetect.pattern_model",  # issue 16: the pattern model's own name
}
_ALIAS_LOCK = threading.Lock()


@dataclass
class Bundle:
    """A fitted scoring chain and everything needed to trust it."""

    pipeline: Any  # Pipeline(features -> scale -> clf), fitted
    calibrator: Any  # maps the pipeline's decision value to a probability
    threshold: float
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def model_version(self) -> str:
        return str(self.metadata.get("model_version", "unknown"))

    @property
    def feature_names(self) -> list[str]:
        return [str(n) for n in self.pipeline[0].get_feature_names_out()]


def default_path() -> Path:
    return data_path(f"{DEFAULT_MODEL}.joblib")


def _versions() -> dict[str, str]:
    return {
        "mtdetect": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "joblib": joblib.__version__,
        "python": platform.python_version(),
    }


def save_bundle(bundle: Bundle, path: str | Path, *, compress: int = COMPRESS) -> Path:
    """Write ``path`` (.joblib) and its .json sidecar; returns the joblib path."""
    path = Path(path).with_suffix(".joblib")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT_VERSION,
        "pipeline": bundle.pipeline,
        "calibrator": bundle.calibrator,
        "threshold": float(bundle.threshold),
    }
    joblib.dump(payload, path, compress=compress)
    metadata = dict(bundle.metadata)
    metadata.update(
        {
            "format": FORMAT_VERSION,
            "threshold": float(bundle.threshold),
            "versions": _versions(),
            "sha256": file_sha256(path),
            "feature_names": bundle.feature_names,
            "resource_fingerprints": dict(bundle.pipeline[0].fingerprints_),
        }
    )
    metadata.setdefault("created", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    path.with_suffix(".json").write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n")
    bundle.metadata = metadata
    return path


def resave_bundle(path: str | Path | None = None, *, compress: int = COMPRESS) -> Path:
    """Load a bundle with every check and write it back with ``save_bundle``'s settings.

    Why: how a bundle is stored (its compression) is chosen for load time, and
    the shipped bundle must not need a retrain to follow a change of it. The
    objects are pickled again unchanged (checked: both pickle to the same
    bytes), so every probability stays the same; the metadata keeps its
    content, with a new sha256 and the versions of this environment.
    """
    bundle = load_bundle(path)
    before = _model_bytes(bundle)
    target = Path(path) if path is not None else default_path()
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        staged = save_bundle(copy.copy(bundle), Path(tmp) / target.name, compress=compress)
        again = load_bundle(staged)
        if _model_bytes(again) != before:
            raise ModelError(f"re-saving {target} would change the model; left as it was")
        staged.with_suffix(".json").replace(target.with_suffix(".json"))
        staged.replace(target.with_suffix(".joblib"))
    return target.with_suffix(".joblib")


def _model_bytes(bundle: Bundle) -> list[bytes]:
    """Each pipeline step, the calibrator and the threshold, pickled one by one.

    Why one by one: pickled as a whole, a pipeline also records which objects
    two steps share, and a bundle written by another process can share an
    equal string or list differently (a few bytes apart) with nothing changed.
    """
    parts = [pickle.dumps(step) for _, step in bundle.pipeline.steps]
    return [*parts, pickle.dumps((bundle.calibrator, bundle.threshold))]


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def load_bundle(path: str | Path | None = None) -> Bundle:
    """Load and verify a bundle; raise :class:`ModelError` on any doubt."""
    path = Path(path) if path is not None else default_path()
    if path.suffix != ".joblib":
        path = path.with_suffix(".joblib")
    meta_path = path.with_suffix(".json")
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    if not meta_path.is_file():
        raise ModelError(f"model metadata not found: {meta_path} (a bundle is .joblib + .json)")
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"model metadata {meta_path} is unreadable: {exc}") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_VERSION:
        raise ModelError(f"{meta_path}: unsupported bundle format {metadata.get('format')!r}")
    digest = file_sha256(path)
    if digest != metadata.get("sha256"):
        raise ModelError(
            f"model file {path} does not match its recorded sha256 "
            f"(expected {metadata.get('sha256')}, got {digest}): corrupt or replaced"
        )
    trained_with = metadata.get("versions", {}).get("scikit-learn", "?")
    if _major_minor(trained_with) != _major_minor(sklearn.__version__):
        raise ModelError(
            f"model was trained with scikit-learn {trained_with} but {sklearn.__version__} "
            "is installed; install a matching scikit-learn or retrain"
        )
    try:
        with _renamed_modules():
            payload = joblib.load(path)
    except Exception as exc:  # unpickling can raise nearly anything
        raise ModelError(f"model file {path} could not be loaded: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise ModelError(f"model file {path} is not an mtdetect bundle")
    bundle = Bundle(payload["pipeline"], payload["calibrator"], payload["threshold"], metadata)
    _check_resources(bundle)
    return bundle


@contextmanager
def _renamed_modules() -> Iterator[None]:
    """Alias each old module path in :data:`RENAMED_MODULES` for one unpickling.

    Why not a custom ``Unpickler.find_class``: ``joblib.load`` builds its own
    unpickler and offers no hook for one. The aliases are removed afterwards, so
    ``import mtdetect.style`` still fails everywhere else.
    """
    with _ALIAS_LOCK:
        added = []
        for old, new in RENAMED_MODULES.items():
            if old not in sys.modules:
                sys.modules[old] = importlib.import_module(new)
                added.append(old)
        try:
            yield
        finally:
            for old in added:
                sys.modules.pop(old, None)


def _check_resources(bundle: Bundle) -> None:
    """The shipped resources must be the ones the model was trained with."""
    extractor = bundle.pipeline[0]
    recorded = bundle.metadata.get("resource_fingerprints", {})
    current = extractor.resource_fingerprints()
    stale = [name for name, value in current.items() if recorded.get(name) != value]
    if stale:
        raise ModelError(
            "the model was trained with different resources for signal families "
            f"{', '.join(sorted(stale))}; retrain it (python training/train.py)"
        )
