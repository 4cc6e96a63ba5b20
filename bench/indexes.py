"""Does one ledger's write pay for the other ledgers' indexes? What does a title-only save cost?

    python bench/indexes.py [--entries 20000] [--db sqlite|postgres|both] [--repeats 3]

1. Bulk-creates `--entries` supervision entries (chunks of 2,000) into a database holding only
   the supervision ledger ("own indexes") and into one holding all five shipped ledgers ("all
   ledgers"), alternating which goes first; ratio = all / own. With indexes shared by every
   ledger the ratio was about 1.5 (2.9-3.7 s against 4.8-4.9 s for 20,000); with per-ledger
   partial indexes it should be about 1.
2. On the all-ledgers database, after the load: the time of saving a new definition version
   that changes only titles and help texts (no recount, no index change) against one that adds
   a filter (recount and a new index), alternating; medians.
"""
from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import make_rows, postgres_reachable, postgres_urls, sqlite_urls  # noqa: E402
from core.db import bootstrap  # noqa: E402
from core.entries import store  # noqa: E402
from core.ledgers import versions
from core.access.policy import Actor  # noqa: E402
from core.db.models import Database  # noqa: E402

ACTOR = Actor("bench", "admin", system=True)  # loads sample data in any workflow state, as a migration would
SCHEMAS = ROOT / "schemas"
CHUNK = 2000


def fresh(url: str, every_ledger: bool) -> Database:
    db = Database(url)
    bootstrap.upgrade_schema(db, ROOT / "migrations")  # the tables as production has them
    if every_ledger:
        bootstrap.load_path(db, ACTOR, SCHEMAS)
    else:
        bootstrap.load_path(db, ACTOR, SCHEMAS / "supervision.json")
    return db


def bulk_seconds(db: Database, rows: list[dict]) -> float:
    started = time.perf_counter()
    for start in range(0, len(rows), CHUNK):
        store.create_entries(db, ACTOR, "supervision", rows[start:start + CHUNK], source="bench")
    return time.perf_counter() - started


def index_count(db: Database) -> int:
    with db.read() as conn:
        if db.dialect == "sqlite":
            sql = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries'"
        else:
            sql = "SELECT count(*) FROM pg_indexes WHERE tablename = 'entries' AND schemaname = current_schema()"
        return conn.exec_driver_sql(sql).scalar_one()


def run(kind: str, urls, entries: int, repeats: int) -> None:
    rows = make_rows(entries)
    own_times, all_times = [], []
    for repeat in range(repeats):
        order = [False, True] if repeat % 2 == 0 else [True, False]
        for every in order:
            db = fresh(urls(f"{'all' if every else 'own'}{repeat}"), every)
            seconds = bulk_seconds(db, rows)
            (all_times if every else own_times).append(seconds)
            indexes_here = index_count(db)
            if every and repeat == repeats - 1:
                saves = time_saves(db, repeats=max(3, repeats))
            db.dispose()
            print(f"  {kind} {'all ledgers' if every else 'own only'}: {seconds:.2f} s "
                  f"({indexes_here} indexes on entries)", flush=True)
    own, every = statistics.median(own_times), statistics.median(all_times)
    print(f"\n{kind}, {entries:,} supervision entries, medians of {repeats}")
    print(f"  bulk create, own ledger only : {own:6.2f} s  ({entries / own:,.0f} r/s)")
    print(f"  bulk create, all five ledgers: {every:6.2f} s  ({entries / every:,.0f} r/s)")
    print(f"  ratio all / own              : {every / own:6.2f}x  (target <= 1.10)")
    print(f"  save, titles only            : {saves['titles']:6.3f} s")
    print(f"  save, a filter added         : {saves['filter']:6.3f} s  "
          f"({saves['filter'] / saves['titles']:.0f}x the titles-only save)")


def time_saves(db: Database, repeats: int) -> dict[str, float]:
    """Alternate a titles-only new version with one that adds (then removes) a filter."""
    base = json.loads((SCHEMAS / "supervision.json").read_text("utf-8"))
    times: dict[str, list[float]] = {"titles": [], "filter": []}
    for n in range(repeats):
        retitled = copy.deepcopy(base)
        retitled["title"] = f"督查督办台帐（第{n}次改名）"
        refiltered = copy.deepcopy(base)
        filters = refiltered["x-ledger"]["list"]["filters"]
        refiltered["x-ledger"]["list"]["filters"] = filters[:-1] if n % 2 else [*filters, "leader"]
        for label, document in (("titles", retitled), ("filter", refiltered))[:: 1 if n % 2 == 0 else -1]:
            started = time.perf_counter()
            versions.save_definition(db, ACTOR, document)
            times[label].append(time.perf_counter() - started)
    return {label: statistics.median(values) for label, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        with sqlite_urls() as urls:
            run("sqlite", urls, args.entries, args.repeats)
    if args.db in ("postgres", "both"):
        problem = postgres_reachable()
        if problem:
            print(f"\npostgres: skipped, no server: {problem}")
        else:
            with postgres_urls() as urls:
                run("postgres", urls, args.entries, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
