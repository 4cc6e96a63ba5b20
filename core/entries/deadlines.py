"""Deadlines in SQL: a ledger's overdue rule (`x-ledger.overdue`) as conditions, counts and a sort.

The rule names a date field, optionally a status field and the statuses that close an item:
`{"date": "deadline", "status": "status", "closed": ["已办结"]}`. An item is open while its
status is none of the closed ones (or empty); overdue when open and its date is before
today; due soon when open and its date falls within the next `days` days, today included.
Today is the local date (core.settings.local_today), so a query, a page and a report agree.
Everything here is a SQLAlchemy expression over `entries`, usable by any query: the list,
the exports, the index page's counts and the reports.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.engine import Connection

from core.db.counts import field_expr
from core.definition.model import Definition
from core.errors import QueryError
from core.ids import plain_int
from core.db.indexes import ledger_clause
from core.db.models import entries
from core.settings import local_today

DUE_FILTERS = {"overdue": "超期", "soon": "即将到期", "open": "未办结"}
DEFAULT_SOON_DAYS = 7
MAX_SOON_DAYS = 366


def overdue_rule(definition: Definition) -> dict:
    """The ledger's overdue rule, or a QueryError (400) saying it has none."""
    rule = definition.overdue
    if not rule:
        raise QueryError(f"台帐“{definition.title}”没有设置超期规则（x-ledger.overdue），"
                         "不能按期限（_due）筛选或排序")
    return rule


def open_condition(dialect: str, definition: Definition):
    """Status empty or none of the closed ones; every item is open when the rule names no status."""
    rule = overdue_rule(definition)
    closed = list(rule.get("closed") or [])
    if not rule.get("status") or not closed:
        return true()
    status = field_expr(dialect, definition.field(rule["status"]))
    return or_(status.is_(None), status.not_in(closed))


def _date(dialect: str, definition: Definition):
    return field_expr(dialect, definition.field(overdue_rule(definition)["date"]))


def due_condition(dialect: str, definition: Definition, due: str, today: dt.date | None = None,
                  days: int = DEFAULT_SOON_DAYS):
    """The SQL condition of `_due=overdue|soon|open` (dates are ISO text, so they compare as text)."""
    if due not in DUE_FILTERS:
        raise QueryError("参数 _due 应为 overdue（超期）、soon（即将到期）或 open（未办结）")
    still_open = open_condition(dialect, definition)
    if due == "open":
        return still_open
    today = today or local_today()
    date = _date(dialect, definition)
    if due == "overdue":
        return and_(date < today.isoformat(), still_open)
    until = today + dt.timedelta(days=days)
    return and_(date >= today.isoformat(), date <= until.isoformat(), still_open)


deadline_conditions = due_condition  # the name the report engine may prefer


def overdue_flag(dialect: str, definition: Definition, today: dt.date | None = None):
    """1 for an overdue entry, else 0: a column a list selects to mark its rows."""
    return case((due_condition(dialect, definition, "overdue", today), 1), else_=0)


def due_order(dialect: str, definition: Definition) -> list:
    """The `_sort=_due` order: open items first, then the rule's date ascending (none last), then id.

    Evaluated per row as a CASE over the status; no index serves it, so it sorts the filtered set
    (a few thousand rows of a supervision ledger cost milliseconds).
    """
    date = _date(dialect, definition)
    still_open = open_condition(dialect, definition)
    return [case((still_open, 0), else_=1).asc(), case((date.is_(None), 1), else_=0).asc(),
            date.asc(), entries.c.id.asc()]


def deadline_counts(conn: Connection, dialect: str, definition: Definition, ledger_id: int,
                    today: dt.date | None = None, days: int = DEFAULT_SOON_DAYS,
                    scope: Any = None) -> dict[str, int]:
    """{open, overdue, soon} counts of a ledger's live entries in one aggregate query;
    `scope`: the caller's scope condition (core/entries/scope.py scope_condition), None for all."""
    today = today or local_today()
    terms = {name: func.count().filter(due_condition(dialect, definition, name, today, days))
             for name in ("open", "overdue", "soon")}
    row = conn.execute(select(*(t.label(n) for n, t in terms.items())).select_from(entries)
                       .where(ledger_clause(ledger_id), entries.c.deleted_at.is_(None),
                              *([scope] if scope is not None else []))).one()
    return {name: int(getattr(row, name) or 0) for name in terms}


def parse_days(value: Any) -> int:
    days = plain_int(value)
    if days is None:
        raise QueryError("参数 _due_days 应为整数（天数）")
    if not 0 <= days <= MAX_SOON_DAYS:
        raise QueryError(f"参数 _due_days 应在 0 到 {MAX_SOON_DAYS} 之间")
    return days
