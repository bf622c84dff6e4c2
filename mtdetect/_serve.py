"""``mtdetect serve``: the moderation service under uvicorn (the ``serve`` extra).

Only argument parsing lives here; the app is ``mtdetect.service``. Each of
the ``--workers`` processes builds the app from the same description (passed
in an environment variable, since uvicorn starts workers from an import
string) and loads the model once.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "max_body_bytes": 5_000_000,
    "max_batch_items": 64,
    "time_budget_s": 10.0,
    "max_concurrency": 1,
    "max_queue": 64,
}


def _whole(low: int) -> Any:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if number < low:
            raise argparse.ArgumentTypeError(f"must be {low} or more, got {value}")
        return number

    return parse


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {value}")
    return number


def add_command(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the HTTP moderation service",
        description="Serve POST /v1/detect, /v1/detect/batch, /healthz, /readyz, /metrics "
        'and /openapi.json with uvicorn. Needs the serve extra: pip install "mtdetect[serve]".',
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=_whole(0), default=8080, help="port (default: 8080)")
    serve.add_argument(
        "--workers",
        type=_whole(1),
        default=1,
        metavar="N",
        help="worker processes, each loading the model once (default: 1)",
    )
    serve.add_argument("--model", "-m", metavar="PATH", help="model bundle instead of the shipped")
    serve.add_argument("--gazetteer", metavar="FILE", help="extra trusted name spellings")
    limits = serve.add_argument_group("limits (per worker process)")
    limits.add_argument(
        "--max-body-bytes",
        type=_whole(1),
        default=DEFAULTS["max_body_bytes"],
        metavar="N",
        help="larger request bodies get 413 (default: %(default)s)",
    )
    limits.add_argument(
        "--max-batch",
        dest="max_batch_items",
        type=_whole(1),
        default=DEFAULTS["max_batch_items"],
        metavar="N",
        help="items a batch request may hold (default: %(default)s)",
    )
    limits.add_argument(
        "--time-budget",
        dest="time_budget_s",
        type=_seconds,
        default=DEFAULTS["time_budget_s"],
        metavar="SECONDS",
        help="a request not done by then gets 504, or 503 if it never started "
        "(default: %(default)s)",
    )
    limits.add_argument(
        "--max-concurrency",
        type=_whole(1),
        default=DEFAULTS["max_concurrency"],
        metavar="N",
        help="scoring calls at once, single texts waiting together sharing one "
        "(default: %(default)s; scoring holds the GIL)",
    )
    limits.add_argument(
        "--max-queue",
        type=_whole(0),
        default=DEFAULTS["max_queue"],
        metavar="N",
        help="requests waiting beyond those; more get 503 at once (default: %(default)s)",
    )
    limits.add_argument(
        "--on-event-loop",
        action="store_true",
        help="score on the event loop instead of a worker thread (no time budget; for measurement)",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=("critical", "error", "warning", "info", "debug"),
        help="uvicorn's log level (default: info)",
    )
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from mtdetect.cli import EXIT_OK, CliError

    try:
        import starlette  # noqa: F401
        import uvicorn
    except ImportError as exc:
        raise CliError(
            f"mtdetect serve needs the serve extra ({exc.name} is missing): "
            'pip install "mtdetect[serve]"'
        ) from None
    from mtdetect import service

    for option, path in (("--model", args.model), ("--gazetteer", args.gazetteer)):
        if path is not None and not Path(path).is_file():
            raise CliError(f"{option}: file not found: {path}")
    limits = service.Limits(
        max_body_bytes=args.max_body_bytes,
        max_batch_items=args.max_batch_items,
        time_budget_s=args.time_budget_s,
        max_concurrency=args.max_concurrency,
        max_queue=args.max_queue,
        threadpool=not args.on_event_loop,
    )
    model = None if args.model is None else str(Path(args.model).resolve())
    gazetteer = None if args.gazetteer is None else str(Path(args.gazetteer).resolve())
    os.environ[service.CONFIG_ENV] = service.config_json(model, gazetteer, limits)
    uvicorn.run(
        "mtdetect.service:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=args.access_log,
    )
    return EXIT_OK
