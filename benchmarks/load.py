"""Load test of ``mtdetect serve`` on loopback, beside the library's own throughput.

    python benchmarks/load.py [--requests 1000] [--max-seconds 30] [--clients 1 8 32]
                              [--workers 1] [--memory-requests 10000] [--json OUT]

Why: the service must not cost much over the library (issue #17: one worker
at least 80% of the library's single-process throughput, p99 under 50 ms at
8 clients, no errors, memory bounded after 10,000 requests). One run:

1. the library: ``Detector.detect`` on the same articles, one at a time, in
   this process, before the server starts (articles/s, p50/p99);
2. a server, ``python -m mtdetect serve`` on a free loopback port, from the
   repository root, ready when ``/readyz`` says so;
3. for each number of concurrent clients, at most ``--requests`` requests
   or ``--max-seconds``: requests/s, p50/p99 latency, errors (any answer but
   200, or no answer);
4. the server's resident memory when ready, after the client levels, and
   after ``--memory-requests`` requests in all.

The clients are a few lines of HTTP/1.1 over asyncio streams with keep-alive,
so that the client's own CPU (on the same machine) stays small. Articles are
4.5-6 KB runs of native news (``benchmarks/_articles.py``). Nothing leaves
the machine: the server binds 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import _articles  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def library(texts: list[str], model: str | None, n: int) -> dict[str, float]:
    """The library's own single-process figure: ``detect`` one article at a time."""
    from mtdetect.detector import Detector

    detector = Detector.load(model)
    for text in texts[:5]:
        detector.detect(text)  # lazily loaded tables in
    latencies = []
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        t0 = time.perf_counter()
        detector.detect(texts[i % len(texts)])
        latencies.append(time.perf_counter() - t0)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "per_s": n / wall,
        "cpu_ms": 1000 * cpu / n,
        "p50_ms": 1000 * percentile(latencies, 0.5),
        "p99_ms": 1000 * percentile(latencies, 0.99),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's worker processes)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(child) for child in children]
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of the server's processes, MB."""
    total = 0
    for current in tree(pid):
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the server's processes have used so far."""
    ticks = 0
    for current in tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class Connection:
    """One keep-alive HTTP/1.1 connection: POST a JSON body, read the status and body."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                close = True
        await self.reader.readexactly(length)
        if close:
            await self.close()
        return int(status_line.split()[1])

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def level(port: int, bodies: list[bytes], clients: int, n: int, seconds: float) -> dict:
    """``clients`` connections sending requests until ``n`` are done or ``seconds`` pass."""
    latencies: list[float] = []
    errors = 0
    next_index = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors, next_index
        connection = Connection(port)
        try:
            while next_index < n and time.perf_counter() < deadline:
                body = bodies[next_index % len(bodies)]
                next_index += 1
                t0 = time.perf_counter()
                try:
                    status = await connection.post("/v1/detect", body)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    status = 0
                    await connection.close()
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(latencies),
        "per_s": len(latencies) / wall,
        "p50_ms": 1000 * percentile(latencies, 0.5),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "mean_ms": 1000 * statistics.fmean(latencies),
        "errors": errors,
    }


def start_server(port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "mtdetect", "serve", "--port", str(port)]
    command += ["--workers", str(args.workers), "--log-level", "warning"]
    command += ["--max-queue", str(max(64, 2 * max(args.clients)))]
    if args.model:
        command += ["--model", args.model]
    if args.on_event_loop:
        command.append("--on-event-loop")
    process = subprocess.Popen(command, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped before it was ready")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server was not ready within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="distinct articles to send")
    parser.add_argument("--requests", type=int, default=1000, help="at most, per client level")
    parser.add_argument("--max-seconds", type=float, default=30.0, help="at most, per level")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--memory-requests", type=int, default=2000, help="requests in all")
    parser.add_argument("--library-n", type=int, default=500, help="library detect calls")
    parser.add_argument("--model")
    parser.add_argument("--on-event-loop", action="store_true", help="serve's --on-event-loop")
    parser.add_argument("--json", metavar="OUT")
    args = parser.parse_args()

    texts = _articles.articles(args.articles)
    bodies = [json.dumps({"id": i, "text": text}).encode() for i, text in enumerate(texts)]
    load = os.getloadavg()[0]
    lib = library(texts, args.model, args.library_n)
    print(f"load average {load:.2f}; {len(texts)} articles of 4.5-6 KB")
    print(
        f"library, one process: {lib['per_s']:.1f} articles/s, "
        f"p50 {lib['p50_ms']:.1f} ms, p99 {lib['p99_ms']:.1f} ms, "
        f"CPU {lib['cpu_ms']:.1f} ms/article"
    )

    port = free_port()
    server = start_server(port, args)
    report: dict[str, Any] = {"load_average": load, "library": lib, "workers": args.workers}
    try:
        memory = {"ready": rss_mb(server.pid)}
        asyncio.run(level(port, bodies, 4, 40, 30))  # warm-up
        sent = 40
        levels = []
        mode = "event loop" if args.on_event_loop else "threadpool"
        print(f"server: {args.workers} worker(s), scoring in the {mode}")
        print(
            f"{'clients':>7} {'requests':>8} {'req/s':>7} {'vs lib':>6} {'p50 ms':>7} "
            f"{'p99 ms':>7} {'errors':>6} {'CPU ms/req':>10} {'vs lib CPU':>10}"
        )
        for clients in args.clients:
            cpu = cpu_s(server.pid)
            row = asyncio.run(level(port, bodies, clients, args.requests, args.max_seconds))
            row["server_cpu_ms"] = 1000 * (cpu_s(server.pid) - cpu) / row["requests"]
            sent += row["requests"]
            row["vs_library"] = row["per_s"] / lib["per_s"]
            # load-independent: the library's CPU per article over the server's per request
            row["vs_library_cpu"] = lib["cpu_ms"] / row["server_cpu_ms"]
            levels.append(row)
            print(
                f"{clients:>7} {row['requests']:>8} {row['per_s']:>7.1f} "
                f"{row['vs_library']:>6.2f} {row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} "
                f"{row['errors']:>6} {row['server_cpu_ms']:>10.1f} {row['vs_library_cpu']:>10.2f}"
            )
        memory["after_levels"] = rss_mb(server.pid)
        rest = max(0, args.memory_requests - sent)
        if rest:
            extra = asyncio.run(level(port, bodies, 8, rest, 3600))
            sent += extra["requests"]
            memory["errors_in_memory_run"] = extra["errors"]
        memory[f"after_{sent}_requests"] = rss_mb(server.pid)
        print("server RSS, MB: " + ", ".join(f"{k} {v:.0f}" for k, v in memory.items()))
        report.update(levels=levels, memory_mb=memory, requests_sent=sent)
    finally:
        server.terminate()
        server.wait(30)
    after = library(texts, args.model, args.library_n)  # the load may have changed meanwhile
    report["library_after"] = after
    print(
        f"library again, server stopped: {after['per_s']:.1f} articles/s, "
        f"CPU {after['cpu_ms']:.1f} ms/article; load average {os.getloadavg()[0]:.2f}"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
