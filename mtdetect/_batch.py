"""A scoring run of the command line: inputs in, records out, in input order.

``cli.py`` parses arguments; the work of a run is here: what the inputs are
(files or standard input; JSON Lines records come from ``_records``),
reading them, scoring them in batches, in this process or in worker
processes (``--jobs``), and the progress line.

Worker processes are started once per run. Each loads the model itself, in
its initializer, and stays up until the run ends; the parent sends chunks of
file paths (or of records it has read) and takes the records back in input
order. Nothing as large as the model is ever sent to a worker.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

from mtdetect.reading import DEFAULT_MAX_BYTES, InputText, read_input, read_stdin
from mtdetect.report import Tally, Writer, make_record

#: inputs scored together in one ``detect_many`` call in this process
BATCH_SIZE = 64
#: inputs sent to a worker process at a time: small, so workers stay evenly loaded
CHUNK_SIZE = 16
#: chunks in flight per worker: enough to keep each busy, few enough to bound memory
CHUNKS_AHEAD = 2
#: show a progress line on a terminal for runs larger than this
PROGRESS_MIN = 20
#: seconds between two updates of the progress line
PROGRESS_EVERY = 0.2
#: bytes past which no input can be scored, so reading stops there whatever
#: --max-bytes says: a character takes at most 4 bytes, and the detector takes at
#: most MAX_CHARS characters of text or HTML_MARKUP_FACTOR times that of a page
#: (mtdetect.detector; repeated so that the command line loads numpy only to score)
READ_CEILING = 4 * 10 * 1_000_000 + 4


class RunError(Exception):
    """The run cannot go on (a worker process died); printed as one line, exit status 2."""


@dataclass(frozen=True)
class Task:
    """One input: a file a worker reads itself, or an input already read here.

    ``fields`` are put first in the input's record (a JSONL record's ``id``).
    """

    path: str
    item: InputText | None = None
    fields: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Options:
    """What scoring needs besides the detector: plain data, sent to the workers."""

    threshold: float | None = None  # the user's --threshold, None for the model's
    shown_threshold: float | None = None  # the threshold recorded in each record
    model_version: str = ""
    emit_text: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class ModelSpec:
    """How a worker loads the very detector the parent loaded."""

    model: str | None = None
    gazetteer: str | None = None
    base_rate: float | None = None
    reference: str | None = None


# -- inputs --------------------------------------------------------------------------


def file_tasks(
    paths: Sequence[str], stdin: IO[Any], max_bytes: int, *, keep_html: bool = True
) -> Iterator[Task]:
    """One task per path; standard input is read here, and only once.

    ``keep_html``: an HTML page on standard input stays markup, for the
    detector's ``content_type="html"`` (files are read by whoever scores them).
    """
    stdin_used = False
    for path in paths:
        if path != "-":
            yield Task(path)
        elif stdin_used:
            yield Task(path, InputText("-", None, (), "standard input was already read"))
        else:
            stdin_used = True
            yield Task(path, read_stdin(stdin, max_bytes=max_bytes, keep_html=keep_html))


def open_output(path: str | None) -> IO[str]:
    """Standard output, or the file of ``-o``."""
    if path is None or path == "-":
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    except OSError as exc:
        raise RunError(f"cannot write {path}: {exc.strerror or exc}") from exc


# -- scoring -------------------------------------------------------------------------


def run(
    tasks: Iterable[Task], detector: Any, options: Options, workers: Workers | None = None
) -> Iterator[list[dict[str, Any]]]:
    """Records for ``tasks``, in order, a batch at a time.

    Scored here by ``detector``, or by the ``workers``' own copies of it.
    """
    if workers is not None:
        yield from workers.run(tasks, options)
        return
    for chunk in _chunks(tasks, BATCH_SIZE):
        yield score_tasks(detector, chunk, options)


def score_tasks(detector: Any, tasks: Sequence[Task], options: Options) -> list[dict[str, Any]]:
    """Read (where a task is a path), score and report a chunk of inputs."""
    items = [
        task.item
        if task.item is not None
        else read_input(task.path, max_bytes=options.max_bytes, keep_html=True)
        for task in tasks
    ]
    readable = [i for i, item in enumerate(items) if item.ok]
    results = dict(
        zip(readable, _score(detector, [items[i] for i in readable], options), strict=True)
    )
    records = []
    for i, (task, item) in enumerate(zip(tasks, items, strict=True)):
        record = make_record(
            item,
            results.get(i),
            model_version=options.model_version,
            threshold=options.shown_threshold,
            emit_text=options.emit_text,
        )
        records.append({**dict(task.fields), **record} if task.fields else record)
    return records


def _score(detector: Any, items: list[InputText], options: Options) -> list[Any]:
    """One result per item: plain texts and HTML pages each in one ``detect_many`` call."""
    results: list[Any] = [None] * len(items)
    for content_type in ("text", "html"):
        where = [i for i, item in enumerate(items) if item.html == (content_type == "html")]
        if where:
            found = _detect(detector, [items[i].text or "" for i in where], options, content_type)
            for i, result in zip(where, found, strict=True):
                results[i] = result
    return results


def _detect(detector: Any, texts: list[str], options: Options, content_type: str) -> list[Any]:
    """Results for ``texts``; a failure costs only the inputs it hit."""
    kwargs: dict[str, Any] = {"threshold": options.threshold}
    if content_type != "text":
        kwargs["content_type"] = content_type
    try:
        results = list(detector.detect_many(texts, **kwargs))
        if len(results) == len(texts):
            return results
    except Exception:
        pass
    # one at a time, so that a failure is pinned on the input that caused it
    results = []
    for text in texts:
        try:
            results.append(detector.detect(text, **kwargs))
        except Exception as exc:
            results.append(_Failed(f"scoring failed: {exc}"))
    return results


class _Failed:
    """Stands in for a result when the detector raised on one input."""

    def __init__(self, reason: str) -> None:
        self.probability, self.flagged, self.status, self.reason = None, False, "error", reason
        self.evidence: tuple[Any, ...] = ()
        self.boilerplate: tuple[Any, ...] = ()
        self.model_version = ""
        self.text = None


def _chunks(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    iterator = iter(tasks)
    while chunk := list(islice(iterator, size)):
        yield chunk


# -- worker processes ----------------------------------------------------------------

_worker_detector: Any = None
_worker_error: tuple[str, str] | None = None  # (what failed: "model" or "base_rate", why)


@dataclass(frozen=True)
class WorkerModel:
    """A worker's model as the parent needs to know it: its threshold and version."""

    threshold: float | None = None
    model_version: str = ""
    error: tuple[str, str] | None = None


class Workers:
    """A pool of worker processes for one run, each holding its own loaded model.

    The parent never loads the model itself: :meth:`model` tells it the
    model's threshold and version, or why the workers could not load it.
    """

    def __init__(self, jobs: int, spec: ModelSpec) -> None:
        import multiprocessing
        import os
        from concurrent.futures import ProcessPoolExecutor

        self.size = (os.cpu_count() or 1) if jobs < 0 else jobs
        # "spawn": a fresh interpreter per worker, never a copy of this process's
        # threads and locks; each loads the model once, in the initializer. (A fork
        # server that imported the scoring code once started workers faster, but
        # Ctrl-C during its import printed tracebacks, and it outlived the run.)
        self.pool = ProcessPoolExecutor(
            max_workers=self.size,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(spec,),
        )
        # a pool starts its processes as work arrives: one task each starts them all
        self._ready = [self.pool.submit(_ready) for _ in range(self.size)]

    def model(self) -> WorkerModel:
        """What the first worker to start knows of its model (waits for it to load)."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        done, _ = wait(self._ready, return_when=FIRST_COMPLETED)
        try:
            return next(iter(done)).result()
        except BrokenProcessPool as exc:
            raise RunError(f"a worker process stopped unexpectedly ({exc})") from None

    def run(self, tasks: Iterable[Task], options: Options) -> Iterator[list[dict[str, Any]]]:
        from concurrent.futures.process import BrokenProcessPool

        pending: deque[Any] = deque()
        try:
            for chunk in _chunks(tasks, CHUNK_SIZE):
                pending.append(self.pool.submit(_score_in_worker, chunk, options))
                while len(pending) > self.size * CHUNKS_AHEAD:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool as exc:
            raise RunError(f"a worker process stopped unexpectedly ({exc})") from None
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(spec: ModelSpec) -> None:
    """Pool initializer: load the model once; the parent alone handles Ctrl-C.

    Never raises: a pool logs an initializer's exception with its traceback,
    so a failure is kept and reported by the first task, as one line.
    """
    import signal

    global _worker_detector, _worker_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from mtdetect.detector import Detector

        detector = Detector.load(spec.model, gazetteer=spec.gazetteer, reference=spec.reference)
    except Exception as exc:  # ModelError, or anything a broken bundle raises
        _worker_error = ("model", str(exc) or type(exc).__name__)
        return
    if spec.base_rate is not None:
        try:
            detector = detector.with_base_rate(spec.base_rate)
        except Exception as exc:  # a model without a recorded calibration mix
            _worker_error = ("base_rate", str(exc))
            return
    _worker_detector = detector


def _ready() -> WorkerModel:
    """The task that starts each worker: what it knows of its model."""
    if _worker_error is not None:
        return WorkerModel(error=_worker_error)
    return WorkerModel(float(_worker_detector.threshold), str(_worker_detector.model_version), None)


def _score_in_worker(tasks: list[Task], options: Options) -> list[dict[str, Any]]:
    if _worker_error is not None:
        raise RunError(f"a worker process cannot load the model: {_worker_error[1]}")
    return score_tasks(_worker_detector, tasks, options)


def report(
    batches: Iterable[list[dict[str, Any]]],
    writer: Writer | None,
    stream: IO[str],
    progress: Progress,
    summary: bool = False,
) -> Tally:
    """Write each batch of records as it comes, the progress line between; count outcomes.

    ``summary``: end with the one-line count when there was more than one input.
    """
    tally = Tally()
    try:
        for records in batches:
            progress.clear()
            for record in records:
                tally.add(record)
                if writer is not None:
                    writer.write(record)
            if writer is not None:
                stream.flush()
            progress.show(tally.total)
        progress.clear()
        if writer is not None:
            writer.close()
            if summary and tally.total > 1:
                stream.write(tally.summary() + "\n")
    except KeyboardInterrupt:
        # Ctrl-C: what was written stays a whole document (a json array is closed)
        if writer is not None:
            writer.close()
        raise
    finally:
        progress.close()
    return tally


# -- progress ------------------------------------------------------------------------


class Progress:
    """A progress bar on stderr (tqdm): inputs done, rate and, with a known total, time left.

    Only when ``enabled`` (the CLI enables it on a terminal, without
    ``--quiet``); cleared before each batch of output is written, so records
    on standard output never mix with it, and gone when the run ends.
    """

    def __init__(self, total: int | None, enabled: bool, stream: IO[str] | None = None) -> None:
        self.total, self.enabled = total, enabled
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                desc="scored",
                unit=" inputs",
                file=stream or sys.stderr,
                mininterval=PROGRESS_EVERY,
                dynamic_ncols=True,
                leave=False,
            )

    def show(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
            self.bar.refresh()

    def clear(self) -> None:
        if self.bar is not None:
            self.bar.clear()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
