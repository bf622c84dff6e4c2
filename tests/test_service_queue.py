"""The service's scheduler on its own: what it queues, groups and gives up on.

Driven on an event loop of its own with a detector that counts its calls, so the
queue's contents can be read between steps; ``test_service.py`` covers the same
limits through HTTP.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

pytest.importorskip("starlette")

from conftest import CLEAN

from mtdetect import _batch
from mtdetect._service_input import ApiError
from mtdetect._service_metrics import Metrics
from mtdetect._service_queue import Scheduler
from mtdetect.reading import InputText


class Gated:
    """A detector whose calls wait until ``gate`` is set; counts the texts of each call."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.gate, self.calls = inner, threading.Event(), []
        self.threshold, self.model_version = inner.threshold, inner.model_version

    def detect_many(self, texts: list[str], **kwargs: Any) -> Any:
        self.calls.append(len(texts))
        assert self.gate.wait(10), "the test never opened the gate"
        return self.inner.detect_many(texts, **kwargs)


def task(text: str, name: str = "t") -> _batch.Task:
    return _batch.Task(name, InputText(name, text))


def page_task(markup: str, name: str) -> _batch.Task:
    return _batch.Task(name, InputText(name, markup, (), None, True))


def submit(scheduler: Scheduler, detector: Gated, text: str, name: str = "t") -> Any:
    """A request for ``text``, started now (on the running loop) and left to wait."""
    return asyncio.ensure_future(
        scheduler.score(detector, [task(text, name)], _batch.Options(), time.perf_counter())
    )


def run(scenario: Any, detector: Gated) -> Any:
    """Run ``scenario``; the gate opens at the end whatever happened, so no thread hangs."""

    async def guarded() -> Any:
        try:
            return await asyncio.wait_for(scenario, 30)
        finally:
            detector.gate.set()

    return asyncio.run(guarded())


def test_a_cancelled_request_leaves_nothing_queued(tiny_detector: Any) -> None:
    detector = Gated(tiny_detector)
    scheduler = Scheduler(max_concurrency=1, max_queue=4, time_budget_s=20, metrics=Metrics())

    async def scenario() -> None:
        first = submit(scheduler, detector, CLEAN[0])
        await asyncio.sleep(0.05)
        second = submit(scheduler, detector, CLEAN[1])
        await asyncio.sleep(0.05)
        assert len(scheduler.queue) == 1 and scheduler.waiting == 2
        second.cancel()
        with pytest.raises(asyncio.CancelledError):
            await second
        assert len(scheduler.queue) == 0 and scheduler.waiting == 1
        detector.gate.set()
        assert (await first)[0]["status"] == "scored"
        assert detector.calls == [1]  # the cancelled text was never scored

    run(scenario(), detector)


def test_a_budget_spent_before_queueing_queues_nothing(tiny_detector: Any) -> None:
    # behind a running call, it would have joined the next group: scored for nothing
    detector, options = Gated(tiny_detector), _batch.Options()
    scheduler = Scheduler(max_concurrency=1, max_queue=4, time_budget_s=2, metrics=Metrics())

    async def scenario() -> None:
        first = submit(scheduler, detector, CLEAN[0])
        await asyncio.sleep(0.05)
        late = time.perf_counter() - 3  # e.g. a slow upload
        with pytest.raises(ApiError) as caught:
            await scheduler.score(detector, [task(CLEAN[1])], options, late)
        assert caught.value.status == 504 and "time budget" in caught.value.message
        assert not scheduler.queue and scheduler.waiting == 1
        detector.gate.set()
        await first
        assert detector.calls == [1]

    run(scenario(), detector)


def test_a_group_stops_at_a_batch_of_characters(
    tiny_detector: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # three texts of this length fill a batch: the six queued go in two calls of three
    monkeypatch.setattr("mtdetect.features.BATCH_CHARACTERS", int(len(CLEAN[0]) * 2.5))
    detector = Gated(tiny_detector)
    scheduler = Scheduler(max_concurrency=1, max_queue=8, time_budget_s=20, metrics=Metrics())

    async def scenario() -> list[Any]:
        first = submit(scheduler, detector, CLEAN[0])
        await asyncio.sleep(0.05)
        queued = [submit(scheduler, detector, CLEAN[0], str(i)) for i in range(6)]
        await asyncio.sleep(0.05)
        detector.gate.set()
        return [await first] + [await each for each in queued]

    answers = run(scenario(), detector)
    assert detector.calls == [1, 3, 3]
    assert [records[0]["path"] for records in answers] == ["t", *map(str, range(6))]
    assert len({records[0]["probability"] for records in answers}) == 1


def test_a_page_counts_as_a_tenth_of_its_markup(
    tiny_detector: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each page's markup is five texts long, but its article is one text: five pages a batch
    monkeypatch.setattr("mtdetect.features.BATCH_CHARACTERS", int(len(CLEAN[0]) * 2.5))
    filler = "<nav>" + "Home | World | Sport | " * (len(CLEAN[0]) * 5 // 23) + "</nav>"
    page = f"<html><body>{filler}<article><p>{CLEAN[0]}</p></article></body></html>"
    detector = Gated(tiny_detector)
    scheduler = Scheduler(max_concurrency=1, max_queue=8, time_budget_s=20, metrics=Metrics())

    async def scenario() -> list[Any]:
        first = submit(scheduler, detector, CLEAN[0])
        await asyncio.sleep(0.05)
        pages = [[page_task(page, str(i))] for i in range(6)]
        now = time.perf_counter()
        queued = [
            asyncio.ensure_future(scheduler.score(detector, t, _batch.Options(), now))
            for t in pages
        ]
        await asyncio.sleep(0.05)
        detector.gate.set()
        return [await first] + [await each for each in queued]

    answers = run(scenario(), detector)
    assert detector.calls == [1, 5, 1]
    alone = _batch.score_tasks(tiny_detector, [page_task(page, "0")], _batch.Options())[0]
    for i, records in enumerate(answers[1:]):
        assert records == [{**alone, "path": str(i)}]
