"""The OpenAPI 3.1 description of /api/v1 (a test checks it names every API route)."""
from __future__ import annotations

from .openapi_rounds import ROUND_PATHS

KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string", "examples": ["supervision"]}}
ENTRY_ID = {"name": "entry_id", "in": "path", "required": True, "schema": {"type": "integer"}}
USER_NAME = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
UNIT_KEY = {"type": ["string", "null"], "description": "所属单位的标识（units 的 key）；null 为无单位"}
REPORT = {"name": "report", "in": "path", "required": True, "schema": {"type": "string"}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "记录的当前版本号；也可在请求体中以 {\"version\": N, \"data\": {...}} 提供"}
LIST_PARAMS = [
    {"name": "_q", "in": "query", "schema": {"type": "string"}, "description": "在搜索字段中查找"},
    {"name": "_sort", "in": "query", "schema": {"type": "string"},
     "description": "字段名，-字段名 为降序，逗号分隔；_due 为按期限排序：未办结在前，时限近的在前（仅限有超期规则的台帐）"},
    {"name": "_page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "_size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
    {"name": "_due", "in": "query", "schema": {"enum": ["overdue", "soon", "open"]},
     "description": "按台帐的超期规则（x-ledger.overdue）筛选：overdue 超期未办结（时限早于今天），"
                    "soon 即将到期（今天起 _due_days 天内、未办结），open 未办结（状态不是已办结或为空）；"
                    "今天按服务器配置的时区计算；台帐没有超期规则时为 400"},
    {"name": "_due_days", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 366, "default": 7},
     "description": "_due=soon 的天数"},
]
FILTER_OPS = "字段=值、字段__操作=值（ne lt lte gt gte contains in nin；in/nin 的值以逗号分隔，nin 与 ne 一样包含没有该字段的记录）"
EXPORT_PARAMS = [p for p in LIST_PARAMS if p["name"] not in ("_page", "_size")]
HEADER = {"name": "header", "in": "query", "schema": {"enum": ["title", "key"], "default": "title"},
          "description": "表头用字段标题（默认）或字段名"}
IMPORT = {
    "summary": "导入 CSV（UTF-8、GB18030/GBK）或 XLSX：每行按表单规则校验，全部成功才写入",
    "parameters": [KEY],
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"},
            "dry_run": {"type": "string", "enum": ["0", "1"], "description": "1：只检查，不写入"},
            "upsert": {"type": "string", "enum": ["0", "1"], "description": "1：业务主键已存在时更新该记录"},
            "rejects": {"type": "string", "enum": ["csv"], "description": "csv：返回有误的行及错误列（CSV）"},
        }}}}},
    "responses": {
        "200": {"description": "检查结果（dry_run）或仅有更新"},
        "201": {"description": "已导入：{created, updated, total, warnings}"},
        **{code: {"description": "错误", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
           for code in ("400", "401", "403", "404", "413", "415", "422")},
    },
}
AUDIT_PARAMS = [
    {"name": "user", "in": "query", "schema": {"type": "string"}, "description": "用户名"},
    {"name": "ledger", "in": "query", "schema": {"type": "string"}, "description": "台帐标识"},
    {"name": "action", "in": "query", "schema": {"type": "string"},
     "description": "操作：create update delete import define list export report login logout"},
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "起始日期（含，UTC），YYYY-MM-DD"},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "截止日期（含，UTC），YYYY-MM-DD"},
    {"name": "_page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "_size", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]
DEFINITION_PARAMS = [
    {"name": "dry_run", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]},
     "description": "1：只预演，不保存，返回 200 Plan：{affected, examples, changes, broken}"},
    {"name": "affected", "in": "query", "schema": {"enum": ["keep", "migrate"], "default": "keep"},
     "description": "keep：新版本不接受的现有记录保持原状（标记为有问题）；类型变更会破坏现有值时 409（附 plan）。"
                    "migrate：按 x-migrate 改写现有记录，之后全部记录须符合新版本，否则 422，什么都不保存"},
]
ERROR = {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
ENTRY_BY_ID = {"key": "$request.path.key", "entry_id": "$response.body#/id"}
ENTRY_VERSION = {**ENTRY_BY_ID, "header.If-Match": "$response.body#/version"}


def _links(operation: dict, status: str, **targets: dict) -> dict:
    """OpenAPI links from `status` of `operation` (operationId → parameters): what a created
    resource can be used for next; schemathesis's stateful phase follows them."""
    operation["responses"][status]["links"] = {
        f"to_{op_id}": {"operationId": op_id, "parameters": params} for op_id, params in targets.items()}
    return operation


def _named(op_id: str, operation: dict) -> dict:
    return {"operationId": op_id, **operation}


def _op(summary: str, params=(), body: str | None = None, ok: str = "200", errors=("401", "403", "404"),
        returns: str | None = None):
    success: dict = {"description": "成功"}
    if returns:
        success["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{returns}"}}}
    operation = {"summary": summary, "parameters": list(params),
                 "responses": {ok: success} | {code: ERROR for code in errors}}
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}}}
    return operation


def openapi_document() -> dict:
    write_errors = ("400", "401", "403", "404", "412", "413", "415", "422")
    return {
        "openapi": "3.1.0",
        "info": {"title": "台帐服务 API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/ledgers": {
                "get": _op("可查看的台帐列表"),
                "post": _links(_op("新建台帐（提交定义）", body="Definition", ok="201",
                                   errors=("400", "401", "403", "409", "413", "415", "422")), "201",
                               showLedger={"key": "$response.body#/key"},
                               createEntry={"key": "$response.body#/key"}),
            },
            "/ledgers/{key}": {
                "get": _named("showLedger", _op("台帐及其当前定义；已保存的规则（校验规则、显示条件，对可修改定义者还有权限规则）"
                                                 "无法识别而未生效时带 problems: [{path, message}]", [KEY])),
                "put": _op("保存新版本的定义。请求体可另带顶层 x-migrate（{字段名: {\"default\": 值} 或 "
                           "{\"map\": {旧值: 新值}}}，不存入定义，仅在 affected=migrate 时使用）；"
                           "属性可带 x-renamed-from（上一版本的字段名），发布时在同一事务中把已有记录的值移到新字段名下",
                           [KEY, *DEFINITION_PARAMS], body="Definition",
                           errors=("400", "401", "403", "404", "409", "413", "415", "422")),
            },
            "/users": {
                "get": _op("用户列表（仅管理员）", errors=("401", "403")),
                "post": _links(_op("新建用户（仅管理员）", body="UserNew", ok="201", returns="User",
                                   errors=("400", "401", "403", "409", "415", "422")), "201",
                               showUser={"name": "$response.body#/name"},
                               updateUser={"name": "$response.body#/name"}),
            },
            "/users/{name}": {
                "get": _named("showUser", _op("一个用户（仅管理员）", [USER_NAME], returns="User")),
                "patch": _named("updateUser", _op("修改角色、单位、启用状态或密码（仅管理员）；其会话随即失效",
                                                  [USER_NAME], body="UserPatch", returns="User",
                                                  errors=("400", "401", "403", "404", "409", "415", "422"))),
            },
            "/ledgers/{key}/archive": {"post": _op(
                "归档台帐（需修改台帐定义的权限）：非管理员看不到它（404），管理员只能查看和导出，数据保留",
                [KEY], errors=("401", "403", "404", "409"))},
            "/ledgers/{key}/restore": {"post": _op("恢复已归档的台帐", [KEY], errors=("401", "403", "404", "409"))},
            "/ledgers/order": {"put": _op(
                "台帐在首页的顺序：{\"keys\": [...]} 列出的在前，其余保持原有相对顺序在后；不存在的标识为 422",
                body="LedgerOrder", errors=("400", "401", "403", "413", "415", "422"))},
            "/ledger-proposals": {"post": {
                "summary": "由去年的 CSV（UTF-8、GB18030）或 XLSX 推断台帐定义：每列一个字段（标题即表头），"
                           "按取值推断类型并说明理由；不保存任何内容",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "title": {"type": "string", "description": "台帐标题（默认取文件名）"},
                        "key": {"type": "string", "description": "台帐标识（默认由标题的拼音生成）"}}}}}},
                "responses": {"200": {"description": "{definition, fields: [{key, title, kind, reason}], rows, warnings}",
                                      "content": {"application/json": {"schema": {
                                          "$ref": "#/components/schemas/LedgerProposal"}}}},
                              **{code: ERROR for code in ("401", "403", "413", "415", "422")}}}},
            "/ledgers/{key}/draft": {
                "get": _op("台帐定义的草稿（仅管理员）：{key, document, updated_at, updated_by, problems}", [KEY]),
                "put": _op("保存草稿（请求体即定义；草稿可以有错，problems 列出全部问题）", [KEY],
                           body="Definition", errors=("400", "401", "403", "413", "415")),
                "delete": _op("放弃草稿", [KEY], ok="204"),
            },
            "/ledgers/{key}/draft/publish": {"post": _op(
                "发布已保存的草稿：台帐不存在时新建，否则保存为新版本（affected、x-migrate 同 PUT /ledgers/{key}）；"
                "发布与删除草稿在同一事务中；定义有误时 422，不做任何修改",
                [KEY, {"name": "affected", "in": "query", "schema": {"enum": ["keep", "migrate"], "default": "keep"},
                       "description": "keep：旧记录保留在原版本下（标记）；migrate：按请求体的 x-migrate 迁移旧记录"}],
                errors=("400", "401", "403", "404", "409", "413", "415", "422"))},
            "/ledgers/{key}/versions": {"get": _op("定义的全部版本", [KEY])},
            "/ledgers/{key}/versions/{version}": {"get": _op("某一版本的定义", [KEY, {
                "name": "version", "in": "path", "required": True, "schema": {"type": "integer"}}])},
            "/ledgers/{key}/versions/{a}/diff/{b}": {"get": _op(
                "两个版本之间的变化：{from, to, changes: [{kind, field, title, message, ...}]}；"
                "kind 为 added removed renamed retitled retyped limits choices required rules（需 define 权限）",
                [KEY, *({"name": n, "in": "path", "required": True, "schema": {"type": "integer"}} for n in "ab")],
                returns="Changes")},
            "/ledgers/{key}/entries": {
                "get": _op("记录列表：" + FILTER_OPS,
                           [KEY, *LIST_PARAMS], errors=("400", "401", "403", "404"), returns="Page"),
                "post": _named("createEntry", _links(
                    _op("新增记录（请求体即记录数据）", [KEY], body="EntryData", ok="201",
                        errors=(*write_errors, "409"), returns="Entry"), "201",
                    showEntry=ENTRY_BY_ID, replaceEntry=ENTRY_VERSION, updateEntry=ENTRY_VERSION,
                    deleteEntry=ENTRY_VERSION, entryRevisions=ENTRY_BY_ID)),
            },
            "/ledgers/{key}/entries/{entry_id}": {
                "get": _named("showEntry", _op("一条记录", [KEY, ENTRY_ID], returns="Entry")),
                "put": _named("replaceEntry", _op("替换记录数据", [KEY, ENTRY_ID, IF_MATCH], body="EntryData",
                                                  errors=(*write_errors, "409"), returns="Entry")),
                "patch": _named("updateEntry", _op("合并修改记录（值为 null 的字段被删除）", [KEY, ENTRY_ID, IF_MATCH],
                                                   body="EntryData", errors=(*write_errors, "409"), returns="Entry")),
                "delete": _named("deleteEntry", _op("删除记录", [KEY, ENTRY_ID, IF_MATCH], ok="204",
                                                    errors=("400", "401", "403", "404", "412"))),
            },
            "/ledgers/{key}/entries/{entry_id}/revisions": {
                "get": _named("entryRevisions", _op("修改历史", [KEY, ENTRY_ID]))},
            "/ledgers/{key}/export.csv": {"get": _op(
                "导出 CSV（UTF-8 带 BOM，CRLF；筛选、搜索、排序同列表；header=key 用字段名作表头）",
                [KEY, *EXPORT_PARAMS, HEADER], errors=("400", "401", "403", "404"))},
            "/ledgers/{key}/export.xlsx": {"get": _op(
                "导出 XLSX（单元格带类型，子表在单独的工作表中，按记录ID对应）",
                [KEY, *EXPORT_PARAMS, HEADER], errors=("400", "401", "403", "404"))},
            "/ledgers/{key}/template.csv": {"get": _op("空白导入模板（CSV：表头和一行示例）", [KEY, HEADER])},
            "/ledgers/{key}/template.xlsx": {"get": _op("空白导入模板（XLSX：表头和一行示例）", [KEY, HEADER])},
            "/ledgers/{key}/import": {"post": IMPORT},
            "/ledgers/{key}/permissions": {
                "get": _op("台帐的权限规则（default 为 true：未设规则，按角色）", [KEY], returns="Permissions"),
                "put": _op("设置台帐的权限规则（仅管理员；{\"default\": true} 恢复按角色）", [KEY],
                           body="Permissions", errors=("400", "401", "403", "404", "413", "415", "422"),
                           returns="Permissions"),
            },
            "/units": {
                "get": _named("listUnits", _op("单位（组织机构）列表，按层级", returns="Units")),
                "post": _links(_op("新建单位（仅管理员）", body="Unit", ok="201",
                                   errors=("400", "401", "403", "404", "409", "413", "415", "422")), "201",
                               listUnits={}),
            },
            "/ledgers/{key}/reports": {"get": _op("台帐定义的报表：标识、标题、图表、分组", [KEY])},
            "/ledgers/{key}/reports/{report}": {"get": _op(
                "运行报表：{key, title, chart, columns, rows, totals}；列表的筛选条件同样适用",
                [KEY, REPORT, LIST_PARAMS[0]], errors=("400", "401", "403", "404"))},
            "/ledgers/{key}/reports/{report}.csv": {"get": _op(
                "报表 CSV（UTF-8 带 BOM，CRLF，中文表头，末行合计）", [KEY, REPORT, LIST_PARAMS[0]],
                errors=("400", "401", "403", "404"))},
            "/audit": {"get": _op(
                "审计记录（仅管理员），新的在前：每次修改与整本台帐的查看、导出、报表；"
                "每条带前一条记录的哈希（prev_hash）与本条的哈希（hash）",
                AUDIT_PARAMS, errors=("400", "401", "403"), returns="AuditPage")},
            "/ledgers/{key}/reports/{report}.xlsx": {"get": _op(
                "报表 XLSX（数字为数值单元格，末行合计）", [KEY, REPORT, LIST_PARAMS[0]],
                errors=("400", "401", "403", "404"))},
            **ROUND_PATHS,
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Definition": {"type": "object", "description": "JSON Schema（2020-12）加 x-ledger"},
                "EntryData": {"type": "object", "description": "按台帐定义填写的字段"},
                "Entry": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "ledger": {"type": "string"},
                    "seq": {"type": ["integer", "null"], "description": "台帐内的序号（1, 2, 3…，不重复使用）"},
                    "number": {"type": ["string", "null"], "description": "编号，如 督〔2026〕12号（x-ledger.numbering）"},
                    "version": {"type": "integer", "description": "行版本号：修改时放在 If-Match 中"},
                    "definition_version": {"type": "integer"},
                    "data": {"$ref": "#/components/schemas/EntryData"},
                    "created_at": {"type": ["string", "null"]}, "created_by": {"type": ["string", "null"]},
                    "updated_at": {"type": ["string", "null"]}, "updated_by": {"type": ["string", "null"]},
                    "next": {"type": "array", "description": "当前用户可执行的流程步骤（台帐定义了 workflow 时）",
                             "items": {"type": "object", "properties": {"to": {"type": "string"},
                                                                         "label": {"type": "string"}}}},
                    "problems": {"type": "array", "description": "仅当当前版本的定义不接受该记录时出现（记录保存于较早版本）：[{field, message}]",
                                 "items": {"type": "object", "properties": {"field": {"type": "string"},
                                                                             "message": {"type": "string"}}}}}},
                "Plan": {"type": "object", "required": ["affected", "examples", "changes"], "properties": {
                    "affected": {"type": "integer", "description": "新版本（改名与迁移之后）不接受的现有记录数"},
                    "examples": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "number": {"type": ["string", "null"]},
                        "errors": {"type": "array", "items": {"type": "object"}}}}},
                    "changes": {"type": "array", "description": "每项修改及其导致不符合的记录数（affected）与示例（examples）",
                                "items": {"type": "object"}},
                    "other": {"type": "object", "description": "不由某一项修改引起的不符合记录：{affected, examples}"},
                    "broken": {"type": "integer", "description": "类型变更后无法保留的现有值个数（不迁移则拒绝发布，409）"},
                    "broken_examples": {"type": "array", "items": {"type": "object"}}}},
                "Changes": {"type": "object", "properties": {
                    "from": {"type": "integer"}, "to": {"type": "integer"},
                    "changes": {"type": "array", "items": {"type": "object", "properties": {
                        "kind": {"type": "string"}, "field": {"type": "string"}, "title": {"type": "string"},
                        "message": {"type": "string"}}}}}},
                "Page": {"type": "object", "required": ["items", "total", "page", "size"], "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}},
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "size": {"type": "integer"}}},
                "UserNew": {"type": "object", "required": ["name", "role", "password"],
                            "additionalProperties": False, "properties": {
                                "name": {"type": "string", "pattern": "^[\\w.@-]{1,64}$"},
                                "role": {"enum": ["admin", "editor", "viewer"]},
                                "password": {"type": "string", "minLength": 8},
                                "unit": UNIT_KEY}},
                "UserPatch": {"type": "object", "minProperties": 1, "additionalProperties": False, "properties": {
                    "role": {"enum": ["admin", "editor", "viewer"]}, "unit": UNIT_KEY,
                    "active": {"type": "boolean"}, "password": {"type": "string", "minLength": 8}}},
                "User": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"},
                    "role": {"enum": ["admin", "editor", "viewer"]},
                    "unit": {"type": ["string", "null"], "description": "所属单位的标识"},
                    "unit_title": {"type": ["string", "null"], "description": "所属单位的名称"},
                    "active": {"type": "boolean"},
                    "created_at": {"type": ["string", "null"]}, "last_login_at": {"type": ["string", "null"]}}},
                "AuditRecord": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
                    "user": {"type": ["string", "null"]}, "action": {"type": "string"},
                    "ledger": {"type": ["string", "null"]}, "entry_id": {"type": ["integer", "null"]},
                    "filters": {"type": ["object", "null"], "description": "列表、导出、报表的参数等"},
                    "rows": {"type": ["integer", "null"], "description": "涉及的行数"},
                    "prev_hash": {"type": "string"}, "hash": {"type": "string"}}},
                "AuditPage": {"type": "object", "required": ["items", "total", "page", "size"], "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/AuditRecord"}},
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "size": {"type": "integer"}}},
                "Permissions": {"type": "object", "required": ["rules"], "properties": {
                    "rules": {"type": "array", "items": {"type": "object", "required": ["role", "actions"],
                              "properties": {
                                  "role": {"type": "string", "enum": ["admin", "editor", "viewer"]},
                                  "actions": {"type": "array", "items": {"type": "string", "enum": [
                                      "read", "create", "edit", "delete", "export", "import", "define"]}},
                                  "scope": {"type": "string", "enum": ["all", "unit", "own"]},
                                  "unit": {"type": "string", "description": "只对该单位及其下级单位的用户生效"}}}},
                    "default": {"type": "boolean"},
                    "problems": {"type": "array", "description": "已保存但无法识别、因而不起作用的规则（仅读取时）",
                                 "items": {"type": "object", "properties": {
                                     "path": {"type": "string"}, "message": {"type": "string"}}}}}},
                "Unit": {"type": "object", "required": ["key", "title"], "properties": {
                    "key": {"type": "string"}, "title": {"type": "string"},
                    "parent": {"type": ["string", "null"]}, "order": {"type": "integer"}}},
                "Units": {"type": "object", "properties": {"items": {"type": "array", "items": {
                    "$ref": "#/components/schemas/Unit"}}}},
                "LedgerOrder": {"type": "object", "required": ["keys"], "properties": {
                    "keys": {"type": "array", "items": {"type": "string"}}}},
                "LedgerProposal": {"type": "object", "required": ["definition", "fields", "rows"], "properties": {
                    "definition": {"$ref": "#/components/schemas/Definition"},
                    "fields": {"type": "array", "items": {"type": "object", "properties": {
                        "key": {"type": "string"}, "title": {"type": "string"}, "kind": {"type": "string"},
                        "reason": {"type": "string"}}}},
                    "rows": {"type": "integer"}, "warnings": {"type": "array", "items": {"type": "string"}}}},
                "Error": {"type": "object", "required": ["error", "errors"], "properties": {
                    "error": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object"}}}},
            },
        },
    }
