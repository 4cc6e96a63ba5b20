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

from . import envelopes as out
from . import inputs
from .operations import READS, documented


def register(bp: Blueprint, db: Callable[[], Database]) -> None:
    @documented("台帐定义的报表：标识、标题、图表、分组", returns=out.ReportsSchema)
    def reports_index(key: str):
        return index(db(), key)

    @documented("运行报表：{key, title, chart, columns, rows, totals}；列表的筛选条件同样适用",
                params=(inputs.SearchParams,), returns=out.ReportSchema, errors=(400, *READS))
    def reports_show(key: str, report: str):
        return show(db(), key, report)

    @documented("报表 CSV（UTF-8 带 BOM，CRLF，中文表头，末行合计）", params=(inputs.SearchParams,),
                returns="text/csv", errors=(400, *READS))
    def reports_csv(key: str, report: str):
        return download(db(), key, report, "csv")

    @documented("报表 XLSX（数字为数值单元格，末行合计）", params=(inputs.SearchParams,), returns=XLSX_MIME,
                errors=(400, *READS))
    def reports_xlsx(key: str, report: str):
        return download(db(), key, report, "xlsx")

    bp.add_url_rule("/ledgers/<key>/reports", "reports_index", reports_index)
    bp.add_url_rule("/ledgers/<key>/reports/<report>", "reports_show", reports_show)
    bp.add_url_rule("/ledgers/<key>/reports/<report>.csv", "reports_csv", reports_csv)
    bp.add_url_rule("/ledgers/<key>/reports/<report>.xlsx", "reports_xlsx", reports_xlsx)


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
