"""The moderation service: an ASGI app (Starlette) that scores texts over HTTP.

``create_app(detector_loader, limits)`` builds it; ``mtdetect serve`` runs it
under uvicorn. A response holds exactly the record ``mtdetect score -f jsonl``
writes for the same input: the service builds the same ``Task`` a JSON Lines
record becomes (``_records.task_from_object``) and scores it with the command
line's own ``_batch.score_tasks``, so the two cannot drift apart.

Scoring runs within the limits of ``_service_queue.Scheduler``: a few calls at once in worker
threads, a bounded queue, a time budget per request, and single texts that wait together
scored in one call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, fields
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from mtdetect import _batch
from mtdetect._exit import freeze_loaded
from mtdetect._records import _json_type
from mtdetect._service_input import (
    MIN_BASE_RATE,
    ApiError,
    explain_field,
    number_field,
    read_body,
    record_task,
)
from mtdetect._service_metrics import Metrics
from mtdetect._service_openapi import openapi
from mtdetect._service_queue import Scheduler
from mtdetect._version import __version__
from mtdetect.report import explain_lines

log = logging.getLogger("mtdetect.service")
#: environment variable through which ``mtdetect serve`` configures each worker process
CONFIG_ENV = "MTDETECT_SERVE_CONFIG"
#: scored once after loading, so that lazily loaded resources are in before /readyz
WARM_UP_TEXT = " ".join(
    [
        "The council approved the new budget on Tuesday after a long debate in the town hall.",
        "Members said the plan would fund road repairs and two new libraries in the north.",
        "The mayor, who has pushed for the spending since spring, called the vote a relief.",
        "Opponents argued that the city should first pay down its debts before building.",
        "The budget takes effect in July and will be reviewed again next year by the board.",
    ]
)


@dataclass(frozen=True)
class Limits:
    """What one worker process accepts; every refusal is a JSON error, never a traceback."""

    max_body_bytes: int = 5_000_000
    max_batch_items: int = 64
    time_budget_s: float = 10.0
    max_concurrency: int = 1
    max_queue: int = 64
    #: score in a worker thread (True) or on the event loop itself (no time budget then)
    threadpool: bool = True


class _State:
    """One worker's model and load: what the handlers share."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.detector: Any = None
        self.load_error: str | None = None
        self.metrics = Metrics()
        self.scheduler = Scheduler(
            limits.max_concurrency, limits.max_queue, limits.time_budget_s, self.metrics
        )
        self._rated: dict[float, Any] = {}

    def detector_for(self, base_rate: float | None) -> Any:
        if base_rate is None:
            return self.detector
        rated = self._rated.get(base_rate)
        if rated is None:
            try:
                rated = self.detector.with_base_rate(base_rate)
            except Exception as exc:  # a model without a recorded calibration mix
                raise ApiError(422, f"base_rate: {exc}", "invalid") from exc
            if len(self._rated) < 32:  # a few rates are reused; never grow without bound
                self._rated[base_rate] = rated
        return rated


def _options(state: _State, body: dict[str, Any]) -> tuple[Any, _batch.Options, int]:
    threshold = number_field(body, "threshold", 0.0, 1.0)
    base_rate = number_field(body, "base_rate", MIN_BASE_RATE, 1.0 - MIN_BASE_RATE)
    explain = explain_field(body)
    emit_text = body.get("emit_text", False)
    if not isinstance(emit_text, bool):
        raise ApiError(422, '"emit_text" must be true or false', "invalid")
    detector = state.detector_for(base_rate)
    options = _batch.Options(
        threshold=threshold,
        shown_threshold=float(detector.threshold) if threshold is None else threshold,
        model_version=str(detector.model_version),
        emit_text=emit_text,
    )
    return detector, options, explain


def _count(state: _State, records: list[dict[str, Any]]) -> None:
    for record in records:
        status = record["status"]
        if status == "scored":
            outcome = "flagged" if record["flagged"] else "ok"
        elif status == "error":
            outcome = "error"
        else:
            outcome = "abstained"
            state.metrics.inc("mtdetect_abstentions_total", status=status)
        state.metrics.inc("mtdetect_documents_total", outcome=outcome)


def _with_explanation(record: dict[str, Any], explain: int) -> dict[str, Any]:
    if explain:
        return {**record, "explanation": [line.strip() for line in explain_lines(record, explain)]}
    return record


def _ready(state: _State) -> None:
    if state.detector is None:
        why = state.load_error or "the model is still loading"
        raise ApiError(503, f"not ready: {why}", "not_ready")


async def _object(request: Request, state: _State) -> dict[str, Any]:
    _ready(state)
    body = await read_body(request, state.limits.max_body_bytes)
    if not isinstance(body, dict):
        raise ApiError(422, f"request body is {_json_type(body)}, not a JSON object", "invalid")
    return body


# -- the app ---------------------------------------------------------------------------------


def create_app(
    detector_loader: Callable[[], Any], limits: Limits | None = None, *, freeze: bool = False
) -> Starlette:
    """The service, loading its detector with ``detector_loader`` once, at startup.

    The model loads in a thread started by the lifespan: ``/healthz`` answers at once,
    ``/readyz`` turns 200 once the model is loaded and warmed up, and scoring requests get
    503 until then. ``freeze``: the process is the service; what it loaded is frozen out
    of the garbage collector's sweeps (``_exit.freeze_loaded``).
    """
    limits = limits or Limits()
    state: _State | None = None

    def current() -> _State:
        assert state is not None, "the app is used outside its lifespan"
        return state

    async def load(loaded: _State) -> None:
        try:
            detector = await run_in_threadpool(detector_loader)
            await run_in_threadpool(detector.detect, WARM_UP_TEXT)
        except Exception as exc:
            loaded.load_error = f"cannot load model: {exc}" if str(exc) else type(exc).__name__
            log.error("%s", loaded.load_error)
            return
        if freeze:
            freeze_loaded()
        loaded.detector = detector
        loaded.metrics.set("mtdetect_model_loaded", 1)
        log.info("model %s loaded (pid %d)", detector.model_version, os.getpid())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal state
        state = _State(limits)
        state.metrics.set("mtdetect_model_loaded", 0)
        loading = asyncio.ensure_future(load(state))
        try:
            yield
        finally:
            loading.cancel()

    async def detect(request: Request) -> Response:
        st = current()
        started = time.perf_counter()
        body = await _object(request, st)
        task = record_task("request", body)
        detector, options, explain = _options(st, body)
        records = await st.scheduler.score(detector, [task], options, started, st.limits.threadpool)
        _count(st, records)
        return JSONResponse(_with_explanation(records[0], explain))

    async def detect_batch(request: Request) -> Response:
        st = current()
        started = time.perf_counter()
        body = await _object(request, st)
        items = body.get("items")
        if not isinstance(items, list):
            raise ApiError(422, '"items" must be an array of records', "invalid")
        if not items:
            raise ApiError(422, '"items" is empty', "invalid")
        if len(items) > st.limits.max_batch_items:
            raise ApiError(
                413, f"{len(items)} items; at most {st.limits.max_batch_items} a batch", "too_large"
            )
        tasks = [
            record_task(f"request:{i + 1}", item, f"items[{i}]: ") for i, item in enumerate(items)
        ]
        detector, options, explain = _options(st, body)
        records = await st.scheduler.score(detector, tasks, options, started, st.limits.threadpool)
        _count(st, records)
        results = [_with_explanation(record, explain) for record in records]
        return JSONResponse({"model_version": options.model_version, "results": results})

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "alive", "version": __version__})

    async def readyz(request: Request) -> Response:
        st = current()
        if st.detector is None:
            status = "error" if st.load_error else "loading"
            return JSONResponse({"status": status, "error": st.load_error}, status_code=503)
        return JSONResponse(
            {"status": "ready", "model_version": str(st.detector.model_version), "pid": os.getpid()}
        )

    async def metrics(request: Request) -> Response:
        return PlainTextResponse(
            current().metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi(limits))

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        if state is not None:
            state.metrics.inc("mtdetect_errors_total", kind=exc.kind)
        headers = {"Retry-After": "1"} if exc.status == 503 else None
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path, exc_info=exc)
        if state is not None:
            state.metrics.inc("mtdetect_errors_total", kind="internal")
        return JSONResponse({"error": "internal error"}, status_code=500)

    routes = [
        Route("/v1/detect", detect, methods=["POST"]),
        Route("/v1/detect/batch", detect_batch, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(_Timed, known={route.path for route in routes}, state=current)],
        exception_handlers={
            ApiError: api_error,
            HTTPException: http_error,
            Exception: internal_error,
        },
    )


class _Timed:
    """ASGI middleware: counts every response and times it, by route and status code."""

    def __init__(self, app: Any, known: set[str], state: Callable[[], _State]) -> None:
        self.app, self.known, self.state = app, known, state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path = scope["path"] if scope["path"] in self.known else "other"
        code = [500]

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                code[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            metrics = self.state().metrics
            metrics.inc("mtdetect_http_requests_total", route=path, code=str(code[0]))
            metrics.observe(time.perf_counter() - started, route=path)


# -- started by ``mtdetect serve`` ------------------------------------------------------------


def config_json(model: str | None, gazetteer: str | None, limits: Limits) -> str:
    """What ``mtdetect serve`` passes to each worker process (in ``CONFIG_ENV``)."""
    return json.dumps({"model": model, "gazetteer": gazetteer, "limits": asdict(limits)})


def app_from_env() -> Starlette:
    """uvicorn's app factory in each worker: the app ``mtdetect serve`` described."""
    handlers = logging.getLogger("uvicorn").handlers  # log where uvicorn's own lines go
    if handlers and not log.handlers:
        log.handlers, log.propagate = list(handlers), False
        log.setLevel(logging.getLogger("uvicorn.error").getEffectiveLevel())
    config = json.loads(os.environ.get(CONFIG_ENV) or "{}")
    known = {field.name for field in fields(Limits)}
    limits = Limits(**{k: v for k, v in config.get("limits", {}).items() if k in known})
    model, gazetteer = config.get("model"), config.get("gazetteer")

    def loader() -> Any:
        from mtdetect.detector import Detector

        return Detector.load(model, gazetteer=gazetteer)

    return create_app(loader, limits, freeze=True)
