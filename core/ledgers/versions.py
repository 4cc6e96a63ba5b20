"""Saving a definition as the next immutable version of its ledger, and what that does to it.

One transaction stores the version, moves and rewrites the live entries the change reaches
(each with a revision), rebuilds the ledger's indexes and kept counts when their plan changed,
and records the change; a draft's `also=` step runs in the same transaction.
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Boolean, func, insert, or_, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from core.access import audit
from core.access.policy import Actor
from core.db import counts
from core.db import indexes
from core.db.models import Database, entries, ledger_versions, ledgers, revisions, utcnow
from core.definition import diff
from core.ledgers import assess
from core.entries.validation import entry_errors
from core.definition.kinds import stored_object
from core.definition.model import Definition
from core.definition.loading import load_definition
from core.entries.definitions import cache_definition, definition_for, definition_row
from core.entries.store import lock_ledger, require_define
from core.entries.store import diff as changed_values
from core.errors import ChangeRefused, Conflict, EntryInvalid, QueryError


AFFECTED = ("keep", "migrate")


def save_definition(db: Database, actor: Actor, document: Any, must_be_new: bool = False,
                    affected: str = "keep", migrate: Any = None,
                    also: Callable[[Connection], None] | None = None) -> Definition:
    """Store a definition as the next immutable version of its ledger (creating the ledger).

    With `must_be_new`, a ledger with the same key must not exist yet (409), checked inside
    the write transaction so that of several simultaneous creations exactly one wins.
    Live entries follow in the same transaction (core/ledgers/assess.py): renamed fields' values
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
        raise QueryError(f"迁移设置（{diff.MIGRATE}）只在 affected=migrate 时使用")
    definition = load_definition(document)
    migrate = diff.check_migration(definition, migrate)
    try:
        return _save_version(db, actor, definition, must_be_new, affected, migrate, also)
    except IntegrityError:  # another request saved the same ledger or version at the same moment
        raise Conflict(f"台帐“{definition.key}”正被他人同时修改，请重试") from None


def _require_define(db: Database, actor: Actor, document: Any) -> None:
    options = document.get("x-ledger") if isinstance(document, dict) else None
    require_define(db, actor, options.get("key") if isinstance(options, dict) else None)



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
            version, previous, outcome = 1, None, assess.Outcome()
        else:
            ledger_id, version = row.id, row.current_version + 1
            current = definition_row(conn, ledger_id, row.current_version)
            if diff.same_definition(current.definition, definition.schema):
                if also is not None:
                    also(conn)
                return cache_definition(conn, ledger_id, row.current_version, current.definition)
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
                   affected: str, migrate: dict) -> assess.Outcome:
    """What the new version does to the live entries (read inside the publishing transaction,
    writers held off), or the error that refuses it; nothing is written here."""
    if affected == "keep" and not diff.needs_entries(previous, definition, migrate) \
            and not _holding(conn, ledger_id, diff.added_keys(previous, definition)):
        return assess.Outcome()  # adding fields, the commonest change, reads no entries
    if conn.dialect.name == "postgresql":  # no entry may change between this read and the rewrite
        conn.execute(text("LOCK TABLE entries IN SHARE MODE"))
    rows = conn.execute(select(entries.c.id, entries.c.number, entries.c.data, entries.c.version, entries.c.def_version)
                        .where(entries.c.ledger_id == ledger_id, entries.c.deleted_at.is_(None))
                        .order_by(entries.c.id)).all()
    outcome = assess.assess(previous, definition, rows, migrate, validate=affected == "migrate")
    if outcome.overwrites:
        raise Conflict("改名会覆盖已有记录中同名旧版字段的值，未发布", outcome.overwrites[:diff.EXAMPLES])
    if affected == "migrate" and outcome.affected:
        invalid = EntryInvalid([{**e, "entry": ex["id"], "number": ex["number"],
                                 "message": f"记录 {ex['number'] or ex['id']}：{e['message']}"}
                                for ex in outcome.invalid[:20] for e in ex["errors"]])
        invalid.message = f"迁移后仍有 {outcome.affected} 条记录不符合新版本，未发布任何改动"
        raise invalid
    if outcome.broken:
        plan = assess.assess(previous, definition, rows, migrate).plan(diff.changes(previous, definition))
        raise ChangeRefused(f"有 {len(outcome.broken)} 个已有值不符合新的字段类型，未发布：请提供迁移设置"
                            f"（affected=migrate 与 {diff.MIGRATE}）或保留原类型",
                            outcome.broken[:diff.EXAMPLES], plan)
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
        valid = not entry_errors(definition, data)
        result = conn.execute(update(entries).where(
            entries.c.id == row.id, entries.c.version == row.version, entries.c.deleted_at.is_(None)).values(
            data=data, version=row.version + 1, def_version=definition.version if valid else row.def_version,
            updated_at=now, updated_by=actor.name))
        if result.rowcount != 1:
            raise Conflict(f"记录 {row.number or row.id} 正被他人修改，请重试")
        conn.execute(insert(revisions).values(
            entry_id=row.id, action="migrate", entry_version=row.version + 1, changes=changed_values(row.data, data),
            at=now, by=actor.name, source="definition"))


def ensure_ledger_indexes(db: Database, key: str) -> list[dict]:
    """Create (and prune) one ledger's indexes for its current definition; return the problems
    that kept one from being made (a business key whose values already repeat)."""
    with db.write() as conn:
        ledger = lock_ledger(conn, key)
        return _reindex(conn, ledger.id, definition_for(conn, ledger), strict=False)


def _reindex(conn: Connection, ledger_id: int, definition: Definition, strict: bool = True) -> list[dict]:
    """Indexes for `definition`, inside a write that locked the ledger row first."""
    if conn.dialect.name == "postgresql":
        # Wait for writers in flight, and hold new ones, before touching counts and indexes:
        # a writer locks its entry before its count rows, so does this.
        conn.execute(text("LOCK TABLE entries IN SHARE MODE"))
    return indexes.ensure(conn, ledger_id, definition, strict)
