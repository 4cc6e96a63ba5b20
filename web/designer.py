"""The designer: administrators build and change ledger definitions in the browser.

Pages: /designer (ledgers and drafts) and /designer/<key> (the editor, the modules of static/js/designer/).
The editor talks to the JSON endpoints below (POST, X-CSRFToken header): preview and check
render and validate with the same form builder, template macros and validator staff meet;
drafts are stored by core/ledgers/drafts.py and published through store like any API change.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from adapters import error_response
from core.ledgers import drafts
from core.ledgers import evolution
from core.entries import query
from core.entries import store
from core.access.policy import Actor, can, require
from core.definition.loading import load_definition
from core.definition.model import KEY_RE, Definition
from core.errors import DefinitionError, EntryInvalid, LedgerError, NotFound, QueryError
from core.db.models import Database
from core.entries.validation import validate_entry
from forms import entry_data, field_errors, form_class
from forms.convert import short_message

from .catalogue import designer_catalogue
from .pages import with_blank_rows

bp = Blueprint("designer", __name__, url_prefix="/designer")
MAX_VALUES = 2000  # preview inputs read from one check request
SCRIPT_MESSAGE = re.compile(r'\b_\("((?:[^"\\]|\\.)*)"')


def db() -> Database:
    return current_app.extensions["ledger_db"]


def actor() -> Actor:
    return current_user.actor


@bp.before_request
@login_required
def may_define():
    """Designing is the `define` permission, asked as `PUT /ledgers/<key>` asks it: a ledger's
    pages under its rules (a rule may grant `define` to an editor), a new ledger by role. The
    index is for those who may define some ledger; everyone else gets a 403."""
    key = (request.view_args or {}).get("key")
    if key is not None:
        store.require_define(db(), actor(), key)
    elif request.endpoint == "designer.new" or not definable(actor()):
        require(actor(), "define")


def definable(who: Actor) -> list[dict]:
    """The ledgers `who` may define (all of them for an administrator)."""
    return [ledger for ledger in query.list_ledgers(db(), who) if "define" in ledger["actions"]]


@bp.errorhandler(CSRFError)
@bp.errorhandler(LedgerError)
def json_errors(exc):
    """The editor's POSTs get the API's JSON error shape; pages keep the app's error pages."""
    if request.method == "GET":
        from . import error_page  # the app's error page (web/__init__.py imports this module)
        return error_page(exc.status, exc.message)
    if isinstance(exc, CSRFError):
        return jsonify({"error": _("页面的安全令牌缺失或已过期，请刷新页面后重试。"), "errors": []}), 400
    return error_response(exc)


# --- pages -------------------------------------------------------------------------------

@bp.get("")
def index():
    return index_page(request.args.get("key", ""), request.args.get("title", ""))


@bp.get("/new")
def new():
    """The 「新建台帐」 form: a free key opens the editor on a blank definition."""
    key, title = request.args.get("key", "").strip(), request.args.get("title", "").strip()
    if not KEY_RE.fullmatch(key):
        return index_page(key, title, _("台帐标识应以小写字母开头，只含小写字母、数字和下划线（最多 63 个字符）"))
    if drafts.ledger_exists(db(), key):
        return index_page(key, title, _("台帐“%(key)s”已存在，请换一个标识，或在下方打开它", key=key))
    return redirect(url_for("designer.edit", key=key, title=title or None))


def index_page(key: str, title: str, problem: str | None = None):
    """The ledgers and drafts, and the new-ledger form (422 with its problem)."""
    page = render_template("designer/index.html", ledgers=definable(actor()),
                           drafts={d["key"]: d for d in drafts.list_drafts(db(), actor())},
                           new_key=key, new_title=title, problem=problem, may_create=can(actor(), "define"))
    return (page, 422) if problem else page


@bp.get("/<key>")
def edit(key: str):
    if not KEY_RE.fullmatch(key):
        abort(404)
    published = current_document(key)
    draft = find_draft(key)
    if draft is not None:
        document = draft["document"]
    elif published is not None:
        document = published
    else:
        document = blank(key, request.args.get("title", "").strip()[:100] or _("新台帐"))
    state = {"key": key, "document": document, "published": published,
             "draft": draft is not None, "messages": script_messages(),
             "urls": {name: url_for(f"designer.{name}", key=key)
                      for name in ("preview", "check", "draft_save", "draft_discard", "plan", "publish",
                                   "import_file")},
             "ledger_url": url_for("web.entries", key=key) if published is not None else None}
    return render_template("designer/edit.html", key=key, state=state, catalogue=designer_catalogue(), published=published,
                           draft=draft, title=document.get("title") if isinstance(document, dict) else key)


def current_document(key: str) -> dict | None:
    try:
        return query.get_ledger(db(), actor(), key)[1].schema
    except NotFound:
        return None


def find_draft(key: str) -> dict | None:
    try:
        return drafts.get_draft(db(), actor(), key)
    except NotFound:
        return None


def blank(key: str, title: str) -> dict:
    """What a new ledger starts from: one text field, so the preview has something to show."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, "type": "object",
            "properties": {"name": {"type": "string", "title": _("名称"), "maxLength": 200}},
            "required": ["name"], "additionalProperties": False,
            "x-ledger": {"key": key, "description": ""}}


@lru_cache(maxsize=1)
def script_msgids() -> tuple[str, ...]:
    """The messages of the designer's modules (static/js/designer/*.js): their `_("...")` calls
    (babel.cfg extracts them too)."""
    folder = Path(current_app.static_folder) / "js" / "designer"
    text = "\n".join(p.read_text("utf-8") for p in sorted(folder.glob("*.js")))
    return tuple(dict.fromkeys(json.loads(f'"{m}"') for m in SCRIPT_MESSAGE.findall(text)))


def script_messages() -> dict[str, str]:
    """{msgid: translation} for the script, only where the page's language differs from it."""
    return {m: t for m in script_msgids() if (t := _(m)) != m}



# --- the editor's JSON endpoints -------------------------------------------------------------

def posted_definition() -> dict:
    """The body's `definition` (any JSON: a draft may be wrong in every way)."""
    limit = current_app.config["MAX_JSON_BYTES"]
    if (request.content_length or 0) > limit:
        raise QueryError(_("提交的内容过大（上限 %(kb)s KB）", kb=limit // 1024))
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "definition" not in body:
        raise QueryError(_("请求体应为 JSON 对象：{\"definition\": {...}}"))
    return body


def checked(document, key: str) -> tuple[Definition | None, list[dict]]:
    """The definition (None if it has problems) and every problem, the key mismatch included."""
    problems = drafts.problems(document)
    options = document.get("x-ledger") if isinstance(document, dict) else None
    if isinstance(options, dict) and isinstance(options.get("key"), str) and options["key"] != key:
        problems.append({"path": "/x-ledger/key", "message": _("台帐标识应为“%(key)s”", key=key)})
    if problems:
        return None, problems
    return load_definition(document), []


@bp.post("/<key>/preview")
def preview(key: str):
    """The form staff would see, rendered by the real form builder and macros, and the problems."""
    definition, problems = checked(posted_definition()["definition"], key)
    if definition is None:
        return jsonify({"html": None, "problems": problems})
    return jsonify({"html": render_preview(definition, with_blank_rows(form_class(definition)())), "problems": []})


def render_preview(definition: Definition, form, errors: dict | None = None) -> str:
    return render_template("designer/_preview.html", definition=definition, form=form, errors=errors or {})


@bp.post("/<key>/check")
def check(key: str):
    """A sample entry typed into the preview, read like the real form and validated."""
    body = posted_definition()
    definition, problems = checked(body["definition"], key)
    if definition is None:
        return jsonify({"errors": {}, "problems": problems})
    values = body.get("values") or []
    if not isinstance(values, list) or len(values) > MAX_VALUES or not all(
            isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in values):
        raise QueryError(_("values 应为 [名称, 值] 的列表"))
    form = form_class(definition)(MultiDict([tuple(v) for v in values]))
    data, names = entry_data(form, definition.fields)
    try:
        validate_entry(definition, data)
    except EntryInvalid as exc:  # beside a field its short form, as the entry form shows it
        errors = {name: [short_message(m) if name else m for m in messages]
                  for name, messages in field_errors(exc.errors, names).items()}
        return jsonify({"errors": errors, "problems": [], "data": data})
    return jsonify({"errors": {}, "problems": [], "data": data})


@bp.post("/<key>/draft")
def draft_save(key: str):
    document = posted_definition()["definition"]
    saved = drafts.save_draft(db(), actor(), key, document)
    return jsonify({"saved": True, "updated_at": saved["updated_at"].isoformat(),
                    "problems": checked(document, key)[1]})


@bp.post("/<key>/draft/discard")
def draft_discard(key: str):
    return jsonify({"discarded": drafts.delete_draft(db(), actor(), key),
                    "url": url_for("designer.edit", key=key)})


@bp.post("/<key>/plan")
def plan(key: str):
    """What publishing would do: for an existing ledger the changes and the entries affected."""
    document = posted_definition()["definition"]
    definition, problems = checked(document, key)
    if definition is None:
        raise DefinitionError(_("台帐定义有误，未发布"), problems)
    if not drafts.ledger_exists(db(), key):
        return jsonify({"new": True, "affected": 0, "examples": [], "changes": []})
    return jsonify({"new": False, **evolution.plan_change(db(), actor(), key, document)})


@bp.post("/<key>/publish")
def publish(key: str):
    body = posted_definition()
    affected = body.get("affected") or "keep"
    migrate = body.get("migrate")  # without affected=migrate refused, as the API refuses it
    if migrate is not None and not isinstance(migrate, dict):
        raise QueryError(_("migrate 应为对象：{字段: {\"default\": 值} 或 {\"map\": {旧值: 新值}}}"))
    # The page's document is the draft being edited: saved and published at once (core/ledgers/drafts.py)
    definition, created = drafts.publish(db(), actor(), key, body["definition"], affected, migrate)
    flash(_("已发布“%(title)s”第 %(version)s 版。", title=definition.title, version=definition.version), "success")
    return jsonify({"key": key, "version": definition.version, "created": created,
                    "url": url_for("web.entries", key=key)}), 201 if created else 200


@bp.get("/<key>/export.json")
def export(key: str):
    """The draft (?source=draft) or the published definition (?source=current) as a .json file."""
    if request.args.get("source") == "draft":
        draft = find_draft(key)
        document = draft["document"] if draft else None
    else:
        document = current_document(key)
    if document is None:
        raise NotFound(_("台帐“%(key)s”没有可导出的定义", key=key))
    text = json.dumps(document, ensure_ascii=False, indent=2)
    name = f"{key}-{'draft' if request.args.get('source') == 'draft' else 'definition'}.json"
    return Response(text, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/<key>/import")
def import_file(key: str):
    """An uploaded .json becomes the draft (checked; a draft may still have problems)."""
    upload = request.files.get("file")
    if upload is None:
        raise QueryError(_("请选择要导入的 JSON 文件"))
    limit = current_app.config["MAX_JSON_BYTES"]
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise QueryError(_("文件过大（上限 %(kb)s KB）", kb=limit // 1024))
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise QueryError(_("文件不是 UTF-8 编码的 JSON")) from None
    except json.JSONDecodeError as exc:
        raise QueryError(_("JSON 格式错误：第 %(line)s 行第 %(col)s 列：%(msg)s",
                           line=exc.lineno, col=exc.colno, msg=exc.msg),
                         [{"path": "", "line": exc.lineno, "column": exc.colno, "message": exc.msg}]) from None
    except RecursionError:
        raise QueryError(_("JSON 嵌套过深")) from None
    _same_key_or_set(document, key)
    drafts.save_draft(db(), actor(), key, document)
    return jsonify({"document": document, "problems": checked(document, key)[1]})


def _same_key_or_set(document, key: str) -> None:
    """An imported definition is the draft of this ledger: its x-ledger.key becomes `key`."""
    if isinstance(document, dict) and isinstance(document.get("x-ledger"), dict):
        document["x-ledger"]["key"] = key
