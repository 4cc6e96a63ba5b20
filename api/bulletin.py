"""The bulletin (督查通报) as a Word document, registered on the API blueprint by `register`:
the bulletin page's figures (core/reports/bulletin.py, in the reader's read scope) poured into
the office's template (core/reports/document.py). A download, so recorded like a report's."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from flask import Blueprint, Response, current_app, g, request

from adapters import attachment
from core.access import audit
from core.db.models import Database
from core.entries.query import get_ledger
from core.reports import bulletin
from core.reports import document
from core.settings import local_today
from core.tabular.export import download_name

from . import inputs
from .operations import READS, documented


def register(bp: Blueprint, db: Callable[[], Database]) -> None:
    @documented("督查通报 Word 文档（.docx）：与通报页相同的数字，按模板排版（docs/bulletin-word.md）；"
                "模板有误时 500 并说明原因", params=(inputs.BulletinParams,), returns=document.DOCX_MIME,
                errors=(400, *READS, 500))
    def bulletin_docx(key: str):
        return download(db(), key)

    bp.add_url_rule("/ledgers/<key>/bulletin.docx", "bulletin_docx", bulletin_docx)


def download(database: Database, key: str) -> Response:
    today = local_today()
    first, last = document.half_year(today)
    start, end = request.args.get("from") or first.isoformat(), request.args.get("to") or last.isoformat()
    number = document.issue_number(request.args.get("no"))
    office = document.issuer(request.args.get("office"))
    report = bulletin.bulletin(database, g.actor, key, start, end, today)
    context = document.bulletin_context(report, number, office,
                                        document.late_in_current_round(database, g.actor, key))
    template = document.find_template(Path(current_app.instance_path) / "templates", key)
    body = document.render(template, context)
    audit.record(database, g.actor, "report", key, rows=len(report["units"]),
                 filters={"bulletin": "docx", "from": report["start"], "to": report["end"],
                          "no": number, "office": office})
    _, definition = get_ledger(database, g.actor, key)
    suffix = f"-{report['title']}" + (f"第{number}期" if number else "")
    response = Response(body, mimetype=document.DOCX_MIME)
    response.headers["Content-Disposition"] = attachment(download_name(definition, "docx", suffix=suffix))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
