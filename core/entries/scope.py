"""Which entries a scope reaches (core/access/policy.py scope): one rule, asked of a stored row,
of data about to be written, and as the SQL condition every list, report and import adds."""
from __future__ import annotations

from typing import Any

from sqlalchemy import false

from core.access import policy as access
from core.access.policy import Scope
from core.db.counts import field_expr
from core.db.models import entries
from core.definition.model import Definition
from core.errors import Forbidden


def in_scope(definition: Definition, sc: access.Scope, row: Any) -> bool:
    """Whether a stored entry row lies inside scope `sc` (the same rule as scope_condition)."""
    if not sc.limited:
        return True
    if sc.reach == "none":
        return False
    f = definition.unit_field
    if sc.reach == "unit" and f is not None:
        return (row.data or {}).get(f.key) in sc.units
    return row.created_by == sc.name


def out_of_scope(definition: Definition, sc: access.Scope, data: Any) -> str | None:
    """Why entry data may not be written under scope `sc` (its unit lies outside), or None."""
    if sc.reach == "none":
        return "没有权限"
    f = definition.unit_field
    if sc.reach != "unit" or f is None or not isinstance(data, dict):
        return None
    value = data.get(f.key)
    if value in sc.units:
        return None
    return f"{f.title}“{value if value is not None else ''}”不在您的权限范围内（可填：{'、'.join(sorted(sc.units)) or '无'}）"


def refuse_outside(definition: Definition, sc: access.Scope, data: Any) -> None:
    """Forbidden, naming the unit field, when entry data may not be written under scope `sc`."""
    message = out_of_scope(definition, sc, data)
    if message:
        raise Forbidden(message, [{"field": definition.unit_field.key, "message": message}])


def scope_condition(dialect: str, definition: Definition, sc: Scope):
    """The rows a scope reaches: the unit field among the unit titles (unit), or the rows the
    actor created (own; also unit scope on a ledger that names no unit field), or no row
    (none). None: all."""
    if not sc.limited:
        return None
    if sc.reach == "none":
        return false()
    f = definition.unit_field
    if sc.reach == "unit" and f is not None:
        if not sc.units:
            return false()
        return field_expr(dialect, f).in_(sorted(sc.units))
    return entries.c.created_by == sc.name
