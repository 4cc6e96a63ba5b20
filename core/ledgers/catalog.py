"""The catalogue of ledgers: archiving (hidden from staff, data kept) and the index page's order.

Archiving only stamps `ledgers.archived_at`; entries, versions and counts stay as they were,
and core/access/policy.py makes the ledger a 404 for everyone but admins, read-only for them.
The order is `ledgers.position` (1, 2, ...); a ledger never placed (0) comes after the placed
ones, by title (core/entries/query.py LEDGER_ORDER).
"""
from __future__ import annotations

from sqlalchemy import select, update

from core.access import policy as access
from core.access.guarded import with_rules
from core.access import audit
from core.access.policy import Actor, require
from core.errors import Conflict, QueryError
from core.db.models import Database, ledger_drafts, ledgers, utcnow
from core.entries.query import LEDGER_ORDER
from core.entries.store import lock_ledger


class UnknownLedgers(QueryError):
    """An order names ledgers that do not exist, or one twice: nothing is reordered."""

    status = 422


def archive(db: Database, actor: Actor, key: str) -> dict:
    """Hide ledger `key` from staff; its data stays and `restore` brings it back."""
    with db.write() as conn:
        row = with_rules(conn, lock_ledger(conn, key))
        require(actor, "define", row)
        if row.archived_at is not None:
            raise Conflict(f"台帐“{row.title}”已归档")
        now = utcnow()
        conn.execute(update(ledgers).where(ledgers.c.id == row.id).values(archived_at=now))
        audit.record(conn, actor, "archive", key)
    return {"key": key, "archived": True}


def restore(db: Database, actor: Actor, key: str) -> dict:
    """Show an archived ledger again, as it was."""
    with db.write() as conn:
        row = with_rules(conn, lock_ledger(conn, key))
        require(actor, "read", row)  # an archived ledger is missing (404) for all but admins
        if row.archived_at is None:
            require(actor, "define", row)
            raise Conflict(f"台帐“{row.title}”未归档")
        require(actor, "define", access.Guarded({**row, "archived_at": None}))
        conn.execute(update(ledgers).where(ledgers.c.id == row.id).values(archived_at=None))
        audit.record(conn, actor, "restore", key)
    return {"key": key, "archived": False}


def reorder(db: Database, actor: Actor, keys: object) -> list[str]:
    """Put the ledgers `keys` first, in that order; the others keep their order after them.
    Returns every key in the new order."""
    require(actor, "define")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise UnknownLedgers("顺序应为台帐标识的列表：{\"keys\": [...]}")
    with db.write() as conn:
        current = list(conn.execute(select(ledgers.c.key).order_by(*LEDGER_ORDER)
                                    .with_for_update()).scalars())
        unknown = [k for k in keys if k not in current]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        errors = [{"field": "keys", "message": f"台帐“{k}”不存在"} for k in unknown[:20]]
        errors += [{"field": "keys", "message": f"台帐“{k}”重复出现"} for k in twice[:20]]
        if errors:
            raise UnknownLedgers("台帐顺序有误：" + "；".join(e["message"] for e in errors), errors)
        listed = set(keys)
        order = keys + [k for k in current if k not in listed]
        for position, key in enumerate(order, 1):
            conn.execute(update(ledgers).where(ledgers.c.key == key).values(position=position))
        audit.record(conn, actor, "reorder", filters={"keys": keys})
    return order


def move(db: Database, actor: Actor, key: str, step: int) -> list[str]:
    """Move ledger `key` one place up (step -1) or down (+1) in the order (the manage page)."""
    with db.read() as conn:
        current = list(conn.execute(select(ledgers.c.key).order_by(*LEDGER_ORDER)).scalars())
    if key not in current:
        raise UnknownLedgers(f"台帐“{key}”不存在")
    i = current.index(key)
    j = min(max(i + step, 0), len(current) - 1)
    current[i], current[j] = current[j], current[i]
    return reorder(db, actor, current)


def key_taken(db: Database, key: str) -> str | None:
    """Why ledger key `key` cannot be given to a new ledger (a ledger or a draft has it), or None."""
    with db.read() as conn:
        title = conn.execute(select(ledgers.c.title).where(ledgers.c.key == key)).scalar()
        if title is not None:
            return f"标识“{key}”已被台帐“{title}”使用"
        if conn.execute(select(ledger_drafts.c.key).where(ledger_drafts.c.key == key)).first():
            return f"标识“{key}”已有一份草稿"
    return None
