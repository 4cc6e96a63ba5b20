"""Accounts in the browser (admins): list and create users, change a role or unit, reset a password,
disable and re-enable, list, issue and revoke API tokens. Parse, call core, render."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.access import accounts
from core.access import units
from core.access.policy import ROLES, require
from core.errors import LedgerError
from core.db.models import Database

bp = Blueprint("users", __name__, url_prefix="/users")


def db() -> Database:
    return current_app.extensions["ledger_db"]


@bp.before_request
@login_required
def admins_only():
    require(current_user.actor, "manage_users")


def _index(form: dict):
    return render_template("users/index.html", users=accounts.list_users(db()), roles=ROLES,
                           units=units.list_units(db()), form=form)


@bp.get("")
def index():
    return _index({})


@bp.post("")
def create():
    form = {key: (request.form.get(key) or "").strip() for key in ("name", "role", "unit")}
    try:
        accounts.create_user(db(), form["name"], form["role"], request.form.get("password") or "",
                             unit=form["unit"] or None, by=current_user.actor)
    except LedgerError as exc:
        flash(exc.message, "error")
        return _index(form), exc.status
    flash(_("已创建用户 %(name)s。", name=form["name"]), "success")
    return redirect(url_for("users.show", name=form["name"]))


@bp.get("/<name>")
def show(name: str, new_token: str | None = None):
    return render_template("users/show.html", user=accounts.get_user_by_name(db(), name),
                           tokens=accounts.list_tokens(db(), name), roles=ROLES,
                           units=units.list_units(db()), new_token=new_token)


def _change(name: str, action, done: str):
    try:
        action()
    except LedgerError as exc:
        flash(exc.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("users.show", name=name))


@bp.post("/<name>/role")
def role(name: str):
    return _change(name, lambda: accounts.set_role(db(), name, request.form.get("role") or "", current_user.actor),
                   _("已修改角色，该用户需重新登录。"))


@bp.post("/<name>/unit")
def unit(name: str):
    return _change(name, lambda: accounts.set_unit(db(), name, (request.form.get("unit") or "").strip() or None,
                                                  current_user.actor),
                   _("已修改单位，该用户需重新登录。"))


@bp.post("/<name>/password")
def password(name: str):
    return _change(name, lambda: accounts.set_password(db(), name, request.form.get("password") or "",
                                                      current_user.actor),
                   _("已重设密码，该用户需用新密码重新登录。"))


@bp.post("/<name>/active")
def active(name: str):
    enable = request.form.get("active") == "1"
    return _change(name, lambda: accounts.set_active(db(), name, enable, current_user.actor),
                   _("已启用该用户。") if enable else _("已停用该用户，其会话与 API 令牌已失效。"))


@bp.post("/<name>/tokens")
def issue_token(name: str):
    token = accounts.issue_token(db(), name, current_user.actor)
    flash(_("新令牌只显示这一次，请立即复制保存。"), "warning")
    return show(name, new_token=token), 201


@bp.post("/<name>/tokens/<int:token_id>/revoke")
def revoke_token(name: str, token_id: int):
    return _change(name, lambda: accounts.revoke_token(db(), name, token_id, current_user.actor),
                   _("已撤销令牌，该用户需重新登录。"))
