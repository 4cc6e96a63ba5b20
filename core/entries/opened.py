"""One ledger as one actor reaches it, read once per request and handed down.

A request used to reload the ledger row, its rules and its definition in every helper it
called (the entry page read the ledger row five times). `open_ledger` reads the row and its
rules in one statement, takes the definition from the worker's cache, and keeps the result in
the request's memo (core/db/models.py Database.request), so every later helper of the same
request gets the same object. Each surface asks it for the scope of its own action.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.access import policy
from core.access.policy import Actor, Guarded, Scope, usable_rules
from core.db.models import ledger_permissions, ledgers
from core.db.reads import request_memo
from core.definition.model import Definition
from core.entries.definitions import definition_for
from core.errors import NotFound

# Ledger rows with their stored rules: one statement for one ledger or for the index page's all.
WITH_RULES = select(ledgers, ledger_permissions.c.rules.label("_rules")).outerjoin(
    ledger_permissions, ledger_permissions.c.ledger_id == ledgers.c.id)


@dataclass(frozen=True)
class OpenLedger:
    """A ledger row with its rules, one version of its definition, and what `actor` may do."""

    actor: Actor | None
    row: Guarded
    definition: Definition

    @property
    def key(self) -> str:
        return self.row.key

    @property
    def id(self) -> int:
        return self.row.id

    def actions(self) -> set[str]:
        return policy.actions(self.actor, self.row)

    def can(self, action: str) -> bool:
        return policy.can(self.actor, action, self.row)

    def require(self, action: str) -> None:
        policy.require(self.actor, action, self.row)

    def scope(self, action: str = "read") -> Scope:
        return policy.scope(self.actor, self.row, action)


def guarded_row(conn: Connection, key: str) -> Guarded:
    """Ledger `key`'s row with its permission rules (one statement); NotFound if there is none."""
    found = conn.execute(WITH_RULES.where(ledgers.c.key == key)).first()
    if found is None:
        raise NotFound(f"台帐“{key}”不存在")
    return guarded(found)


def guarded(found: Any) -> Guarded:
    """A row of WITH_RULES as the policy reads it."""
    values = dict(found._mapping)
    stored = values.pop("_rules")
    return Guarded(values, permissions=usable_rules(stored), stored_permissions=stored)


def open_ledger(conn: Connection, actor: Actor | None, key: str, version: int | None = None) -> OpenLedger:
    """Ledger `key` as `actor` reaches it (no permission asked yet: see `require`), read once
    per request."""
    memo = request_memo(conn)
    memo_key = ("ledger", actor, key, version)
    if memo is not None and memo_key in memo:
        return memo[memo_key]
    row = guarded_row(conn, key)
    opened = OpenLedger(actor, row, definition_for(conn, row, version))
    if memo is not None:
        memo[memo_key] = opened
    return opened

