"""Admin pages over the catalogue: a new ledger from a spreadsheet (saved as a draft for the
designer), and the manage page (order, archive, restore). Parse, call core, render."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from adapters import DEFAULT_UPLOAD_LIMIT
from core.ledgers import catalog
from core.ledgers import drafts
from core.ledgers import proposal
from core.entries import query
from core.access.policy import require
from core.errors import LedgerError
from core.db.models import Database

bp = Blueprint("sheet", __name__)
MOVES = {"up": -1, "down": 1}


def db() -> Database:
    return current_app.extensions["ledger_db"]


@bp.route("/designer/from-sheet", methods=["GET", "POST"])
@login_required
def upload():
    """Propose a definition from last year's CSV/XLSX; it becomes a draft opened in the designer."""
    actor = current_user.actor
    require(actor, "define")
    form = {"title": request.form.get("title", "").strip(), "key": request.form.get("key", "").strip()}
    if request.method == "GET":
        return render_template("sheet/upload.html", form=form)
    try:
        data, filename = _uploaded()
        found = proposal.propose(filename, data, form["title"] or None, form["key"] or None)
        key = found["definition"]["x-ledger"]["key"]
        taken = catalog.key_taken(db(), key)
        if taken:
            raise proposal.SheetError(_("%(why)s，请换一个台帐标识。", why=taken))
        drafts.save_draft(db(), actor, key, found["definition"])
    except LedgerError as exc:
        return render_template("sheet/upload.html", form=form, error=exc.message), exc.status
    flash(_("已按“%(file)s”的 %(rows)s 行生成草稿（%(fields)s 个字段）。请检查字段后发布，"
            "再在 /ledgers/%(key)s/import 导入同一文件（逐行报告）。",
            file=filename, rows=found["rows"], fields=len(found["fields"]), key=key), "success")
    for warning in found["warnings"]:  # title and totals rows skipped, reserved columns left out
        flash(warning, "warning")
    return redirect(url_for("designer.edit", key=key))


def _uploaded() -> tuple[bytes, str]:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_UPLOAD_LIMIT
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise proposal.SheetError(_("请选择 CSV 或 XLSX 文件"))
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise proposal.SheetError(_("文件过大（上限 %(mb)s MB）", mb=limit // (1024 * 1024)))
    return data, upload.filename


@bp.route("/ledgers/manage", methods=["GET", "POST"])
@login_required
def manage():
    """Every ledger, archived ones too: move up or down, archive or restore (after confirming)."""
    actor = current_user.actor
    require(actor, "define")
    if request.method == "POST":
        key, action = request.form.get("key", ""), request.form.get("action", "")
        if action in MOVES:
            catalog.move(db(), actor, key, MOVES[action])
        elif action == "archive":
            catalog.archive(db(), actor, key)
            flash(_("已归档“%(key)s”：其他用户不再看到它，数据保留，可随时恢复。", key=key), "success")
        elif action == "restore":
            catalog.restore(db(), actor, key)
            flash(_("已恢复“%(key)s”。", key=key), "success")
        else:
            raise LedgerError(_("未知的操作"))
        return redirect(url_for("sheet.manage"))
    ledgers = query.list_ledgers(db(), actor, archived=True)
    confirm = next((l for l in ledgers if l["key"] == request.args.get("confirm")), None)
    return render_template("sheet/manage.html", ledgers=ledgers, confirm=confirm)
