"""Taking entry numbers (the pattern: core/definition/numbering.py).

Numbers are taken inside the create transaction, after the ledger row lock every create takes
first, so two creates never get the same one.
"""
from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from core.db.models import entries, entry_sequences
from core.definition.numbering import render
from core.settings import local_today

LEDGER_PERIOD = ""


def assign(conn: Connection, ledger_id: int, options: dict, count: int) -> list[tuple[int, str]]:
    """(seq, number) for `count` new entries, inside a write whose caller locked the ledger row."""
    seqs = _advance(conn, ledger_id, LEDGER_PERIOD, count)
    spec = options.get("numbering")
    if not spec:
        return [(s, str(s)) for s in seqs]
    year = local_today().year
    ns = _advance(conn, ledger_id, str(year), count) if spec.get("reset") == "year" else seqs
    return [(s, render(spec["pattern"], n, year)) for s, n in zip(seqs, ns)]


def _advance(conn: Connection, ledger_id: int, period: str, count: int) -> range:
    """Move a counter on by `count`; the numbers it passed."""
    where = (entry_sequences.c.ledger_id == ledger_id, entry_sequences.c.period == period)
    last = conn.execute(update(entry_sequences).where(*where)
                        .values(last=entry_sequences.c.last + count)
                        .returning(entry_sequences.c.last)).scalar()
    if last is None:  # the first entry of the ledger (or of the year)
        start = 0
        if period == LEDGER_PERIOD:  # entries a create_all database held before its counter
            start = conn.execute(select(func.max(entries.c.seq))
                                 .where(entries.c.ledger_id == ledger_id)).scalar() or 0
        last = start + count
        conn.execute(insert(entry_sequences).values(ledger_id=ledger_id, period=period, last=last))
    return range(last - count + 1, last + 1)
