"""The ledger and entry repository: versioned definitions, validated writes, revisions.

Every write runs in one transaction. Entries remember the definition version they were saved
under and a row version; an update only succeeds when the row version in its WHERE clause
still matches, so two people editing at once can never overwrite each other unseen.
"""
from __future__ import annotations

import hashlib
from typing import Any, Iterable

from sqlalchemy import (func, insert, select,
                        text, update)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateIndex, Index

from . import counts
from .access import Actor, require
from .counts import field_expr
from .definition import Definition, Field, load_definition
from .errors import Conflict, NotFound, QueryError, StaleEntry
from .models import Database, entries, ledger_versions, ledgers, revisions, utcnow
from .settings import INT64
from .validation import validate_entry

# Definitions are immutable per (database, ledger, version), so every worker may keep them.
_DEFINITIONS: dict[tuple[str, int, int], Definition] = {}


# --- definitions -------------------------------------------------------------------------

def save_definition(db: Database, actor: Actor, document: Any) -> Definition:
    """Store a definition as the next immutable version of its ledger (creating the ledger)."""
    require(actor, "design")
    definition = load_definition(document)
    try:
        return _save_version(db, actor, definition)
    except IntegrityError:  # another request saved the same ledger or version at the same moment
        raise Conflict(f"台帐“{definition.key}”正被他人同时修改，请重试") from None


def _save_version(db: Database, actor: Actor, definition: Definition) -> Definition:
    with db.write() as conn:
        row = conn.execute(select(ledgers).where(ledgers.c.key == definition.key)).first()
        now = utcnow()
        if row is None:
            ledger_id = conn.execute(insert(ledgers).values(
                key=definition.key, title=definition.title, current_version=1, entry_count=0,
                created_at=now, updated_at=now)).inserted_primary_key[0]
            version = 1
        else:
            ledger_id, version = row.id, row.current_version + 1
            current = _definition_row(conn, ledger_id, row.current_version)
            if current.definition == definition.schema:
                return _cached(conn, ledger_id, row.current_version, current.definition)
            conn.execute(update(ledgers).where(ledgers.c.id == ledger_id).values(
                title=definition.title, current_version=version, updated_at=now))
        conn.execute(insert(ledger_versions).values(
            ledger_id=ledger_id, version=version, definition=definition.schema,
            created_at=now, created_by=actor.name))
        ensure_indexes(conn, db.dialect, ledger_id, definition)
        counts.rebuild(conn, ledger_id, definition)
    return definition.with_version(version)


def create_ledger(db: Database, actor: Actor, document: Any) -> Definition:
    """Like save_definition, but a ledger with the same key must not exist yet (409)."""
    key = document.get("x-ledger", {}).get("key") if isinstance(document, dict) else None
    with db.read() as conn:
        if isinstance(key, str) and conn.execute(select(ledgers.c.id).where(ledgers.c.key == key)).first():
            raise Conflict(f"台帐“{key}”已存在")
    return save_definition(db, actor, document)


def ledger_row(conn: Connection, key: str):
    row = conn.execute(select(ledgers).where(ledgers.c.key == key)).first()
    if row is None:
        raise NotFound(f"台帐“{key}”不存在")
    return row


def definition_of(conn: Connection, key: str, version: int | None = None) -> tuple[Any, Definition]:
    """The ledger row and one version of its definition (the current one by default)."""
    row = ledger_row(conn, key)
    return row, _definition_for(conn, row, version)


def _definition_for(conn: Connection, row: Any, version: int | None = None) -> Definition:
    version = row.current_version if version is None else version
    cached = _DEFINITIONS.get((str(conn.engine.url), row.id, version))
    if cached is not None:
        return cached
    stored = _definition_row(conn, row.id, version)
    return _cached(conn, row.id, version, stored.definition)


def _definition_row(conn: Connection, ledger_id: int, version: int):
    stored = conn.execute(select(ledger_versions).where(
        ledger_versions.c.ledger_id == ledger_id, ledger_versions.c.version == version)).first()
    if stored is None:
        raise NotFound(f"台帐定义第 {version} 版不存在")
    return stored


def _cached(conn: Connection, ledger_id: int, version: int, document: dict) -> Definition:
    definition = load_definition(document, version)
    _DEFINITIONS[(str(conn.engine.url), ledger_id, version)] = definition
    return definition


def ensure_indexes(conn: Connection, dialect: str, ledger_id: int, definition: Definition) -> None:
    """Expression indexes for the declared filters and sort: (ledger, field[, sort field], id)."""
    sort_key = (definition.default_sort or "").lstrip("-")
    sort = definition.by_key.get(sort_key)
    wanted: list[list[Field]] = []
    if sort is not None and sort.scalar:
        wanted.append([sort])
    for f in definition.filters:
        if f.scalar:
            wanted.append([f, sort] if sort is not None and sort.scalar and sort is not f else [f])
    # Search fields get none: `ILIKE '%q%'` cannot use a btree, and on PostgreSQL a long text
    # value (2,000 Chinese characters) overflows a btree entry and the insert fails.
    for group in wanted:
        label = "__".join(f"{f.key}_{_expr_type(f)}" for f in group)
        name = "ix_e_" + label
        if len(name) > 60:
            name = "ix_e_" + hashlib.sha1(label.encode()).hexdigest()[:20]
        columns = [entries.c.ledger_id, *(field_expr(dialect, f) for f in group), entries.c.id]
        index = Index(name, *columns, sqlite_where=text("deleted_at IS NULL"),
                      postgresql_where=text("deleted_at IS NULL"))
        conn.execute(CreateIndex(index, if_not_exists=True))
        entries.indexes.discard(index)  # keep the shared Table free of per-ledger indexes


def _expr_type(f: Field) -> str:
    return f.type.sort_type


# --- entries -----------------------------------------------------------------------------

def create_entry(db: Database, actor: Actor, key: str, data: Any, source: str = "api") -> dict:
    """Validate and store one entry; return it as the API shows it."""
    return create_entries(db, actor, key, [data], source=source)[0]


def create_entries(db: Database, actor: Actor, key: str, rows: Iterable[Any],
                   source: str = "api", chunk: int = 2000) -> list[dict]:
    """Validate every row, then store them all in one transaction (all or nothing)."""
    require(actor, "write", key)
    rows = list(rows)
    with db.write() as conn:
        # Counting the new entries first also reads the ledger: one statement instead of two
        # (a failed validation rolls the count back with everything else).
        ledger = conn.execute(update(ledgers).where(ledgers.c.key == key)
                              .values(entry_count=ledgers.c.entry_count + len(rows))
                              .returning(*ledgers.c)).first()
        if ledger is None:
            raise NotFound(f"台帐“{key}”不存在")
        definition = _definition_for(conn, ledger)
        valid = [validate_entry(definition, row) for row in rows]
        stored = _insert_rows(conn, actor, ledger.id, definition, valid, source, chunk)
        return [entry_view(definition, row, key) for row in stored]


def insert_valid(conn: Connection, actor: Actor, ledger_id: int, definition: Definition,
                 valid: list[dict], source: str, chunk: int = 2000) -> list[dict]:
    """Insert already-validated entries and their creation revisions inside `conn`'s transaction;
    return the stored rows (with their ids)."""
    out = _insert_rows(conn, actor, ledger_id, definition, valid, source, chunk)
    conn.execute(update(ledgers).where(ledgers.c.id == ledger_id).values(
        entry_count=ledgers.c.entry_count + len(valid)))
    return out


def _insert_rows(conn: Connection, actor: Actor, ledger_id: int, definition: Definition,
                 valid: list[dict], source: str, chunk: int) -> list[dict]:
    now, out = utcnow(), []
    for start in range(0, len(valid), chunk):
        batch = valid[start:start + chunk]
        params = [{"ledger_id": ledger_id, "def_version": definition.version, "data": data,
                   "version": 1, "created_at": now, "created_by": actor.name,
                   "updated_at": now, "updated_by": actor.name} for data in batch]
        if len(params) == 1:  # one round trip fewer than reserving an id first
            ids = [conn.execute(insert(entries).returning(entries.c.id), params[0]).scalar_one()]
            params[0]["id"] = ids[0]
        else:
            ids = _new_ids(conn, len(params))
            for p, i in zip(params, ids):
                p["id"] = i
            conn.execute(insert(entries), params)  # a plain executemany: no RETURNING to keep in order
        # A creation revision stores no values: they are the entry's, less later revisions' changes
        # (see core.query.list_revisions), so a bulk import writes each value once, not twice.
        conn.execute(insert(revisions), [
            {"entry_id": entry_id, "action": "create", "entry_version": 1, "at": now,
             "by": actor.name, "source": source, "changes": {}} for entry_id in ids])
        counts.adjust(conn, ledger_id, definition, added=batch)
        out.extend(params)
    return out


def _new_ids(conn: Connection, count: int) -> list[int]:
    """Ids for `count` new entries, ascending, reserved inside `conn`'s write transaction.

    RETURNING in parameter order made SQLAlchemy insert one row per statement on SQLite; ids
    chosen first let both databases take one executemany.
    """
    if conn.dialect.name == "postgresql":
        return sorted(conn.execute(text("SELECT nextval(pg_get_serial_sequence('entries', 'id')) "
                                        "FROM generate_series(1, :n)"), {"n": count}).scalars())
    # SQLite: a write transaction (BEGIN IMMEDIATE) holds the database's only write lock.
    last = conn.execute(select(func.max(entries.c.id))).scalar() or 0
    return list(range(last + 1, last + 1 + count))


def update_entry(db: Database, actor: Actor, key: str, entry_id: Any, data: Any,
                 expected_version: Any, partial: bool = False, source: str = "api") -> dict:
    """Replace (or, with partial, merge into) an entry's data if nobody saved since `expected_version`."""
    require(actor, "write", key)
    entry_id, expected_version = _int_id(entry_id), _int_version(expected_version)
    with db.write() as conn:
        ledger, definition = definition_of(conn, key)
        current = _live_entry(conn, ledger.id, entry_id)
        if current.version != expected_version:
            raise StaleEntry(entry_view(definition, current._mapping, key))
        old = dict(current.data)
        new = {**old, **data} if partial and isinstance(data, dict) else data
        if partial and isinstance(data, dict):
            new = {k: v for k, v in new.items() if v is not None}
        # Fields the current definition no longer has are kept as they are: a request may
        # repeat them unchanged, but not change them or add unknown ones.
        retired = {k: v for k, v in old.items() if k not in definition.by_key}
        checked = {k: v for k, v in new.items() if not (k in retired and retired[k] == v)} \
            if isinstance(new, dict) else new
        validate_entry(definition, checked)
        new = {**checked, **retired}
        return _write_update(conn, actor, ledger.id, definition, current, new, source)


def update_valid(conn: Connection, actor: Actor, definition: Definition, entry_id: int,
                 expected_version: int, data: dict, keep: Iterable[str] = (),
                 source: str = "import") -> dict:
    """Inside `conn`'s transaction, replace an entry's data by `data` (plus the `keep` fields
    and retired fields of the stored data), validated, with the row-version check and a revision."""
    ledger_id = ledger_row(conn, definition.key).id
    current = _live_entry(conn, ledger_id, entry_id)
    if current.version != expected_version:
        raise StaleEntry(entry_view(definition, current._mapping, definition.key))
    old = dict(current.data)
    new = {**{k: old[k] for k in keep if k in old}, **data}
    validate_entry(definition, new)
    new.update((k, v) for k, v in old.items() if k not in definition.by_key)
    return _write_update(conn, actor, ledger_id, definition, current, new, source)


def _write_update(conn: Connection, actor: Actor, ledger_id: int, definition: Definition,
                  current: Any, new: dict, source: str) -> dict:
    """Store validated `new` data over `current` if its row version is still the stored one."""
    now, version = utcnow(), current.version + 1
    result = conn.execute(update(entries).where(
        entries.c.id == current.id, entries.c.version == current.version,
        entries.c.deleted_at.is_(None)).values(
        data=new, version=version, def_version=definition.version, updated_at=now, updated_by=actor.name))
    if result.rowcount != 1:  # someone saved between our read and our write
        latest = _live_entry(conn, ledger_id, current.id)
        raise StaleEntry(entry_view(definition, latest._mapping, definition.key))
    conn.execute(insert(revisions).values(
        entry_id=current.id, action="update", entry_version=version,
        changes=diff(current.data, new), at=now, by=actor.name, source=source))
    counts.adjust(conn, ledger_id, definition, removed=[current.data], added=[new])
    row = dict(current._mapping) | {"data": new, "version": version, "def_version": definition.version,
                                     "updated_at": now, "updated_by": actor.name}
    return entry_view(definition, row, definition.key)


def delete_entry(db: Database, actor: Actor, key: str, entry_id: Any, expected_version: Any) -> None:
    """Soft-delete an entry (it stays in the database with its history)."""
    require(actor, "write", key)
    entry_id, expected_version = _int_id(entry_id), _int_version(expected_version)
    with db.write() as conn:
        ledger, definition = definition_of(conn, key)
        current = _live_entry(conn, ledger.id, entry_id)
        now = utcnow()
        result = conn.execute(update(entries).where(
            entries.c.id == entry_id, entries.c.version == expected_version,
            entries.c.deleted_at.is_(None)).values(
            deleted_at=now, version=expected_version + 1, updated_at=now, updated_by=actor.name))
        if result.rowcount != 1:
            raise StaleEntry(entry_view(definition, current._mapping, key))
        conn.execute(insert(revisions).values(
            entry_id=entry_id, action="delete", entry_version=expected_version + 1,
            changes={}, at=now, by=actor.name, source="api"))
        conn.execute(update(ledgers).where(ledgers.c.id == ledger.id).values(
            entry_count=ledgers.c.entry_count - 1))
        counts.adjust(conn, ledger.id, definition, removed=[current.data])


def _live_entry(conn: Connection, ledger_id: int, entry_id: int):
    row = conn.execute(select(entries).where(
        entries.c.id == entry_id, entries.c.ledger_id == ledger_id,
        entries.c.deleted_at.is_(None))).first()
    if row is None:
        raise NotFound(f"记录 {entry_id} 不存在")
    return row


def diff(old: dict, new: dict) -> dict:
    """{field: [before, after]} for every field whose value changed."""
    return {k: [old.get(k), new.get(k)] for k in list(old) + [k for k in new if k not in old]
            if old.get(k) != new.get(k)}


def entry_view(definition: Definition, row: Any, key: str | None = None) -> dict:
    """An entry as callers see it, its data in the definition's field order."""
    return {"id": row["id"], "ledger": key or definition.key, "version": row["version"],
            "definition_version": row["def_version"], "data": in_field_order(definition.fields, row["data"]),
            "created_at": _iso(row["created_at"]), "created_by": row["created_by"],
            "updated_at": _iso(row["updated_at"]), "updated_by": row["updated_by"]}


def in_field_order(fields: tuple[Field, ...], data: dict) -> dict:
    """`data` with keys in form order, child rows and groups too (PostgreSQL's JSONB reorders keys)."""
    ordered = {}
    for f in fields:
        if f.key not in data:
            continue
        value = data[f.key]
        if f.type.fieldset and isinstance(value, dict):
            value = in_field_order(f.children, value)
        elif f.type.rows and isinstance(value, list):
            value = [in_field_order(f.children, row) if isinstance(row, dict) else row for row in value]
        ordered[f.key] = value
    if len(ordered) != len(data):
        ordered.update((k, v) for k, v in data.items() if k not in ordered)
    return ordered


def _iso(value) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _int_id(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"记录 {value} 不存在") from None
    if not 0 < number <= INT64:
        raise NotFound(f"记录 {value} 不存在")
    return number


def _int_version(value: Any) -> int:
    try:
        number = int(str(value).strip().removeprefix("W/").strip('"'))
    except (TypeError, ValueError):
        raise QueryError("缺少或无效的版本号（If-Match 或 version）") from None
    if not 0 < number <= INT64:
        raise QueryError("版本号超出范围")
    return number
