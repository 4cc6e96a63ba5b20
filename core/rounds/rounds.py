"""Reporting rounds (催报): open one on a ledger with a unit field, report its items unit by
unit, see who has and has not reported, remind the missing units, close it, and open the next
round of a repeating one.

A round's items are fixed when it opens: the entries its filter matched then, each under the
unit it had. An item is reported when its unit fills the round's fields through the round; the
data goes through the ledger's normal update (validation, rules, workflow, permissions, scope,
a revision with source "round") in the same transaction that marks the item. Late: reported
on a local day after the due date. Lock order of a report: the round row, then the entry.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from core.access.policy import SYSTEM, Actor, Scope
from core.db.counts import field_expr
from core.db.models import Database, aware, entries, ledgers, utcnow
from core.db.roundtables import round_items, round_reminders, rounds
from core.definition import workflow
from core.entries import query, store
from core.entries.opened import OpenLedger, open_ledger
from core.entries.params import ListQuery
from core.entries.view import iso
from core.errors import Conflict, DefinitionError, NotFound
from core.ids import int_id, int_version
from core.rounds import spec
from core.settings import local_today, to_local

MAX_ITEMS = 5000  # a round asks at most this many entries (a filter matching more is a mistake)
SOURCE = "round"  # the revision source of a report
NO_UNIT = "（未填写）"


def open_round(db: Database, actor: Actor, key: str, body: Any) -> dict:
    """Check the request, fix the matching entries as the round's items, store it: the round."""
    with db.write() as conn:
        ledger = open_ledger(conn, actor, key)
        ledger.require("define")
        asked = spec.check_round(ledger.definition, body)
        round_id = _insert_round(conn, ledger, asked, actor.name, ledger.scope())
        return _summary(_round_row(conn, ledger.id, round_id), *_counts(conn, db.dialect, ledger, [round_id]))


def _insert_round(conn: Connection, ledger: OpenLedger, asked: dict, by: str | None,
                  scope: Scope, follows: int | None = None) -> int:
    definition = ledger.definition
    q = spec.filter_query(definition, asked["filter"])
    q.scope = scope
    unit = field_expr(conn.dialect.name, definition.unit_field)
    found = conn.execute(select(entries.c.id, unit.label("unit"))
                         .where(*query.conditions(conn.dialect.name, definition, ledger.id, q))
                         .order_by(entries.c.id).limit(MAX_ITEMS + 1)).all()
    if len(found) > MAX_ITEMS:
        raise spec.invalid("filter", f"筛选条件匹配的记录超过 {MAX_ITEMS} 条，请缩小范围")
    round_id = conn.execute(insert(rounds).returning(rounds.c.id).values(
        ledger_id=ledger.id, title=asked["title"], due=asked["due"], filter=asked["filter"],
        fields=asked["fields"], repeat=asked["repeat"], follows_id=follows,
        opened_at=utcnow(), opened_by=by)).scalar_one()
    if found:
        conn.execute(insert(round_items), [{"round_id": round_id, "entry_id": r.id,
                                            "unit": str(r.unit) if r.unit not in (None, "") else NO_UNIT}
                                           for r in found])
    return round_id


def list_rounds(db: Database, actor: Actor, key: str) -> list[dict]:
    """The ledger's rounds, newest first, with the counts of the items the caller may read."""
    open_due_repeats(db)
    with db.read() as conn:
        ledger = open_ledger(conn, actor, key)
        ledger.require("read")
        rows = conn.execute(select(rounds).where(rounds.c.ledger_id == ledger.id)
                            .order_by(rounds.c.id.desc())).all()
        totals, done = _counts(conn, db.dialect, ledger, [r.id for r in rows])
        return [_summary(r, totals, done) for r in rows]


def _counts(conn: Connection, dialect: str, ledger: OpenLedger, ids: list[int]) -> tuple[dict, dict]:
    """Items and reported items per round, of the entries in the caller's read scope."""
    if not ids:
        return {}, {}
    stmt = (select(round_items.c.round_id, func.count(), func.count(round_items.c.reported_at))
            .join(entries, entries.c.id == round_items.c.entry_id)
            .where(round_items.c.round_id.in_(ids),
                   *query.conditions(dialect, ledger.definition, ledger.id, ListQuery(scope=ledger.scope())))
            .group_by(round_items.c.round_id))
    rows = conn.execute(stmt).all()
    return {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}


def _summary(row: Any, totals: dict, done: dict) -> dict:
    total, reported = totals.get(row.id, 0), done.get(row.id, 0)
    return {"id": row.id, "title": row.title, "due": row.due.isoformat(), "filter": row.filter,
            "fields": row.fields, "repeat": row.repeat, "follows": row.follows_id,
            "opened_at": iso(aware(row.opened_at)), "opened_by": row.opened_by,
            "closed_at": iso(aware(row.closed_at)), "closed_by": row.closed_by,
            "open": row.closed_at is None, "total": total, "reported": reported, "missing": total - reported}


def _round_row(conn: Connection, ledger_id: int, round_id: Any, lock: bool = False):
    round_id = _round_id(round_id)
    stmt = select(rounds).where(rounds.c.id == round_id, rounds.c.ledger_id == ledger_id)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound(f"催报 {round_id} 不存在")
    return row


def _round_id(value: Any) -> int:
    try:
        return int_id(value)
    except NotFound:
        raise NotFound(f"催报 {str(value)[:40]} 不存在") from None


def is_late(reported_at: dt.datetime | None, due: dt.date) -> bool:
    """Reported on a local day after the due date."""
    return reported_at is not None and to_local(aware(reported_at)).date() > due


def get_round(db: Database, actor: Actor, key: str, round_id: Any) -> dict:
    """One round with its items per unit, as far as the caller's read scope reaches: {round,
    fields, units: [{unit, items, total, reported, missing, late, reminders, reminded_at}], totals}."""
    open_due_repeats(db)
    with db.read() as conn:
        ledger = open_ledger(conn, actor, key)
        ledger.require("read")
        definition = ledger.definition
        row = _round_row(conn, ledger.id, round_id)
        items = conn.execute(
            select(round_items, entries.c.data, entries.c.number, entries.c.version)
            .join(entries, entries.c.id == round_items.c.entry_id)
            .where(round_items.c.round_id == row.id,
                   *query.conditions(db.dialect, definition, ledger.id, ListQuery(scope=ledger.scope())))
            .order_by(round_items.c.unit, round_items.c.entry_id)).all()
        reminders = conn.execute(select(round_reminders.c.unit, func.count(), func.max(round_reminders.c.at))
                                 .where(round_reminders.c.round_id == row.id)
                                 .group_by(round_reminders.c.unit)).all()
    reminded = {r[0]: (r[1], r[2]) for r in reminders}
    label = label_field(definition)
    units: dict[str, dict] = {}
    for item in items:
        group = units.setdefault(item.unit, {"unit": item.unit, "items": [], "total": 0, "reported": 0,
                                             "missing": 0, "late": 0})
        late = is_late(item.reported_at, row.due)
        group["items"].append({
            "entry_id": item.entry_id, "number": item.number, "version": item.version,
            "label": (item.data or {}).get(label) if label else None,
            "values": {k: (item.data or {}).get(k) for k in row.fields},
            "reported": item.reported_at is not None, "reported_at": iso(aware(item.reported_at)),
            "reported_by": item.reported_by, "note": item.note, "late": late})
        group["total"] += 1
        group["reported" if item.reported_at else "missing"] += 1
        group["late"] += late
    for group in units.values():
        count, last = reminded.get(group["unit"], (0, None))
        group.update(reminders=count, reminded_at=iso(aware(last)))
    groups = list(units.values())
    totals = {k: sum(g[k] for g in groups) for k in ("total", "reported", "missing", "late")}
    summary = _summary(row, {row.id: totals["total"]}, {row.id: totals["reported"]})
    return {"round": summary, "ledger": {"key": key, "title": ledger.row.title},
            "fields": [{"key": k, "title": definition.by_key[k].title if k in definition.by_key else k}
                       for k in row.fields],
            "label": {"key": label, "title": definition.by_key[label].title} if label else None,
            "units": groups, "totals": totals, "today": local_today().isoformat()}


def label_field(definition) -> str | None:
    """What names an item in a round's table: the bulletin's content field, else the first text column."""
    named = (definition.options.get("bulletin") or {}).get("content")
    if named in definition.by_key:
        return named
    return next((f.key for f in definition.list_columns if f.scalar and f.key != definition.unit_field.key), None)


def report_item(db: Database, actor: Actor, key: str, round_id: Any, entry_id: Any, body: Any,
                version: Any = None) -> dict:
    """Report one item: its unit's data through the ledger's update, the item marked reported, in
    one transaction. An item of another unit is missing (404); a closed round refuses (409)."""
    entry_id = int_id(entry_id)
    expected = int_version(version) if version not in (None, "") else None
    with store.unique_keys(db, key), db.write() as conn:
        ledger = open_ledger(conn, actor, key)
        ledger.require("read")
        row = _round_row(conn, ledger.id, round_id, lock=True)
        if row.closed_at is not None:
            raise Conflict(f"催报“{row.title}”已结束，不能再填报")
        item = conn.execute(select(round_items).where(round_items.c.round_id == row.id,
                                                      round_items.c.entry_id == entry_id)).first()
        if item is None:
            raise NotFound(f"记录 {entry_id} 不在本轮催报中")
        data, note = spec.check_report(row.fields, body)
        ledger.require("edit")
        mine = None if actor.is_admin else Scope("unit", frozenset(actor.unit_titles), actor.name)
        data = {**data, **_logged_note(conn, ledger, entry_id, note, actor)}
        entry = store.update_in(conn, actor, key, entry_id, data, expected, partial=True,
                                source=SOURCE, scope=mine)
        now = utcnow()
        conn.execute(update(round_items).where(round_items.c.round_id == row.id,
                                               round_items.c.entry_id == entry_id)
                     .values(reported_at=now, reported_by=actor.name, note=note))
    return {"round": row.id, "entry_id": entry_id, "reported_at": iso(now), "reported_by": actor.name,
            "note": note, "late": is_late(now, row.due), "entry": entry}


def _logged_note(conn: Connection, ledger: OpenLedger, entry_id: int, note: str | None, actor: Actor) -> dict:
    """The note appended to the entry's progress log (x-ledger.timeline), when it keeps one."""
    if not note or workflow.timeline_of(ledger.definition) is None:
        return {}
    data = conn.execute(select(entries.c.data).where(entries.c.id == entry_id)).scalar() or {}
    return workflow.with_note(ledger.definition, data, local_today().isoformat(), note, actor.name)


def close_round(db: Database, actor: Actor, key: str, round_id: Any) -> dict:
    """End a round (no more reports; a repeating round's series ends with it): the round. 409 if closed."""
    with db.write() as conn:
        ledger = open_ledger(conn, actor, key)
        ledger.require("define")
        row = _round_row(conn, ledger.id, round_id, lock=True)
        if row.closed_at is not None:
            raise Conflict(f"催报“{row.title}”已结束")
        conn.execute(update(rounds).where(rounds.c.id == row.id).values(closed_at=utcnow(), closed_by=actor.name))
        return _summary(_round_row(conn, ledger.id, row.id), *_counts(conn, db.dialect, ledger, [row.id]))


def remind_missing(db: Database, actor: Actor, key: str, round_id: Any) -> dict:
    """催报: one reminder per unit with items not yet reported (delivered by the notices, issue 17
    item 3): {"units": [titles]}. A closed round refuses (409)."""
    with db.write() as conn:
        ledger = open_ledger(conn, actor, key)
        ledger.require("define")
        row = _round_row(conn, ledger.id, round_id, lock=True)
        if row.closed_at is not None:
            raise Conflict(f"催报“{row.title}”已结束")
        missing = sorted(conn.execute(
            select(round_items.c.unit).join(entries, entries.c.id == round_items.c.entry_id)
            .where(round_items.c.round_id == row.id, round_items.c.reported_at.is_(None),
                   *query.conditions(db.dialect, ledger.definition, ledger.id, ListQuery(scope=ledger.scope())))
            .distinct()).scalars())
        now = utcnow()
        if missing:
            conn.execute(insert(round_reminders), [{"round_id": row.id, "unit": u, "at": now, "by": actor.name}
                                                   for u in missing])
    return {"round": row.id, "units": missing, "at": iso(now)}


def open_due_repeats(db: Database, today: dt.date | None = None) -> list[int]:
    """Open the next round of every open repeating round whose due date has passed, and close
    the one it follows; each at most once, however many workers ask at once (`follows_id` is
    unique). The new round's items are the entries its filter matches now. Returns new ids."""
    today = today or local_today()
    later = rounds.alias("later")
    with db.read() as conn:
        due = conn.execute(select(rounds.c.id).where(
            rounds.c.repeat.is_not(None), rounds.c.closed_at.is_(None), rounds.c.due < today,
            ~select(later.c.id).where(later.c.follows_id == rounds.c.id).exists())).scalars().all()
    opened = []
    for round_id in due:
        try:
            new = _open_next(db, round_id, today)
        except (IntegrityError, DefinitionError, NotFound):
            continue  # another worker opened it, or the ledger's definition no longer reads its filter
        if new is not None:
            opened.append(new)
    return opened


def _open_next(db: Database, round_id: int, today: dt.date) -> int | None:
    with db.write() as conn:
        row = conn.execute(select(rounds).where(rounds.c.id == round_id).with_for_update()).first()
        if row is None or row.closed_at is not None:
            return None
        ledger_key = conn.execute(select(ledgers.c.key).where(ledgers.c.id == row.ledger_id)).scalar_one()
        ledger = open_ledger(conn, SYSTEM, ledger_key)  # the server opens repeats, not a user
        due = spec.next_due(row.repeat, max(row.due, today))
        asked = {"title": spec.next_title(row.title, row.due, due), "due": due, "filter": row.filter,
                 "fields": row.fields, "repeat": row.repeat}
        new = _insert_round(conn, ledger, asked, row.opened_by, ledger.scope(), follows=row.id)
        conn.execute(update(rounds).where(rounds.c.id == row.id).values(closed_at=utcnow(), closed_by="system"))
        return new
