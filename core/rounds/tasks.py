"""我的待办: the signed-in user's work across every ledger it may read.

Three lists, each within the ledger's scope for the user (its read and edit scopes, as every
list; core/entries/query.py conditions) and, for a user of a unit, within that unit and the
units below it, so nobody sees another unit's work:
- rounds: items of the user's unit in an open round, not yet reported;
- deadlines: open items overdue or due within 7 days (the ledger's overdue rule);
- steps: items waiting for a forward workflow step the user's role may take (「待交办」 for
  administrators), leaving out steps into a final state (办结), which the deadlines cover.
Only ledgers the user may edit are asked: a viewer has no work to do.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from core.access.policy import Actor, Scope
from core.db.models import Database, aware, entries
from core.db.roundtables import round_items, rounds
from core.definition import workflow
from core.entries import deadlines, query
from core.entries.opened import OpenLedger, open_ledger
from core.entries.params import ListQuery
from core.entries.scope import scope_condition
from core.entries.view import iso
from core.rounds import rounds as roundwork
from core.settings import local_today

LIMIT = 200  # items listed per kind (the counts are complete)


def my_tasks(db: Database, actor: Actor, today: dt.date | None = None) -> dict:
    """{rounds, deadlines, steps: [...], counts: {...}, total} for `actor`."""
    roundwork.open_due_repeats(db)
    today = today or local_today()
    out: dict[str, list] = {"rounds": [], "deadlines": [], "steps": []}
    counts = {kind: 0 for kind in out}
    keys = [s["key"] for s in query.list_ledgers(db, actor) if "edit" in s["actions"]]
    with db.read() as conn:
        for key in keys:
            ledger = open_ledger(conn, actor, key)
            where = _where(db.dialect, ledger, actor)
            for kind, (n, rows) in (("rounds", _round_items(conn, ledger, where)),
                                    ("deadlines", _deadline_items(conn, db.dialect, ledger, where, today)),
                                    ("steps", _step_items(conn, db.dialect, ledger, where, actor))):
                counts[kind] += n
                out[kind].extend(rows[:max(0, LIMIT - len(out[kind]))])
    return {**out, "counts": counts, "total": sum(counts.values()), "today": today.isoformat()}


def task_count(db: Database, actor: Actor) -> int:
    """How many tasks `actor` has (the header and the index page)."""
    return my_tasks(db, actor)["total"]


def _where(dialect: str, ledger: OpenLedger, actor: Actor) -> list:
    """The live entries of the ledger the actor may read and edit, of its unit when it has one."""
    where = query.conditions(dialect, ledger.definition, ledger.id,
                             ListQuery(scope=ledger.scope(), also=ledger.scope("edit")))
    mine = _unit_scope(ledger, actor)
    if mine is not None:
        where.append(scope_condition(dialect, ledger.definition, mine))
    return where


def _unit_scope(ledger: OpenLedger, actor: Actor) -> Scope | None:
    """The user's unit (and those below) on a ledger with a unit field; None: its scope alone
    (an administrator without a unit). A non-administrator without a unit has no unit's work."""
    if ledger.definition.unit_field is None or (actor.is_admin and not actor.unit_titles):
        return None
    return Scope("unit", frozenset(actor.unit_titles), actor.name)


def _item(ledger: OpenLedger, row: Any, **extra) -> dict:
    label = _label(ledger)
    return {"ledger": ledger.key, "ledger_title": ledger.row.title, "entry_id": row.id,
            "number": row.number, "label": (row.data or {}).get(label) if label else None, **extra}


def _label(ledger: OpenLedger) -> str | None:
    return roundwork.label_field(ledger.definition)


def _round_items(conn, ledger: OpenLedger, where: list) -> tuple[int, list]:
    if ledger.definition.unit_field is None:
        return 0, []
    stmt = (select(entries, rounds.c.id.label("round_id"), rounds.c.title.label("round_title"),
                   rounds.c.due.label("round_due"))
            .join(round_items, round_items.c.entry_id == entries.c.id)
            .join(rounds, rounds.c.id == round_items.c.round_id)
            .where(rounds.c.ledger_id == ledger.id, rounds.c.closed_at.is_(None),
                   round_items.c.reported_at.is_(None), *where))
    n = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(stmt.order_by(rounds.c.due, entries.c.id).limit(LIMIT)).all()
    return n, [_item(ledger, r, round=r.round_id, round_title=r.round_title, due=r.round_due.isoformat())
               for r in rows]


def _deadline_items(conn, dialect: str, ledger: OpenLedger, where: list, today: dt.date) -> tuple[int, list]:
    definition = ledger.definition
    if not definition.overdue:
        return 0, []
    date_key = definition.overdue["date"]
    soon = deadlines.due_condition(dialect, definition, "soon", today)
    late = deadlines.due_condition(dialect, definition, "overdue", today)
    stmt = select(entries).where(*where, late | soon)
    n = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(stmt.order_by(*deadlines.due_order(dialect, definition)).limit(LIMIT)).all()
    out = []
    for r in rows:
        due = (r.data or {}).get(date_key)
        out.append(_item(ledger, r, due=due, overdue=bool(due and due < today.isoformat())))
    return n, out


def _step_items(conn, dialect: str, ledger: OpenLedger, where: list, actor: Actor) -> tuple[int, list]:
    definition = ledger.definition
    flow = workflow.workflow_of(definition)
    if flow is None:
        return 0, []
    waiting = {s.source: s for s in flow.steps
               if actor.role in s.roles and not s.back and not s.confirm}
    if not waiting:
        return 0, []
    states = ListQuery(filters=[(definition.by_key[flow.field], "in", sorted(waiting))])
    stmt = select(entries).where(*where, *query.conditions(dialect, definition, ledger.id, states))
    n = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = conn.execute(stmt.order_by(entries.c.id).limit(LIMIT)).all()
    return n, [_item(ledger, r, state=(r.data or {}).get(flow.field),
                     step=waiting[(r.data or {}).get(flow.field)].label,
                     updated_at=iso(aware(r.updated_at))) for r in rows]
