"""The import page: upload a CSV/XLSX, check it (dry run) and import it, with a report table.

The browser uploads with XMLHttpRequest (progress bar, static/js/import.js) and gets the
report as JSON; without JavaScript the form posts normally and the page renders the report.
"""
from __future__ import annotations

from flask import (Blueprint, Flask, Response, current_app, jsonify, render_template, request)
from flask_login import current_user, login_required

import adapters
from core.tabular import sheets
from core.entries import query
from core.errors import Forbidden, LedgerError

bp = Blueprint("imports", __name__)


def init_imports(app: Flask) -> None:
    app.register_blueprint(bp)


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or \
        request.headers.get("X-Requested-With") == "XMLHttpRequest"


@bp.route("/ledgers/<key>/import", methods=["GET", "POST"])
@login_required
def import_page(key: str):
    actor = current_user.actor
    summary, definition = query.get_ledger(current_app.extensions["ledger_db"], actor, key)
    if summary.get("archived"):  # admins reach it (staff got a 404 above): changes are refused, 409
        query.check(current_app.extensions["ledger_db"], actor, key, "import")
    if not query.may(current_app.extensions["ledger_db"], actor, key, "import"):  # a viewer: the 403 page, or JSON for the upload script
        if request.method == "POST" and wants_json():
            return jsonify({"error": "没有权限导入", "errors": []}), 403
        raise Forbidden("没有权限导入：导入需要编辑权限")
    if request.method == "GET":
        return render_template("import.html", ledger=summary, definition=definition, report=None)
    try:
        report, status = run_import(actor, key)
    except LedgerError as exc:
        if wants_json():
            return jsonify({"error": exc.message, "errors": exc.errors}), exc.status
        return render_template("import.html", ledger=summary, definition=definition, report=None,
                               error=exc.message), exc.status
    if isinstance(report, Response):
        return report
    if wants_json():
        return jsonify(report), status
    return render_template("import.html", ledger=summary, definition=definition, report=report), status


def run_import(actor, key: str):
    """(report dict or a rejects CSV response, HTTP status) for the posted file."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 20 * 1024 * 1024
    if (request.content_length or 0) > limit:
        raise sheets.FileTooLarge(f"文件过大（上限 {limit // (1024 * 1024)} MB）")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise LedgerError("请选择要导入的 CSV 或 XLSX 文件")
    return adapters.run_import(current_app.extensions["ledger_db"], actor, key, upload.stream, upload.filename,
                              request.form)
