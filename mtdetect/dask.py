"""Batch scoring on Dask (and Spark): pandas partitions in, the same frames with verdicts out.

``score_partition`` is the unit of work: a pandas DataFrame in, a copy with
``probability``, ``flagged``, ``status``, ``reason`` and ``evidence`` (a
JSON string) out. ``score_dataframe`` maps it over a Dask DataFrame; Spark's
``mapInPandas`` takes it through ``score_batches``.

Each row becomes the same ``Task`` a JSON Lines record becomes
(``_records.task_from_object``) and is scored by the command line's own
``_batch.score_tasks``, so a row's verdict and evidence equal what
``mtdetect score -i jsonl`` gives for the same text. The detector is loaded
once per worker process (``resources.shared``), on its first non-empty
partition, never per partition or row.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from mtdetect import _batch
from mtdetect._records import task_from_object
from mtdetect.resources import shared

if TYPE_CHECKING:
    import dask.dataframe as dd

#: the columns a scored frame gains, with their dtypes
COLUMNS = {
    "probability": "float64",
    "flagged": "bool",
    "status": "object",
    "reason": "object",
    "evidence": "object",
}
#: added when the scored text is asked for (``emit_text``) or rows may be HTML pages
TEXT_COLUMN = "scored_text"
#: the same columns as a Spark DDL schema fragment, for ``mapInPandas``
SPARK_SCHEMA = "probability double, flagged boolean, status string, reason string, evidence string"
_loads = 0  # detectors this process has loaded (the tests check it stays at one)


def loads() -> int:
    """How many detectors this process has loaded: one per model, however many partitions."""
    return _loads


def _detector(model: str | None, gazetteer: str | None, base_rate: float | None) -> Any:
    def load() -> Any:
        global _loads
        from mtdetect.detector import Detector

        _loads += 1
        return Detector.load(model, gazetteer=gazetteer, base_rate=base_rate)

    return shared(f"mtdetect.dask:{model}|{gazetteer}|{base_rate}", load)


def _value(value: Any) -> Any:
    """A cell as a record field: missing values (None, NaN, NA) become None."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def score_partition(
    pdf: pd.DataFrame,
    text_column: str = "text",
    html_column: str | None = None,
    *,
    model: str | Path | None = None,
    gazetteer: str | Path | None = None,
    threshold: float | None = None,
    base_rate: float | None = None,
    emit_text: bool = False,
) -> pd.DataFrame:
    """``pdf`` with the verdict columns added (``COLUMNS``, and ``scored_text`` when asked).

    A row is scored on ``text_column``; where that is missing and
    ``html_column`` is given, on that column's page (its article text). A
    row with neither, or a cell that is not a string, gets ``status``
    ``error`` and its reason, and the rest of the partition is scored.
    ``scored_text`` (with ``emit_text``, or with ``html_column``) is the
    text that evidence offsets point into when it is not the cell's text.
    """
    for column in (text_column, html_column):
        if column is not None and column not in pdf.columns:
            raise KeyError(f"no column {column!r} in the partition")
    out = pdf.copy()
    records = _records(pdf, text_column, html_column, model, gazetteer, threshold, base_rate)
    index = pdf.index
    out["probability"] = pd.Series(
        [math.nan if r["probability"] is None else r["probability"] for r in records],
        index=index,
        dtype="float64",
    )
    out["flagged"] = pd.Series([r["flagged"] for r in records], index=index, dtype="bool")
    for column in ("status", "reason"):
        out[column] = pd.Series([r[column] for r in records], index=index, dtype="object")
    evidence = [json.dumps(r["evidence"], ensure_ascii=False) for r in records]
    out["evidence"] = pd.Series(evidence, index=index, dtype="object")
    if emit_text or html_column is not None:
        texts = [r["text"] for r in records]
        if emit_text:  # as --emit-text: the row's own text where no other was scored
            texts = [
                t if t is not None or r["status"] == "error" else _value(row)
                for t, r, row in zip(texts, records, pdf[text_column], strict=True)
            ]
        out[TEXT_COLUMN] = pd.Series(texts, index=index, dtype="object")
    return out


def _records(
    pdf: pd.DataFrame,
    text_column: str,
    html_column: str | None,
    model: str | Path | None,
    gazetteer: str | Path | None,
    threshold: float | None,
    base_rate: float | None,
) -> list[dict[str, Any]]:
    if pdf.empty:  # Dask's meta and empty partitions: no model needed
        return []
    detector = _detector(
        None if model is None else str(model),
        None if gazetteer is None else str(gazetteer),
        base_rate,
    )
    texts = pdf[text_column].tolist()
    pages = pdf[html_column].tolist() if html_column is not None else [None] * len(texts)
    tasks = [
        task_from_object(f"row {label}", {"text": _value(text), "html": _value(page)})
        for label, text, page in zip(pdf.index, texts, pages, strict=True)
    ]
    options = _batch.Options(
        threshold=threshold,
        shown_threshold=float(detector.threshold) if threshold is None else threshold,
        model_version=str(detector.model_version),
    )
    records: list[dict[str, Any]] = []
    for start in range(0, len(tasks), _batch.BATCH_SIZE):
        records += _batch.score_tasks(detector, tasks[start : start + _batch.BATCH_SIZE], options)
    return records


def score_dataframe(
    ddf: dd.DataFrame,
    text_column: str = "text",
    html_column: str | None = None,
    **options: Any,
) -> dd.DataFrame:
    """``ddf`` with the verdict columns added, partition by partition (lazy, like Dask).

    ``options`` are ``score_partition``'s (``model``, ``gazetteer``,
    ``threshold``, ``base_rate``, ``emit_text``). Each worker process loads
    the detector once, when its first partition arrives.
    """
    meta = score_partition(ddf._meta, text_column, html_column, **options)
    return ddf.map_partitions(score_partition, text_column, html_column, meta=meta, **options)


def score_batches(batches: Iterable[pd.DataFrame], **options: Any) -> Iterator[pd.DataFrame]:
    """For Spark: ``df.mapInPandas(partial(score_batches, ...), schema)``.

    The output schema is the input's plus ``SPARK_SCHEMA``; each Python
    worker loads the detector once, as with Dask.
    """
    for batch in batches:
        yield score_partition(batch, **options)
