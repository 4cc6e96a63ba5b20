"""Entry numbers people cite: 1, 2, 3 … per ledger, or a declared pattern such as 督〔2026〕7号.

`seq` runs 1, 2, 3 … over a ledger's whole life and is unique per ledger (never reused after
a delete); `number` is the text shown, rendered from `x-ledger.numbering.pattern` with `{n}`
(the ledger's sequence, or the year's with `"reset": "year"`) and `{year}` (the creation year
in the configured time zone). Numbers are taken inside the create transaction, after the
ledger row lock every create takes first, so two creates never get the same one.
"""
from __future__ import annotations

import re
from typing import Iterator

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from core.db.models import entries, entry_sequences
from core.settings import local_today

PLACEHOLDER = re.compile(r"\{(n|year)(?::([1-9]))?\}")
LEDGER_PERIOD = ""


def check_numbering(document: dict) -> Iterator[dict]:
    """Problems of `x-ledger.numbering` as {path, message}."""
    spec = document["x-ledger"].get("numbering")
    if spec is None:
        return
    where, pattern = "/x-ledger/numbering/pattern", spec["pattern"]
    names = [m.group(1) for m in PLACEHOLDER.finditer(pattern)]
    rest = PLACEHOLDER.sub("", pattern)
    if "{" in rest or "}" in rest:
        yield {"path": where, "message": "编号格式只能含 {n}、{year}（或 {n:3} 这样的补零位数）"}
    if names.count("n") != 1:
        yield {"path": where, "message": "编号格式应含且只含一个 {n}（序号）"}
    if spec.get("reset") == "year" and "year" not in names:
        yield {"path": where, "message": "按年重新编号时，编号格式应含 {year}，否则各年编号会重复"}


def render(pattern: str, n: int, year: int) -> str:
    def fill(match: re.Match) -> str:
        value = n if match.group(1) == "n" else year
        return str(value).zfill(int(match.group(2) or 0))
    return PLACEHOLDER.sub(fill, pattern)


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
