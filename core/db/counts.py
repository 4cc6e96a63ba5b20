"""SQL expressions for fields, and per-value entry counts for choice filters.

A list page must say how many entries match. Counting the matching rows grows with the
ledger (PostgreSQL cannot count from an index on a JSON expression), so for the commonest
filter — one choice, e.g. 承办单位 = 区财政局 — the count is kept in `entry_counts` by every
write, in the same transaction, and rebuilt whenever a new definition version is saved.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from sqlalchemy import delete, func, literal, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from core.definition.model import Definition, Field
from core.db.models import entries, entry_counts


def field_expr(dialect: str, f: Field):
    """The SQL expression for a scalar field, typed so that numbers sort as numbers (its kind says how)."""
    return f.type.sql_expr(dialect, f, entries.c.data)


def counted_fields(definition: Definition) -> list[Field]:
    """The filters whose per-value counts are kept: single choices."""
    return [f for f in definition.filters if f.type.counted]


def adjust(conn: Connection, ledger_id: int, definition: Definition,
           removed: Iterable[dict] = (), added: Iterable[dict] = ()) -> None:
    """Count entries `added` and uncount entries `removed` (data dicts), in one statement."""
    tally = Tally(definition)
    tally.remove(removed)
    tally.add(added)
    tally.apply(conn, ledger_id)


class Tally:
    """Count changes gathered over a whole write transaction and applied once, at its end.

    Lock order (see docs/design.md): a write locks the ledger row first, then entry rows, and
    the count rows last, all in one statement in (field, value) order. Two transactions that
    each locked some count rows early and wanted more later deadlocked on PostgreSQL.
    """

    def __init__(self, definition: Definition):
        self.fields = counted_fields(definition)
        self.delta: Counter = Counter()

    def add(self, rows: Iterable[dict]) -> None:
        for data in rows:
            _tally(self.delta, self.fields, data, 1)

    def remove(self, rows: Iterable[dict]) -> None:
        for data in rows:
            _tally(self.delta, self.fields, data, -1)

    def apply(self, conn: Connection, ledger_id: int) -> None:
        rows = [{"ledger_id": ledger_id, "field": k, "value": v, "n": n}
                for (k, v), n in sorted(self.delta.items()) if n]
        self.delta.clear()
        if not rows:
            return
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = dialect_insert(entry_counts)
        conn.execute(stmt.on_conflict_do_update(index_elements=["ledger_id", "field", "value"],
                                                set_={"n": entry_counts.c.n + stmt.excluded.n}), rows)


def _tally(delta: Counter, fields: list[Field], data: dict, sign: int) -> None:
    for f in fields:
        value = data.get(f.key)
        if isinstance(value, str):
            delta[(f.key, value)] += sign


def rebuild(conn: Connection, ledger_id: int, definition: Definition) -> None:
    """Recount every counted field of a ledger from its live entries (a new version may count others)."""
    conn.execute(delete(entry_counts).where(entry_counts.c.ledger_id == ledger_id))
    for f in counted_fields(definition):
        expr = field_expr(conn.dialect.name, f)
        is_text = func.json_type(entries.c.data, literal_column(f"'$.{f.key}'")) == "text" \
            if conn.dialect.name == "sqlite" else \
            func.jsonb_typeof(entries.c.data.op("->")(literal_column(f"'{f.key}'"))) == "string"
        counted = (select(literal(ledger_id), literal(f.key), expr, func.count())
                   .where(entries.c.ledger_id == ledger_id, entries.c.deleted_at.is_(None), is_text)
                   .group_by(expr))
        conn.execute(entry_counts.insert().from_select(["ledger_id", "field", "value", "n"], counted))


def read(conn: Connection, ledger_id: int, f: Field, value: str) -> int:
    return conn.execute(select(entry_counts.c.n).where(
        entry_counts.c.ledger_id == ledger_id, entry_counts.c.field == f.key,
        entry_counts.c.value == value)).scalar() or 0
