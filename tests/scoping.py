"""A small ledger with an owning unit, units A (with a sub-unit A1) and B, and users of each:
shared by the scope tests (engine), the permission matrix (API and pages) and the unit tests."""
from __future__ import annotations

from core.access import accounts
from core.access import rules as permissions
from core.entries import store
from core.ledgers import versions
from core.access import units
from core.access.policy import SYSTEM

DOC = {
    "title": "范围测试台帐",
    "type": "object",
    "properties": {
        "code": {"type": "string", "title": "编号", "maxLength": 20},
        "name": {"type": "string", "title": "事项", "maxLength": 50},
        "unit": {"type": "string", "title": "承办单位", "maxLength": 50},
        "due": {"type": "string", "title": "时限", "format": "date"},
        "status": {"type": "string", "title": "状态", "enum": ["办理中", "已办结"]},
        "score": {"type": "integer", "title": "分数"},
    },
    "required": ["code", "name", "unit"],
    "x-ledger": {"key": "scoped", "unit_field": "unit", "business_key": "code",
                 "overdue": {"date": "due", "status": "status", "closed": ["已办结"]},
                 "bulletin": {"unit": "unit", "content": "name"},
                 "list": {"filters": ["unit", "status"], "search": ["name"], "sort": "code"},
                 "reports": [{"key": "by_unit", "title": "按单位", "group_by": ["unit"],
                              "measures": [{"fn": "count"}, {"fn": "sum", "field": "score"}]}]},
}
A, A1, B = "甲科", "甲科一组", "乙科"
SECRET = "乙科机密事项"


def setup(db, rules=None) -> dict:
    """The ledger with entries of A, A1 and B; users: a_editor, a_viewer (unit A), b_editor
    (unit B), a1_editor (A1), nounit (no unit). Returns {name: Actor}."""
    versions.save_definition(db, SYSTEM, DOC)
    units.create_unit(db, SYSTEM, "a", A)
    units.create_unit(db, SYSTEM, "a1", A1, parent="a")
    units.create_unit(db, SYSTEM, "b", B)
    rows = [{"code": "A-1", "name": "甲事项一", "unit": A, "due": "2000-01-01", "status": "办理中", "score": 1},
            {"code": "A-2", "name": "甲事项二", "unit": A, "status": "办理中", "score": 2},
            {"code": "A1-1", "name": "甲一组事项", "unit": A1, "due": "2000-01-01", "score": 4},
            {"code": "B-1", "name": SECRET, "unit": B, "due": "2000-01-01", "status": "办理中", "score": 100},
            {"code": "B-2", "name": "乙事项二", "unit": B, "score": 200}]
    store.create_entries(db, SYSTEM, "scoped", rows)
    actors = {"a_editor": accounts.create_user(db, "a_editor", "editor", "password-a", unit="a"),
              "a_viewer": accounts.create_user(db, "a_viewer", "viewer", "password-v", unit="a"),
              "a1_editor": accounts.create_user(db, "a1_editor", "editor", "password-1", unit="a1"),
              "b_editor": accounts.create_user(db, "b_editor", "editor", "password-b", unit="b"),
              "nounit": accounts.create_user(db, "nounit", "editor", "password-n")}
    if rules is not None:
        permissions.set_permissions(db, SYSTEM, "scoped", {"rules": rules})
    return actors


UNIT_RULES = [{"role": "editor", "actions": ["read", "create", "edit", "delete", "export", "import"], "scope": "unit"},
              {"role": "viewer", "actions": ["read", "export"], "scope": "unit"}]
