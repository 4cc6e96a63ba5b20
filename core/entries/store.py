"""Validated entry writes: create, update and delete, each with its revision, in one transaction.

Entries remember the definition version they were saved under and a row version; an update
only succeeds when the row version in its WHERE clause still matches, so two people editing at
once can never overwrite each other unseen. Every write locks the ledger row first, then the
entry rows, then the kept counts (docs/design.md, lock order).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from core.access import audit
from core.access import policy as access
from core.access.guarded import with_rules
from core.access.policy import Actor, require
from core.db import counts
from core.db import indexes
from core.db.models import Database, entries, ledgers, revisions, utcnow
from core.definition import workflow
from core.definition.kinds import stored_object
from core.definition.model import KEY_RE, Definition
from core.entries import numbering
from core.entries.definitions import definition_for, definition_of, ledger_row
from core.entries.retired import retired_parts, with_retired, without_retired
from core.entries.scope import in_scope, refuse_outside
from core.entries.validation import validate_entry
from core.entries.view import entry_view
from core.errors import Conflict, NotFound, StaleEntry
from core.files.links import attach
from core.ids import int_id, int_version


def require_define(db: Database, actor: Actor, key: Any) -> None:
    """Forbidden unless `actor` may define ledger `key`: under its rules when it exists (a rule
    may grant `define` to an editor), by role for a new one. The one answer for the API, the
    designer and drafts."""
    row = None
    if isinstance(key, str) and KEY_RE.fullmatch(key):  # else load_definition refuses it
        with db.read() as conn:
            row = conn.execute(select(ledgers).where(ledgers.c.key == key)).first()
            row = with_rules(conn, row) if row is not None else None
    require(actor, "define", row)


def create_entry(db: Database, actor: Actor, key: str, data: Any, source: str = "api") -> dict:
    """Validate and store one entry; return it as the API shows it."""
    return create_entries(db, actor, key, [data], source=source)[0]


def create_entries(db: Database, actor: Actor, key: str, rows: Iterable[Any],
                   source: str = "api", chunk: int = 2000) -> list[dict]:
    """Validate every row, then store them all in one transaction (all or nothing)."""
    rows = list(rows)
    with unique_keys(db, key), db.write() as conn:
        # Counting the new entries first also reads (and locks) the ledger row: one statement
        # instead of two; a failed validation rolls the count back with everything else.
        ledger = _count_entries(conn, key, len(rows))
        require(actor, "create", ledger)
        definition = definition_for(conn, ledger)
        valid = [validate_entry(definition, row) for row in rows]
        sc = access.scope(actor, ledger, "create")
        for row in valid:
            refuse_outside(definition, sc, row)
            workflow.check_create(definition, actor, row)
        tally = counts.Tally(definition)
        stored = _insert_rows(conn, actor, ledger.id, definition, valid, source, chunk, tally)
        tally.apply(conn, ledger.id)
        audit.record(conn, actor, "create", key, entry_id=stored[0]["id"] if len(stored) == 1 else None,
                     filters={"source": source}, rows=len(stored))
        return [entry_view(definition, row, key) for row in stored]


def _count_entries(conn: Connection, key: str, delta: int):
    """Add `delta` to the ledger's kept entry count, which also locks its row (the first lock of
    every write, docs/design.md); the row with its permission rules."""
    ledger = conn.execute(update(ledgers).where(ledgers.c.key == key)
                          .values(entry_count=ledgers.c.entry_count + delta)
                          .returning(*ledgers.c)).first()
    if ledger is None:
        raise NotFound(f"台帐“{key}”不存在")
    return with_rules(conn, ledger)


def lock_ledger(conn: Connection, key: str):
    """The ledger row, locked for the rest of `conn`'s transaction: the first lock of a write
    that will change the ledger's entry count (docs/design.md, lock order)."""
    row = conn.execute(select(ledgers).where(ledgers.c.key == key).with_for_update()).first()
    if row is None:
        raise NotFound(f"台帐“{key}”不存在")
    return row


def insert_valid(conn: Connection, actor: Actor, ledger_id: int, definition: Definition,
                 valid: list[dict], source: str, chunk: int = 2000,
                 tally: counts.Tally | None = None) -> list[dict]:
    """Insert already-validated entries and their creation revisions inside `conn`'s transaction,
    whose caller locked the ledger row first (`lock_ledger`); return the stored rows.

    Count changes go to `tally` when given (the caller applies it last), else are applied here.
    """
    for data in valid:  # an import brings entries in any declared state (core/definition/workflow.py)
        workflow.check_create(definition, actor, data, imported=source == workflow.IMPORTED)
    conn.execute(update(ledgers).where(ledgers.c.id == ledger_id).values(
        entry_count=ledgers.c.entry_count + len(valid)))
    own = tally is None
    tally = counts.Tally(definition) if own else tally
    out = _insert_rows(conn, actor, ledger_id, definition, valid, source, chunk, tally)
    if own:
        tally.apply(conn, ledger_id)
    return out


def _insert_rows(conn: Connection, actor: Actor, ledger_id: int, definition: Definition,
                 valid: list[dict], source: str, chunk: int, tally: counts.Tally) -> list[dict]:
    now, out = utcnow(), []
    for start in range(0, len(valid), chunk):
        batch = [stored_object(definition.fields, data) for data in valid[start:start + chunk]]
        # Numbers after the ledger row lock the caller took, before the entry rows: lock order.
        numbers = numbering.assign(conn, ledger_id, definition.options, len(batch))
        params = [{"ledger_id": ledger_id, "def_version": definition.version, "data": data,
                   "seq": seq, "number": number,
                   "version": 1, "created_at": now, "created_by": actor.name,
                   "updated_at": now, "updated_by": actor.name}
                  for data, (seq, number) in zip(batch, numbers)]
        if len(params) == 1:  # one round trip fewer than reserving an id first
            ids = [conn.execute(insert(entries).returning(entries.c.id), params[0]).scalar_one()]
            params[0]["id"] = ids[0]
        else:
            ids = _new_ids(conn, len(params))
            for p, i in zip(params, ids):
                p["id"] = i
            conn.execute(insert(entries), params)  # a plain executemany: no RETURNING to keep in order
        # A creation revision stores no values: they are the entry's, less later revisions' changes
        # (see core.entries.query.list_revisions), so a bulk import writes each value once, not twice.
        conn.execute(insert(revisions), [
            {"entry_id": entry_id, "action": "create", "entry_version": 1, "at": now,
             "by": actor.name, "source": source, "changes": {}} for entry_id in ids])
        for p in params:
            attach(conn, actor, definition, ledger_id, p["id"], None, p["data"])
        tally.add(batch)
        out.extend(params)
    return out


@contextmanager
def unique_keys(db: Database, key: str) -> Iterator[None]:
    """Turn the database's refusal of a repeated business key into a 409 that names the field."""
    try:
        yield
    except IntegrityError as exc:
        if indexes.PREFIX not in str(exc.orig):
            raise
        with db.read() as conn:
            _, definition = definition_of(conn, key)
        f = definition.by_key.get(definition.business_key or "")
        title = f.title if f else "业务主键"
        message = f"{title}与已有记录重复：同一台帐中{title}不能相同"
        raise Conflict(message, [{"field": f.key if f else "", "message": message}]) from None


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
    entry_id, expected_version = int_id(entry_id), int_version(expected_version)
    with unique_keys(db, key), db.write() as conn:
        return update_in(conn, actor, key, entry_id, data, expected_version, partial, source)


def update_in(conn: Connection, actor: Actor, key: str, entry_id: int, data: Any,
              expected_version: int | None, partial: bool = False, source: str = "api",
              scope: access.Scope | None = None) -> dict:
    """`update_entry` inside `conn`'s write transaction, for a caller that writes more in it (a
    round's report). `expected_version` None: the stored one (the caller checked freshness);
    `scope`: a narrower reach than the actor's edit scope (still within it)."""
    ledger, definition = definition_of(conn, key)
    ledger = with_rules(conn, ledger)
    require(actor, "edit", ledger)
    sc = access.scope(actor, ledger, "edit")
    current = _live_entry(conn, ledger.id, entry_id, definition, sc)
    if scope is not None and not in_scope(definition, scope, current):
        raise NotFound(f"记录 {entry_id} 不存在")
    if expected_version is not None and current.version != expected_version:
        raise StaleEntry(entry_view(definition, current._mapping, key))
    old = dict(current.data)
    new = {**old, **data} if partial and isinstance(data, dict) else data
    if partial and isinstance(data, dict):
        new = {k: v for k, v in new.items() if v is not None}
    # Fields the current definition no longer has (and sub-fields of its groups) are kept
    # as they are: a request may repeat them unchanged, but not change them or add unknown ones.
    retired = retired_parts(definition.fields, old)
    checked = without_retired(definition.fields, new, retired) if isinstance(new, dict) else new
    validate_entry(definition, checked)
    refuse_outside(definition, sc, checked)
    workflow.check_change(definition, actor, old, checked)
    new = with_retired(definition.fields, checked, retired)
    attach(conn, actor, definition, ledger.id, entry_id, old, new)
    tally = counts.Tally(definition)
    entry = _write_update(conn, actor, ledger.id, definition, current, new, source, tally)
    tally.apply(conn, ledger.id)
    audit.record(conn, actor, "update", key, entry_id=entry_id, filters={"source": source}, rows=1)
    return entry


def update_valid(conn: Connection, actor: Actor, definition: Definition, entry_id: int,
                 expected_version: int, data: dict, keep: Iterable[str], source: str,
                 tally: counts.Tally, scope: access.Scope = access.ALL) -> dict:
    """Inside `conn`'s transaction, replace an entry's data by `data` (plus the `keep` fields
    and retired fields of the stored data), validated, with the row-version check and a revision.
    The caller applies `tally` once, last. An entry outside `scope` is missing (404)."""
    ledger_id = ledger_row(conn, definition.key).id
    current = _live_entry(conn, ledger_id, entry_id, definition, scope)
    if current.version != expected_version:
        raise StaleEntry(entry_view(definition, current._mapping, definition.key))
    old = dict(current.data)
    new = {**{k: old[k] for k in keep if k in old}, **data}
    validate_entry(definition, new)
    refuse_outside(definition, scope, new)
    workflow.check_change(definition, actor, old, new)
    new = with_retired(definition.fields, new, retired_parts(definition.fields, old))
    attach(conn, actor, definition, ledger_id, entry_id, old, new)
    return _write_update(conn, actor, ledger_id, definition, current, new, source, tally)


def _write_update(conn: Connection, actor: Actor, ledger_id: int, definition: Definition,
                  current: Any, new: dict, source: str, tally: counts.Tally) -> dict:
    """Store validated `new` data over `current` if its row version is still the stored one."""
    now, version = utcnow(), current.version + 1
    new = stored_object(definition.fields, new)
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
    tally.remove([current.data])
    tally.add([new])
    row = dict(current._mapping) | {"data": new, "version": version, "def_version": definition.version,
                                     "updated_at": now, "updated_by": actor.name}
    return entry_view(definition, row, definition.key)


def delete_entry(db: Database, actor: Actor, key: str, entry_id: Any, expected_version: Any,
                 source: str = "api") -> None:
    """Soft-delete an entry (it stays in the database with its history)."""
    entry_id, expected_version = int_id(entry_id), int_version(expected_version)
    with db.write() as conn:
        # Ledger row first, then the entry, then the counts: the one lock order of every write.
        ledger = _count_entries(conn, key, -1)
        require(actor, "delete", ledger)
        definition = definition_for(conn, ledger)
        current = _live_entry(conn, ledger.id, entry_id, definition, access.scope(actor, ledger, "delete"))
        now = utcnow()
        result = conn.execute(update(entries).where(
            entries.c.id == entry_id, entries.c.version == expected_version,
            entries.c.deleted_at.is_(None)).values(
            deleted_at=now, version=expected_version + 1, updated_at=now, updated_by=actor.name))
        if result.rowcount != 1:
            latest = _live_entry(conn, ledger.id, entry_id)
            raise StaleEntry(entry_view(definition, latest._mapping, key))
        conn.execute(insert(revisions).values(
            entry_id=entry_id, action="delete", entry_version=expected_version + 1,
            changes={}, at=now, by=actor.name, source=source))
        counts.adjust(conn, ledger.id, definition, removed=[current.data])
        audit.record(conn, actor, "delete", key, entry_id=entry_id, filters={"source": source}, rows=1)


def _live_entry(conn: Connection, ledger_id: int, entry_id: int, definition: Definition | None = None,
                scope: access.Scope = access.ALL):
    row = conn.execute(select(entries).where(
        entries.c.id == entry_id, entries.c.ledger_id == ledger_id,
        entries.c.deleted_at.is_(None))).first()
    if row is None or (definition is not None and not in_scope(definition, scope, row)):
        raise NotFound(f"记录 {entry_id} 不存在")
    return row


def diff(old: dict, new: dict) -> dict:
    """{field: [before, after]} for every field whose value changed."""
    return {k: [old.get(k), new.get(k)] for k in list(old) + [k for k in new if k not in old]
            if old.get(k) != new.get(k)}
