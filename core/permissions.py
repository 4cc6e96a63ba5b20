"""Reading and setting a ledger's permission rules (the rules themselves: core/access.py)."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, select

from . import access, audit, units
from .access import Actor, require
from .models import Database, ledger_permissions, utcnow
from .store import definition_of


def get_permissions(db: Database, actor: Actor, key: str) -> dict:
    """{"rules": [...], "default": bool}: default when the ledger has no rules of its own."""
    with db.read() as conn:
        row, _ = definition_of(conn, key)
        require(actor, "define", access.with_rules(conn, row))
        rules = conn.execute(select(ledger_permissions.c.rules)
                             .where(ledger_permissions.c.ledger_id == row.id)).scalar()
    return {"rules": rules or [], "default": rules is None}


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
