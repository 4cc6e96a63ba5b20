"""The JSON API under /api/v1: thin views over core/, one error shape for everything."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.access import accounts
from core.access import audit
from core.ledgers import evolution
from core.access import rules as permissions
from core.entries import query
from core.entries import store
from core.ledgers import versions
from core.access import units
from core.definition import workflow
from core.definition.diff import MIGRATE
from core.definition.kinds import OPS
from core.definition.textcheck import nesting_depth_exceeds
from core.errors import QueryError
from core.db.models import Database

from adapters import error_response, flag
from .errors import ApiError
from . import envelopes as out
from . import inputs
from .envelopes import EntrySchema, LedgerSchema, PageSchema, RevisionSchema, VersionSchema
from .openapi import openapi_document
from .operations import ENTRY, ENTRY_VERSION, IF_MATCH, READS, WRITES, documented, undocumented

bp = Blueprint("api", __name__, url_prefix="/api/v1")
entry_schema, page_schema = EntrySchema(), PageSchema()


def db() -> Database:
    return current_app.extensions["ledger_db"]


@bp.before_request
def authenticate() -> None:
    """Bearer token for every call; a logged-in browser session may also read (GET only)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.actor = accounts.actor_for_token(db(), header[7:].strip())
        if g.actor is None:
            raise ApiError(401, "令牌无效或已撤销")
    elif request.method in ("GET", "HEAD") and getattr(current_user, "is_authenticated", False):
        g.actor = current_user.actor
    elif request.endpoint in ("api.openapi", "api.healthz"):
        g.actor = None
    elif "Authorization" not in request.headers and browser_navigation():
        # A page's download link (导出, 模板, a report, a file) clicked in a session that has
        # expired: the login page, then back to the page the link was on. API clients (no
        # Authorization, no page navigation) keep their JSON 401.
        flash(_("请先登录。"), "info")
        return redirect(url_for("auth.login", next=page_to_return_to()))
    else:
        raise ApiError(401, "需要登录：请在 Authorization 头中提供 Bearer 令牌")


def browser_navigation() -> bool:
    """A browser opening the address as a page (a clicked link), not a script or an API client:
    a GET that the browser marks as a navigation, or that prefers HTML to JSON."""
    if request.method not in ("GET", "HEAD"):
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode:
        return mode == "navigate"
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def page_to_return_to() -> str:
    """The local page the link was on (Referer), else the download itself."""
    referrer = urlsplit(request.referrer or "")
    here = urlsplit(request.host_url)
    if referrer.netloc == here.netloc:  # only its path is used: never a way off this site
        page = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        if page.startswith("/") and not page.startswith(("//", bp.url_prefix)):
            return page  # the login page checks `next` again (web.auth.safe_next)
    return request.full_path if request.query_string else request.path


# --- ledgers -----------------------------------------------------------------------------

@bp.get("/ledgers")
@documented("可查看的台帐列表", returns=out.LedgersSchema)
def ledgers_index():
    items = query.list_ledgers(db(), g.actor)
    return jsonify({"items": LedgerSchema(many=True).dump(items)})


@bp.post("/ledgers")
@documented("新建台帐（提交定义）", body=inputs.DefinitionSchema, ok=201, returns=out.LedgerDetailSchema,
            errors=(400, 401, 403, 409, 413, 415, 422),
            links={"showLedger": {"key": "$response.body#/key"}, "createEntry": {"key": "$response.body#/key"}})
def ledgers_create():
    definition = versions.create_ledger(db(), g.actor, json_body(MAX_DEFINITION_NESTING))
    return ledger_response(definition.key, 201)


@bp.get("/ledgers/<key>")
@documented("台帐及其当前定义；已保存的规则（校验规则、显示条件，对可修改定义者还有权限规则）"
            "无法识别而未生效时带 problems: [{path, message}]", name="showLedger", returns=out.LedgerDetailSchema)
def ledgers_show(key: str):
    return ledger_response(key)


@bp.put("/ledgers/<key>")
@documented("保存新版本的定义。请求体可另带顶层 x-migrate（{字段名: {\"default\": 值} 或 "
            "{\"map\": {旧值: 新值}}}，不存入定义，仅在 affected=migrate 时使用）；"
            "属性可带 x-renamed-from（上一版本的字段名），发布时在同一事务中把已有记录的值移到新字段名下",
            params=(inputs.DefinitionParams,), body=inputs.DefinitionSchema,
            returns=[out.LedgerDetailSchema, out.PlanSchema], said="已保存（dry_run=1 时为 Plan）",
            errors=(400, 401, 403, 404, 409, 413, 415, 422))
def ledgers_update(key: str):
    document = json_body(MAX_DEFINITION_NESTING)
    query.check(db(), g.actor, key, "define")  # 404 for an unknown ledger; its rules apply
    ledger_options = document.get("x-ledger") if isinstance(document, dict) else None
    if isinstance(ledger_options, dict) and ledger_options.get("key", key) != key:
        raise QueryError(f"定义中的 x-ledger.key 与地址中的“{key}”不一致")
    if isinstance(ledger_options, dict):
        ledger_options.setdefault("key", key)
    migrate = document.pop(MIGRATE, None) if isinstance(document, dict) else None  # never stored
    if flag(request.args, "dry_run"):
        return jsonify(evolution.plan_change(db(), g.actor, key, document, migrate))
    versions.save_definition(db(), g.actor, document, affected=request.args.get("affected", "keep"),
                          migrate=migrate)
    return ledger_response(key)


@bp.get("/ledgers/<key>/versions")
@documented("定义的全部版本", returns=out.VersionsSchema)
def ledgers_versions(key: str):
    return jsonify({"items": VersionSchema(many=True).dump(query.list_versions(db(), g.actor, key))})


@bp.get("/ledgers/<key>/versions/<int:version>")
@documented("某一版本的定义", returns=out.LedgerDetailSchema)
def ledgers_version(key: str, version: int):
    return ledger_response(key, version=version)


@bp.get("/ledgers/<key>/versions/<int:a>/diff/<int:b>")
@documented("两个版本之间的变化：{from, to, changes: [{kind, field, title, message, ...}]}（需 define 权限）",
            returns=out.ChangesSchema)
def ledgers_diff(key: str, a: int, b: int):
    return jsonify(evolution.diff_versions(db(), g.actor, key, a, b))


def ledger_response(key: str, status: int = 200, version: int | None = None):
    summary, definition = query.get_ledger(db(), g.actor, key, version)
    body = LedgerSchema().dump(summary) | {"version": definition.version, "definition": definition.schema}
    found = permissions.problems(db(), g.actor, key) if version is None else []
    return jsonify(body | {"problems": found} if found else body), status


# --- entries -----------------------------------------------------------------------------

FILTERS = (f"字段=值、字段__操作=值（{' '.join(op for op in OPS if op != 'eq')}；in/nin 的值以逗号分隔，"
           "nin 与 ne 一样包含没有该字段的记录）")


@bp.get("/ledgers/<key>/entries")
@documented("记录列表：" + FILTERS, params=(inputs.FilterParams, inputs.PageParams), returns=out.PageSchema,
            errors=(400, *READS))
def entries_index(key: str):
    return jsonify(page_schema.dump(query.list_entries(db(), g.actor, key, request.args)))


@bp.post("/ledgers/<key>/entries")
@documented("新增记录（请求体即记录数据）", name="createEntry", body=inputs.EntryDataSchema, ok=201,
            returns=out.EntrySchema, errors=(*WRITES, 409),
            links={"showEntry": ENTRY, "replaceEntry": ENTRY_VERSION, "updateEntry": ENTRY_VERSION,
                   "deleteEntry": ENTRY_VERSION, "entryRevisions": ENTRY})
def entries_create(key: str):
    entry = store.create_entry(db(), g.actor, key, json_body())
    response = entry_response(entry, 201)
    response.headers["Location"] = url_for("api.entries_show", key=key, entry_id=entry["id"])
    return response


@bp.get("/ledgers/<key>/entries/<entry_id>")
@documented("一条记录", name="showEntry", returns=out.EntrySchema)
def entries_show(key: str, entry_id: str):
    entry = query.get_entry(db(), g.actor, key, entry_id)
    _, definition = query.get_ledger(db(), g.actor, key)
    if workflow.workflow_of(definition) is not None:  # the steps this caller may take (PATCH the field)
        steps = workflow.next_steps(definition, g.actor, entry["data"]) if query.may(db(), g.actor, key, "edit") else []
        entry = {**entry, "next": steps}
    return entry_response(entry)


@bp.route("/ledgers/<key>/entries/<entry_id>", methods=["PUT", "PATCH"])
@documented("替换记录数据", method="put", name="replaceEntry", params=(IF_MATCH,), body=inputs.EntryDataSchema,
            returns=out.EntrySchema, errors=(*WRITES, 409))
@documented("合并修改记录（值为 null 的字段被删除）", method="patch", name="updateEntry", params=(IF_MATCH,),
            body=inputs.EntryDataSchema, returns=out.EntrySchema, errors=(*WRITES, 409))
def entries_update(key: str, entry_id: str):
    data, version = split_version(json_body())
    entry = store.update_entry(db(), g.actor, key, entry_id, data, version,
                               partial=request.method == "PATCH")
    return entry_response(entry)


@bp.delete("/ledgers/<key>/entries/<entry_id>")
@documented("删除记录", name="deleteEntry", params=(IF_MATCH,), ok=204, errors=(400, 401, 403, 404, 412))
def entries_delete(key: str, entry_id: str):
    version = request.headers.get("If-Match") or request.args.get("version")
    store.delete_entry(db(), g.actor, key, entry_id, version)
    return "", 204


@bp.get("/ledgers/<key>/entries/<entry_id>/revisions")
@documented("修改历史", name="entryRevisions", returns=out.RevisionsSchema)
def entries_revisions(key: str, entry_id: str):
    items = query.list_revisions(db(), g.actor, key, entry_id)
    return jsonify({"items": RevisionSchema(many=True).dump(items)})


@bp.get("/audit")
@documented("审计记录（仅管理员），新的在前：每次修改与整本台帐的查看、导出、报表；"
            "每条带前一条记录的哈希（prev_hash）与本条的哈希（hash）",
            params=(inputs.AuditParams,), returns=out.AuditPageSchema, errors=(400, 401, 403))
def audit_index():
    """The audit trail, newest first (administrators); filters user, ledger, action, from, to."""
    return jsonify(audit.list_records(db(), g.actor, request.args))


# --- units and permissions ----------------------------------------------------------------

@bp.get("/units")
@documented("单位（组织机构）列表，按层级", name="listUnits", returns=out.UnitsSchema)
def units_index():
    return jsonify({"items": units.list_units(db())})


@bp.post("/units")
@documented("新建单位（仅管理员）", body=inputs.UnitNewSchema, ok=201, returns=out.UnitSchema,
            errors=(400, 401, 403, 404, 409, 413, 415, 422), links={"listUnits": {}})
def units_create():
    body = json_body()
    if not isinstance(body, dict):
        raise QueryError("请求体应为对象：{key, title, parent, order}")
    unit = units.create_unit(db(), g.actor, body.get("key"), body.get("title"), body.get("parent"),
                             body.get("order"))
    return jsonify(unit), 201


@bp.get("/ledgers/<key>/permissions")
@documented("台帐的权限规则（default 为 true：未设规则，按角色）", returns=out.PermissionsSchema)
def permissions_show(key: str):
    return jsonify(permissions.get_permissions(db(), g.actor, key))


@bp.put("/ledgers/<key>/permissions")
@documented("设置台帐的权限规则（仅管理员；{\"default\": true} 恢复按角色）", body=inputs.PermissionsSchema,
            returns=out.PermissionsSchema, errors=(400, 401, 403, 404, 413, 415, 422))
def permissions_update(key: str):
    return jsonify(permissions.set_permissions(db(), g.actor, key, json_body()))


@bp.get("/healthz")
@documented("健康检查（无需登录）：数据库可用时 200，否则 503；不含任何数据", returns=out.HealthSchema,
            errors=(503,))
def healthz():
    """For load balancers and monitors: the database answers (no login, nothing about the data)."""
    try:
        with db().read() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception:
        current_app.logger.exception("health check: the database does not answer")
        raise ApiError(503, "数据库不可用") from None
    return jsonify({"status": "ok", "database": "ok"})


@bp.get("/openapi.json")
@undocumented
def openapi():
    return jsonify(openapi_document())


def entry_response(entry: dict, status: int = 200):
    response = jsonify(entry_schema.dump(entry))
    response.status_code = status
    response.headers["ETag"] = f'"{entry["version"]}"'
    return response


# --- request bodies ----------------------------------------------------------------------

MAX_BODY_NESTING = 64
# A definition is checked by walks that do not recurse (core/definition/checks.py) and that name the
# field nested too deep; its body may nest further before the generic 400 answers instead.
MAX_DEFINITION_NESTING = 400


def json_body(nesting: int = MAX_BODY_NESTING):
    """The request's JSON body: 415 if it is not JSON, 413 if too big, 400 if malformed or
    nested deeper than `nesting`."""
    if request.mimetype and request.mimetype != "application/json":
        raise ApiError(415, "请求体应为 JSON（Content-Type: application/json）")
    limit = current_app.config["MAX_JSON_BYTES"]
    if (request.content_length or 0) > limit:
        raise ApiError(413, f"请求体过大（上限 {limit // 1024} KB）")
    raw = request.get_data(cache=False)
    if len(raw) > limit:
        raise ApiError(413, f"请求体过大（上限 {limit // 1024} KB）")
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "请求体不是有效的 UTF-8") from None
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"请求体不是有效的 JSON：{str(exc)[:200]}") from None
    if nesting_depth_exceeds(body, nesting):  # the walks after this one recurse
        raise ApiError(400, f"请求体嵌套层级过深（上限 {nesting} 层）")
    return body


def split_version(body):
    """(data, expected version) from If-Match or from a {"version", "data"} envelope."""
    version = request.headers.get("If-Match")
    if isinstance(body, dict) and set(body) <= {"version", "data"} and isinstance(body.get("data"), dict):
        return body["data"], version or body.get("version")
    return body, version


# --- errors ------------------------------------------------------------------------------

bp.register_error_handler(Exception, error_response)


from .tabular import register as _register_tabular  # noqa: E402 - routes over ApiError and db above
_register_tabular(bp, ApiError, db)
from .reports import register as _register_reports  # noqa: E402
_register_reports(bp, db)
from .users import register as _register_users  # noqa: E402
_register_users(bp, db, json_body)
from .sheet import register as _register_sheet  # noqa: E402
_register_sheet(bp, db, json_body, ApiError)
from .drafts import register as _register_drafts  # noqa: E402
_register_drafts(bp, db, json_body)
from .files import register as _register_files  # noqa: E402
_register_files(bp, ApiError, db)
from .bulletin import register as _register_bulletin  # noqa: E402
_register_bulletin(bp, db)
from .rounds import register as _register_rounds  # noqa: E402
_register_rounds(bp, db, json_body)
