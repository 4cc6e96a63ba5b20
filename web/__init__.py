"""HTML pages. init_web wires login, error pages and the page blueprints into the app."""
from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from .auth import init_login


def init_web(app: Flask) -> None:
    init_login(app)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return jsonify({"error": exc.name, "errors": []}), exc.code
        return exc
