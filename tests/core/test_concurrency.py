"""Many writers at once on one ledger: no deadlock, no error, kept counts equal to the live rows.

On PostgreSQL the ledger row and the `entry_counts` rows were locked in different orders by
different write paths (and two edits flipping a choice in opposite directions locked two
count rows in opposite orders), so ordinary concurrent writes died with DeadlockDetected.
"""
from __future__ import annotations

import io

from sqlalchemy import func, select

from core.access.policy import SYSTEM, Actor
from core.tabular.importer import ImportOptions, import_file
from core.db.models import entries, entry_counts
from core.entries.query import list_entries
from core.entries.store import create_entry, delete_entry, update_entry
from core.ledgers.versions import save_definition
from tests.concurrent import failures, together

from .conftest import SMALL


EDITOR = Actor("editor", "editor")
UNITS = ["甲", "乙", "丙"]


def _run(workers) -> list[BaseException]:
    return failures(together(workers, timeout=120))


def _kept_counts_match_live_rows(edb) -> dict:
    with edb.read() as conn:
        kept = {(r.value): r.n for r in conn.execute(select(entry_counts).where(entry_counts.c.field == "unit"))
                if r.n}
        live = conn.execute(select(entries.c.data).where(entries.c.deleted_at.is_(None))).scalars().all()
        ledger_total = conn.execute(select(func.count()).select_from(entries)
                                    .where(entries.c.deleted_at.is_(None))).scalar_one()
    counted: dict = {}
    for data in live:
        if "unit" in data:
            counted[data["unit"]] = counted.get(data["unit"], 0) + 1
    assert kept == counted
    assert list_entries(edb, EDITOR, "small")["total"] == ledger_total
    return counted


def test_flipping_choices_in_opposite_directions_never_deadlocks(edb):
    save_definition(edb, SYSTEM, SMALL)
    mine = [create_entry(edb, EDITOR, "small", {"name": str(n), "unit": UNITS[n % 2]}) for n in range(12)]

    def flipper(entry):
        def work():
            version, unit = entry["version"], entry["data"]["unit"]
            for _ in range(10):
                unit = "乙" if unit == "甲" else "甲"
                version = update_entry(edb, EDITOR, "small", entry["id"], {"name": entry["data"]["name"],
                                                                            "unit": unit}, version)["version"]
        return work

    assert _run([flipper(e) for e in mine]) == []
    assert sum(_kept_counts_match_live_rows(edb).values()) == 12


def test_mixed_creates_edits_imports_and_deletes_end_clean(edb):
    save_definition(edb, SYSTEM, SMALL)
    doomed = [create_entry(edb, EDITOR, "small", {"name": f"删{n}", "unit": UNITS[n % 3]}) for n in range(12)]
    edited = [create_entry(edb, EDITOR, "small", {"name": f"改{n}", "unit": UNITS[n % 3]}) for n in range(4)]

    def creator(n):
        return lambda: [create_entry(edb, EDITOR, "small", {"name": f"新{n}-{i}", "unit": UNITS[i % 3]})
                        for i in range(8)]

    def importer(n):
        rows = "\r\n".join(f"导{n}-{i},{UNITS[(i + n) % 3]}" for i in range(30))
        def work():
            for _ in range(2):
                report = import_file(edb, EDITOR, "small", io.BytesIO(f"名称,单位\r\n{rows}\r\n".encode()),
                                     ImportOptions())
                assert report.ok and report.created == 30, report.as_dict()
        return work

    def deleter(chunk):
        return lambda: [delete_entry(edb, EDITOR, "small", e["id"], e["version"]) for e in chunk]

    def editor(entry):
        def work():
            version = entry["version"]
            for i in range(6):
                version = update_entry(edb, EDITOR, "small", entry["id"],
                                       {"name": entry["data"]["name"], "unit": UNITS[i % 3]}, version)["version"]
        return work

    workers = ([creator(n) for n in range(3)] + [importer(n) for n in range(3)]
               + [deleter(doomed[i::3]) for i in range(3)] + [editor(e) for e in edited])
    assert _run(workers) == []
    counted = _kept_counts_match_live_rows(edb)
    assert sum(counted.values()) == 4 + 3 * 8 + 3 * 2 * 30
