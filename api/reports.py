"""Report routes of /api/v1 (registered on the API blueprint by `register`): the list of a
ledger's reports, one report as JSON, CSV or XLSX; the list's filters in the query string apply."""
from __future__ import annotations

import io
from typing import Callable

from flask import Blueprint, Response, g, jsonify, request

from adapters import CSV_MIME, attachment
from core.reports import files as reportfiles
from core.reports import run as reports
from core.db.models import Database
from core.tabular.export import XLSX_MIME, download_name
from core.entries.query import get_ledger



def register(bp: Blueprint, db: Callable[[], Database]) -> None:
    bp.add_url_rule("/ledgers/<key>/reports", "reports_index", lambda key: index(db(), key))
    bp.add_url_rule("/ledgers/<key>/reports/<report>", "reports_show", lambda key, report: show(db(), key, report))
    bp.add_url_rule("/ledgers/<key>/reports/<report>.csv", "reports_csv",
                    lambda key, report: download(db(), key, report, "csv"))
    bp.add_url_rule("/ledgers/<key>/reports/<report>.xlsx", "reports_xlsx",
                    lambda key, report: download(db(), key, report, "xlsx"))


def index(database: Database, key: str):
    return jsonify({"items": reports.list_reports(database, g.actor, key)})


def show(database: Database, key: str, report: str):
    return jsonify(reports.run_report(database, g.actor, key, report, request.args))


def download(database: Database, key: str, report: str, fmt: str):
    result = reports.run_report(database, g.actor, key, report, request.args, action="export")
    _, definition = get_ledger(database, g.actor, key)
    name = download_name(definition, fmt, suffix=f"-{result['title']}")
    if fmt == "csv":
        response = Response(reportfiles.report_csv(result), mimetype="text/csv")
        response.headers["Content-Type"] = CSV_MIME
    else:
        out = io.BytesIO()
        reportfiles.report_xlsx(result, out)
        response = Response(out.getvalue(), mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = attachment(name)
    return response
