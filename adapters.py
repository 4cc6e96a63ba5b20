"""What the pages and the API answer alike, so neither reaches into the other: the JSON error
of an engine or HTTP error, an import run with its flags and answers, the upload limit, and a
download's file name. web/ imports this module and core/, never api/ (tests/test_layout.py).

Every error under /api/v1 (and the designer's JSON calls) has one shape, `{"error": ...,
"errors": [...]}`, in Chinese: engine errors, HTTP errors raised by a view, and those raised
before any view runs (an unknown address, a wrong method), which reach the app's handler.
"""
from __future__ import annotations

import re
import tempfile
from typing import IO, Any, Callable
from urllib.parse import quote

from flask import Response, current_app, jsonify
from werkzeug.exceptions import HTTPException

from api.envelopes import EntrySchema
from core.errors import LedgerError
from core.files.storage import Blobs
from core.tabular import importer
from core.tabular import sheets

DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024
CSV_MIME = "text/csv; charset=utf-8"
MESSAGES = {
    400: "请求无效", 401: "需要登录", 403: "没有权限", 404: "地址不存在", 405: "不支持该请求方法",
    406: "无法提供所要求的格式", 409: "与已有数据冲突", 412: "记录已被他人修改，请刷新后再保存",
    413: "请求体过大", 415: "不支持的内容类型", 422: "数据校验未通过", 429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
}


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


def run_import(database, actor, key: str, stream, filename: str, values) -> tuple[dict | Response, int]:
    """The one import adapter of the API and the import page: the same options, flags and answers.

    Returns (report body, status) or (a CSV of the rejected rows, 200) when `rejects=csv`.
    """
    options = importer.ImportOptions(dry_run=flag(values, "dry_run"), upsert=flag(values, "upsert"),
                                     filename=filename,
                                     max_rows=current_app.config.get("IMPORT_MAX_ROWS", sheets.MAX_ROWS))
    report = importer.import_file(database, actor, key, stream, options)
    if values.get("rejects") == "csv":
        response = Response(report.rejected_csv(), mimetype="text/csv")
        response.headers["Content-Type"] = CSV_MIME
        response.headers["Content-Disposition"] = attachment(f"{key}-错误行.csv")
        return response, 200
    body = report.as_dict()
    if report.ok:
        return body, 200 if options.dry_run else 201 if report.created else 200
    body = {"error": f"{report.invalid_rows} 行数据有误" + ("" if options.dry_run else "，未导入任何数据"), **body}
    return body, 200 if options.dry_run else 422


TRUE_FLAGS = ("1", "true", "yes", "on", "是")


def flag(values, name: str) -> bool:
    """A checkbox or query flag: 1, true, yes, on (what forms, curl and people send)."""
    return str(values.get(name, "")).strip().lower() in TRUE_FLAGS


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def attachment(filename: str) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987).

    Control characters (a title may hold a newline or NUL) would break the header: replaced."""
    return disposition(filename)


def disposition(filename: str, inline: bool = False) -> str:
    """`attachment` (or `inline`: a PDF or an image shown in the browser) with both names."""
    filename = _CONTROL.sub("_", filename).strip() or "download"
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_").replace("\\", "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def blobs() -> Blobs:
    """Where uploaded files' bytes live: FILES_DIR, else `files/` in the instance folder."""
    return Blobs.of_instance(current_app.instance_path, current_app.config.get("FILES_DIR"))


def spooled(write: Callable[[IO[bytes]], Any], mimetype: str) -> tuple[Any, Response]:
    """`write(handle)` into a temporary file, then a response streaming it from disk with its
    length (XLSX exports, the attachments ZIP: files too large to build in memory). Returns
    what `write` returned and the response; the file is closed on failure or once sent."""
    handle = tempfile.TemporaryFile()
    try:
        written = write(handle)
    except BaseException:
        handle.close()
        raise
    size = handle.tell()
    handle.seek(0)

    def chunks():
        with handle:
            while block := handle.read(1 << 16):
                yield block

    response = Response(chunks(), mimetype=mimetype)
    response.headers["Content-Length"] = str(size)
    return written, response
