"""marshmallow schemas for what the API sends: one place that fixes each envelope's shape."""
from marshmallow import Schema, fields


class EntrySchema(Schema):
    id = fields.Integer()
    seq = fields.Integer(allow_none=True)
    number = fields.String(allow_none=True)
    ledger = fields.String()
    version = fields.Integer()
    definition_version = fields.Integer()
    data = fields.Dict()
    created_at = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)
    updated_by = fields.String(allow_none=True)
    next = fields.List(fields.Dict())  # GET of one entry in a ledger with a workflow: [{"to", "label"}]
    problems = fields.List(fields.Dict())  # only when the current version would refuse it: [{"field", "message"}]


class PageSchema(Schema):
    items = fields.List(fields.Nested(EntrySchema))
    total = fields.Integer()
    page = fields.Integer()
    size = fields.Integer()


class LedgerSchema(Schema):
    key = fields.String()
    title = fields.String()
    version = fields.Integer()
    entry_count = fields.Integer()
    description = fields.String()
    updated_at = fields.String(allow_none=True)
    position = fields.Integer()
    archived = fields.Boolean()
    archived_at = fields.String(allow_none=True)


class VersionSchema(Schema):
    version = fields.Integer()
    created_at = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)


class RevisionSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    version = fields.Integer()
    at = fields.String()
    by = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    changes = fields.Dict()
