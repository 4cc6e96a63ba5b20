"""Drafts: a definition being designed, saved as typed and not live until published.

One draft per ledger key (also for a ledger that does not exist yet). A draft may be invalid:
that is what a draft is for; its problems are reported, never stored into a ledger.
Publishing goes through store.save_definition like any new version, then drops the draft.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from .access import Actor, require
from .errors import NotFound, QueryError
from .models import Database, ledger_drafts, utcnow
from .textcheck import value_problem

KEY_LIMIT = 64


def save_draft(db: Database, actor: Actor, key: str, document: Any) -> dict:
    """Store (or replace) the draft of ledger `key`; returns it as get_draft does."""
    require(actor, "define")
    if not isinstance(key, str) or not 0 < len(key) <= KEY_LIMIT:
        raise QueryError("草稿的台帐标识无效")
    if value_problem(document) is not None:
        raise QueryError("草稿中含有无法保存的字符或嵌套过深")
    now = utcnow()
    with db.write() as conn:
        done = conn.execute(update(ledger_drafts).where(ledger_drafts.c.key == key).values(
            document=document, updated_at=now, updated_by=actor.name)).rowcount
        if not done:
            conn.execute(insert(ledger_drafts).values(
                key=key, document=document, updated_at=now, updated_by=actor.name))
    return {"key": key, "document": document, "updated_at": now, "updated_by": actor.name}


def get_draft(db: Database, actor: Actor, key: str) -> dict:
    require(actor, "define")
    with db.read() as conn:
        row = conn.execute(select(ledger_drafts).where(ledger_drafts.c.key == key)).first()
    if row is None:
        raise NotFound(f"台帐“{key}”没有草稿")
    return dict(row._mapping)


def list_drafts(db: Database, actor: Actor) -> list[dict]:
    require(actor, "define")
    with db.read() as conn:
        rows = conn.execute(select(ledger_drafts).order_by(ledger_drafts.c.updated_at.desc()))
        return [dict(r._mapping) for r in rows]


def delete_draft(db: Database, actor: Actor, key: str) -> bool:
    """Drop the draft of `key`; whether there was one."""
    require(actor, "define")
    with db.write() as conn:
        return bool(conn.execute(delete(ledger_drafts).where(ledger_drafts.c.key == key)).rowcount)
