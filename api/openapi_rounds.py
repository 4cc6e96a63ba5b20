"""The OpenAPI paths of rounds (催报) and tasks, kept apart from api/openapi.py so each can
change without the other; openapi_document() merges ROUND_PATHS into its paths."""
from __future__ import annotations

KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string", "examples": ["supervision"]}}
ROUND_ID = {"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ENTRY_ID = {"name": "entry_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ERROR = {"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
ROUND_BODY = {"type": "object", "required": ["title", "due", "fields"], "additionalProperties": False, "properties": {
    "title": {"type": "string", "maxLength": 200, "examples": ["2026年12月督查事项进展填报"]},
    "due": {"type": "string", "format": "date"},
    "filter": {"type": "object", "additionalProperties": {"type": "string"},
               "description": "列表的筛选语法，如 {\"status__in\": \"交办,办理中\"}；开启时匹配的记录即本轮事项"},
    "fields": {"type": "array", "items": {"type": "string"}, "description": "承办单位须填写的字段"},
    "repeat": {"oneOf": [{"type": "null"},
                         {"type": "object", "required": ["every", "day"], "properties": {
                             "every": {"const": "month"}, "day": {"type": "integer", "minimum": 1, "maximum": 31}}},
                         {"type": "object", "required": ["every", "weekday"], "properties": {
                             "every": {"const": "week"}, "weekday": {"type": "integer", "minimum": 1, "maximum": 7}}}],
               "description": "截止日期过后自动开启下一轮（并结束本轮）"}}}
REPORT_BODY = {"type": "object", "properties": {
    "data": {"type": "object", "description": "只能是本轮的填报字段，且每个都要填"},
    "note": {"type": ["string", "null"], "maxLength": 2000, "description": "本期进展；台帐有进展记录时同时记入"},
    "version": {"type": "integer", "description": "记录的版本号（也可用 If-Match）；过期时 412"}}}


def _op(summary: str, params: list, ok: str = "200", errors=("401", "403", "404"), body: dict | None = None) -> dict:
    operation = {"summary": summary, "parameters": params,
                 "responses": {ok: {"description": "成功"}} | {code: ERROR for code in errors}}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


ROUND_PATHS = {
    "/ledgers/{key}/rounds": {
        "get": _op("台帐的催报轮次（新的在前），带本人可见事项的已报、未报数", [KEY]),
        "post": _op("开启一轮催报（需修改台帐定义的权限）；台帐须有承办单位字段；字段、日期、筛选有误时 422 并指明字段",
                    [KEY], ok="201", errors=("400", "401", "403", "404", "413", "415", "422"), body=ROUND_BODY),
    },
    "/ledgers/{key}/rounds/{round_id}": {"get": _op(
        "一轮催报：按承办单位列出事项（items）及已报（reported）、未报（missing）、逾期报送（late）、已催报次数", [KEY, ROUND_ID])},
    "/ledgers/{key}/rounds/{round_id}/items/{entry_id}": {"post": _op(
        "填报一项：数据按台帐的校验、规则、流程、权限与范围写入记录（修改历史来源为 round）；"
        "只能填报本单位的事项（其他为 404）；已结束的轮次 409",
        [KEY, ROUND_ID, ENTRY_ID, {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}}],
        errors=("400", "401", "403", "404", "409", "412", "413", "415", "422"), body=REPORT_BODY)},
    "/ledgers/{key}/rounds/{round_id}/close": {"post": _op(
        "结束一轮催报（重复的轮次不再开启下一轮）；已结束时 409", [KEY, ROUND_ID], errors=("401", "403", "404", "409"))},
    "/ledgers/{key}/rounds/{round_id}/remind": {"post": _op(
        "催报：给每个尚有未报事项的单位记一次提醒：{round, units, at}", [KEY, ROUND_ID], errors=("401", "403", "404", "409"))},
    "/tasks": {"get": _op("我的待办：本单位未报的催报事项（rounds）、超期或 7 天内到期的事项（deadlines）、"
                          "待本人角色办理的流程步骤（steps），各在台帐的权限范围内", [], errors=("401",))},
}
