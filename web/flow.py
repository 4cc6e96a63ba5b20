"""The entry page's two small forms: take a workflow step, add a progress note.

Each is one partial update through the store (row version, validation, workflow rules,
revision), exactly as an edit of the whole form would be.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.entries import query
from core.entries import store
from core.definition import workflow
from core.errors import EntryInvalid, NotFound, StaleEntry
from core.settings import local_today

from .pages import actor, db, entry_context, step_effects

bp = Blueprint("flow", __name__)


@bp.route("/ledgers/<key>/entries/<entry_id>/transition", methods=["GET", "POST"])
@login_required
def transition(key: str, entry_id: str):
    """Take a step (POST). A step to confirm (办结, 退回) shows its confirmation page first (GET,
    or a POST without `_confirm`), like 删除: nothing is written until it is confirmed."""
    ledger, definition = query.get_ledger(db(), actor(), key)
    current = query.get_entry(db(), actor(), key, entry_id)
    query.check(db(), actor(), key, "edit")
    flow = workflow.workflow_of(definition)
    if flow is None:
        raise NotFound(_("该台帐没有定义办理流程"))
    target = request.values.get("to", "")
    change = workflow.step_change(definition, current["data"], target, local_today())
    step = workflow.confirmation(definition, current["data"], change)
    if request.method == "GET" or (step is not None and request.form.get("_confirm") != target):
        if step is None:
            return redirect(url_for("web.entry", key=key, entry_id=current["id"]))
        try:  # a step this user may not take is refused here already, not after confirming
            workflow.check_change(definition, actor(), current["data"], change)
        except EntryInvalid as exc:
            return _refused(key, current, [e["message"] for e in exc.errors])
        return render_template("entries/step.html", ledger=ledger, definition=definition, entry=current,
                               step=step, effects=step_effects(definition, step),
                               version=request.values.get("_version") or current["version"])
    return _save(key, current, change, _("已改为“%(s)s”。", s=change[flow.field]))


@bp.post("/ledgers/<key>/entries/<entry_id>/notes")
@login_required
def add_note(key: str, entry_id: str):
    definition = query.get_ledger(db(), actor(), key)[1]
    current = query.get_entry(db(), actor(), key, entry_id)
    query.check(db(), actor(), key, "edit")
    if workflow.timeline_of(definition) is None:
        raise NotFound(_("该台帐没有进展记录"))
    day = request.form.get("date", "").strip() or local_today().isoformat()
    note = request.form.get("note", "").strip()
    if not note:
        return _refused(key, current, [_("请填写进展内容")])
    change = workflow.with_note(definition, current["data"], day, note, actor().name)
    return _save(key, current, change, _("已添加进展。"))


def _save(key: str, current: dict, change: dict, done: str):
    try:
        store.update_entry(db(), actor(), key, current["id"], change, request.form.get("_version"),
                           partial=True, source="web")
    except EntryInvalid as exc:
        return _refused(key, current, [e["message"] for e in exc.errors])
    except StaleEntry as exc:
        flash(_("该记录已被他人修改，未保存。请核对最新内容后再操作。"), "warning")
        return render_template("entries/show.html", **entry_context(key, exc.current)), 409
    flash(done, "success")
    return redirect(url_for("web.entry", key=key, entry_id=current["id"]))


def _refused(key: str, current: dict, messages: list[str]):
    for message in messages:
        flash(message, "error")
    return render_template("entries/show.html", **entry_context(key, current)), 422
