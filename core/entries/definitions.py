"""A ledger's row and its stored definitions, read by every reader and writer of its entries.

Definitions are immutable per (database, ledger, version), so every worker may keep the ones
it has loaded; saving a new version (core/ledgers/versions.py) adds to the same cache.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.db.models import ledger_versions, ledgers
from core.definition.model import Definition
from core.definition.loading import load_definition
from core.errors import NotFound

_DEFINITIONS: dict[tuple[str, int, int], Definition] = {}


def ledger_row(conn: Connection, key: str):
    """The row of ledger `key`; NotFound if there is none."""
    row = conn.execute(select(ledgers).where(ledgers.c.key == key)).first()
    if row is None:
        raise NotFound(f"台帐“{key}”不存在")
    return row


INT32_MAX = 2**31 - 1


def definition_of(conn: Connection, key: str, version: int | None = None) -> tuple[Any, Definition]:
    """The ledger row and one version of its definition (the current one by default)."""
    row = ledger_row(conn, key)
    return row, definition_for(conn, row, version)


def definition_for(conn: Connection, row: Any, version: int | None = None) -> Definition:
    """One version of the definition of ledger `row` (the current one by default), cached."""
    version = row.current_version if version is None else version
    cached = _DEFINITIONS.get((str(conn.engine.url), row.id, version))
    if cached is not None:
        return cached
    stored = definition_row(conn, row.id, version)
    return cache_definition(conn, row.id, version, stored.definition)


def definition_row(conn: Connection, ledger_id: int, version: int):
    """The stored row of one version of a ledger's definition; NotFound if there is none."""
    if not 0 < version <= INT32_MAX:  # past the column's range PostgreSQL raises, not "none found"
        raise NotFound(f"台帐定义第 {version} 版不存在")
    stored = conn.execute(select(ledger_versions).where(
        ledger_versions.c.ledger_id == ledger_id, ledger_versions.c.version == version)).first()
    if stored is None:
        raise NotFound(f"台帐定义第 {version} 版不存在")
    return stored


def cache_definition(conn: Connection, ledger_id: int, version: int, document: dict) -> Definition:
    """`document` loaded as the stored `version` of ledger `ledger_id`, and kept for this worker."""
    definition = load_definition(document, version, stored=True)
    _DEFINITIONS[(str(conn.engine.url), ledger_id, version)] = definition
    return definition


def forget(url: str) -> None:
    """Drop this worker's cached definitions of database `url` (after a restore replaced it)."""
    for cached in [k for k in _DEFINITIONS if k[0] == url]:
        del _DEFINITIONS[cached]
