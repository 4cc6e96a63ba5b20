"""The OpenAPI metadata a view carries beside its code: `@documented("摘要", ...)` on the view,
read by api/openapi.py when it walks the API blueprint's routes (a route without it fails the
build, so a new route cannot go undocumented).

Schemas are marshmallow classes (api/envelopes.py for answers, api/inputs.py for requests);
path parameters come from the route itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

READS = (401, 403, 404)
WRITES = (400, 401, 403, 404, 412, 413, 415, 422)  # a JSON body, and an If-Match that may be stale
FILE = {"type": "string", "format": "binary"}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "记录的当前版本号；也可在请求体中以 {\"version\": N, \"data\": {...}} 提供"}
ENTRY = {"key": "$request.path.key", "entry_id": "$response.body#/id"}  # a link to a created entry
ENTRY_VERSION = {**ENTRY, "header.If-Match": "$response.body#/version"}


@dataclass(frozen=True)
class Operation:
    """One method of one route, as the document describes it."""

    summary: str
    params: tuple = ()           # parameter objects, or marshmallow schemas of query parameters
    body: Any = None             # a schema of the JSON body, or {media type: schema}
    body_required: bool = True
    ok: int = 200
    returns: Any = None          # a schema; a media type (a file); {media type: schema}; a list: any of
    said: str = "成功"            # the success answer's description
    also: dict[int, str] = field(default_factory=dict)  # other successes, same content: {status: description}
    errors: tuple[int, ...] = READS
    name: str | None = None      # operationId: a link's target
    links: dict[str, dict] = field(default_factory=dict)  # from the success answer: {operationId: parameters}


def documented(summary: str, *, method: str | None = None, **options: Any) -> Callable:
    """Attach an Operation to a view; `method` when one view serves several (PUT and PATCH)."""
    def mark(view: Callable) -> Callable:
        view.__dict__.setdefault("openapi", {})[method] = Operation(summary, **options)
        return view
    return mark


def undocumented(view: Callable) -> Callable:
    """A route the document leaves out on purpose (the document itself)."""
    view.openapi = None
    return view


def operation_of(view: Callable, method: str) -> Operation | None:
    """The view's Operation for `method`; LookupError when it has none (and is not undocumented)."""
    marks = getattr(view, "openapi", {})
    if marks is None:
        return None
    found = marks.get(method.lower(), marks.get(None))
    if found is None:
        raise LookupError(f"{view.__name__} {method}：没有 @documented 说明")
    return found
