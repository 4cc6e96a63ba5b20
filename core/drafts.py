"""Drafts: a definition being designed, saved as typed and not live until published.

One draft per ledger key (also for a ledger that does not exist yet). A draft may be invalid:
that is what a draft is for; its problems are reported, never stored into a ledger.
Publishing goes through store.save_definition like any new version, then drops the draft.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from .access import Actor, require
from .definition import Definition, check_definition
from .errors import DefinitionError, NotFound, QueryError
from .models import Database, ledger_drafts, ledgers, utcnow
from .textcheck import value_problem

KEY_LIMIT = 64


def save_draft(db: Database, actor: Actor, key: str, document: Any) -> dict:
    """Store (or replace) the draft of ledger `key`; returns it as get_draft does."""
    require(actor, "define")
    if not isinstance(key, str) or not 0 < len(key) <= KEY_LIMIT:
        raise QueryError("草稿的台帐标识无效")
    if value_problem(document) is not None:  # say where: the field nested too deep, the bad text
        where = list(check_definition(document))[:1]
        raise QueryError("草稿无法保存：" + (where[0]["message"] if where else "含有无法保存的字符或嵌套过深"), where)
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


def ledger_exists(db: Database, key: str) -> bool:
    with db.read() as conn:
        return conn.execute(select(ledgers.c.id).where(ledgers.c.key == key)).first() is not None


def publish(db: Database, actor: Actor, key: str, document: Any, affected: str = "keep",
            migrate: dict | None = None) -> tuple[Definition, bool]:
    """Publish `document` as the next version of ledger `key` (or create the ledger), then drop
    the draft. Returns (the stored definition, whether the ledger is new). A bad document or a
    key other than `key` raises DefinitionError and changes nothing, the draft included."""
    from . import store  # store does not know about drafts; drafts publish through it

    require(actor, "define", key)
    if affected not in ("keep", "migrate"):
        raise QueryError("affected 应为 keep（保留旧记录）或 migrate（迁移旧记录）")
    _same_key(document, key)
    if not ledger_exists(db, key):
        definition, created = store.create_ledger(db, actor, document), True
    elif affected == "migrate":  # the evolution branch's keywords; "keep" is save_definition's default
        definition, created = store.save_definition(db, actor, document, affected="migrate",
                                                    migrate=migrate or {}), False
    else:
        definition, created = store.save_definition(db, actor, document), False
    delete_draft(db, actor, key)
    return definition, created


def _same_key(document: Any, key: str) -> None:
    """A draft is published under its own key: x-ledger.key must say the same (or be absent)."""
    options = document.get("x-ledger") if isinstance(document, dict) else None
    if isinstance(options, dict):
        if options.get("key", key) != key:
            raise DefinitionError("台帐定义有误", [{"path": "/x-ledger/key",
                                                   "message": f"台帐标识应为“{key}”，与草稿一致"}])
        options.setdefault("key", key)


def problems(document: Any) -> list[dict]:
    """Every problem of a (draft) definition, {path, message}, as check_definition gives them."""
    return list(check_definition(document))
