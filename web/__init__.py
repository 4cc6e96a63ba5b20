"""HTML pages. init_web wires Babel, CSRF, login, error pages, security headers and the page
blueprints into the app; /api/ keeps its own token auth and JSON errors."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request, session, url_for
from flask_babel import Babel, gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from adapters import error_response
from core.access.policy import can
from core.errors import LedgerError
from forms.builder import show_when_attrs, template_row

from . import attachments, display
from .auth import init_login, init_proxies
from .auth import bp as auth_bp
from .imports import init_imports
from .audit import bp as audit_bp
from .designer import bp as designer_bp
from .flow import bp as flow_bp
from .pages import bp as pages_bp
from .reports import bp as reports_bp
from .rounds import bp as rounds_bp
from .sheet import bp as sheet_bp
from .users import bp as users_bp

csrf = CSRFProtect()
babel = Babel()
LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
ERROR_TITLES = {400: _l("请求无效"), 403: _l("没有权限"), 404: _l("页面不存在"),
                405: _l("不支持该请求方法"), 409: _l("记录已被他人修改"), 412: _l("记录已被他人修改"),
                413: _l("提交的内容过大"), 422: _l("数据校验未通过"), 500: _l("服务器内部错误")}


def init_web(app: Flask) -> None:
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_login(app)
    init_proxies(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(flow_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(sheet_bp)
    app.register_blueprint(designer_bp)
    app.register_blueprint(rounds_bp)
    init_imports(app)
    app.jinja_env.globals.update(can=can, url_if=url_if, lang_url=lang_url, template_row=template_row, show_when_attrs=show_when_attrs,
                                 current_lang=current_lang)
    display.register(app)
    attachments.register(app)
    app.before_request(remember_language)
    app.after_request(security_headers)
    app.register_error_handler(LedgerError, ledger_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)


# --- language ----------------------------------------------------------------------------

def remember_language() -> None:
    """?lang=en (or zh) switches the interface language for the rest of the session."""
    lang = request.args.get("lang")
    if lang in LANGUAGES and not request.path.startswith("/api/"):
        session["lang"] = lang


def current_lang() -> str:
    lang = request.args.get("lang") if request else None
    if lang not in LANGUAGES:
        lang = session.get("lang")
    return lang if lang in LANGUAGES else "zh"


def select_locale() -> str:
    return LANGUAGES[current_lang()] if request else current_app.config["BABEL_DEFAULT_LOCALE"]


def lang_url(lang: str) -> str:
    if not request.endpoint or request.endpoint == "static":
        return url_for("web.index", lang=lang)
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return url_for(request.endpoint, **{**args, **(request.view_args or {})})


def url_if(endpoint: str, **values) -> str | None:
    """A URL for `endpoint` if some blueprint provides it (pages owned by other modules)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


# --- headers and errors ------------------------------------------------------------------

def security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def error_page(status: int, message: str | None = None, title: str | None = None):
    heading = title or str(ERROR_TITLES.get(status) or _("出错了"))
    return render_template("error.html", status=status, heading=heading, message=message), status


def ledger_error(exc: LedgerError):
    return error_page(exc.status, exc.message)


def http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return error_response(exc)
    if isinstance(exc, CSRFError):
        return error_page(400, _("表单的安全令牌缺失或已过期。请返回上一页，刷新后重新提交。"),
                          _("无法提交表单"))
    if exc.code is None or exc.code < 400:
        return exc
    return error_page(exc.code)


def unexpected_error(exc: Exception):
    if request.path.startswith("/api/"):
        return error_response(exc)
    current_app.logger.exception("page error")
    return error_page(500, _("请稍后重试；如果问题持续出现，请联系管理员。"))
