"""How a new version of a definition meets the entries already stored under older ones.

`plan_change` answers, storing nothing, what publishing `document` as the next version of
ledger `key` would do: which changes it makes (`changes`) and how many live entries it would
leave invalid (`affected`, with a few `examples`), once renamed fields have moved and the
given migration has run. `PUT /ledgers/<key>?dry_run=1` and the designer's publish dialog
show it before anything is stored; `store.save_definition` applies the same assessment.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.access.policy import Actor
from core.definition.loading import load_definition
from core.db.models import Database, entries, ledger_versions
from core.entries.query import readable
from core.entries.definitions import definition_of
from core.entries.view import iso
from core.definition.diff import changes, check_migration
from core.entries.validation import entry_errors
from core.ledgers.assess import assess

__all__ = ["plan_change", "diff_versions", "history", "retired_values", "changes", "entry_errors"]


def plan_change(db: Database, actor: Actor, key: str, document: Any, migrate: Any = None) -> dict:
    """{"affected": N, "examples": [{"id", "number", "errors"}], "changes": [...], "broken": M,
    "broken_examples": [...]}; a bad document or migration raises DefinitionError."""
    with db.read() as conn:
        ledger, current = readable(conn, actor, key, action="define")
    new = load_definition(document)
    migrate = check_migration(new, migrate)
    with db.read() as conn:
        rows = conn.execute(select(entries.c.id, entries.c.number, entries.c.data)
                            .where(entries.c.ledger_id == ledger.id, entries.c.deleted_at.is_(None))
                            .order_by(entries.c.id))
        outcome = assess(current, new, rows, migrate)
    return outcome.plan(changes(current, new))


def diff_versions(db: Database, actor: Actor, key: str, a: int, b: int) -> dict:
    """{"from": a, "to": b, "changes": [...]} between two stored versions of a ledger."""
    with db.read() as conn:
        readable(conn, actor, key, action="define")
        old, new = definition_of(conn, key, a)[1], definition_of(conn, key, b)[1]
    return {"from": a, "to": b, "changes": changes(old, new)}


def history(db: Database, actor: Actor, key: str) -> list[dict]:
    """Every version, newest first: who published it when, and its changes from the one before."""
    with db.read() as conn:
        ledger, current = readable(conn, actor, key, action="define")
        found = [definition_of(conn, key, v)[1] for v in range(1, current.version)] + [current]
        rows = {r.version: r for r in conn.execute(
            select(ledger_versions.c.version, ledger_versions.c.created_at, ledger_versions.c.created_by)
            .where(ledger_versions.c.ledger_id == ledger.id))}
    out = [{"version": d.version, "created_at": iso(rows[d.version].created_at),
            "created_by": rows[d.version].created_by, "changes": changes(before, d) if before is not None else []}
           for before, d in zip([None, *found[:-1]], found)]
    return list(reversed(out))


def retired_values(db: Database, actor: Actor, key: str, data: dict) -> list[dict]:
    """Values of fields the current version no longer has, each with the field as the last
    version that had it defined it ({"key", "title", "field", "value"}; field None if none did)."""
    with db.read() as conn:
        _, current = readable(conn, actor, key)
        keys = [k for k in data if k not in current.by_key]
        older = [definition_of(conn, key, v)[1] for v in range(current.version - 1, 0, -1)] if keys else []
    out = []
    for k in keys:
        f = next((d.by_key[k] for d in older if k in d.by_key), None)
        out.append({"key": k, "title": f.title if f else k, "field": f, "value": data[k]})
    return out
