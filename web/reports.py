"""Report pages: a ledger's reports, and one report as a table (a cross table for two groups)
with its chart (static/js/report.js draws it from the JSON block the page carries)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from core.entries import query
from core.reports import run as reports
from core.db.models import Database

from . import filters
from .pages import PAGE_ARGS

bp = Blueprint("reports", __name__)


def db() -> Database:
    return current_app.extensions["ledger_db"]


def filter_args() -> dict:
    """The list's filters (search, field conditions) without its paging: they apply to reports."""
    args = filters.list_args(request.args)
    return {k: args.getlist(k) for k in args if k not in PAGE_ARGS and k != "_sort"}


@bp.app_template_global("report_args")
def report_args() -> dict:
    return filter_args()


@bp.get("/ledgers/<key>/reports")
@login_required
def index(key: str):
    ledger, definition = query.get_ledger(db(), current_user.actor, key)
    items = reports.list_reports(db(), current_user.actor, key)
    return render_template("reports/index.html", ledger=ledger, items=items, args=filter_args())


@bp.get("/ledgers/<key>/reports/<report>")
@login_required
def show(key: str, report: str):
    actor = current_user.actor
    ledger, definition = query.get_ledger(db(), actor, key)
    args = filter_args()
    result = reports.run_report(db(), actor, key, report, filters.list_args(request.args))
    downloads = {fmt: url_for(f"api.reports_{fmt}", key=key, report=report, **args) for fmt in ("csv", "xlsx")}
    active = [(name, value) for name, values in args.items() for value in values]
    return render_template("reports/show.html", ledger=ledger, definition=definition, result=result,
                           cross=reports.cross_table(result), args=args, active=active, downloads=downloads,
                           measures=[c for c in result["columns"] if c["role"] == "measure"],
                           groups=[c for c in result["columns"] if c["role"] == "group"])


@bp.app_template_filter("measure_text")
def measure_text(value, fmt: str) -> str:
    """A measure as people read it: 1,234 / 1,234.50 / 63.5% / — for nothing."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if fmt == "percent":
        return f"{value * 100:.1f}%"
    if fmt == "money":
        return f"{value:,.2f}"
    if fmt == "integer" or (isinstance(value, int) or float(value).is_integer()):
        return f"{int(round(value)):,}"
    return f"{value:,.2f}"
