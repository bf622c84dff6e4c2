"""Reading a service request: its JSON body, within a size, and its fields, checked.

Kept apart from the routes so that what a request may hold, and the message
each mistake gets, can be read in one place (``mtdetect.service`` uses it).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from mtdetect import _batch
from mtdetect._records import _json_type, task_from_object

# the command line's: a bare "explain": true shows as many lines as a bare --explain,
# and a base rate has the same bounds
from mtdetect.cli import EXPLAIN_DEFAULT, MIN_BASE_RATE  # noqa: F401


class ApiError(Exception):
    """A request the service refuses: HTTP status, message, and a kind for the metrics."""

    def __init__(self, status: int, message: str, kind: str) -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind


async def read_body(request: Request, limit: int) -> Any:
    """The request's JSON, read no further than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"request body over {limit:,} bytes", "too_large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"request body over {limit:,} bytes", "too_large")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks).decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "request body is not UTF-8", "bad_json") from None
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"invalid JSON: {exc.msg} at column {exc.colno}", "bad_json") from None
    except RecursionError:
        raise ApiError(400, "invalid JSON: nested too deeply", "bad_json") from None


def number_field(body: dict[str, Any], key: str, low: float, high: float) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError(422, f'"{key}" is {_json_type(value)}, not a number', "invalid")
    if not low <= value <= high:
        raise ApiError(422, f'"{key}" must be between {low:g} and {high:g}, got {value}', "invalid")
    return float(value)


def explain_field(body: dict[str, Any]) -> int:
    value = body.get("explain", False)
    if isinstance(value, bool):
        return EXPLAIN_DEFAULT if value else 0
    if isinstance(value, int) and value >= 0:
        return value
    raise ApiError(422, '"explain" must be true, false or a whole number of lines', "invalid")


def record_task(where: str, data: object, prefix: str = "") -> _batch.Task:
    task = task_from_object(where, data)
    if task.item is not None and task.item.error is not None:
        raise ApiError(422, f"{prefix}{task.item.error}", "invalid")
    return task
