"""The ledger and entry repository: versioned definitions, validated writes, revisions.

Every write runs in one transaction. Entries remember the definition version they were saved
under and a row version; an update only succeeds when the row version in its WHERE clause
still matches, so two people editing at once can never overwrite each other unseen.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import (Boolean, func, insert, or_, select,
                        text, update)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from core.access import policy as access
from core.access.guarded import with_rules
from core.access import audit
from core.db import counts
from core.db import indexes
from core.definition import versions
from core.entries import numbering
from core.definition import workflow
from core.access.policy import Actor, require
from core.definition.loading import load_definition
from core.definition.model import KEY_RE, Definition, Field
from core.errors import ChangeRefused, Conflict, EntryInvalid, Forbidden, NotFound, QueryError, StaleEntry
from core.definition.kinds import stored_object
from core.db.models import Database, entries, ledger_versions, ledgers, revisions, utcnow
from core.ids import plain_int
from core.settings import INT64
from core.entries.validation import validate_entry

# Definitions are immutable per (database, ledger, version), so every worker may keep them.
_DEFINITIONS: dict[tuple[str, int, int], Definition] = {}


# --- definitions -------------------------------------------------------------------------

AFFECTED = ("keep", "migrate")


def save_definition(db: Database, actor: Actor, document: Any, must_be_new: bool = False,
                    affected: str = "keep", migrate: Any = None,
                    also: Callable[[Connection], None] | None = None) -> Definition:
    """Store a definition as the next immutable version of its ledger (creating the ledger).

    With `must_be_new`, a ledger with the same key must not exist yet (409), checked inside
    the write transaction so that of several simultaneous creations exactly one wins.
    Live entries follow in the same transaction (core/definition/versions.py): renamed fields' values
    move; `affected="keep"` leaves entries the new version refuses as they are (flagged), but
    refuses a type change their values would not survive (409 with the plan);
    `affected="migrate"` applies `migrate` and then needs every live entry valid (else 422,
    nothing stored). Every entry rewritten gets a revision. `also(conn)` runs last in the same
    transaction (a published draft is dropped there), also when the definition is unchanged.
    """
    _require_define(db, actor, document)
    if affected not in AFFECTED:
        raise QueryError(f"affected 应为 keep（保留原状）或 migrate（迁移），而不是“{affected}”")
    if migrate is not None and affected != "migrate":
        raise QueryError(f"迁移设置（{versions.MIGRATE}）只在 affected=migrate 时使用")
    definition = load_definition(document)
    migrate = versions.check_migration(definition, migrate)
    try:
        return _save_version(db, actor, definition, must_be_new, affected, migrate, also)
    except IntegrityError:  # another request saved the same ledger or version at the same moment
        raise Conflict(f"台帐“{definition.key}”正被他人同时修改，请重试") from None


def _require_define(db: Database, actor: Actor, document: Any) -> None:
    options = document.get("x-ledger") if isinstance(document, dict) else None
    require_define(db, actor, options.get("key") if isinstance(options, dict) else None)


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


def create_ledger(db: Database, actor: Actor, document: Any) -> Definition:
    """A new ledger from a definition; 409 if one with the same key exists."""
    return save_definition(db, actor, document, must_be_new=True)


def _save_version(db: Database, actor: Actor, definition: Definition, must_be_new: bool,
                  affected: str = "keep", migrate: dict | None = None,
                  also: Callable[[Connection], None] | None = None) -> Definition:
    with db.write() as conn:
        # The ledger row is locked first, as on every write path (docs/design.md, lock order).
        row = conn.execute(select(ledgers).where(ledgers.c.key == definition.key)
                           .with_for_update()).first()
        now = utcnow()
        if row is not None and must_be_new:
            raise Conflict(f"台帐“{definition.key}”已存在")
        if row is not None and row.archived_at is not None:
            raise Conflict(f"台帐“{row.title}”已归档，恢复后才能发布新版本")
        if row is None:
            ledger_id = conn.execute(insert(ledgers).values(
                key=definition.key, title=definition.title, current_version=1, entry_count=0,
                created_at=now, updated_at=now)).inserted_primary_key[0]
            version, previous, outcome = 1, None, versions.Outcome()
        else:
            ledger_id, version = row.id, row.current_version + 1
            current = _definition_row(conn, ledger_id, row.current_version)
            if versions.same_definition(current.definition, definition.schema):
                if also is not None:
                    also(conn)
                return _cached(conn, ledger_id, row.current_version, current.definition)
            previous = load_definition(current.definition, stored=True)
            outcome = _entries_after(conn, ledger_id, previous, definition, affected, migrate or {})
            conn.execute(update(ledgers).where(ledgers.c.id == ledger_id).values(
                title=definition.title, current_version=version, updated_at=now))
        conn.execute(insert(ledger_versions).values(
            ledger_id=ledger_id, version=version, definition=definition.schema,
            created_at=now, created_by=actor.name))
        _rewrite(conn, actor, definition.with_version(version), outcome.rewritten)
        if previous is None or outcome.rewritten or not indexes.same_plan(previous, definition):
            _reindex(conn, ledger_id, definition)
            counts.rebuild(conn, ledger_id, definition)
        # How old entries were met is worth recording only when there were old entries to meet.
        met = {} if previous is None else {"affected": affected}
        audit.record(conn, actor, "define", definition.key, filters={"version": version, **met},
                     rows=len(outcome.rewritten))
        if also is not None:
            also(conn)
    return definition.with_version(version)


def _entries_after(conn: Connection, ledger_id: int, previous: Definition, definition: Definition,
                   affected: str, migrate: dict) -> versions.Outcome:
    """What the new version does to the live entries (read inside the publishing transaction,
    writers held off), or the error that refuses it; nothing is written here."""
    if affected == "keep" and not versions.needs_entries(previous, definition, migrate) \
            and not _holding(conn, ledger_id, versions.added_keys(previous, definition)):
        return versions.Outcome()  # adding fields, the commonest change, reads no entries
    if conn.dialect.name == "postgresql":  # no entry may change between this read and the rewrite
        conn.execute(text("LOCK TABLE entries IN SHARE MODE"))
    rows = conn.execute(select(entries.c.id, entries.c.number, entries.c.data, entries.c.version, entries.c.def_version)
                        .where(entries.c.ledger_id == ledger_id, entries.c.deleted_at.is_(None))
                        .order_by(entries.c.id)).all()
    outcome = versions.assess(previous, definition, rows, migrate, validate=affected == "migrate")
    if outcome.overwrites:
        raise Conflict("改名会覆盖已有记录中同名旧版字段的值，未发布", outcome.overwrites[:versions.EXAMPLES])
    if affected == "migrate" and outcome.affected:
        invalid = EntryInvalid([{**e, "entry": ex["id"], "number": ex["number"],
                                 "message": f"记录 {ex['number'] or ex['id']}：{e['message']}"}
                                for ex in outcome.invalid[:20] for e in ex["errors"]])
        invalid.message = f"迁移后仍有 {outcome.affected} 条记录不符合新版本，未发布任何改动"
        raise invalid
    if outcome.broken:
        plan = versions.assess(previous, definition, rows, migrate).plan(versions.changes(previous, definition))
        raise ChangeRefused(f"有 {len(outcome.broken)} 个已有值不符合新的字段类型，未发布：请提供迁移设置"
                            f"（affected=migrate 与 {versions.MIGRATE}）或保留原类型",
                            outcome.broken[:versions.EXAMPLES], plan)
    return outcome


def _holding(conn: Connection, ledger_id: int, keys: list[str]) -> bool:
    """Whether any live entry of the ledger holds a value under one of `keys` (checked keys)."""
    if not keys:
        return False
    if conn.dialect.name == "postgresql":
        held = [entries.c.data.op("?", return_type=Boolean())(k) for k in keys]
    else:
        held = [func.json_type(entries.c.data, f"$.{k}").is_not(None) for k in keys]
    return conn.execute(select(entries.c.id).where(
        entries.c.ledger_id == ledger_id, entries.c.deleted_at.is_(None), or_(*held)).limit(1)).first() is not None


def _rewrite(conn: Connection, actor: Actor, definition: Definition, rewritten: list[tuple[Any, dict]]) -> None:
    """Store each entry's new data with its row version bumped and a "migrate" revision. An entry
    is marked as of the new version only when that version accepts it: an entry of the current
    version is a valid one (`query.flagged` checks only the others)."""
    now = utcnow()
    for row, data in rewritten:
        data = stored_object(definition.fields, data)
        valid = not versions.entry_errors(definition, data)
        result = conn.execute(update(entries).where(
            entries.c.id == row.id, entries.c.version == row.version, entries.c.deleted_at.is_(None)).values(
            data=data, version=row.version + 1, def_version=definition.version if valid else row.def_version,
            updated_at=now, updated_by=actor.name))
        if result.rowcount != 1:
            raise Conflict(f"记录 {row.number or row.id} 正被他人修改，请重试")
        conn.execute(insert(revisions).values(
            entry_id=row.id, action="migrate", entry_version=row.version + 1, changes=diff(row.data, data),
            at=now, by=actor.name, source="definition"))


def ensure_ledger_indexes(db: Database, key: str) -> list[dict]:
    """Create (and prune) one ledger's indexes for its current definition; return the problems
    that kept one from being made (a business key whose values already repeat)."""
    with db.write() as conn:
        ledger = lock_ledger(conn, key)
        return _reindex(conn, ledger.id, _definition_for(conn, ledger), strict=False)


def _reindex(conn: Connection, ledger_id: int, definition: Definition, strict: bool = True) -> list[dict]:
    """Indexes for `definition`, inside a write that locked the ledger row first."""
    if conn.dialect.name == "postgresql":
        # Wait for writers in flight, and hold new ones, before touching counts and indexes:
        # a writer locks its entry before its count rows, so does this.
        conn.execute(text("LOCK TABLE entries IN SHARE MODE"))
    return indexes.ensure(conn, ledger_id, definition, strict)


def ledger_row(conn: Connection, key: str):
    row = conn.execute(select(ledgers).where(ledgers.c.key == key)).first()
    if row is None:
        raise NotFound(f"台帐“{key}”不存在")
    return row


INT32_MAX = 2**31 - 1


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
    if not 0 < version <= INT32_MAX:  # past the column's range PostgreSQL raises, not "none found"
        raise NotFound(f"台帐定义第 {version} 版不存在")
    stored = conn.execute(select(ledger_versions).where(
        ledger_versions.c.ledger_id == ledger_id, ledger_versions.c.version == version)).first()
    if stored is None:
        raise NotFound(f"台帐定义第 {version} 版不存在")
    return stored


def _cached(conn: Connection, ledger_id: int, version: int, document: dict) -> Definition:
    definition = load_definition(document, version, stored=True)
    _DEFINITIONS[(str(conn.engine.url), ledger_id, version)] = definition
    return definition


# --- entries -----------------------------------------------------------------------------

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
        definition = _definition_for(conn, ledger)
        valid = [validate_entry(definition, row) for row in rows]
        sc = access.scope(actor, ledger, "create")
        for row in valid:
            _refuse_outside(definition, sc, row)
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
    entry_id, expected_version = _int_id(entry_id), _int_version(expected_version)
    with unique_keys(db, key), db.write() as conn:
        ledger, definition = definition_of(conn, key)
        ledger = with_rules(conn, ledger)
        require(actor, "edit", ledger)
        sc = access.scope(actor, ledger, "edit")
        current = _live_entry(conn, ledger.id, entry_id, definition, sc)
        if current.version != expected_version:
            raise StaleEntry(entry_view(definition, current._mapping, key))
        old = dict(current.data)
        new = {**old, **data} if partial and isinstance(data, dict) else data
        if partial and isinstance(data, dict):
            new = {k: v for k, v in new.items() if v is not None}
        # Fields the current definition no longer has (and sub-fields of its groups) are kept
        # as they are: a request may repeat them unchanged, but not change them or add unknown ones.
        retired = _retired_parts(definition.fields, old)
        checked = _without_retired(definition.fields, new, retired) if isinstance(new, dict) else new
        validate_entry(definition, checked)
        _refuse_outside(definition, sc, checked)
        workflow.check_change(definition, actor, old, checked)
        new = _with_retired(definition.fields, checked, retired)
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
    _refuse_outside(definition, scope, new)
    workflow.check_change(definition, actor, old, new)
    new = _with_retired(definition.fields, new, _retired_parts(definition.fields, old))
    return _write_update(conn, actor, ledger_id, definition, current, new, source, tally)


def _retired_parts(fields: tuple[Field, ...], old: dict) -> dict:
    """What `old` holds that `fields` no longer declare: a retired field's value under its key;
    under a group that remains, a dict of that group's retired sub-values."""
    by_key, out = {f.key: f for f in fields}, {}
    for k, v in old.items():
        f = by_key.get(k)
        if f is None:
            out[k] = v
        elif f.type.fieldset and isinstance(v, dict) and (inner := _retired_parts(f.children, v)):
            out[k] = inner
    return out


def _without_retired(fields: tuple[Field, ...], new: dict, retired: dict) -> dict:
    """`new` less the retired values it repeats unchanged (the validator knows only current fields)."""
    by_key, out = {f.key: f for f in fields}, dict(new)
    for k, v in retired.items():
        f = by_key.get(k)
        if f is None:
            if out.get(k, object()) == v:
                del out[k]
        elif isinstance(out.get(k), dict):
            out[k] = _without_retired(f.children, out[k], v)
    return out


def _with_retired(fields: tuple[Field, ...], checked: dict, retired: dict) -> dict:
    """Validated `checked` with the retired values put back where they were."""
    by_key, out = {f.key: f for f in fields}, dict(checked)
    for k, v in retired.items():
        f = by_key.get(k)
        if f is None:
            out[k] = v
        else:
            group = out.get(k)
            out[k] = _with_retired(f.children, group if isinstance(group, dict) else {}, v)
    return out


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
    entry_id, expected_version = _int_id(entry_id), _int_version(expected_version)
    with db.write() as conn:
        # Ledger row first, then the entry, then the counts: the one lock order of every write.
        ledger = _count_entries(conn, key, -1)
        require(actor, "delete", ledger)
        definition = _definition_for(conn, ledger)
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


def in_scope(definition: Definition, sc: access.Scope, row: Any) -> bool:
    """Whether a stored entry row lies inside scope `sc` (the same rule as query.scope_condition)."""
    if not sc.limited:
        return True
    if sc.reach == "none":
        return False
    f = definition.unit_field
    if sc.reach == "unit" and f is not None:
        return (row.data or {}).get(f.key) in sc.units
    return row.created_by == sc.name


def out_of_scope(definition: Definition, sc: access.Scope, data: Any) -> str | None:
    """Why entry data may not be written under scope `sc` (its unit lies outside), or None."""
    if sc.reach == "none":
        return "没有权限"
    f = definition.unit_field
    if sc.reach != "unit" or f is None or not isinstance(data, dict):
        return None
    value = data.get(f.key)
    if value in sc.units:
        return None
    return f"{f.title}“{value if value is not None else ''}”不在您的权限范围内（可填：{'、'.join(sorted(sc.units)) or '无'}）"


def _refuse_outside(definition: Definition, sc: access.Scope, data: Any) -> None:
    message = out_of_scope(definition, sc, data)
    if message:
        raise Forbidden(message, [{"field": definition.unit_field.key, "message": message}])


def diff(old: dict, new: dict) -> dict:
    """{field: [before, after]} for every field whose value changed."""
    return {k: [old.get(k), new.get(k)] for k in list(old) + [k for k in new if k not in old]
            if old.get(k) != new.get(k)}


def entry_view(definition: Definition, row: Any, key: str | None = None) -> dict:
    """An entry as callers see it, its data in the definition's field order."""
    return {"id": row["id"], "seq": row.get("seq"), "number": row.get("number"),
            "ledger": key or definition.key, "version": row["version"],
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
    """An entry id: plain ASCII digits (core/ids), else the entry does not exist."""
    number = plain_int(value)
    if number is None or not 0 < number <= INT64:
        raise NotFound(f"记录 {str(value)[:40]} 不存在")
    return number


def _int_version(value: Any) -> int:
    """An expected row version: a number, or its digits as an ETag ("3", W/"3") or a form field."""
    text = value.removeprefix("W/") if isinstance(value, str) else value
    if isinstance(text, str) and len(text) > 1 and text[0] == text[-1] == '"':
        text = text[1:-1]
    number = plain_int(text)
    if number is None:
        raise QueryError("缺少或无效的版本号（If-Match 或 version）")
    if not 0 < number <= INT64:
        raise QueryError("版本号超出范围")
    return number
