"""The moderation service: every endpoint and limit in process, then a real server.

In process, the app runs under Starlette's ``TestClient`` (lifespan included)
with the tiny fixture model; the real server is ``python -m mtdetect serve``
started from the repository root on a free loopback port, hit with httpx,
and stopped after.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

with warnings.catch_warnings():  # "install httpx2": the test extra installs httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from conftest import CLEAN, SPUN

from mtdetect import cli
from mtdetect.service import Limits, create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parents[1]
PAGE = (
    "<html><head><title>Budget</title></head><body><nav>Home | News</nav>"
    f"<article><h1>Budget passes</h1><p>{SPUN[0]}</p></article></body></html>"
)


class Slow:
    """A detector that sleeps before scoring once ``armed``, for the time and queue limits."""

    def __init__(self, inner: Any, delay: float) -> None:
        self.inner, self.delay, self.armed = inner, delay, False
        self.threshold, self.model_version = inner.threshold, inner.model_version

    def with_base_rate(self, rate: float) -> Any:
        return self.inner.with_base_rate(rate)

    def detect(self, text: str, **kwargs: Any) -> Any:
        return self.detect_many([text], **kwargs)[0]

    def detect_many(self, texts: list[str], **kwargs: Any) -> Any:
        if self.armed:
            time.sleep(self.delay)
        return self.inner.detect_many(texts, **kwargs)


def wait_ready(client: Any, seconds: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            response = client.get("/readyz")
            if response.status_code == 200:
                return response.json()
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the service never became ready")
        time.sleep(0.05)


@pytest.fixture
def serve(tiny_detector: Any) -> Iterator[Callable[..., TestClient]]:
    """Start the app with given limits (and detector); every client is closed after."""
    clients: list[TestClient] = []

    def start(detector: Any = None, wait: bool = True, **limits: Any) -> TestClient:
        chosen = tiny_detector if detector is None else detector
        app = create_app(lambda: chosen, Limits(**limits))
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        if wait:
            wait_ready(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def cli_records(tiny_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """What ``mtdetect score -i jsonl -f jsonl`` writes for CLEAN, SPUN and PAGE."""
    folder = tmp_path_factory.mktemp("cli")
    inputs = [{"id": i, "text": text} for i, text in enumerate(CLEAN + SPUN)]
    inputs.append({"id": "page", "html": PAGE})
    source, out = folder / "in.jsonl", folder / "out.jsonl"
    source.write_text("".join(json.dumps(x) + "\n" for x in inputs), encoding="utf-8")
    argv = ["score", "-m", str(tiny_model_path), "-i", "jsonl", "-f", "jsonl", "-o", str(out)]
    assert cli.main([*argv, str(source)]) in (0, 1)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def without_path(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "path"}


# -- the records are the command line's ----------------------------------------------------


def test_detect_returns_the_cli_record(serve: Any, cli_records: list[dict]) -> None:
    client = serve()
    for i, text in enumerate(CLEAN + SPUN):
        response = client.post("/v1/detect", json={"id": i, "text": text})
        assert response.status_code == 200
        record = response.json()
        assert record["path"] == "request"
        assert without_path(record) == without_path(cli_records[i])
    page = client.post("/v1/detect", json={"id": "page", "html": PAGE}).json()
    assert without_path(page) == without_path(cli_records[-1])
    assert page["text"] and "Home | News" not in page["text"]


def test_batch_returns_the_cli_records_in_order(serve: Any, cli_records: list[dict]) -> None:
    client = serve()
    items = [{"id": i, "text": text} for i, text in enumerate(CLEAN + SPUN)]
    body = client.post("/v1/detect/batch", json={"items": [*items, {"id": "page", "html": PAGE}]})
    assert body.status_code == 200
    results = body.json()["results"]
    assert [r["path"] for r in results] == [f"request:{i + 1}" for i in range(len(results))]
    assert [without_path(r) for r in results] == [without_path(r) for r in cli_records]


def test_options_threshold_base_rate_explain(serve: Any, tiny_detector: Any) -> None:
    client = serve()
    text = SPUN[1]
    plain = client.post("/v1/detect", json={"text": text}).json()
    assert "explanation" not in plain and plain["id"] is None
    strict = client.post("/v1/detect", json={"text": text, "threshold": 1.0}).json()
    assert strict["threshold"] == 1.0 and strict["flagged"] is (strict["probability"] >= 1.0)
    rated = client.post("/v1/detect", json={"text": text, "base_rate": 0.01}).json()
    expected = tiny_detector.with_base_rate(0.01).detect(text)
    assert rated["probability"] == round(expected.probability, 4)
    assert rated["probability"] < plain["probability"]
    explained = client.post("/v1/detect", json={"text": text, "explain": 2}).json()
    assert 0 < len(explained["explanation"]) <= 2
    assert explained["explanation"][0].startswith("+")
    assert len(
        client.post("/v1/detect", json={"text": text, "explain": True}).json()["explanation"]
    )
    emitted = client.post("/v1/detect", json={"text": text, "emit_text": True}).json()
    assert emitted["text"] == text


# -- refusals: JSON errors with a message, never a traceback ---------------------------------


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "invalid JSON"),
        (b'{"text": "caf\xe9"}', 400, "not UTF-8"),
        (b"[1, 2]", 422, "not a JSON object"),
        (b'{"text": 3}', 422, '"text" is a number, not a string'),
        (b'{"id": 1}', 422, 'no "text"'),
        (b'{"text": "x", "threshold": "high"}', 422, '"threshold" is a string'),
        (b'{"text": "x", "threshold": true}', 422, '"threshold" is a boolean'),
        (b'{"text": "x", "threshold": 1.5}', 422, "between 0 and 1"),
        (b'{"text": "x", "base_rate": 0}', 422, "base_rate"),
        (b'{"text": "x", "explain": -1}', 422, "explain"),
        (b'{"text": "x", "emit_text": "yes"}', 422, "emit_text"),
    ],
)
def test_bad_requests(serve: Any, body: bytes, status: int, message: str) -> None:
    response = serve().post("/v1/detect", content=body)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert "Traceback" not in response.text


def test_batch_limits_and_shape(serve: Any) -> None:
    client = serve(max_batch_items=3)
    items = [{"text": text} for text in CLEAN]
    assert client.post("/v1/detect/batch", json={"items": items}).status_code == 200
    over = client.post("/v1/detect/batch", json={"items": [*items, items[0]]})
    assert over.status_code == 413 and "at most 3" in over.json()["error"]
    assert client.post("/v1/detect/batch", json={"items": []}).status_code == 422
    assert client.post("/v1/detect/batch", json={"items": "x"}).status_code == 422
    bad = client.post("/v1/detect/batch", json={"items": [items[0], {"text": None, "html": 2}]})
    assert bad.status_code == 422 and bad.json()["error"].startswith("items[1]: ")


def test_body_size_limit(serve: Any) -> None:
    client = serve(max_body_bytes=2_000)
    assert client.post("/v1/detect", json={"text": CLEAN[0]}).status_code == 200
    big = client.post("/v1/detect", json={"text": "word " * 1_000})
    assert big.status_code == 413 and "2,000 bytes" in big.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"text": "'
        for _ in range(100):
            yield b"word " * 10
        yield b'"}'

    streamed = client.post("/v1/detect", content=chunks())
    assert streamed.status_code == 413


def test_time_budget(serve: Any, tiny_detector: Any) -> None:
    slow = Slow(tiny_detector, 0.6)
    client = serve(slow, time_budget_s=0.2)
    slow.armed = True
    response = client.post("/v1/detect", json={"text": CLEAN[0]})
    assert response.status_code == 504 and "time budget" in response.json()["error"]
    time.sleep(0.5)  # the thread finishes and frees its slot
    slow.armed = False
    assert client.post("/v1/detect", json={"text": CLEAN[0]}).status_code == 200


def test_concurrency_limit_and_queue(serve: Any, tiny_detector: Any) -> None:
    slow = Slow(tiny_detector, 0.5)
    client = serve(slow, max_concurrency=1, max_queue=1)
    slow.armed = True
    with ThreadPoolExecutor(4) as pool:
        codes = list(
            pool.map(lambda t: client.post("/v1/detect", json={"text": t}), CLEAN + [CLEAN[0]])
        )
    statuses = sorted(r.status_code for r in codes)
    assert statuses.count(200) >= 1 and 503 in statuses, statuses
    busy = next(r for r in codes if r.status_code == 503)
    assert busy.headers["retry-after"] == "1" and "busy" in busy.json()["error"]


def test_single_texts_that_wait_together_are_scored_in_one_call(
    serve: Any, tiny_detector: Any, cli_records: list[dict]
) -> None:
    class Counting(Slow):
        calls: list[int]

        def detect_many(self, texts: list[str], **kwargs: Any) -> Any:
            self.calls.append(len(texts))
            return super().detect_many(texts, **kwargs)

    slow = Counting(tiny_detector, 0.6)
    slow.calls = []
    client = serve(slow, max_concurrency=1, max_queue=8)
    slow.armed, slow.calls = True, []  # (after the warm-up call)
    texts = CLEAN + SPUN
    with ThreadPoolExecutor(len(texts) + 1) as pool:
        first = pool.submit(client.post, "/v1/detect", json={"id": "first", "text": CLEAN[0]})
        time.sleep(0.3)  # the first call is running: the others queue behind it
        queued = list(
            pool.map(
                lambda i: client.post("/v1/detect", json={"id": i, "text": texts[i]}),
                range(len(texts)),
            )
        )
    assert first.result().status_code == 200
    assert slow.calls == [1, len(texts)]
    for i, response in enumerate(queued):
        assert response.status_code == 200
        assert without_path(response.json()) == without_path(cli_records[i])
    other = client.post("/v1/detect", json={"text": CLEAN[0], "threshold": 0.5})
    assert other.status_code == 200 and slow.calls[-1] == 1
    metrics = client.get("/metrics").text
    assert 'mtdetect_scoring_calls_total{requests="5-16"} 1' in metrics


def test_on_event_loop_mode_scores_the_same(serve: Any, cli_records: list[dict]) -> None:
    client = serve(threadpool=False)
    record = client.post("/v1/detect", json={"id": 0, "text": CLEAN[0]}).json()
    assert without_path(record) == without_path(cli_records[0])


def test_internal_errors_are_json(serve: Any, tiny_detector: Any) -> None:
    class Broken(Slow):
        @property  # type: ignore[override]
        def threshold(self) -> float:
            raise RuntimeError("secret internals")

        @threshold.setter
        def threshold(self, value: float) -> None:
            pass

    client = serve(Broken(tiny_detector, 0.0))
    response = client.post("/v1/detect", json={"text": CLEAN[0]})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error"}
    assert client.get("/nowhere").json() == {"error": "Not Found"}
    assert client.get("/v1/detect").status_code == 405


# -- health, readiness, metrics, description -------------------------------------------------


def test_not_ready_until_loaded(tiny_detector: Any) -> None:
    gate = threading.Event()

    def loader() -> Any:
        gate.wait(10)
        return tiny_detector

    with TestClient(create_app(loader)) as client:
        assert client.get("/healthz").json()["status"] == "alive"
        assert client.get("/readyz").status_code == 503
        refused = client.post("/v1/detect", json={"text": CLEAN[0]})
        assert refused.status_code == 503 and "loading" in refused.json()["error"]
        gate.set()
        assert wait_ready(client)["model_version"] == "tiny-test"


def test_a_service_process_freezes_what_it_loaded(tiny_detector: Any) -> None:
    import gc

    gc.unfreeze()
    try:
        with TestClient(create_app(lambda: tiny_detector)) as client:
            wait_ready(client)
            assert gc.get_freeze_count() == 0  # a caller's process: left alone
        with TestClient(create_app(lambda: tiny_detector, freeze=True)) as client:
            wait_ready(client)
            assert gc.get_freeze_count() > 10_000  # the model and libraries, out of sweeps
            scored = client.post("/v1/detect", json={"text": SPUN[0]})
            assert scored.status_code == 200 and scored.json()["status"] == "scored"
    finally:
        gc.unfreeze()


def test_load_failure_is_reported() -> None:
    def loader() -> Any:
        raise OSError("no such bundle")

    with TestClient(create_app(loader)) as client:
        for _ in range(100):
            body = client.get("/readyz").json()
            if body["status"] != "loading":
                break
            time.sleep(0.02)
        assert body == {"status": "error", "error": "cannot load model: no such bundle"}
        assert client.get("/healthz").status_code == 200


def test_metrics(serve: Any) -> None:
    client = serve()
    client.post("/v1/detect", json={"text": SPUN[0], "threshold": 0.0})
    client.post("/v1/detect", json={"text": "too short"})
    client.post("/v1/detect", content=b"{")
    text = client.get("/metrics").text
    assert "# TYPE mtdetect_http_request_duration_seconds histogram" in text
    assert 'mtdetect_http_requests_total{code="200",route="/v1/detect"} 2' in text
    assert 'mtdetect_http_requests_total{code="400",route="/v1/detect"} 1' in text
    assert 'mtdetect_documents_total{outcome="flagged"} 1' in text
    assert 'mtdetect_abstentions_total{status="too_short"} 1' in text
    assert 'mtdetect_errors_total{kind="bad_json"} 1' in text
    assert 'mtdetect_http_request_duration_seconds_count{route="/v1/detect"} 3' in text
    assert "mtdetect_model_loaded 1" in text


def test_openapi(serve: Any) -> None:
    spec = serve(max_batch_items=7).get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) >= {"/v1/detect", "/v1/detect/batch", "/healthz", "/readyz"}
    batch = spec["paths"]["/v1/detect/batch"]["post"]["requestBody"]["content"]
    assert batch["application/json"]["schema"]["properties"]["items"]["maxItems"] == 7


# -- the command ------------------------------------------------------------------------------


def test_serve_without_the_extra(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert cli.main(["serve", "--port", "1"]) == 2
    assert 'pip install "mtdetect[serve]"' in capsys.readouterr().err


def test_serve_with_a_missing_model(capsys: Any, tmp_path: Path) -> None:
    assert cli.main(["serve", "--model", str(tmp_path / "none.joblib")]) == 2
    assert "file not found" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tiny_model_path: Path) -> Iterator[str]:
    """``python -m mtdetect serve`` on a free loopback port, stopped after the tests."""
    port = free_port()
    command = [sys.executable, "-m", "mtdetect", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--model", str(tiny_model_path), "--log-level", "warning"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=5) as client:
            deadline = time.monotonic() + 30
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            else:
                output = process.stdout.read().decode() if process.poll() is not None else ""
                raise AssertionError(f"server did not become ready: {output}")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_real_server(server: str, cli_records: list[dict]) -> None:
    with httpx.Client(base_url=server, timeout=10) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").json()["model_version"] == "tiny-test"
        record = client.post("/v1/detect", json={"id": 3, "text": SPUN[0]}).json()
        assert without_path(record) == without_path(cli_records[3])
        items = [{"id": i, "text": t} for i, t in enumerate(CLEAN + SPUN)]
        results = client.post("/v1/detect/batch", json={"items": items}).json()["results"]
        assert [without_path(r) for r in results] == [without_path(r) for r in cli_records[:-1]]
        too_big = client.post("/v1/detect", content=b"x" * 6_000_000)
        assert too_big.status_code == 413 and "error" in too_big.json()
        assert "mtdetect_documents_total" in client.get("/metrics").text
