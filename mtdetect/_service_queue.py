"""Scoring under the service's limits, with single texts that wait together scored together.

Scoring is CPU-bound and holds the GIL, so ``max_concurrency`` calls run at once (1 by
default: more only adds latency in one process), ``max_queue`` more requests wait, and the
rest are refused at once with 503. A call runs in a worker thread, so the event loop keeps
answering ``/healthz`` and ``/metrics`` and can give up on a request past its time budget
(504); the slot is held until the thread really ends, so a slow request can never let
more work in than the limits allow.

Why group: the signals run one family at a time over a batch of documents
(``features.batch_is_full``), which costs less CPU a document than one call each. When a
slot frees, every queued single-text request with the same detector and options, up to a
batch (which also keeps the call short), goes into one call; requests queued behind a
running call would have waited for it anyway, so grouping them shortens their wait. Each
still gets its own record, the one it would have got alone. A request that is cancelled,
or out of time while queued, leaves the queue at once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from mtdetect import _batch
from mtdetect._admission import HTML_MARKUP_FACTOR
from mtdetect._service_input import ApiError
from mtdetect._service_metrics import Metrics
from mtdetect.features import BATCH_DOCUMENTS, batch_is_full

#: a batch request is scored this many items at a time, checking its time budget between
STEP_ITEMS = 16


@dataclass(eq=False)
class _Job:
    detector: Any
    tasks: list[_batch.Task]
    options: _batch.Options
    done: asyncio.Future[list[dict[str, Any]]]
    stop: threading.Event = field(default_factory=threading.Event)

    def joins(self, head: _Job) -> bool:
        """Whether this job can be scored in one call with ``head``."""
        return (
            len(self.tasks) == 1
            and self.detector is head.detector
            and self.options == head.options
            and not self.stop.is_set()
        )


class Scheduler:
    """Admits, queues, groups and runs scoring jobs for one worker process's event loop."""

    def __init__(
        self, max_concurrency: int, max_queue: int, time_budget_s: float, metrics: Metrics
    ) -> None:
        self.max_concurrency, self.max_queue = max_concurrency, max_queue
        self.time_budget_s, self.metrics = time_budget_s, metrics
        self.queue: deque[_Job] = deque()
        self.running = 0  # calls in worker threads
        self.waiting = 0  # requests admitted and not yet answered

    async def score(
        self,
        detector: Any,
        tasks: list[_batch.Task],
        options: _batch.Options,
        started: float,
        in_thread: bool = True,
    ) -> list[dict[str, Any]]:
        """The records for ``tasks`` within the time budget from ``started``, or an ApiError.

        ``started`` is when the request came in (``time.perf_counter``).

        ``in_thread=False`` scores on the event loop itself, at once: nothing else runs
        meanwhile, so there is nothing to group and no time budget to keep.
        """
        if self.waiting >= self.max_concurrency + self.max_queue:
            raise ApiError(503, "server busy: too many requests queued, retry later", "busy")
        self._admitted(+1)
        try:
            if not in_thread:
                return _score(detector, tasks, options, threading.Event())
            remaining = started + self.time_budget_s - time.perf_counter()
            if remaining <= 0:  # spent reading the request: nothing is queued
                raise ApiError(504, self._over_budget(), "timeout")
            job = _Job(detector, tasks, options, asyncio.get_running_loop().create_future())
            self.queue.append(job)
            self._dispatch()
            try:
                return await asyncio.wait_for(asyncio.shield(job.done), remaining)
            except TimeoutError:
                queued = self._drop(job)
                if queued:
                    raise ApiError(
                        503, "server busy: no scoring slot within the time budget", "busy"
                    ) from None
                raise ApiError(504, self._over_budget(), "timeout") from None
            except BaseException:  # cancelled (shutdown, a server that cancels on disconnect)
                self._drop(job)
                raise
        finally:
            self._admitted(-1)

    def _over_budget(self) -> str:
        return f"time budget of {self.time_budget_s:g} s exceeded"

    def _drop(self, job: _Job) -> bool:
        """Tell ``job``'s call to give up, and take it off the queue; whether it was queued."""
        job.stop.set()
        if job in self.queue:
            self.queue.remove(job)
            return True
        return False

    def _admitted(self, change: int) -> None:
        self.waiting += change
        self.metrics.set("mtdetect_requests_in_progress", self.waiting)

    def _dispatch(self) -> None:
        """Start calls while a slot is free and a job waits."""
        while self.running < self.max_concurrency and self.queue:
            group = [self.queue.popleft()]
            if len(group[0].tasks) == 1:
                characters = _characters(group[0])
                for job in [job for job in self.queue if job.joins(group[0])]:
                    if batch_is_full(len(group), characters):
                        break  # a group is one batch: bounded in memory and in time
                    characters += _characters(job)
                    self.queue.remove(job)
                    group.append(job)
            self.running += 1
            self.metrics.inc("mtdetect_scoring_calls_total", requests=_bucket(len(group)))
            call = asyncio.ensure_future(run_in_threadpool(_score_group, group))
            call.add_done_callback(lambda call, group=group: self._finished(call, group))

    def _finished(self, call: asyncio.Future[Any], group: list[_Job]) -> None:
        self.running -= 1
        failure = asyncio.CancelledError() if call.cancelled() else call.exception()
        for i, job in enumerate(group):
            if job.done.done() or job.stop.is_set():
                continue  # its request has been answered already (504)
            if failure is not None:
                job.done.set_exception(failure)
            else:
                job.done.set_result(call.result()[i])
        self._dispatch()


def _characters(job: _Job) -> int:
    """About how much text a single-text job brings to a batch.

    A page brings its article text, which is not known until it is extracted: a tenth of
    its markup is counted (``HTML_MARKUP_FACTOR``), more than most news pages hold. The
    detector bounds its own batches by the text itself whatever this guesses.
    """
    item = job.tasks[0].item
    if item is None or not isinstance(item.text, str):
        return 0
    return len(item.text) // HTML_MARKUP_FACTOR if item.html else len(item.text)


def _bucket(requests: int) -> str:
    """A label for how many requests a call grouped: "1", "2-4", "5-16", "17-64"."""
    for upper, label in ((1, "1"), (4, "2-4"), (16, "5-16")):
        if requests <= upper:
            return label
    return f"17-{BATCH_DOCUMENTS}"


def _score_group(group: list[_Job]) -> list[list[dict[str, Any]]]:
    """Each job's records; a group of single texts is one scoring call."""
    head = group[0]
    if len(group) == 1:
        return [_score(head.detector, head.tasks, head.options, head.stop)]
    records = _batch.score_tasks(head.detector, [job.tasks[0] for job in group], head.options)
    return [[record] for record in records]


def _score(
    detector: Any, tasks: list[_batch.Task], options: _batch.Options, stop: threading.Event
) -> list[dict[str, Any]]:
    """Records for ``tasks``, a step at a time; gives up between steps once told to stop."""
    records: list[dict[str, Any]] = []
    for start in range(0, len(tasks), STEP_ITEMS):
        if stop.is_set():
            break
        records += _batch.score_tasks(detector, tasks[start : start + STEP_ITEMS], options)
    return records
