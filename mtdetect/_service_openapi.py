"""The service's OpenAPI 3.1 description, written by hand (served at ``/openapi.json``).

Why by hand: five routes do not justify a schema framework in the extra, and
the record schema is the command line's jsonl record, documented once here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mtdetect._version import __version__

if TYPE_CHECKING:
    from mtdetect.service import Limits

_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}},
    "required": ["error"],
}
_EVIDENCE = {
    "type": "object",
    "properties": {
        "kind": {"type": "string"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "text": {"type": "string"},
        "message": {"type": "string"},
        "weight": {"type": "number"},
    },
}
_RECORD = {
    "type": "object",
    "description": "the record `mtdetect score -f jsonl` writes for the same input",
    "properties": {
        "id": {"description": "the request's id, or null"},
        "path": {"type": "string", "description": "'request', or 'request:N' in a batch"},
        "probability": {"type": ["number", "null"], "description": "null when abstaining"},
        "flagged": {"type": "boolean"},
        "status": {
            "type": "string",
            "enum": ["scored", "too_short", "too_long", "not_english", "error"],
        },
        "reason": {"type": "string"},
        "threshold": {"type": ["number", "null"]},
        "evidence": {"type": "array", "items": _EVIDENCE},
        "boilerplate": {"type": "integer", "description": "lines of page furniture removed"},
        "notes": {"type": "array", "items": {"type": "string"}},
        "model_version": {"type": "string"},
        "text": {
            "type": ["string", "null"],
            "description": "the text evidence offsets point into, when not the one sent "
            "(an HTML page's article text), or with emit_text",
        },
        "explanation": {
            "type": "array",
            "items": {"type": "string"},
            "description": "only with explain: the strongest evidence, one line each",
        },
    },
}
_OPTIONS = {
    "threshold": {"type": "number", "minimum": 0, "maximum": 1},
    "base_rate": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "explain": {"type": ["boolean", "integer"], "description": "true: 5 lines, or N"},
    "emit_text": {"type": "boolean"},
}
_ITEM = {
    "type": "object",
    "description": "text wins when both text and html are given, as in JSON Lines input",
    "properties": {"id": {}, "text": {"type": "string"}, "html": {"type": "string"}},
}


def _errors(*codes: int) -> dict[str, Any]:
    what = {
        400: "not JSON, or not UTF-8",
        413: "body or batch over the limit",
        422: "wrong fields or types",
        503: "not ready, or busy (Retry-After)",
        504: "time budget exceeded",
    }
    return {
        str(code): {
            "description": what[code],
            "content": {"application/json": {"schema": _ERROR}},
        }
        for code in codes
    }


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi(limits: Limits) -> dict[str, Any]:
    """The description, with this worker's limits in it."""
    single = {**_ITEM, "properties": {**_ITEM["properties"], **_OPTIONS}}  # type: ignore[dict-item]
    batch = {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": _ITEM, "maxItems": limits.max_batch_items},
            **_OPTIONS,
        },
    }
    batch_out = {
        "type": "object",
        "properties": {
            "model_version": {"type": "string"},
            "results": {"type": "array", "items": _RECORD},
        },
    }
    errors = _errors(400, 413, 422, 503, 504)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "mtdetect",
            "version": __version__,
            "description": "Is this English news article machine-spun? "
            f"Limits: bodies up to {limits.max_body_bytes:,} bytes, "
            f"{limits.max_batch_items} items a batch, {limits.time_budget_s:g} s a request.",
        },
        "paths": {
            "/v1/detect": {
                "post": {
                    "summary": "score one text or HTML page",
                    "requestBody": {"content": {"application/json": {"schema": single}}},
                    "responses": {"200": _json(_RECORD), **errors},
                }
            },
            "/v1/detect/batch": {
                "post": {
                    "summary": "score several texts or pages in one request",
                    "requestBody": {"content": {"application/json": {"schema": batch}}},
                    "responses": {"200": _json(batch_out), **errors},
                }
            },
            "/healthz": {"get": {"summary": "the process is alive", "responses": _ok()}},
            "/readyz": {
                "get": {
                    "summary": "the model is loaded",
                    "responses": {**_ok(), **_errors(503)},
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus text format",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
    }


def _ok() -> dict[str, Any]:
    return {"200": _json({"type": "object"})}
