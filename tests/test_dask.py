"""Batch scoring on Dask: a LocalCluster of two worker processes, checked against the CLI.

The documents are a few hundred English originals from ``../shared``; the
model is the tiny fixture bundle, so that two workers load it in well under
a second.
"""

from __future__ import annotations

import gzip
import json
import math
import threading
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import CLEAN, SHARED, SPUN

from mtdetect import cli
from mtdetect.dask import COLUMNS, TEXT_COLUMN, score_batches, score_dataframe, score_partition
from mtdetect.resources import shared

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
CORPUS = SHARED / "corpus" / "english-originals.jsonl.gz"
N_DOCS = 200
PAGE = f"<html><body><nav>Home | News</nav><article><p>{SPUN[0]}</p></article></body></html>"


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """200 originals and three rows that are not texts, under an index of labels."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        texts = [json.loads(line)["english_text"] for line in islice(handle, N_DOCS)]
    rows = [{"id": f"doc{i}", "text": text} for i, text in enumerate(texts)]
    rows += [{"id": "none", "text": None}, {"id": "short", "text": "Too short to judge."}]
    rows += [{"id": "spun", "text": SPUN[2]}]
    return pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))])


@pytest.fixture(scope="module")
def cli_records(frame: pd.DataFrame, tiny_model_path: Path, tmp_path_factory: Any) -> list[dict]:
    """``mtdetect score -i jsonl -f jsonl`` on the same rows."""
    folder = tmp_path_factory.mktemp("dask-cli")
    source, out = folder / "in.jsonl", folder / "out.jsonl"
    texts = [text if isinstance(text, str) else None for text in frame["text"]]  # NaN: none
    lines = [json.dumps({"id": i, "text": t}) for i, t in zip(frame["id"], texts, strict=True)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["score", "-m", str(tiny_model_path), "-i", "jsonl", "-f", "jsonl", "-o", str(out)]
    assert cli.main([*argv, str(source)]) == 2  # the row without text is an error
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as dask_client:
        yield dask_client


def assert_same(row: Any, record: dict[str, Any]) -> None:
    probability = record["probability"]
    assert (math.isnan(row.probability) and probability is None) or row.probability == probability
    assert (row.flagged, row.status, row.reason) == (
        record["flagged"],
        record["status"],
        record["reason"],
    )
    assert json.loads(row.evidence) == record["evidence"]


def test_dask_on_two_workers_equals_the_cli(
    client: Any, frame: pd.DataFrame, cli_records: list[dict], tiny_model_path: Path
) -> None:
    ddf = dd.from_pandas(frame, npartitions=8, sort=False)
    scored = score_dataframe(ddf, model=tiny_model_path)
    assert list(scored.columns) == [*frame.columns, *COLUMNS]
    result = scored.compute()
    assert list(result.index) == list(frame.index)
    assert list(result["id"]) == list(frame["id"])
    assert len(result) == len(cli_records) == N_DOCS + 3
    for row, record in zip(result.itertuples(), cli_records, strict=True):
        assert_same(row, record)
    statuses = set(result["status"])
    assert {"scored", "too_short", "error"} <= statuses
    # each worker process loaded the model once, however many partitions it scored
    loads = client.run(lambda: __import__("mtdetect.dask").dask.loads())
    assert sorted(loads.values()) == [1, 1], loads


def test_partition_options(tiny_model_path: Path, tiny_detector: Any) -> None:
    pdf = pd.DataFrame(
        {
            "body": [CLEAN[0], None, None, 7],
            "page": [None, PAGE, None, None],
        },
        index=[10, 20, 30, 40],
    )
    out = score_partition(pdf, "body", "page", model=tiny_model_path, emit_text=True)
    assert list(out.index) == [10, 20, 30, 40]
    assert list(out["status"]) == ["scored", "scored", "error", "error"]
    assert out.loc[40, "reason"] == '"text" is a number, not a string'
    assert out.loc[10, TEXT_COLUMN] == CLEAN[0]  # the text offsets point into
    assert "Home | News" not in out.loc[20, TEXT_COLUMN]
    expected = tiny_detector.detect(PAGE, content_type="html")
    assert out.loc[20, "probability"] == round(expected.probability, 4)
    strict = score_partition(pdf.head(1), "body", model=tiny_model_path, threshold=0.0)
    assert bool(strict["flagged"].iloc[0]) and TEXT_COLUMN not in strict.columns
    with pytest.raises(KeyError, match="no column 'text'"):
        score_partition(pdf, model=tiny_model_path)


def test_empty_partition_loads_nothing() -> None:
    out = score_partition(pd.DataFrame({"text": pd.Series([], dtype=object)}), model="/nowhere")
    assert out.empty and list(out.columns) == ["text", *COLUMNS]
    assert dict(out.dtypes.astype(str))["probability"] == "float64"


def test_score_batches_for_spark_map_in_pandas(tiny_model_path: Path) -> None:
    batches = [pd.DataFrame({"text": [text]}) for text in SPUN]
    scored = list(score_batches(iter(batches), model=tiny_model_path))
    assert [len(batch) for batch in scored] == [1, 1, 1]
    assert all(batch["status"].iloc[0] == "scored" for batch in scored)


def test_shared_loader_may_load_another_shared_resource() -> None:
    """A detector's loader loads its own tables through ``shared``: this deadlocked."""
    result: list[int] = []
    worker = threading.Thread(
        target=lambda: result.append(shared("test.outer", lambda: shared("test.inner", lambda: 1)))
    )
    worker.start()
    worker.join(5)
    assert result == [1]
