"""The supervision bulletin (督查通报): per responsible unit, how many items were due in a period,
how many are done, overdue, done on time; then the overdue items themselves.

Generic: any ledger whose definition has an overdue rule (`x-ledger.overdue`, with its status
field and closed states) may declare `x-ledger.bulletin = {"unit": ..., "leader": ...,
"completed": ..., "content": ..., "title": ...}`. The figures are computed in SQL (one GROUP BY
over the stored JSON, through each field's kind), so a bulletin costs the same on a ledger of
a million entries as a list page.

An item belongs to the period when its date in the overdue rule (完成时限) falls in it: that
date is required on every item, and "what was due in the first half-year, and what of it was
done, late or not at all" is the question a bulletin answers.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Iterable

from sqlalchemy import case, false, func, select

from core.access import policy as access
from core.access.policy import Actor
from core.entries.query import readable
from core.entries.scope import scope_condition
from core.errors import NotFound, QueryError
from core.db.indexes import ledger_clause
from core.db.models import Database, entries

if TYPE_CHECKING:
    from core.definition.model import Definition, Field

DEFAULT_TITLE = "督查通报"
MAX_OVERDUE_ROWS = 500     # a printed bulletin lists at most this many overdue items
MAX_SPAN_DAYS = 10 * 366   # a period longer than ten years is a typing mistake
NO_UNIT = "（未填写）"


# --- the bulletin ---------------------------------------------------------------------------

def bulletin(db: Database, actor: Actor, key: str, start: Any, end: Any, today: dt.date) -> dict:
    """The figures of one bulletin: {title, ledger, start, end, today, fields, units, totals, overdue}.

    `start` and `end` (dates or ISO text, both included) bound the items' deadlines; `today`
    (the caller's local date) decides what is overdue.
    """
    start, end = parse_period(start, end)
    with db.read() as conn:
        ledger, definition = readable(conn, actor, key)
        spec = bulletin_spec(definition)
        parts = _Parts(db.dialect, definition, spec, ledger.id, start, end, today)
        limit = scope_condition(db.dialect, definition, access.scope(actor, ledger))
        if limit is not None:
            parts.where.append(limit)
        grouped = conn.execute(parts.by_unit()).all()
        late = conn.execute(parts.overdue_items()).all()
    units = _order_units(parts.unit, [_unit_row(r) for r in grouped], parts.completed is not None)
    return {
        "title": spec.get("title") or DEFAULT_TITLE,
        "ledger": {"key": key, "title": ledger.title},
        "start": start.isoformat(), "end": end.isoformat(), "today": today.isoformat(),
        "fields": {name: {"key": f.key, "title": f.title} for name, f in parts.named().items()},
        "units": units,
        "totals": _rates(_sum_rows(units), parts.completed is not None),
        "overdue": [_overdue_row(parts, r, today) for r in late],
        "overdue_limit": MAX_OVERDUE_ROWS,
    }


def bulletin_spec(definition: "Definition") -> dict:
    """The ledger's bulletin option, or NotFound when it declares none."""
    spec = definition.options.get("bulletin")
    if not spec or not definition.overdue:
        raise NotFound(f"台帐“{definition.title}”未设置督查通报")
    return spec


def parse_period(start: Any, end: Any) -> tuple[dt.date, dt.date]:
    """Two dates, first not after last, or a QueryError in Chinese."""
    first, last = _day(start, "开始日期"), _day(end, "结束日期")
    if first > last:
        raise QueryError("开始日期不能晚于结束日期", [{"field": "from", "message": "开始日期不能晚于结束日期"}])
    if (last - first).days > MAX_SPAN_DAYS:
        raise QueryError("统计期间不能超过十年", [{"field": "to", "message": "统计期间不能超过十年"}])
    return first, last


def _day(value: Any, title: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        message = f"{title}应为日期，如 2026-01-01"
        raise QueryError(message, [{"field": "from" if title == "开始日期" else "to", "message": message}]) from None


class _Parts:
    """The SQL pieces of one bulletin: fields as typed expressions, the period, done, overdue."""

    def __init__(self, dialect: str, definition: "Definition", spec: dict, ledger_id: int,
                 start: dt.date, end: dt.date, today: dt.date):
        rule = definition.overdue
        self.unit = definition.by_key[spec["unit"]]
        self.deadline = definition.by_key[rule["date"]]
        self.status = definition.by_key.get(rule.get("status", ""))
        self.completed = definition.by_key.get(spec.get("completed", ""))
        self.leader = definition.by_key.get(spec.get("leader", ""))
        self.content = definition.by_key.get(spec.get("content", "")) or definition.list_columns[0]
        expr = lambda f: f.type.sql_expr(dialect, f, entries.c.data)  # noqa: E731
        self.unit_e, self.deadline_e = expr(self.unit), expr(self.deadline)
        closed = list(rule.get("closed", []))
        status_e = expr(self.status) if self.status is not None else None
        self.done = status_e.in_(closed) if status_e is not None and closed else false()
        self.not_done = ~self.done | status_e.is_(None) if status_e is not None else ~self.done
        self.late = self.not_done & (self.deadline_e < today.isoformat())
        self.on_time = (self.done & expr(self.completed).isnot(None)
                        & (expr(self.completed) <= self.deadline_e)) if self.completed is not None else false()
        self.where = [ledger_clause(ledger_id), entries.c.deleted_at.is_(None),
                      self.deadline_e >= start.isoformat(), self.deadline_e <= end.isoformat()]

    def named(self) -> dict:
        found = {"unit": self.unit, "deadline": self.deadline, "status": self.status,
                 "completed": self.completed, "leader": self.leader, "content": self.content}
        return {k: f for k, f in found.items() if f is not None}

    def by_unit(self):
        count_if = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
        return (select(self.unit_e.label("unit"), func.count().label("total"),
                       count_if(self.done).label("done"), count_if(self.late).label("overdue"),
                       count_if(self.on_time).label("on_time"))
                .where(*self.where).group_by(self.unit_e))

    def overdue_items(self):
        return (select(entries.c.id, entries.c.data).where(*self.where, self.late)
                .order_by(self.deadline_e.asc(), entries.c.id.asc()).limit(MAX_OVERDUE_ROWS))


def _unit_row(row: Any) -> dict:
    unit = row.unit if row.unit not in (None, "") else NO_UNIT
    return {"unit": str(unit), "total": int(row.total), "done": int(row.done or 0),
            "overdue": int(row.overdue or 0), "on_time": int(row.on_time or 0)}


def _order_units(unit: "Field", rows: list[dict], with_completed: bool) -> list[dict]:
    """Units in the definition's choice order (the order people know), others by name, blank last."""
    merged: dict[str, dict] = {}
    for r in rows:  # JSON numbers and text of the same spelling group apart in SQL; add them up
        into = merged.setdefault(r["unit"], {**r, "total": 0, "done": 0, "overdue": 0, "on_time": 0})
        for k in ("total", "done", "overdue", "on_time"):
            into[k] += r[k]
    order = {c: i for i, c in enumerate(unit.choices)}
    ranked = sorted(merged.values(), key=lambda r: (r["unit"] == NO_UNIT, order.get(r["unit"], len(order)), r["unit"]))
    return [_rates(r, with_completed) for r in ranked]


def _sum_rows(rows: Iterable[dict]) -> dict:
    total = {"unit": "合计", "total": 0, "done": 0, "overdue": 0, "on_time": 0}
    for r in rows:
        for k in ("total", "done", "overdue", "on_time"):
            total[k] += r[k]
    return total


def _rates(row: dict, with_completed: bool) -> dict:
    """done_rate = done / total; on_time_rate = done on or before the deadline / done (None when 0/0)."""
    row["done_rate"] = row["done"] / row["total"] if row["total"] else None
    row["on_time_rate"] = row["on_time"] / row["done"] if row["done"] and with_completed else None
    return row


def _overdue_row(parts: _Parts, row: Any, today: dt.date) -> dict:
    data = row.data
    deadline = data.get(parts.deadline.key)
    days = (today - dt.date.fromisoformat(deadline)).days if isinstance(deadline, str) else None
    pick = lambda f: data.get(f.key) if f is not None else None  # noqa: E731
    return {"id": row.id, "content": pick(parts.content), "unit": pick(parts.unit),
            "leader": pick(parts.leader), "deadline": deadline, "days": days,
            "status": pick(parts.status)}
