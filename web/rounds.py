"""The pages of reporting rounds (催报) and of 我的待办: thin views over core/rounds."""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.db.models import Database
from core.entries import query
from core.errors import LedgerError
from core.rounds import rounds, tasks

bp = Blueprint("rounds", __name__)


def db() -> Database:
    return current_app.extensions["ledger_db"]


def actor():
    return current_user.actor


def problems(exc: LedgerError) -> list[str]:
    return [exc.message] + [e.get("message", "") for e in exc.errors if e.get("message") != exc.message]


@bp.route("/ledgers/<key>/rounds", methods=["GET", "POST"])
@login_required
def index(key: str):
    """The ledger's rounds, and (for those who may define it) the form that opens one."""
    ledger, definition = query.get_ledger(db(), actor(), key)
    errors: list[str] = []
    if request.method == "POST":
        try:
            made = rounds.open_round(db(), actor(), key, asked_round(request.form))
            flash(_("已开启催报“%(t)s”，共 %(n)s 项。", t=made["title"], n=made["total"]), "success")
            return redirect(url_for("rounds.show", key=key, round_id=made["id"]))
        except LedgerError as exc:
            if exc.status not in (400, 422):
                raise
            errors = problems(exc)
    choices = [f for f in definition.fields if f.scalar and not f.read_only
               and definition.unit_field is not None and f.key != definition.unit_field.key]
    return render_template("rounds/index.html", ledger=ledger, definition=definition, choices=choices,
                           items=rounds.list_rounds(db(), actor(), key), errors=errors,
                           form=request.form), 422 if errors else 200


def asked_round(form) -> dict:
    """The API's round request from the page's form (the filter typed as a list's query string)."""
    every = form.get("repeat", "")
    repeat = None
    if every == "month":
        repeat = {"every": "month", "day": _number(form.get("repeat_day"))}
    elif every == "week":
        repeat = {"every": "week", "weekday": _number(form.get("repeat_day"))}
    return {"title": form.get("title", ""), "due": form.get("due", ""),
            "filter": dict(parse_qsl(form.get("filter", "").strip().lstrip("?"), keep_blank_values=True)),
            "fields": form.getlist("fields"), "repeat": repeat}


def _number(text):
    return int(text) if text and text.strip().isdigit() and len(text.strip()) < 4 else text


@bp.get("/ledgers/<key>/rounds/<round_id>")
@login_required
def show(key: str, round_id: str):
    """The round: a table per unit (reported / missing / late), the report forms of the user's own items."""
    found = rounds.get_round(db(), actor(), key, round_id)
    _ledger, definition = query.get_ledger(db(), actor(), key)
    actions = query.allowed(db(), actor(), key)
    me = actor()
    mine = {u["unit"] for u in found["units"]
            if "edit" in actions and (me.is_admin or u["unit"] in me.unit_titles)}
    return render_template("rounds/show.html", found=found, r=found["round"], definition=definition,
                           mine=mine, manage="define" in actions, key=key)


@bp.post("/ledgers/<key>/rounds/<round_id>/items/<entry_id>")
@login_required
def report(key: str, round_id: str, entry_id: str):
    _ledger, definition = query.get_ledger(db(), actor(), key)
    found = rounds.get_round(db(), actor(), key, round_id)
    data = {}
    for name in found["round"]["fields"]:
        f = definition.by_key.get(name)
        raw = request.form.get(f"f_{name}", "")
        data[name] = f.type.parse_form(f, raw) if f is not None and raw != "" else None
    body = {"data": data, "note": request.form.get("note") or None}
    try:
        rounds.report_item(db(), actor(), key, round_id, entry_id, body, request.form.get("version"))
        flash(_("已填报。"), "success")
    except LedgerError as exc:
        if exc.status not in (412, 422, 409):
            raise
        flash("；".join(problems(exc)), "error")
    return redirect(url_for("rounds.show", key=key, round_id=round_id))


@bp.post("/ledgers/<key>/rounds/<round_id>/remind")
@login_required
def remind(key: str, round_id: str):
    sent = rounds.remind_missing(db(), actor(), key, round_id)
    if sent["units"]:
        flash(_("已向 %(n)s 个单位催报：%(u)s", n=len(sent["units"]), u="、".join(sent["units"])), "success")
    else:
        flash(_("各单位均已填报，无需催报。"), "info")
    return redirect(url_for("rounds.show", key=key, round_id=round_id))


@bp.post("/ledgers/<key>/rounds/<round_id>/close")
@login_required
def close(key: str, round_id: str):
    rounds.close_round(db(), actor(), key, round_id)
    flash(_("本轮催报已结束。"), "success")
    return redirect(url_for("rounds.show", key=key, round_id=round_id))


@bp.get("/tasks")
@login_required
def my_tasks():
    found = tasks.my_tasks(db(), actor())
    return render_template("rounds/tasks.html", found=found, task_count=found["total"])
