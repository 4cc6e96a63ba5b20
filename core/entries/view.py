"""Entries as callers see them: the API's and the pages' one shape, data in field order, times as UTC text."""
from __future__ import annotations

from typing import Any

from core.definition.model import Definition, Field
from core.definition.tree import inside


def entry_view(definition: Definition, row: Any, key: str | None = None) -> dict:
    """An entry as callers see it, its data in the definition's field order."""
    return {"id": row["id"], "seq": row.get("seq"), "number": row.get("number"),
            "ledger": key or definition.key, "version": row["version"],
            "definition_version": row["def_version"], "data": in_field_order(definition.fields, row["data"]),
            "created_at": iso(row["created_at"]), "created_by": row["created_by"],
            "updated_at": iso(row["updated_at"]), "updated_by": row["updated_by"]}


def in_field_order(fields: tuple[Field, ...], data: dict) -> dict:
    """`data` with keys in form order, child rows and groups too (PostgreSQL's JSONB reorders keys)."""
    # every list page and export row passes here: only fields with sub-fields take the step down
    ordered = {f.key: _ordered(f, data[f.key]) if f.children else data[f.key] for f in fields if f.key in data}
    if len(ordered) != len(data):
        ordered.update((k, v) for k, v in data.items() if k not in ordered)
    return ordered


def _ordered(f: Field, value: Any) -> Any:
    """A value reordered only in the shape its field declares (a group's object, a table's rows);
    an earlier version's shape is shown as stored."""
    return inside(f, value, in_field_order) if f.type.rows == isinstance(value, list) else value


def iso(value) -> str | None:
    """A stored timestamp (UTC, naive or aware) as ISO text to the second with a Z; None stays None."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")
