"""Batch scoring on Spark: ``mapInPandas`` with ``score_batches``, checked against the CLI.

A local Spark session with two cores scores a hundred originals from
``../shared`` and a few rows that are not texts, with the tiny fixture model;
every row must carry the verdict, reason and evidence that
``mtdetect score -i jsonl`` gives the same record. Spark needs PySpark and a
Java runtime: without them this module is skipped, unless
``MTDETECT_REQUIRE_SPARK=1`` (CI sets it) makes that a failure.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
from collections.abc import Iterator
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED, SPUN

from mtdetect import cli
from mtdetect.dask import SPARK_SCHEMA, score_batches

N_DOCS = 100
REQUIRED = os.environ.get("MTDETECT_REQUIRE_SPARK") == "1"


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install 'mtdetect[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime for Spark"
    return None


missing = _spark_missing()
if missing is not None:
    if REQUIRED:
        pytest.fail(f"MTDETECT_REQUIRE_SPARK=1 but {missing}", pytrace=False)
    pytest.skip(missing, allow_module_level=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # Spark's Python workers run this interpreter, where mtdetect is installed
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("mtdetect-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def rows() -> list[tuple[str, str | None]]:
    with gzip.open(SHARED / "corpus" / "english-originals.jsonl.gz", "rt") as handle:
        texts = [json.loads(line)["english_text"] for line in islice(handle, N_DOCS)]
    rows: list[tuple[str, str | None]] = [(f"doc{i}", text) for i, text in enumerate(texts)]
    return [*rows, ("none", None), ("short", "Too short to judge."), ("spun", SPUN[2])]


def test_map_in_pandas_equals_the_cli(
    spark: Any, rows: list[tuple[str, str | None]], tiny_model_path: Path, tmp_path: Path
) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [json.dumps({"id": key, "text": text}) for key, text in rows]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["score", "-m", str(tiny_model_path), "-i", "jsonl", "-f", "jsonl", "-o", str(out)]
    assert cli.main([*argv, str(source)]) == 2  # the row without text is an error
    expected = {
        record["id"]: record
        for record in map(json.loads, out.read_text(encoding="utf-8").splitlines())
    }

    df = spark.createDataFrame(rows, "id string, text string").repartition(4)
    schema = f"id string, text string, {SPARK_SCHEMA}"
    score = partial(score_batches, text_column="text", model=str(tiny_model_path))
    scored = {row["id"]: row for row in df.mapInPandas(score, schema).collect()}

    assert sorted(scored) == sorted(expected)
    for key, record in expected.items():
        row = scored[key]
        probability = record["probability"]
        assert (row["probability"] is None or row["probability"] != row["probability"]) == (
            probability is None
        ), key
        if probability is not None:
            assert row["probability"] == probability, key
        assert (row["flagged"], row["status"], row["reason"]) == (
            record["flagged"],
            record["status"],
            record["reason"],
        ), key
        assert json.loads(row["evidence"]) == record["evidence"], key
    statuses = {row["status"] for row in scored.values()}
    assert {"scored", "too_short", "error"} <= statuses
    assert scored["spun"]["evidence"] != "[]"
