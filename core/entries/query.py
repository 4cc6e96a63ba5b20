"""Every read of ledgers and entries: filters, search, sort and paging turned into SQL.

Callers pass their identity and the raw parameters, checked against the definition into a
ListQuery (core/entries/params.py). A field is only ever named through the definition; values
are bound parameters; a bad name or value is a QueryError (400), never a string spliced into SQL.
"""
from __future__ import annotations

from typing import Any, Iterator

from sqlalchemy import case, func, select, true

from core.access import policy as access
from core.access.policy import Actor, Scope, can, require
from core.db import counts
from core.db.counts import field_expr
from core.db.indexes import ledger_clause
from core.db.models import Database, entries, ledger_versions, ledgers, revisions
from core.db.reads import request_memo
from core.definition.model import Definition, Field
from core.entries.validation import entry_errors
from core.entries import deadlines
from core.entries.definitions import definition_for
from core.entries.opened import WITH_RULES, OpenLedger, guarded, open_ledger
from core.entries.params import ListQuery, parse_params, scoped
from core.entries.scope import scope_condition
from core.entries.view import entry_view, in_field_order, iso
from core.errors import NotFound
from core.ids import int_id
from core.settings import local_today

# --- ledgers -----------------------------------------------------------------------------

def list_ledgers(db: Database, actor: Actor, deadlines_counted: bool = False,
                 archived: bool = False) -> list[dict]:
    """The ledgers `actor` may read, with their entry counts, in the office's order (position,
    then title; ledgers never placed come after the placed ones). Archived ledgers are left
    out unless `archived` is asked for by an admin (the manage page).

    With `deadlines_counted`, a ledger with an overdue rule also gets `deadlines`: its open,
    overdue and due-soon counts, one aggregate query per such ledger (the index page)."""
    if actor is None:
        require(actor, "read")
    today = local_today()
    stmt = WITH_RULES.order_by(*LEDGER_ORDER)
    if not (archived and actor.is_admin):
        stmt = stmt.where(ledgers.c.archived_at.is_(None))
    with db.read() as conn:
        rows = [guarded(found) for found in conn.execute(stmt).all()]
        out = []
        for row in rows:
            if not can(actor, "read", row):
                continue
            definition = definition_for(conn, row)
            summary = ledger_summary(row, definition)
            sc = access.scope(actor, row)
            if sc.limited:
                summary["entry_count"] = conn.execute(
                    select(func.count()).select_from(entries)
                    .where(*conditions(db.dialect, definition, row.id, ListQuery(scope=sc)))).scalar_one()
            summary["actions"] = sorted(access.actions(actor, row), key=access.ACTIONS.index)
            if deadlines_counted and definition.overdue:
                summary["deadlines"] = deadlines.deadline_counts(
                    conn, db.dialect, definition, row.id, today,
                    scope=scope_condition(db.dialect, definition, sc))
            out.append(summary)
        return out


# The index page's order: placed ledgers by position (core/ledgers/catalog.py), then the others by title.
LEDGER_ORDER = (case((ledgers.c.position > 0, 0), else_=1), ledgers.c.position, ledgers.c.title, ledgers.c.id)


def get_ledger(db: Database, actor: Actor, key: str, version: int | None = None) -> tuple[dict, Definition]:
    with db.read() as conn:
        ledger = open_ledger(conn, actor, key, version)
        ledger.require("read")
        return ledger_card(conn, db.dialect, ledger), ledger.definition


def ledger_card(conn, dialect: str, ledger: OpenLedger) -> dict:
    """The ledger's summary as `ledger.actor` sees it: its actions, and the count of the entries
    in its read scope when that is limited (once per request)."""
    memo = request_memo(conn)
    memo_key = ("card", ledger.actor, ledger.key, ledger.definition.version)
    if memo is not None and memo_key in memo:
        return dict(memo[memo_key])
    summary = ledger_summary(ledger.row, ledger.definition)
    summary["actions"] = sorted(ledger.actions(), key=access.ACTIONS.index)
    sc = ledger.scope()
    if sc.limited:
        summary["entry_count"] = conn.execute(
            select(func.count()).select_from(entries)
            .where(*conditions(dialect, ledger.definition, ledger.id, ListQuery(scope=sc)))).scalar_one()
    if memo is not None:
        memo[memo_key] = summary
    return dict(summary)


def opened(db: Database, actor: Actor, key: str) -> OpenLedger:
    """Ledger `key` as `actor` reaches it, for pages asking what it may do (read once per request)."""
    with db.read() as conn:
        return open_ledger(conn, actor, key)


def readable(conn, actor: Actor, key: str, version: int | None = None, action: str = "read"):
    """The ledger row and definition, once `actor` may `action` on it (its rules apply)."""
    ledger = open_ledger(conn, actor, key, version)
    ledger.require(action)
    return ledger.row, ledger.definition


def allowed(db: Database, actor: Actor, key: str) -> set[str]:
    """The actions `actor` has on ledger `key` (for pages deciding which buttons to show)."""
    return opened(db, actor, key).actions()


def may(db: Database, actor: Actor, key: str, action: str) -> bool:
    """Whether `actor` may `action` on ledger `key` under its rules (write: create/edit/delete)."""
    return opened(db, actor, key).can(action)


def check(db: Database, actor: Actor, key: str, action: str) -> None:
    """Forbidden unless `actor` may `action` on ledger `key` (for pages before they show a form)."""
    opened(db, actor, key).require(action)


def scope_of(db: Database, actor: Actor, key: str, action: str = "read") -> Scope:
    return opened(db, actor, key).scope(action)


def ledger_summary(row: Any, definition: Definition) -> dict:
    return {"key": row.key, "title": row.title, "version": row.current_version,
            "entry_count": row.entry_count, "description": definition.description,
            "updated_at": iso(row.updated_at), "position": row.position,
            "archived": row.archived_at is not None, "archived_at": iso(row.archived_at)}


def list_versions(db: Database, actor: Actor, key: str) -> list[dict]:
    with db.read() as conn:
        ledger, _ = readable(conn, actor, key)
        rows = conn.execute(select(ledger_versions.c.version, ledger_versions.c.created_at,
                                   ledger_versions.c.created_by)
                            .where(ledger_versions.c.ledger_id == ledger.id)
                            .order_by(ledger_versions.c.version)).all()
        return [{"version": r.version, "created_at": iso(r.created_at), "created_by": r.created_by}
                for r in rows]


# --- entries -----------------------------------------------------------------------------

def list_entries(db: Database, actor: Actor, key: str, params: Any = None) -> dict:
    """One page of a ledger's live entries: {items, total, page, size}."""
    with db.read() as conn:
        ledger, definition = readable(conn, actor, key)
        q = parse_params(definition, params)
        q.scope = access.scope(actor, ledger)
        where = conditions(db.dialect, definition, ledger.id, q)
        columns = [entries]
        if definition.overdue:
            columns.append(deadlines.overdue_flag(db.dialect, definition, q.today).label("_overdue"))
        stmt = (select(*columns).where(*where).order_by(*order_by(db.dialect, definition, q))
                .limit(q.size).offset((q.page - 1) * q.size))
        items = []
        for row in conn.execute(stmt):
            items.append(flagged(definition, entry_view(definition, row._mapping, key)))
            if definition.overdue:
                items[-1]["overdue"] = bool(row._mapping["_overdue"])
        if not q.filters and not q.search and not q.due and not q.limited:
            total = ledger.entry_count
        elif q.page == 1 and len(items) < q.size:
            total = len(items)
        elif _counted(definition, q):
            f, _, value = q.filters[0]
            total = counts.read(conn, ledger.id, f, value)
        else:
            total = conn.execute(select(func.count()).select_from(entries).where(*where)).scalar_one()
    return {"items": items, "total": total, "page": q.page, "size": q.size}


def _counted(definition: Definition, q: ListQuery) -> bool:
    """True when the total is kept in entry_counts: one equality filter on a counted choice."""
    if q.search or q.due or len(q.filters) != 1 or q.limited:
        return False
    f, op, value = q.filters[0]
    return op == "eq" and isinstance(value, str) and f in counts.counted_fields(definition)


def iter_entries(db: Database, actor: Actor, key: str, params: Any = None,
                 batch: int = 1000, action: str = "read") -> tuple[Definition, Iterator[dict]]:
    """All matching entries in list order, fetched in batches (for exports: flat memory).
    `action`: export for the file downloads (also needs read; rows in both scopes)."""
    with db.read() as conn:
        ledger, definition = readable(conn, actor, key)
        if action != "read":
            require(actor, action, ledger)
    q = scoped(parse_params(definition, params, paged=False), actor, ledger, action)
    where = conditions(db.dialect, definition, ledger.id, q)

    def rows() -> Iterator[dict]:
        with db.read(own=True) as conn:  # streamed after the request's own reads have ended
            stmt = select(entries).where(*where).order_by(*order_by(db.dialect, definition, q))
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
            for row in result:
                yield entry_view(definition, row._mapping, key)

    return definition, rows()


def get_entry(db: Database, actor: Actor, key: str, entry_id: Any) -> dict:
    """One live entry; an entry outside the caller's scope is as missing as a deleted one (404)."""
    entry_id = int_id(entry_id)
    with db.read() as conn:
        ledger, definition = readable(conn, actor, key)
        row = conn.execute(select(entries).where(
            entries.c.id == entry_id,
            *conditions(db.dialect, definition, ledger.id, ListQuery(scope=access.scope(actor, ledger))))).first()
        if row is None:
            raise NotFound(f"记录 {entry_id} 不存在")
        return flagged(definition, entry_view(definition, row._mapping, key))


def flagged(definition: Definition, entry: dict) -> dict:
    """`entry` with `problems` when the current version would refuse it (an entry saved under an
    older version and kept as it was): lists and entry pages mark it. Entries of the current
    version passed its validation when written (core/entries/store.py and core/ledgers/versions.py keep that true)."""
    if entry["definition_version"] == definition.version:
        return entry
    problems = entry_errors(definition, entry["data"])
    if problems:
        entry["problems"] = problems
    return entry


def list_revisions(db: Database, actor: Actor, key: str, entry_id: Any) -> list[dict]:
    """An entry's history, oldest first: who changed which field from what to what, when.
    One statement: the revisions of the entry as the caller's scope reaches it."""
    entry_id = int_id(entry_id)
    with db.read() as conn:
        ledger, definition = readable(conn, actor, key)
        scope = ListQuery(scope=access.scope(actor, ledger))
        rows = conn.execute(
            select(revisions, entries.c.data.label("entry_data"))
            .join(entries, entries.c.id == revisions.c.entry_id)
            .where(revisions.c.entry_id == entry_id, *conditions(db.dialect, definition, ledger.id, scope))
            .order_by(revisions.c.id)).all()
    if not rows:  # no history at all, or no entry the caller may see (404)
        get_entry(db, actor, key, entry_id)
        return []
    history = [{"id": r.id, "action": r.action, "version": r.entry_version, "at": iso(r.at),
                "by": r.by, "source": r.source, "changes": r.changes} for r in rows]
    if history[0]["action"] == "create" and not history[0]["changes"]:
        history[0]["changes"] = {k: [None, v] for k, v in initial_data(in_field_order(definition.fields, rows[0].entry_data or {}), history).items()}
    return history


def initial_data(current: dict, history: list[dict]) -> dict:
    """The data an entry was created with: its current data with every later change undone."""
    data = dict(current)
    for revision in reversed(history[1:]):
        for key, (before, _after) in revision["changes"].items():
            if before is None:
                data.pop(key, None)
            else:
                data[key] = before
    return data


# --- the list query -> SQL ---------------------------------------------------------------

def conditions(dialect: str, definition: Definition, ledger_id: int, q: ListQuery) -> list:
    where = [ledger_clause(ledger_id), entries.c.deleted_at.is_(None)]
    for f, op, value in q.filters:
        where.append(_condition(dialect, f, op, value))
    if q.search:
        pattern = "%" + q.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        terms = [field_expr(dialect, f).ilike(pattern, escape="\\") for f in definition.search_fields]
        where.append(_any(terms) if terms else true())
    if q.due:
        where.append(deadlines.due_condition(dialect, definition, q.due, q.today, q.due_days))
    for sc in (q.scope, q.also):
        if sc.limited:
            where.append(scope_condition(dialect, definition, sc))
    return where


def _condition(dialect: str, f: Field, op: str, value: Any):
    return f.type.condition(dialect, f, op, value, entries.c.data)


def _any(terms: list):
    combined = terms[0]
    for term in terms[1:]:
        combined = combined | term
    return combined


def order_by(dialect: str, definition: Definition, q: ListQuery) -> list:
    terms = []
    for f, descending in q.sort:
        if f is None:
            terms += deadlines.due_order(dialect, definition)
            continue
        expr = field_expr(dialect, f)
        terms.append(expr.desc() if descending else expr.asc())
    last_desc = q.sort[-1][1] if q.sort else True
    terms.append(entries.c.id.desc() if last_desc else entries.c.id.asc())
    return terms
