"""The shipped model's outputs on real documents equal the golden table.

A refactor must leave every probability where it was; a retrained bundle must
come with a regenerated table (the failure message names the command).
"""

from __future__ import annotations

import json

import pytest

from tests import golden

pytestmark = pytest.mark.skipif(
    not (golden.SEEDS.is_dir() and golden.ORIGINALS.is_file()),
    reason="../shared seeds or originals are not present",
)


def test_table_is_for_the_shipped_bundle() -> None:
    table = json.loads(golden.TABLE.read_text(encoding="utf-8"))
    assert table["bundle_sha256"] == golden.bundle_sha256(), (
        "the shipped bundle changed since the golden table was written; "
        f"if the change is intended, regenerate it with: {golden.COMMAND}"
    )


def test_outputs_equal_the_golden_table(shipped_detector) -> None:  # type: ignore[no-untyped-def]
    table = json.loads(golden.TABLE.read_text(encoding="utf-8"))
    if table["bundle_sha256"] != golden.bundle_sha256():
        pytest.fail(f"golden table is for another bundle; regenerate with: {golden.COMMAND}")
    docs = golden.documents()
    assert sorted(docs) == sorted(table["outputs"])
    got = golden.outputs(shipped_detector, docs)
    for name, expected in table["outputs"].items():
        actual = got[name]
        assert actual["status"] == expected["status"], name
        if expected["probability"] is None:
            assert actual["probability"] is None, name
        else:
            assert actual["probability"] == pytest.approx(expected["probability"], abs=1e-12), name
        assert actual["evidence"] == expected["evidence"], name
