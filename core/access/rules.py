"""Reading and setting a ledger's permission rules (the rules themselves: core/access/policy.py)."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, select

from core.access import policy as access
from core.access.guarded import with_rules
from core.access import audit
from core.access import units
from core.access.policy import Actor, require
from core.db.models import Database, ledger_permissions, utcnow
from core.definition.rules import stored_rule_problems
from core.entries.definitions import definition_of
from core.entries.opened import open_ledger


def get_permissions(db: Database, actor: Actor, key: str) -> dict:
    """{"rules": [...], "default": bool}: default when the ledger has no rules of its own; the
    rules as stored, with "problems" ({path, message}) naming each that no longer reads."""
    with db.read() as conn:
        row, _ = definition_of(conn, key)
        require(actor, "define", with_rules(conn, row))
        rules = conn.execute(select(ledger_permissions.c.rules)
                             .where(ledger_permissions.c.ledger_id == row.id)).scalar()
    out = {"rules": rules or [], "default": rules is None}
    found = access.rule_problems(rules, units.unit_keys(db))
    return out | {"problems": found} if found else out


def problems(db: Database, actor: Actor, key: str) -> list[dict]:
    """What of a ledger's stored rules no longer reads and is left out, as {path, message} in
    Chinese: its definition's rules and display conditions for every reader, its permission
    rules too for those who may define it (who may see them)."""
    with db.read() as conn:
        ledger = open_ledger(conn, actor, key)
        ledger.require("read")
    found = stored_rule_problems(ledger.definition)
    stored = ledger.row.stored_permissions
    if stored is not None and ledger.can("define"):
        found += [{**p, "path": "/permissions" + p["path"]}
                  for p in access.rule_problems(stored, units.unit_keys(db))]
    return found


def set_permissions(db: Database, actor: Actor, key: str, document: Any) -> dict:
    """Replace a ledger's rules; {"rules": []} sets no rule at all, {"rules": null} or
    {"default": true} returns the ledger to the plain role behaviour. Admins only."""
    require(actor, "manage_users")
    known = units.unit_keys(db)
    restore = isinstance(document, dict) and (document.get("default") is True or
                                              ("rules" in document and document["rules"] is None))
    rules = None if restore else access.check_rules(document, known)
    with db.write() as conn:
        row, _ = definition_of(conn, key)
        conn.execute(delete(ledger_permissions).where(ledger_permissions.c.ledger_id == row.id))
        if rules is not None:
            conn.execute(insert(ledger_permissions).values(ledger_id=row.id, rules=rules,
                                                           updated_at=utcnow(), updated_by=actor.name))
        audit.record(conn, actor, "permissions", key, filters={
            "default": rules is None, "rules": json.dumps(rules, ensure_ascii=False) if rules is not None else None})
    return {"rules": rules or [], "default": rules is None}
