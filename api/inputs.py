"""What the API accepts, as marshmallow schemas: JSON bodies, multipart forms, query parameters.

They describe the requests for /openapi.json (api/openapi.py); the checks themselves stay in
core/, which answers with its own Chinese messages. Every list in them (roles, actions, scopes,
operators, limits) is core's own constant, so the document cannot name a value core refuses.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from core.access import accounts, audit, policy
from core.access import units
from core.entries import deadlines
from core.entries import params as list_params
from core.ledgers import versions

FLAG = validate.OneOf(["0", "1"])
HEADER_CHOICES = ("title", "key")  # an export's or template's header row: field titles or keys


def anchored(pattern: str) -> str:
    """A Python `fullmatch` pattern as a JSON Schema one (which searches unless anchored)."""
    return f"^{pattern}$"


class Body(Schema):
    """A request whose unknown members core ignores: the document makes no claim about them."""

    class Meta:
        unknown = EXCLUDE


class Strict(Schema):
    """A request whose unknown members core refuses (422): `additionalProperties: false`."""

    class Meta:
        unknown = RAISE


class Free(Body):
    """An object whose members the ledger's definition decides, not the API."""


# --- JSON bodies ---------------------------------------------------------------------------

class DefinitionSchema(Free):
    class Meta(Free.Meta):
        description = "JSON Schema（2020-12）加 x-ledger"


class EntryDataSchema(Free):
    class Meta(Free.Meta):
        description = "按台帐定义填写的字段"


class UserNewSchema(Strict):
    name = fields.String(required=True, validate=validate.Regexp(anchored(accounts.NAME_RE.pattern)))
    role = fields.String(required=True, validate=validate.OneOf(policy.ROLES))
    password = fields.String(required=True, validate=validate.Length(min=accounts.MIN_PASSWORD))
    unit = fields.String(allow_none=True, metadata={"description": "所属单位的标识（units 的 key）；null 为无单位"})


class UserPatchSchema(Strict):
    class Meta(Strict.Meta):
        openapi = {"minProperties": 1}  # added to the component by api/openapi.py

    role = fields.String(validate=validate.OneOf(policy.ROLES))
    unit = fields.String(allow_none=True, metadata={"description": "所属单位的标识（units 的 key）；null 为无单位"})
    active = fields.Boolean()
    password = fields.String(validate=validate.Length(min=accounts.MIN_PASSWORD))


class UnitNewSchema(Body):
    key = fields.String(required=True, validate=validate.Regexp(anchored(units.KEY_RE.pattern)))
    title = fields.String(required=True)
    parent = fields.String(allow_none=True, metadata={"description": "上级单位的标识"})
    order = fields.Integer(metadata={"description": "同级单位中的顺序（默认排在最后）"})


class LedgerOrderSchema(Body):
    keys = fields.List(fields.String(), required=True)


class PermissionRuleSchema(Body):
    role = fields.String(required=True, validate=validate.OneOf(policy.ROLES))
    actions = fields.List(fields.String(validate=validate.OneOf(policy.ACTIONS)), required=True)
    scope = fields.String(validate=validate.OneOf(policy.SCOPES))
    unit = fields.String(metadata={"description": "只对该单位及其下级单位的用户生效"})


class PermissionsSchema(Body):
    """The body of PUT .../permissions and the answer of both its routes (`problems` on reads)."""

    rules = fields.List(fields.Nested(PermissionRuleSchema), required=True)
    default = fields.Boolean(metadata={"description": "true：未设规则，按角色"})
    problems = fields.List(fields.Dict(), metadata={
        "description": "已保存但无法识别、因而不起作用的规则（仅读取时）：[{path, message}]"})


class PublishSchema(Free):
    class Meta(Free.Meta):
        description = "可选：{\"x-migrate\": {字段名: {\"default\": 值} 或 {\"map\": {旧值: 新值}}}}，仅在 affected=migrate 时使用"


# --- multipart forms -----------------------------------------------------------------------

def upload() -> fields.Raw:
    return fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportFormSchema(Body):
    file = upload()
    dry_run = fields.String(validate=FLAG, metadata={"description": "1：只检查，不写入"})
    upsert = fields.String(validate=FLAG, metadata={"description": "1：业务主键已存在时更新该记录"})
    rejects = fields.String(validate=validate.OneOf(["csv"]), metadata={"description": "csv：返回有误的行及错误列（CSV）"})


class FileFormSchema(Body):
    file = upload()
    ledger = fields.String(required=True, metadata={"description": "台帐标识"})
    field = fields.String(required=True, metadata={"description": "附件字段的字段名（其 x-file 限制当即生效）"})


class ProposalFormSchema(Body):
    file = upload()
    title = fields.String(metadata={"description": "台帐标题（默认取文件名）"})
    key = fields.String(metadata={"description": "台帐标识（默认由标题的拼音生成）"})


# --- query parameters ----------------------------------------------------------------------

class SearchParams(Schema):
    q = fields.String(data_key="_q", metadata={"description": "在搜索字段中查找"})


class FilterParams(SearchParams):
    sort = fields.String(data_key="_sort", metadata={
        "description": "字段名，-字段名 为降序，逗号分隔；_due 为按期限排序：未办结在前，时限近的在前（仅限有超期规则的台帐）"})
    due = fields.String(data_key="_due", validate=validate.OneOf(list(deadlines.DUE_FILTERS)), metadata={
        "description": "按台帐的超期规则（x-ledger.overdue）筛选：overdue 超期未办结（时限早于今天），"
                       "soon 即将到期（今天起 _due_days 天内、未办结），open 未办结（状态不是已办结或为空）；"
                       "今天按服务器配置的时区计算；台帐没有超期规则时为 400"})
    due_days = fields.Integer(data_key="_due_days", load_default=deadlines.DEFAULT_SOON_DAYS,
                              validate=validate.Range(0, deadlines.MAX_SOON_DAYS),
                              metadata={"description": "_due=soon 的天数"})


class PageParams(Schema):
    page = fields.Integer(data_key="_page", validate=validate.Range(min=1))
    size = fields.Integer(data_key="_size", load_default=list_params.DEFAULT_PAGE_SIZE,
                          validate=validate.Range(1, list_params.MAX_PAGE_SIZE))


class HeaderParams(Schema):
    header = fields.String(load_default="title", validate=validate.OneOf(HEADER_CHOICES),
                           metadata={"description": "表头用字段标题（默认）或字段名"})


class AuditParams(Schema):
    user = fields.String(metadata={"description": "用户名"})
    ledger = fields.String(metadata={"description": "台帐标识"})
    action = fields.String(validate=validate.OneOf(audit.ACTIONS), metadata={"description": "操作"})
    start = fields.Date(data_key="from", metadata={"description": "起始日期（含），YYYY-MM-DD，按服务器配置的时区"})
    end = fields.Date(data_key="to", metadata={"description": "截止日期（含），YYYY-MM-DD，按服务器配置的时区"})
    page = fields.Integer(data_key="_page", validate=validate.Range(min=1))
    size = fields.Integer(data_key="_size", load_default=audit.PAGE_SIZE, validate=validate.Range(1, audit.MAX_PAGE_SIZE))


class DefinitionParams(Schema):
    dry_run = fields.String(validate=FLAG, metadata={
        "description": "1：只预演，不保存，返回 200 Plan：{affected, examples, changes, broken}"})
    affected = fields.String(load_default="keep", validate=validate.OneOf(versions.AFFECTED), metadata={
        "description": "keep：新版本不接受的现有记录保持原状（标记为有问题）；类型变更会破坏现有值时 409（附 plan）。"
                       "migrate：按 x-migrate 改写现有记录，之后全部记录须符合新版本，否则 422，什么都不保存"})


class PublishParams(Schema):
    affected = fields.String(load_default="keep", validate=validate.OneOf(versions.AFFECTED), metadata={
        "description": "keep：旧记录保留在原版本下（标记）；migrate：按请求体的 x-migrate 迁移旧记录"})


# --- the bulletin as a Word document (api/bulletin.py) ------------------------------------

class BulletinParams(Schema):
    from_ = fields.Date(data_key="from", metadata={"description": "完成时限从（含），默认本半年第一天"})
    to = fields.Date(metadata={"description": "完成时限至（含），默认本半年最后一天"})
    no = fields.Integer(validate=validate.Range(1, 9999), metadata={"description": "期号"})
    office = fields.String(validate=validate.Length(max=40), metadata={"description": "发文单位，默认区政府办公室"})


# --- rounds (催报) -------------------------------------------------------------------------

class RoundRepeatSchema(Body):
    every = fields.String(required=True, validate=validate.OneOf(("month", "week")))
    day = fields.Integer(validate=validate.Range(1, 31), metadata={"description": "每月的第几日（every=month）"})
    weekday = fields.Integer(validate=validate.Range(1, 7), metadata={"description": "星期几，1 为星期一（every=week）"})


class RoundNewSchema(Body):
    title = fields.String(required=True, validate=validate.Length(max=200),
                          metadata={"examples": ["2026年12月督查事项进展填报"]})
    due = fields.Date(required=True)
    filter = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "列表的筛选语法，如 {\"status__in\": \"交办,办理中\"}；开启时匹配的记录即本轮事项"})
    fields_ = fields.List(fields.String(), required=True, data_key="fields",
                          metadata={"description": "承办单位须填写的字段"})
    repeat = fields.Nested(RoundRepeatSchema, allow_none=True,
                           metadata={"description": "截止日期过后自动开启下一轮（并结束本轮）"})


class RoundReportSchema(Body):
    data = fields.Dict(required=True, metadata={"description": "只能是本轮的填报字段，且每个都要填"})
    note = fields.String(allow_none=True, validate=validate.Length(max=2000),
                         metadata={"description": "本期进展；台帐有进展记录时同时记入"})
    version = fields.Integer(metadata={"description": "记录的版本号（也可用 If-Match）；过期时 412"})
