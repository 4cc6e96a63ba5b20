"""Drafts: a definition being designed, saved as typed and not live until published.

One draft per ledger key (also for a ledger that does not exist yet). A draft may be invalid:
that is what a draft is for; its problems are reported, never stored into a ledger.
Who may keep a ledger's draft is who may define it (`store.require_define`: the ledger's
rules, which may grant `define` to an editor; the role for a new ledger), as for
`PUT /ledgers/<key>`. Publishing publishes the draft through `versions.save_definition` like any
new version and drops it in the same transaction.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from core.access import policy as access
from core.access.guarded import with_rules
from core.entries import store
from core.ledgers import versions
from core.access.policy import Actor
from core.definition.checks import check_definition
from core.definition.model import Definition
from core.errors import DefinitionError, NotFound, QueryError
from core.db.models import Database, ledger_drafts, ledgers, utcnow
from core.definition.textcheck import value_problem

KEY_LIMIT = 64


def save_draft(db: Database, actor: Actor, key: str, document: Any) -> dict:
    """Store (or replace) the draft of ledger `key`; returns it as get_draft does."""
    store.require_define(db, actor, key)
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
    store.require_define(db, actor, key)
    with db.read() as conn:
        row = conn.execute(select(ledger_drafts).where(ledger_drafts.c.key == key)).first()
    if row is None:
        raise NotFound(f"台帐“{key}”没有草稿")
    return dict(row._mapping)


def list_drafts(db: Database, actor: Actor) -> list[dict]:
    """The drafts `actor` may define, newest first (an editor: those of ledgers a rule gives it)."""
    with db.read() as conn:
        rows = [dict(r._mapping) for r in
                conn.execute(select(ledger_drafts).order_by(ledger_drafts.c.updated_at.desc()))]
        found = {r.key: with_rules(conn, r) for r in conn.execute(
            select(ledgers).where(ledgers.c.key.in_([d["key"] for d in rows])))} if rows else {}
    return [d for d in rows if access.can(actor, "define", found.get(d["key"]))]


def delete_draft(db: Database, actor: Actor, key: str) -> bool:
    """Drop the draft of `key`; whether there was one."""
    store.require_define(db, actor, key)
    with db.write() as conn:
        return bool(conn.execute(delete(ledger_drafts).where(ledger_drafts.c.key == key)).rowcount)


def ledger_exists(db: Database, key: str) -> bool:
    with db.read() as conn:
        return conn.execute(select(ledgers.c.id).where(ledgers.c.key == key)).first() is not None


def publish(db: Database, actor: Actor, key: str, document: Any = None, affected: str = "keep",
            migrate: dict | None = None) -> tuple[Definition, bool]:
    """Publish the draft of ledger `key` as its next version (or create the ledger) and drop
    the draft, in one transaction. The draft is the stored one (the API), or `document` when
    given: the designer's page, which is the draft being edited (saved and published at once).
    Returns (the stored definition, whether the ledger is new). A bad document, a key other
    than `key`, or `migrate` without affected=migrate (as `PUT /ledgers/<key>` answers) raises
    and changes nothing, the draft included. A draft saved meanwhile by someone else stays."""
    seen = None
    if document is None:
        draft = get_draft(db, actor, key)
        document, seen = draft["document"], draft["updated_at"]
    store.require_define(db, actor, key)
    if affected not in ("keep", "migrate"):
        raise QueryError("affected 应为 keep（保留旧记录）或 migrate（迁移旧记录）")
    _same_key(document, key)
    created = not ledger_exists(db, key)
    definition = versions.save_definition(db, actor, document, must_be_new=created, affected=affected,
                                       migrate=migrate, also=lambda conn: _drop(conn, key, seen))
    return definition, created


def _drop(conn: Connection, key: str, seen: Any) -> None:
    """Drop the published draft: the one read (`seen`: its updated_at), or any when the page's
    document was published."""
    where = [ledger_drafts.c.key == key]
    if seen is not None:
        where.append(ledger_drafts.c.updated_at == seen)
    conn.execute(delete(ledger_drafts).where(*where))


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
