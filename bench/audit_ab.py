"""Does a read's audit record still cost much? An A/B in one process, on one database.

A page of 50 (core.entries.query.list_entries, which records the read) and a read's record alone,
each with the record committed as before (waiting for the disk) and as now (core/access/audit.py:
not waiting), alternating which goes first; medians in ms.

    python bench/audit_ab.py                       # SQLite, 2,000 entries, 120 samples
    python bench/audit_ab.py --postgres URL        # and PostgreSQL (URL with a fresh schema)
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import engine as bench  # noqa: E402  (bench/engine.py: the same ledger, rows and page)
from core.access import audit  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402

NOW = audit.record


def before(target, actor, action, ledger=None, entry_id=None, filters=None, rows=None):
    """audit.record as it was: a read's record in a write that waits for the disk."""
    if isinstance(target, Connection):
        return audit._append(target, actor, action, ledger, entry_id, filters, rows)
    with target.write() as conn:
        return audit._append(conn, actor, action, ledger, entry_id, filters, rows)


def measure(url: str, entries: int, samples: int) -> dict[str, float]:
    side = bench.EngineSide(url)
    rows = bench.make_rows(entries)
    for start in range(0, entries, 500):
        side.bulk(rows[start:start + 500])
    units = sorted({row["unit"] for row in rows})
    times: dict[str, list[float]] = {f"{what} {how}": [] for what in ("page", "record")
                                     for how in ("before", "now")}
    try:
        for i in range(samples):
            for how in ("before", "now") if i % 2 else ("now", "before"):
                audit.record = before if how == "before" else NOW
                started = time.perf_counter()
                side.page(units[i % len(units)])
                times[f"page {how}"].append(time.perf_counter() - started)
                started = time.perf_counter()
                audit.record(side.db, bench.ACTOR, "list", bench.KEY, filters={"unit": "x"}, rows=50)
                times[f"record {how}"].append(time.perf_counter() - started)
    finally:
        audit.record = NOW
        side.dispose()
    return {name: round(statistics.median(values) * 1000, 2) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=120)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL whose search_path is a fresh schema")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        show("sqlite", measure(f"sqlite:///{folder}/ab.db", args.entries, args.samples))
    if args.postgres:
        show("postgres", measure(args.postgres, args.entries, args.samples))
    return 0


def show(label: str, figures: dict[str, float]) -> None:
    for what in ("page", "record"):
        old, new = figures[f"{what} before"], figures[f"{what} now"]
        print(f"{label} {what}: before {old:.2f} ms, now {new:.2f} ms, ratio now/before {new / old:.2f}")


if __name__ == "__main__":
    sys.exit(main())
