"""The ledger pages: index, list, entry, new/edit form, delete. Parse, call core, render."""
from __future__ import annotations

import math

from flask import (Blueprint, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.reports import bulletin
from core.reports.document import half_year, issue_number, issuer  # shared with the .docx download
from core.rounds import tasks
from core.ledgers import evolution
from core.entries import query
from core.entries import store
from core.definition import workflow
from core.access import policy as access
from core.access import rules as permissions
from core.access import units
from core.access.policy import Actor, require
from core.definition.model import Definition, Field
from core.errors import EntryInvalid, LedgerError, StaleEntry
from core.ids import plain_int
from core.db.models import Database
from core.settings import local_today
from forms import entry_data, field_errors, form_class, form_values, offer_choices

from . import filters
from .attachments import with_uploads
from . import printing

bp = Blueprint("web", __name__)
PAGE_ARGS = ("_page", "_size")


def db() -> Database:
    return current_app.extensions["ledger_db"]


def actor() -> Actor:
    return current_user.actor


# --- reading -----------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    return render_template("ledgers/index.html", task_count=tasks.task_count(db(), actor()),
                           ledgers=query.list_ledgers(db(), actor(), deadlines_counted=True))


@bp.get("/ledgers/<key>")
@login_required
def entries(key: str):
    ledger, definition = query.get_ledger(db(), actor(), key)
    args = filters.list_args(request.args)
    sort = args.get("_sort") or definition.default_sort or ""  # the API's and the exports' default too
    params = args.copy()
    if sort and "_sort" not in params:
        params["_sort"] = sort
    page = query.list_entries(db(), actor(), key, params)
    pages = max(1, math.ceil(page["total"] / page["size"]))
    if page["page"] > pages:
        flash(_("第 %(page)s 页不存在（共 %(pages)s 页），已转到最后一页。", page=page["page"], pages=pages),
              "warning")
        return redirect(query_url(_page=pages if pages > 1 else None))
    export_args = {k: params.getlist(k) for k in params if k not in PAGE_ARGS}
    exports = {fmt: url_for(f"api.export_{fmt}", key=key, **export_args)
               for fmt in ("csv", "xlsx") if f"api.export_{fmt}" in current_app.view_functions}
    broken = permissions.problems(db(), actor(), key) if "define" in ledger["actions"] else []
    return render_template("ledgers/list.html", ledger=ledger, definition=definition, page=page,
                           pages=pages, args=args, sort=sort, exports=exports,
                           choices=filters.choice_state(definition, args), broken_rules=broken,
                           printed={"filters": printing.filter_words(definition, args), "sort": printing.sort_words(definition, sort),
                                    "at": printing.printed_at(),
                                    "days": printing.overdue_days(definition, page["items"], local_today())
                                    if args.get("_due") == "overdue" else None})


@bp.get("/ledgers/<key>/entries/<entry_id>")
@login_required
def entry(key: str, entry_id: str):
    return render_template("entries/show.html",
                           **entry_context(key, query.get_entry(db(), actor(), key, entry_id)))


def entry_context(key: str, found: dict) -> dict:
    """What the entry page shows: values, history, the caller's next workflow steps, the progress log."""
    ledger, definition = query.get_ledger(db(), actor(), key)
    revisions = query.list_revisions(db(), actor(), key, found["id"])
    writable = query.may(db(), actor(), key, "edit")
    log = workflow.timeline_of(definition)
    steps = workflow.next_steps(definition, actor(), found["data"]) if writable else []
    return {"ledger": ledger, "definition": definition, "entry": found,
            "revisions": list(reversed(revisions)), "extra": evolution.retired_values(db(), actor(), key, found["data"]),
            "steps": [{**s, "confirm": step_to(definition, found["data"], s["to"]) is not None} for s in steps],
            "waiting": workflow.waiting_for(definition, found["data"]),
            "timeline": log, "notes": workflow.timeline_rows(definition, found["data"]),
            "today": local_today().isoformat()}


@bp.get("/ledgers/<key>/bulletin")
@login_required
def bulletin_page(key: str):
    """The printable bulletin (督查通报) of a period: ?from=&to= (deadlines), no= (issue), office=."""
    ledger, definition = query.get_ledger(db(), actor(), key)
    today = local_today()
    first, last = half_year(today)
    start, end = request.args.get("from") or first.isoformat(), request.args.get("to") or last.isoformat()
    number, office = issue_number(request.args.get("no")), issuer(request.args.get("office"))
    report = bulletin.bulletin(db(), actor(), key, start, end, today)
    return render_template("ledgers/bulletin.html", ledger=ledger, definition=definition, report=report,
                           number=number, office=office, start=start, end=end)


@bp.get("/ledgers/<key>/versions")
@login_required
def versions(key: str):
    """Every published version with what changed from the one before (for those who may define)."""
    ledger, definition = query.get_ledger(db(), actor(), key)
    return render_template("ledgers/versions.html", ledger=ledger, definition=definition,
                           versions=evolution.history(db(), actor(), key))


# --- writing -----------------------------------------------------------------------------

@bp.route("/ledgers/<key>/new", methods=["GET", "POST"])
@login_required
def entry_new(key: str):
    ledger, definition = query.get_ledger(db(), actor(), key)
    query.check(db(), actor(), key, "create")
    form_cls = form_class(definition)
    if request.method == "GET":
        return render_form(ledger, definition, with_blank_rows(form_cls()))
    form = form_cls(request.form)
    data, names = entry_data(form, definition.fields)
    try:
        data = with_uploads(form, definition, key, data)
        created = store.create_entry(db(), actor(), key, data, source="web")
    except EntryInvalid as exc:
        return render_form(ledger, definition, form, errors=field_errors(exc.errors, names)), 422
    flash(_("已新建记录 %(number)s。", number=created["number"]), "success")
    return redirect(url_for("web.entry", key=key, entry_id=created["id"]))


@bp.route("/ledgers/<key>/entries/<entry_id>/edit", methods=["GET", "POST"])
@login_required
def entry_edit(key: str, entry_id: str):
    ledger, definition = query.get_ledger(db(), actor(), key)
    current = query.get_entry(db(), actor(), key, entry_id)
    query.check(db(), actor(), key, "edit")
    form_cls = form_class(definition)
    if request.method == "GET":
        form = with_blank_rows(form_cls(data=form_values(definition.fields, current["data"])))
        return render_form(ledger, definition, form, entry=current, version=current["version"])
    form = form_cls(request.form)
    data, names = entry_data(form, definition.fields, existing=current["data"])
    step = workflow.confirmation(definition, current["data"], data)
    if step is not None and step.target not in request.form.getlist("_confirm"):
        # 办结 or 退回 chosen in the form: ask first, with everything typed kept in the form
        return render_form(ledger, definition, form, entry=current, version=request.form.get("_version"),
                           confirm=step)
    data = workflow.with_step(definition, current["data"], data, local_today())
    try:
        data = with_uploads(form, definition, key, data)
        saved = store.update_entry(db(), actor(), key, current["id"], data,
                                   request.form.get("_version"), source="web")
    except EntryInvalid as exc:
        return render_form(ledger, definition, form, entry=current, version=request.form.get("_version"),
                           errors=field_errors(exc.errors, names)), 422
    except StaleEntry as exc:
        # Nothing was written. Show the stored entry beside what this user typed; saving again
        # (now against the newer version) is a deliberate choice made with both in view.
        return render_form(ledger, definition, form, entry=exc.current, version=exc.current["version"],
                           conflict=conflict_rows(definition, data, exc.current)), 409
    flash(_("已保存。"), "success")
    return redirect(url_for("web.entry", key=key, entry_id=saved["id"]))


def step_to(definition: Definition, data: dict, target: str):
    """The workflow step from `data`'s state to `target` when it is one to confirm, else None."""
    flow = workflow.workflow_of(definition)
    return workflow.confirmation(definition, data, {flow.field: target}) if flow else None


def step_effects(definition: Definition, step) -> list[str]:
    """What a step fills in besides the state, in words: 「进度(%) 填为 100」「办结日期 清空」."""
    out = []
    for key, value in step.sets:
        title = definition.by_key[key].title
        if value is None:
            out.append(_("%(field)s 清空", field=title))
        elif value == workflow.TODAY:
            out.append(_("%(field)s 填为今天", field=title))
        else:
            out.append(_("%(field)s 填为 %(value)s", field=title, value=value))
    return out


def conflict_rows(definition: Definition, mine: dict, current: dict) -> list[dict]:
    theirs = current["data"]
    return [{"field": f, "mine": mine.get(f.key), "theirs": theirs.get(f.key)}
            for f in definition.fields if mine.get(f.key) != theirs.get(f.key)]


@bp.route("/ledgers/<key>/entries/<entry_id>/delete", methods=["GET", "POST"])
@login_required
def entry_delete(key: str, entry_id: str):
    ledger, definition = query.get_ledger(db(), actor(), key)
    current = query.get_entry(db(), actor(), key, entry_id)
    query.check(db(), actor(), key, "delete")
    if request.method == "POST":
        try:
            store.delete_entry(db(), actor(), key, current["id"], request.form.get("_version"), source="web")
        except StaleEntry as exc:
            flash(_("该记录已被他人修改，未删除。请核对最新内容后再决定。"), "warning")
            return render_template("entries/delete.html", ledger=ledger, definition=definition,
                                   entry=exc.current), 409
        flash(_("已删除记录 %(number)s。", number=current["number"]), "success")
        return redirect(url_for("web.entries", key=key))
    return render_template("entries/delete.html", ledger=ledger, definition=definition, entry=current)


def render_form(ledger: dict, definition: Definition, form, entry: dict | None = None,
                version=None, errors: dict | None = None, conflict: list | None = None,
                confirm=None) -> str:
    """The entry form; its workflow field offers only the states this user may choose from the
    stored state (`entry`), and `confirm` (a step to confirm) turns 保存 into 确认…并保存."""
    data = entry["data"] if entry else None
    states = workflow.offered_states(definition, actor(), data)
    if states is not None:
        offer_choices(form[workflow.workflow_of(definition).field], states)
    confirmed = [] if confirm else request.form.getlist("_confirm")
    return render_template("entries/form.html", ledger=ledger, definition=definition, form=form,
                           entry=entry, version=version, errors=errors or {}, conflict=conflict,
                           confirm=confirm, effects=step_effects(definition, confirm) if confirm else [],
                           confirmed=confirmed, waiting=workflow.waiting_for(definition, data))


def with_blank_rows(form):
    """One empty row at the end of every child table: where a user without JavaScript types."""
    def walk(bound_form, fields: tuple[Field, ...]) -> None:
        for f in fields:
            if f.type.rows and not f.read_only:
                bound_form[f.key].append_entry()
            elif f.type.fieldset:
                walk(bound_form[f.key].form, f.children)
    walk(form, form.fields)
    return form


# --- units and ledger permissions (admins) ------------------------------------------------

@bp.route("/units", methods=["GET", "POST"])
@login_required
def units_page():
    require(actor(), "manage_users")
    errors: list = []
    if request.method == "POST":
        try:
            unit = units.create_unit(db(), actor(), request.form.get("key", "").strip(),
                                     request.form.get("title", ""), request.form.get("parent") or None)
            flash(_("已新建单位“%(t)s”。", t=unit["title"]), "success")
            return redirect(url_for("web.units_page"))
        except LedgerError as exc:
            errors = [exc.message] + [e.get("message", "") for e in exc.errors]
    status = 422 if errors else 200
    return render_template("units.html", units=units.list_units(db()), errors=errors,
                           form=request.form), status


PERMISSION_ROWS = 3  # blank rule rows under the saved ones


@bp.route("/ledgers/<key>/permissions", methods=["GET", "POST"])
@login_required
def permissions_page(key: str):
    require(actor(), "manage_users")
    ledger, _definition = query.get_ledger(db(), actor(), key)
    errors: list = []
    if request.method == "POST":
        if request.form.get("default"):
            document = {"default": True}
        else:
            rules = []
            for i in range(plain_int(request.form.get("rows", "")) or 0):
                role = request.form.get(f"role_{i}", "")
                if not role:
                    continue
                rule = {"role": role, "actions": request.form.getlist(f"actions_{i}"),
                        "scope": request.form.get(f"scope_{i}", "all")}
                if request.form.get(f"unit_{i}"):
                    rule["unit"] = request.form.get(f"unit_{i}")
                rules.append(rule)
            document = {"rules": rules}
        try:
            permissions.set_permissions(db(), actor(), key, document)
            flash(_("已保存权限设置。"), "success")
            return redirect(url_for("web.permissions_page", key=key))
        except LedgerError as exc:
            errors = [exc.message] + [f"{e.get('path', '')} {e.get('message', '')}" for e in exc.errors]
    current = permissions.get_permissions(db(), actor(), key)
    rows = current["rules"] + [{} for _i in range(PERMISSION_ROWS)]
    return render_template("permissions.html", ledger=ledger, current=current, rows=rows,
                           units=units.list_units(db()), errors=errors, access=access), 422 if errors else 200



@bp.app_template_global()
def query_url(**changes) -> str:
    """This page's URL with some query parameters changed (None drops one); used for sort and paging."""
    args = request.args.copy()
    for name, value in changes.items():
        args.pop(name, None)
        if value not in (None, ""):
            args[name] = value
    return url_for(request.endpoint, **{**args.to_dict(flat=False), **(request.view_args or {})})
