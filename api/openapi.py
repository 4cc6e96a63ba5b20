"""The OpenAPI 3.1 description of /api/v1, generated: apispec walks the API blueprint's routes
(Flask's url_map), reads each view's `@documented` metadata (api/operations.py) and turns the
marshmallow schemas it names (api/envelopes.py, api/inputs.py) into components."""
from __future__ import annotations

import copy
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app, has_app_context
from marshmallow import Schema

import api
from . import inputs
from .envelopes import ErrorSchema
from .operations import FILE, Operation, operation_of

PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")  # werkzeug's <converter(args):name>
PATH_SCHEMAS = {"key": {"type": "string", "examples": ["supervision"]},
                "entry_id": {"type": "integer"}}  # a string in the route, an integer id in fact
ERROR = {"description": "错误", "content": {"application/json": {"schema": ErrorSchema}}}


def openapi_document(app: Flask | None = None) -> dict:
    """The document for `app`'s routes (the current app's, else the API blueprint on its own)."""
    if app is None:
        app = current_app._get_current_object() if has_app_context() else standalone()
    spec = APISpec("台帐服务 API", "1", "3.1.0", plugins=[MarshmallowPlugin()],
                   servers=[{"url": api.bp.url_prefix}], security=[{"bearer": []}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for schema in vars(inputs).values():  # those with component-level keywords marshmallow lacks
        extra = getattr(getattr(schema, "Meta", None), "openapi", None)
        if isinstance(schema, type) and issubclass(schema, Schema) and extra:
            spec.components.schema(schema.__name__.removesuffix("Schema"), dict(extra), schema=schema)
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] != api.bp.name:
            continue
        view = app.view_functions[rule.endpoint]
        path, names = openapi_path(rule.rule.removeprefix(api.bp.url_prefix))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found = operation_of(view, method)
            if found is not None:
                paths.setdefault(path, {})[method.lower()] = operation(found, names)
    for path, operations in paths.items():
        spec.path(path=path, operations=copy.deepcopy(operations))  # apispec resolves in place
    return spec.to_dict()


def standalone() -> Flask:
    """An app holding only the API blueprint: its routes without a database."""
    app = Flask(__name__)
    app.register_blueprint(api.bp)
    return app


def openapi_path(rule: str) -> tuple[str, list[dict]]:
    """`/ledgers/<key>/versions/<int:version>` → `/ledgers/{key}/versions/{version}` and its
    path parameters, typed by the route's converter."""
    params = [{"name": name, "in": "path", "required": True,
               "schema": dict(PATH_SCHEMAS.get(name) or {"type": "integer" if converter == "int" else "string"})}
              for converter, name in PLACEHOLDER.findall(rule)]
    return PLACEHOLDER.sub(r"{\2}", rule), params


def media(content) -> dict | None:
    """A content map from a schema, a media type (a file), {media type: schema} or a list (anyOf:
    the shapes overlap, so oneOf would refuse a valid answer)."""
    if content is None:
        return None
    if isinstance(content, str):
        return {content: {"schema": dict(FILE)}}
    if isinstance(content, dict):
        return {kind: {"schema": dict(FILE) if schema is FILE else schema} for kind, schema in content.items()}
    if isinstance(content, (list, tuple)):
        return {"application/json": {"schema": {"anyOf": list(content)}}}
    return {"application/json": {"schema": content}}


def operation(op: Operation, path_params: list[dict]) -> dict:
    success: dict = {"description": op.said}
    if op.returns is not None:
        success["content"] = media(op.returns)
    if op.links:
        success["links"] = {f"to_{target}": {"operationId": target, "parameters": dict(parameters)}
                            for target, parameters in op.links.items()}
    also = {str(status): {k: v for k, v in success.items() if k != "links"} | {"description": said}
            for status, said in op.also.items()}
    out: dict = {"operationId": op.name} if op.name else {}
    out |= {"summary": op.summary,
            "parameters": [*path_params, *(p if isinstance(p, dict) else {"in": "query", "schema": p}
                                           for p in op.params)],
            "responses": {str(op.ok): success, **also, **{str(code): ERROR for code in op.errors}}}
    if op.body is not None:
        out["requestBody"] = {"required": op.body_required, "content": media(op.body)}
    return out
