"""Bundle save/load: integrity and version checks fail loudly."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mtdetect.bundle import ModelError, load_bundle


def _copy(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / src.name
    shutil.copy(src, dst)
    shutil.copy(src.with_suffix(".json"), dst.with_suffix(".json"))
    return dst


def _edit_metadata(path: Path, edit: Callable[[dict], object]) -> None:
    """Change a copied bundle's JSON sidecar in place."""
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    edit(meta)
    meta_path.write_text(json.dumps(meta))


def test_round_trip_keeps_threshold_and_metadata(tiny_model_path: Path) -> None:
    bundle = load_bundle(tiny_model_path)
    assert bundle.threshold == 0.5
    assert bundle.model_version == "tiny-test"
    assert bundle.feature_names[0].startswith("surface.")
    meta = json.loads(tiny_model_path.with_suffix(".json").read_text())
    assert len(meta["sha256"]) == 64
    assert meta["versions"]["scikit-learn"]


def test_missing_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        load_bundle(tmp_path / "nope.joblib")


def test_tampered_file_is_refused(tiny_model_path: Path, tmp_path: Path) -> None:
    path = _copy(tiny_model_path, tmp_path)
    with open(path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelError, match="sha256"):
        load_bundle(path)


def test_other_sklearn_version_is_refused(tiny_model_path: Path, tmp_path: Path) -> None:
    path = _copy(tiny_model_path, tmp_path)
    _edit_metadata(path, lambda meta: meta["versions"].update({"scikit-learn": "0.24.2"}))
    with pytest.raises(ModelError, match="scikit-learn 0.24.2"):
        load_bundle(path)


def test_missing_metadata_is_refused(tiny_model_path: Path, tmp_path: Path) -> None:
    path = _copy(tiny_model_path, tmp_path)
    path.with_suffix(".json").unlink()
    with pytest.raises(ModelError, match="metadata"):
        load_bundle(path)


def test_garbage_file_with_matching_hash_is_refused(tmp_path: Path) -> None:
    from mtdetect.resources import file_sha256

    path = tmp_path / "junk.joblib"
    path.write_bytes(b"this is not a pickle")
    import sklearn

    meta = {
        "format": 1,
        "sha256": file_sha256(path),
        "versions": {"scikit-learn": sklearn.__version__},
    }
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="could not be loaded"):
        load_bundle(path)


def test_changed_resources_are_refused(tiny_model_path: Path, tmp_path: Path) -> None:
    path = _copy(tiny_model_path, tmp_path)
    _edit_metadata(path, lambda meta: meta["resource_fingerprints"].update(surface="other"))
    with pytest.raises(ModelError, match="surface"):
        load_bundle(path)


def test_shipped_bundle_loads_through_the_renamed_modules_table() -> None:
    """The shipped pickle names ``mtdetect.style``; it loads as ``pattern_model``."""
    import sys

    from mtdetect.bundle import RENAMED_MODULES, load_bundle
    from mtdetect.pattern_model import FunctionWordModel

    assert RENAMED_MODULES["mtdetect.style"] == "mtdetect.pattern_model"
    bundle = load_bundle()
    models = [
        value
        for signal in bundle.pipeline[0]._signals()
        for value in vars(signal).values()
        if isinstance(value, FunctionWordModel)
    ]
    assert models, "the shipped bundle carries no pattern model"
    assert all(old not in sys.modules for old in RENAMED_MODULES)


def test_model_error_is_one_class_wherever_it_is_imported_from() -> None:
    import mtdetect
    from mtdetect import bundle, exceptions

    assert bundle.ModelError is exceptions.ModelError is mtdetect.ModelError
    assert issubclass(exceptions.ModelError, RuntimeError)


def test_resave_rewrites_storage_and_keeps_the_model(tiny_model_path: Path, tmp_path: Path) -> None:
    from mtdetect.bundle import resave_bundle
    from mtdetect.detector import Detector

    path = _copy(tiny_model_path, tmp_path)
    text = "The bakery opened in the town square on Monday, and the queue ran round the block. " * 8
    before = Detector.load(path).detect(text).probability
    meta_before = json.loads(path.with_suffix(".json").read_text())
    resave_bundle(path, compress=3)
    assert path.read_bytes()[:1] != b"\x80"  # a zlib stream, not a bare pickle
    resave_bundle(path)
    assert path.read_bytes()[:1] == b"\x80"
    meta = json.loads(path.with_suffix(".json").read_text())
    assert Detector.load(path).detect(text).probability == before
    assert {k: v for k, v in meta.items() if k != "sha256"} == {
        k: v for k, v in meta_before.items() if k != "sha256"
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.joblib", "tiny.json"]


def test_shipped_bundle_is_stored_as_save_bundle_stores_it() -> None:
    """Uncompressed (COMPRESS = 0) loads three times faster; scripts/resave_bundle.py mends it."""
    from mtdetect.bundle import COMPRESS, default_path

    assert COMPRESS == 0
    assert default_path().read_bytes()[:1] == b"\x80", "run python scripts/resave_bundle.py"


def test_resave_refuses_a_bundle_that_would_come_back_changed(
    tiny_model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mtdetect import bundle as bundle_module

    path = _copy(tiny_model_path, tmp_path)
    original = path.read_bytes()
    save = bundle_module.save_bundle

    def tampering_save(bundle, target, **kwargs):  # type: ignore[no-untyped-def]
        scorer = bundle.pipeline.steps[-1][1]
        for name in ("coef_", "intercept_"):
            if hasattr(scorer, name):
                setattr(scorer, name, getattr(scorer, name) + 1.0)
                break
        return save(bundle, target, **kwargs)

    monkeypatch.setattr(bundle_module, "save_bundle", tampering_save)
    with pytest.raises(ModelError, match="would change the model"):
        bundle_module.resave_bundle(path)
    assert path.read_bytes() == original
