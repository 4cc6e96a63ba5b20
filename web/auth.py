"""Login and logout with Flask-Login; the session user wraps the engine's Actor."""
from __future__ import annotations

import ipaddress
import time
from urllib.parse import urlsplit

from flask import (Blueprint, Flask, abort, current_app, flash, jsonify, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from core.access import accounts
from core.access import audit
from core.access import throttle
from core.errors import LedgerError, NotFound
from core.access.policy import Actor
from core.definition.textcheck import storable

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
    """The session's user while the account is active, the session's generation is the user's
    current one (logout, a password or role change, disabling and token revocation bump it) and
    the session was used within SESSION_IDLE_MINUTES; else nobody (the login page)."""
    now = int(time.time())
    seen = session.get("seen")
    idle = int(current_app.config.get("SESSION_IDLE_MINUTES") or 120) * 60
    if not isinstance(seen, int) or now - seen > idle or now < seen - 60:
        return None
    try:
        found = accounts.session_user(current_app.extensions["ledger_db"], int(user_id))
    except (ValueError, OverflowError):
        return None
    if found is None or session.get("gen") != found[1]:
        return None
    if now - seen >= 30:  # not every request rewrites the cookie
        session["seen"] = now
    return SessionUser(found[0])


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"


class TrustedProxies:
    """WSGI middleware: a request from one of `proxies` (addresses or networks) is read through
    Werkzeug's ProxyFix, one hop: the client address is the last X-Forwarded-For entry and the
    scheme X-Forwarded-Proto. From anyone else those headers change nothing (they are the
    client's own words). Off unless TRUSTED_PROXIES names the proxies."""

    def __init__(self, app, proxies: str):
        self.app, self.fixed = app, ProxyFix(app, x_for=1, x_proto=1)
        self.networks = [ipaddress.ip_network(p.strip(), strict=False) for p in proxies.split(",") if p.strip()]

    def trusted(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address((address or "").split("%")[0])
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)


def init_proxies(app: Flask) -> None:
    """TRUSTED_PROXIES="127.0.0.1" (comma-separated addresses or networks): behind that reverse
    proxy, logins are throttled per real client address, not per proxy."""
    proxies = (app.config.get("TRUSTED_PROXIES") or "").strip()
    if proxies:
        try:
            app.wsgi_app = TrustedProxies(app.wsgi_app, proxies)
        except ValueError as exc:
            raise RuntimeError(f"TRUSTED_PROXIES 应为逗号分隔的地址或网段：{exc}") from None


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
    db = current_app.extensions["ledger_db"]
    if request.method == "POST":
        # Recorded in the throttle and the audit trail: nothing PostgreSQL would refuse to store.
        name = storable(request.form.get("name") or "").strip()[:64]
        address = storable(request.remote_addr or "-")
        wait, attempt = throttle.claim_login_attempt(db, name, address)  # counted before the check
        if wait:
            return too_many_attempts(wait)
        actor = accounts.authenticate(db, name, (request.form.get("password") or "")[:1024])
        throttle.finish_login_attempt(db, attempt, name, address, actor is not None)
        if actor is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session (and CSRF token) for the signed-in user
            if lang:
                session["lang"] = lang
            session["gen"] = accounts.record_login(db, actor.id)
            session["seen"] = int(time.time())
            login_user(SessionUser(actor))  # the attempt was logged in the audit trail above
            flash(_("欢迎，%(name)s。", name=actor.name), "success")
            return redirect(next_url or url_for("web.index"))
        error = _("用户名或密码错误。")  # the same words whether or not the user exists
    status = 401 if error else 200
    no_users = accounts.user_count(current_app.extensions["ledger_db"]) == 0
    return render_template("login.html", error=error, name=name, next_url=next_url, no_users=no_users), status


def too_many_attempts(wait: int):
    message = _("登录失败次数过多，请在 %(minutes)s 分钟后再试。", minutes=max(1, (wait + 59) // 60))
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        response = jsonify({"error": message, "errors": []})
        response.status_code = 429
    else:
        response = current_app.make_response(
            (render_template("error.html", status=429, heading=_("请稍后再试"), message=message), 429))
    response.headers["Retry-After"] = str(wait)
    return response


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:  # every session of this user ends, on every worker
        audit.record(current_app.extensions["ledger_db"], current_user.actor, "logout")
        accounts.end_sessions(current_app.extensions["ledger_db"], current_user.actor.id)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("已退出登录。"), "info")
    return redirect(url_for("auth.login"))


# --- first start: /setup creates the first administrator, then is gone -----------------------

LOCAL_ADDRESSES = ("127.0.0.1", "::1")


def setup_allowed(code: str | None) -> bool:
    """The printed code, or a request from the server's own machine that no proxy forwarded."""
    if accounts.setup_code_ok(current_app.config["SECRET_KEY"], code):
        return True
    forwarded = any(h in request.headers for h in ("X-Forwarded-For", "X-Real-IP", "Forwarded"))
    return request.remote_addr in LOCAL_ADDRESSES and not forwarded


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    db = current_app.extensions["ledger_db"]
    code = request.values.get("code")
    if accounts.user_count(db) or not setup_allowed(code):
        abort(404)
    errors, name = [], "admin"
    if request.method == "POST":  # every problem of the form at once, each at its field
        name = (request.form.get("name") or "").strip()[:64]
        password = request.form.get("password") or ""
        errors = accounts.user_problems(name, "admin", password)
        if password != (request.form.get("confirm") or ""):
            errors.append({"field": "confirm", "message": _("两次输入的密码不一致。")})
        if not errors:
            try:
                accounts.create_first_admin(db, name, password)
            except NotFound:  # another request made the first administrator a moment ago
                abort(404)
            except LedgerError as exc:
                errors = [{"field": "name", "message": exc.message}]
            else:
                flash(_("已创建管理员 %(name)s，请登录。", name=name), "success")
                return redirect(url_for("auth.login"))
    invalid = {e["field"] for e in errors}
    return (render_template("setup.html", errors=errors, invalid=invalid, name=name, code=code if code else None),
            400 if errors else 200)
