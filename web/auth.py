"""Login and logout with Flask-Login; the session user wraps the engine's Actor."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Blueprint, Flask, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from core import accounts, audit
from core.access import Actor

login_manager = LoginManager()
bp = Blueprint("auth", __name__)


class SessionUser(UserMixin):
    def __init__(self, actor: Actor):
        self.actor = actor
        self.id = str(actor.id)

    @property
    def name(self) -> str:
        return self.actor.name

    @property
    def role(self) -> str:
        return self.actor.role


@login_manager.user_loader
def load_user(user_id: str):
    try:
        actor = accounts.get_user(current_app.extensions["ledger_db"], int(user_id))
    except (ValueError, OverflowError):
        return None
    return SessionUser(actor) if actor else None


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site ('/ledgers/x'), else None: no open redirects."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(c in target for c in "\r\n\t\\"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or url_for("web.index"))
    error, name = None, ""
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()[:64]
        actor = accounts.authenticate(current_app.extensions["ledger_db"], name,
                                      (request.form.get("password") or "")[:1024])
        if actor is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session (and CSRF token) for the signed-in user
            if lang:
                session["lang"] = lang
            login_user(SessionUser(actor))
            audit.record(current_app.extensions["ledger_db"], actor, "login")
            flash(_("欢迎，%(name)s。", name=actor.name), "success")
            return redirect(next_url or url_for("web.index"))
        error = _("用户名或密码错误。")  # the same words whether or not the user exists
    status = 401 if error else 200
    no_users = accounts.user_count(current_app.extensions["ledger_db"]) == 0
    return render_template("login.html", error=error, name=name, next_url=next_url, no_users=no_users), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        audit.record(current_app.extensions["ledger_db"], current_user.actor, "logout")
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("已退出登录。"), "info")
    return redirect(url_for("auth.login"))
