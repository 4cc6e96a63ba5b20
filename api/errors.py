"""Every error under /api/v1 as one JSON shape, `{"error": ..., "errors": [...]}`, in Chinese.

One function answers them all: engine errors, HTTP errors raised by a view, and those raised
before any API view runs (an unknown address, a wrong method), which reach the app's handler.
"""
from __future__ import annotations

from flask import current_app, jsonify
from werkzeug.exceptions import HTTPException

from core.errors import LedgerError

from .envelopes import EntrySchema

MESSAGES = {
    400: "请求无效", 401: "需要登录", 403: "没有权限", 404: "地址不存在", 405: "不支持该请求方法",
    406: "无法提供所要求的格式", 409: "与已有数据冲突", 412: "记录已被他人修改，请刷新后再保存",
    413: "请求体过大", 415: "不支持的内容类型", 422: "数据校验未通过", 429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
}


class ApiError(LedgerError):
    """An HTTP-level problem of the request itself (no token, wrong content type...)."""

    def __init__(self, status: int, message: str | None = None):
        super().__init__(message or MESSAGES.get(status, "请求无效"))
        self.status = status


def error_response(exc: Exception):
    """The JSON answer for any exception raised while serving an API request."""
    if isinstance(exc, LedgerError):
        body = {"error": exc.message, "errors": exc.errors}
        current = getattr(exc, "current", None)
        if current is not None:
            body["current"] = EntrySchema().dump(current)
        plan = getattr(exc, "plan", None)
        if plan is not None:  # a refused definition change: what it would do to stored entries
            body["plan"] = plan
        status = exc.status
    elif isinstance(exc, HTTPException) and exc.code and exc.code >= 400:
        status = exc.code
        body = {"error": MESSAGES.get(status, "请求无效" if status < 500 else MESSAGES[500]), "errors": []}
    else:
        current_app.logger.exception("API error")
        status, body = 500, {"error": MESSAGES[500], "errors": []}
    response = jsonify(body)
    response.status_code = status
    if isinstance(exc, HTTPException) and exc.code == 405 and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response
