"""Are declared reports fast enough? Each shipped supervision report through the engine
(core.reports.run: GROUP BY over the stored JSON) against the same GROUP BY on a typed table.

    python bench/reports.py [--entries 100000] [--db sqlite|postgres|both] [--reps 7]

The baseline is `supervision_items` from bench/engine.py (real typed columns, ordinary indexes),
queried through SQLAlchemy Core with the same groups, buckets, conditional measures, report
filter and the same number of statements (one per grouping level, plus the whole total).
Both sides are warmed up; repetitions alternate which side goes first; figures are medians.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Integer, String, case, cast, func, literal, select  # noqa: E402

from bench.engine import (ACTOR, KEY, Baseline, alternating, analyse, chunk_size,  # noqa: E402
                          items, make_rows, median, postgres_reachable, postgres_urls, sqlite_urls)
from core.db import bootstrap  # noqa: E402
from core.reports import run as reports  # noqa: E402
from core.entries import store  # noqa: E402
from core.db.models import Database  # noqa: E402
from core.reports.spec import resolve_date  # noqa: E402

DEFINITION = json.loads((ROOT / "schemas" / f"{KEY}.json").read_text("utf-8"))
REPORTS = DEFINITION["x-ledger"]["reports"]


# --- the baseline: the same questions on typed columns ---------------------------------------

def column_of(dialect: str, spec: str):
    name, _, bucket = spec.partition(":")
    col = items.c[name]
    if not bucket:
        return col
    text = cast(col, String) if dialect == "sqlite" else func.to_char(col, "YYYY-MM-DD")
    if bucket == "year":
        return func.substr(text, 1, 4)
    if bucket == "month":
        return func.substr(text, 1, 7)
    return func.substr(text, 1, 4) + literal("-Q") + cast((cast(func.substr(text, 6, 2), Integer) + 2) // 3, String)


def typed(name: str, value):
    if name in ("assigned_on", "deadline", "completed_on"):
        return dt.date.fromisoformat(resolve_date(value))
    return value


def condition(spec: dict):
    clauses = []
    for name, value in spec.items():
        key, _, op = name.partition("__")
        col = items.c[key]
        if isinstance(value, str) and value.startswith("$"):
            other = items.c[value[1:]]
            clauses.append({"": col == other, "lte": col <= other, "lt": col < other,
                            "gte": col >= other, "gt": col > other}[op])
        elif op == "in":
            clauses.append(col.in_([typed(key, v) for v in value]))
        elif op == "ne":
            clauses.append((col != typed(key, value)) | col.is_(None))
        else:
            v = typed(key, value)
            clauses.append({"": col == v, "lt": col < v, "lte": col <= v, "gt": col > v, "gte": col >= v}[op])
    out = clauses[0]
    for c in clauses[1:]:
        out = out & c
    return out


def measure_of(m: dict):
    col = items.c[m["field"]] if m.get("field") else None
    if m["fn"] == "count":
        if "where" in m:
            return func.count(case((condition(m["where"]), col if col is not None else literal(1))))
        return func.count(col) if col is not None else func.count()
    target = case((condition(m["where"]), col)) if "where" in m else col
    return getattr(func, m["fn"])(target)


def baseline_report(engine, report: dict) -> int:
    dialect = engine.dialect.name
    measures = [measure_of(m) for m in report["measures"] if m["fn"] not in ("ratio", "diff")]
    levels = [report["group_by"], []] + ([report["group_by"][:1], report["group_by"][1:]]
                                         if len(report["group_by"]) == 2 else [])
    n = 0
    with engine.connect() as conn:
        for by in levels:
            groups = [column_of(dialect, g) for g in by]
            stmt = select(*groups, *measures).select_from(items)
            if report.get("filter"):
                stmt = stmt.where(condition(report["filter"]))
            if groups:
                stmt = stmt.group_by(*groups)
            n += len(conn.execute(stmt).all())
    return n


class EngineSide:
    """The engine as production runs it: migrated tables, all five shipped ledgers loaded."""

    def __init__(self, url: str):
        self.db = Database(url)
        bootstrap.prepare(self.db, ROOT / "migrations", ROOT / "schemas")

    def bulk(self, rows: list[dict]) -> None:
        store.create_entries(self.db, ACTOR, KEY, rows, source="bench")

    def dispose(self) -> None:
        self.db.dispose()


# --- running ---------------------------------------------------------------------------------

def run(kind: str, rows: list[dict], reps: int) -> list[dict]:
    print(f"\n== {kind}: {len(rows):,} entries ==", flush=True)
    urls = sqlite_urls() if kind == "sqlite" else postgres_urls()
    out = []
    with urls as url_for:
        engine_url, baseline_url = url_for("engine"), url_for("baseline")
        engine_side, baseline = EngineSide(engine_url), Baseline(baseline_url)
        try:
            size = chunk_size(len(rows))
            for i in range(0, len(rows), size):
                engine_side.bulk(rows[i:i + size])
                baseline.bulk(rows[i:i + size])
            analyse(engine_url)
            analyse(baseline_url)
            for report in REPORTS:
                sides = {"engine": lambda _: reports.run_report(engine_side.db, ACTOR, KEY, report["key"]),
                         "baseline": lambda _: baseline_report(baseline.engine, report)}
                times = alternating(sides, list(range(reps + 1)), warmup=1)
                e, b = median(times["engine"]) * 1000, median(times["baseline"]) * 1000
                out.append({"db": kind, "report": report["key"], "engine_ms": e, "baseline_ms": b, "ratio": e / b})
                print(f"  {report['key']:<24} engine {e:9.1f} ms   baseline {b:9.1f} ms   ratio {e / b:5.2f}",
                      flush=True)
        finally:
            engine_side.dispose()
            baseline.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    rows = make_rows(args.entries)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for kind in kinds:
        if kind == "postgres" and (why := postgres_reachable()):
            print(f"PostgreSQL skipped: {why}")
            continue
        results += run(kind, rows, args.reps)
    print("\n| database | report | engine ms | typed table ms | ratio |\n|---|---|---:|---:|---:|")
    for r in results:
        print(f"| {r['db']} | {r['report']} | {r['engine_ms']:.1f} | {r['baseline_ms']:.1f} | {r['ratio']:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
