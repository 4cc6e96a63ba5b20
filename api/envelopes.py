"""marshmallow schemas for what the API sends: one place that fixes each envelope's shape.

The views dump entries, ledgers, versions and revisions through them; every one is also a
component of /openapi.json (api/openapi.py), so the document shows what the views send.
Members whose shape is core's own (a definition, an entry's data) are described, not re-declared:
a `Nested` here would drop keys on dump.
"""
from marshmallow import EXCLUDE, Schema, fields, validate

from core.definition.kinds import KINDS
from core.reports import spec as reportspec

from .inputs import DefinitionSchema, LedgerOrderSchema, PermissionsSchema

__all__ = ["LedgerOrderSchema", "PermissionsSchema"]  # answers that repeat their request's shape


class Envelope(Schema):
    class Meta:
        unknown = EXCLUDE  # never loaded: no additionalProperties claim in the document


def shaped(**members: str) -> dict:
    """The JSON Schema metadata of an object whose listed members are strings."""
    return {"properties": {name: {"type": kind} for name, kind in members.items()}}


def items(of: type[Schema]) -> fields.List:
    return fields.List(fields.Nested(of))


PROBLEM = shaped(path="string", message="string")


class EntrySchema(Envelope):
    id = fields.Integer()
    ledger = fields.String()
    seq = fields.Integer(allow_none=True, metadata={"description": "台帐内的序号（1, 2, 3…，不重复使用）"})
    number = fields.String(allow_none=True, metadata={"description": "编号，如 督〔2026〕12号（x-ledger.numbering）"})
    version = fields.Integer(metadata={"description": "行版本号：修改时放在 If-Match 中"})
    definition_version = fields.Integer()
    data = fields.Dict(metadata={"description": "按台帐定义填写的字段（EntryData）"})
    created_at = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)
    updated_by = fields.String(allow_none=True)
    next = fields.List(fields.Dict(metadata=shaped(to="string", label="string")), metadata={
        "description": "当前用户可执行的流程步骤（台帐定义了 workflow 时，仅读取一条记录时）"})
    problems = fields.List(fields.Dict(metadata=shaped(field="string", message="string")), metadata={
        "description": "仅当当前版本的定义不接受该记录时出现（记录保存于较早版本）：[{field, message}]"})


class PageSchema(Envelope):
    items = items(EntrySchema)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    size = fields.Integer(required=True)


class LedgerSchema(Envelope):
    key = fields.String()
    title = fields.String()
    version = fields.Integer()
    entry_count = fields.Integer()
    description = fields.String()
    updated_at = fields.String(allow_none=True)
    position = fields.Integer()
    archived = fields.Boolean()
    archived_at = fields.String(allow_none=True)


class LedgersSchema(Envelope):
    items = items(LedgerSchema)


class LedgerDetailSchema(LedgerSchema):
    definition = fields.Nested(DefinitionSchema)
    problems = fields.List(fields.Dict(metadata=PROBLEM), metadata={
        "description": "已保存的规则（校验规则、显示条件，对可修改定义者还有权限规则）无法识别而未生效时出现"})


class VersionSchema(Envelope):
    version = fields.Integer()
    created_at = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)


class VersionsSchema(Envelope):
    items = items(VersionSchema)


class RevisionSchema(Envelope):
    id = fields.Integer()
    action = fields.String()
    version = fields.Integer()
    at = fields.String()
    by = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    changes = fields.Dict(metadata={"description": "{字段名: [旧值, 新值]}"})


class RevisionsSchema(Envelope):
    items = items(RevisionSchema)


class ChangesSchema(Envelope):
    start = fields.Integer(data_key="from")
    end = fields.Integer(data_key="to")
    changes = fields.List(fields.Dict(metadata=shaped(kind="string", field="string", title="string", message="string")),
                          metadata={"description": "kind 为 added removed renamed retitled retyped limits choices "
                                                   "required rules reordered"})


class PlanSchema(Envelope):
    affected = fields.Integer(required=True, metadata={"description": "新版本（改名与迁移之后）不接受的现有记录数"})
    examples = fields.List(fields.Dict(metadata={"properties": {
        "id": {"type": "integer"}, "number": {"type": ["string", "null"]},
        "errors": {"type": "array", "items": {"type": "object"}}}}), required=True)
    changes = fields.List(fields.Dict(), required=True, metadata={
        "description": "每项修改及其导致不符合的记录数（affected）与示例（examples）"})
    other = fields.Dict(metadata={"description": "不由某一项修改引起的不符合记录：{affected, examples}"})
    broken = fields.Integer(metadata={"description": "类型变更后无法保留的现有值个数（不迁移则拒绝发布，409）"})
    broken_examples = fields.List(fields.Dict())


class ArchivedSchema(Envelope):
    key = fields.String()
    archived = fields.Boolean()


class LedgerProposalSchema(Envelope):
    definition = fields.Nested(DefinitionSchema, required=True)
    fields_ = fields.List(fields.Dict(metadata={"properties": {
        "key": {"type": "string"}, "title": {"type": "string"},
        "kind": {"enum": [*KINDS, None], "description": "推断的字段类型"},
        "reason": {"type": "string"}}}), data_key="fields", required=True)
    rows = fields.Integer(required=True)
    warnings = fields.List(fields.String())


class DraftSchema(Envelope):
    key = fields.String()
    document = fields.Nested(DefinitionSchema)
    updated_at = fields.String()
    updated_by = fields.String(allow_none=True)
    problems = fields.List(fields.Dict(metadata=PROBLEM), metadata={"description": "草稿的全部问题（草稿可以有错）"})


class PublishedSchema(Envelope):
    key = fields.String()
    version = fields.Integer()
    created = fields.Boolean(metadata={"description": "true：新建了台帐（201）"})


class UserSchema(Envelope):
    id = fields.Integer()
    name = fields.String()
    role = fields.String()
    unit = fields.String(allow_none=True, metadata={"description": "所属单位的标识"})
    unit_title = fields.String(allow_none=True, metadata={"description": "所属单位的名称"})
    active = fields.Boolean()
    created_at = fields.String(allow_none=True)
    last_login_at = fields.String(allow_none=True)


class UsersSchema(Envelope):
    items = items(UserSchema)


class UnitSchema(Envelope):
    key = fields.String(required=True)
    title = fields.String(required=True)
    parent = fields.String(allow_none=True)
    order = fields.Integer()
    depth = fields.Integer(metadata={"description": "层级，0 为顶层（仅列表中）"})


class UnitsSchema(Envelope):
    items = items(UnitSchema)


class AuditRecordSchema(Envelope):
    id = fields.Integer()
    at = fields.DateTime()
    user = fields.String(allow_none=True)
    action = fields.String()
    ledger = fields.String(allow_none=True)
    entry_id = fields.Integer(allow_none=True)
    filters = fields.Dict(allow_none=True, metadata={"description": "列表、导出、报表的参数等"})
    rows = fields.Integer(allow_none=True, metadata={"description": "涉及的行数"})
    prev_hash = fields.String()
    hash = fields.String()


class AuditPageSchema(PageSchema):
    items = items(AuditRecordSchema)


class ReportInfoSchema(Envelope):
    key = fields.String()
    title = fields.String()
    chart = fields.String(validate=validate.OneOf(reportspec.CHARTS))
    group_by = fields.List(fields.Dict(metadata=shaped(key="string", title="string")))


class ReportsSchema(Envelope):
    items = items(ReportInfoSchema)


class ReportSchema(Envelope):
    key = fields.String()
    title = fields.String()
    chart = fields.String(validate=validate.OneOf(reportspec.CHARTS))
    columns = fields.List(fields.Dict(metadata={"properties": {
        "key": {"type": "string"}, "title": {"type": "string"}, "role": {"enum": ["group", "measure"]},
        "format": {"enum": list(reportspec.FORMATS)}}}))
    rows = fields.List(fields.Dict())
    totals = fields.Dict(metadata={"description": "{all, rows, columns}：合计（两个分组时另有按行、按列的小计）"})


class ImportReportSchema(Envelope):
    dry_run = fields.Boolean()
    ok = fields.Boolean()
    total = fields.Integer()
    valid = fields.Integer()
    invalid = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    errors = fields.List(fields.Dict())
    warnings = fields.List(fields.Raw())
    truncated = fields.Boolean()
    rejected = fields.Dict(metadata={"description": "有误的行：{headers, rows}"})


class FileSchema(Envelope):
    """An uploaded attachment (core/files/records.py shown)."""
    id = fields.String()
    name = fields.String()
    size = fields.Integer()
    type = fields.String(metadata={"description": "按内容判断的媒体类型"})
    sha256 = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.String(metadata={"format": "date-time"})


class ErrorSchema(Envelope):
    error = fields.String(required=True)
    errors = fields.List(fields.Dict(), required=True)


class HealthSchema(Envelope):
    status = fields.String(required=True, metadata={"enum": ["ok"]})
    database = fields.String(required=True, metadata={"enum": ["ok"]})
