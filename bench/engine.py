"""Is the generic engine fast enough? The engine against a hand-written typed table, both through SQLAlchemy Core.

    python bench/engine.py [--entries 100000] [--db sqlite|postgres|both] [--quick]

Creates and lists `--entries` supervision entries through the engine (core.entries.store / core.entries.query, on a
database holding all five shipped ledgers, as production does) and through `supervision_items`, a
hand-written table with real typed columns and ordinary indexes, queried through the same layer
(SQLAlchemy Core). Both sides are warmed up first; then each repetition alternates which side goes
first (engine, baseline, baseline, engine, ...) and the figures are medians. Prints engine/baseline
ratios against the targets, the page latency at 1,000 vs `--entries` entries and the running
server's medians (gunicorn, one client on loopback). Figures also go to
bench/results/engine-<db>.json. See bench/README.md.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Index, Integer, MetaData, String,  # noqa: E402
                        Table, Text, create_engine, event, func, insert, select, text)

from core.access import accounts  # noqa: E402
from core.db import bootstrap  # noqa: E402
from core.entries import query  # noqa: E402
from core.entries import store  # noqa: E402
from core.access.policy import Actor  # noqa: E402
from demo import demo_entries  # noqa: E402
from core.db.models import Database, normalise_url  # noqa: E402

KEY = "supervision"
ACTOR = Actor("bench", "admin", system=True)  # loads sample data in any workflow state, as a migration would
PG_BASE = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
RESULTS = ROOT / "bench" / "results"
CHUNK = 5000
TARGET_RATIO = 1.25      # engine within 1.25x of the hand-written model
TARGET_GROWTH = 2.0      # page at --rows no slower than at 1,000 by more than 2x
SMALL = 1000


# --- the same entries for both sides ----------------------------------------------------

def make_rows(n: int, seed: int = 7) -> list[dict]:
    """`n` valid supervision entries: the demo entries, varied (unit, dates, numbers) and repeated."""
    demo = demo_entries(KEY, today=dt.date(2026, 11, 25))
    units = json.loads((ROOT / "schemas" / f"{KEY}.json").read_text("utf-8"))["properties"]["unit"]["enum"]
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row = copy.deepcopy(demo[i % len(demo)])
        shift = dt.timedelta(days=rng.randint(-400, 400))
        for name in ("assigned_on", "deadline", "completed_on"):
            if name in row:
                row[name] = (dt.date.fromisoformat(row[name]) + shift).isoformat()
        for note in row.get("progress_notes", []):
            note["date"] = (dt.date.fromisoformat(note["date"]) + shift).isoformat()
        row["unit"] = rng.choice(units)
        row["co_units"] = [u for u in row.get("co_units", []) if u != row["unit"]] or None
        if row["co_units"] is None:
            del row["co_units"]
        row["doc_no"] = f"{row['doc_no']}-{i}"
        rows.append(row)
    return rows


# --- the baseline: a hand-written typed table, through SQLAlchemy Core -----------------

FILTERS = ("source", "unit", "status", "handling_class", "satisfaction", "revisit")
baseline_meta = MetaData()
# What a developer would write for this one ledger: typed columns, ordinary indexes
# (filter column, deadline, id) for the same filters and sort as the definition's.
items = Table(
    "supervision_items", baseline_meta,
    Column("id", Integer, primary_key=True),
    Column("content", Text, nullable=False),
    Column("standard", Text),
    Column("source", String(20), nullable=False),
    Column("doc_no", String(100)),
    Column("unit", String(20), nullable=False),
    Column("co_units", JSON),
    Column("leader", String(50)),
    Column("assigned_on", Date),
    Column("deadline", Date, nullable=False),
    Column("status", String(10), nullable=False),
    Column("progress", Integer),
    Column("handling_class", String(20)),
    Column("satisfaction", String(10)),
    Column("revisit", Boolean),
    Column("progress_notes", JSON),
    Column("completed_on", Date),
    Column("remarks", Text),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64), nullable=False),
    *(Index(f"ix_si_{c}_deadline", c, "deadline", "id") for c in FILTERS),
    Index("ix_si_deadline", "deadline", "id"),
)
COLUMNS = {c.name for c in items.columns}


DATES = ("assigned_on", "deadline", "completed_on")


def to_columns(data: dict, now: dt.datetime) -> dict:
    """An entry as the table's columns (dates parsed; no JSON Schema validation)."""
    row = {name: None for name in COLUMNS if name != "id"}
    row.update(data)
    for name in DATES:
        if row[name] is not None:
            row[name] = dt.date.fromisoformat(row[name])
    row.update(version=1, created_at=now, created_by="bench", updated_at=now, updated_by="bench")
    return row


def baseline_engine(url: str):
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def pragmas(dbapi_conn, _record):  # the same durability settings as the engine's
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000"):
            dbapi_conn.execute(f"PRAGMA {pragma}")
    return engine


class Baseline:
    """The same questions written by hand: one INSERT, one SELECT with its count, one streamed SELECT."""

    label = "baseline"

    def __init__(self, url: str):
        self.engine = baseline_engine(url)
        baseline_meta.create_all(self.engine)

    def bulk(self, rows: list[dict]) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        with self.engine.begin() as conn:
            conn.execute(insert(items), [to_columns(r, now) for r in rows])

    def single(self, data: dict) -> int:
        with self.engine.begin() as conn:
            return conn.execute(insert(items).values(to_columns(data, dt.datetime.now(dt.timezone.utc)))
                                ).inserted_primary_key[0]

    def page(self, unit: str, size: int = 50) -> dict:
        where = items.c.unit == unit
        with self.engine.connect() as conn:
            found = [dict(r._mapping) for r in conn.execute(
                select(items).where(where).order_by(items.c.deadline.desc(), items.c.id.desc()).limit(size))]
            total = len(found) if len(found) < size else conn.execute(
                select(func.count()).select_from(items).where(where)).scalar_one()
        return {"items": found, "total": total}

    def scan(self, limit: int | None = None) -> int:
        count = 0
        stmt = select(items).order_by(items.c.deadline.desc(), items.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            for row in conn.execution_options(stream_results=True, yield_per=1000).execute(stmt):
                dict(row._mapping)
                count += 1
        return count

    def dispose(self) -> None:
        self.engine.dispose()


# --- the engine ---------------------------------------------------------------------------

class EngineSide:
    """The engine as production runs it: all five shipped ledgers loaded, so their expression
    indexes on the one entries table are all there to maintain."""

    label = "engine"

    def __init__(self, url: str):
        self.db = Database(url)
        bootstrap.prepare(self.db, ROOT / "migrations", ROOT / "schemas")

    def bulk(self, rows: list[dict]) -> None:
        store.create_entries(self.db, ACTOR, KEY, rows, source="bench")

    def single(self, data: dict) -> int:
        return store.create_entry(self.db, ACTOR, KEY, data)["id"]

    def page(self, unit: str, size: int = 50) -> dict:
        return query.list_entries(self.db, ACTOR, KEY, {"unit": unit, "_sort": "-deadline", "_size": size})

    def scan(self, limit: int | None = None) -> int:
        _, rows = query.iter_entries(self.db, ACTOR, KEY, {"_sort": "-deadline"})  # the baseline's order
        count = 0
        for _row in rows:
            count += 1
            if count == limit:
                break
        return count

    def dispose(self) -> None:
        self.db.dispose()


# --- timing -------------------------------------------------------------------------------

def median_ms(fn: Callable[[Any], Any], args: list) -> float:
    times = []
    for arg in args:
        start = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def alternating(sides: dict[str, Callable[[Any], Any]], args: list, warmup: int) -> dict[str, list[float]]:
    """Seconds of fn(arg) per side. The first `warmup` args run untimed on every side; then the
    order flips each repetition (engine, baseline, baseline, engine, ...), so neither side
    always goes first into a cache or after the other's writes."""
    for arg in args[:warmup]:
        for fn in sides.values():
            fn(arg)
    times: dict[str, list[float]] = {label: [] for label in sides}
    order = list(sides.items())
    for i, arg in enumerate(args[warmup:]):
        for label, fn in (order if i % 2 == 0 else order[::-1]):
            start = time.perf_counter()
            fn(arg)
            times[label].append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- databases ----------------------------------------------------------------------------

@contextmanager
def sqlite_urls() -> Iterator[Callable[[str], str]]:
    folder = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    try:
        yield lambda name: f"sqlite:///{folder / (name + '.db')}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_urls() -> Iterator[Callable[[str], str]]:
    admin = create_engine(normalise_url(PG_BASE), connect_args={"connect_timeout": 3})
    schemas: list[str] = []

    def url(name: str) -> str:
        schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        schemas.append(schema)
        sep = "&" if "?" in PG_BASE else "?"
        return f"{PG_BASE}{sep}options=-csearch_path%3D{schema}"

    try:
        yield url
    finally:
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def postgres_reachable() -> str | None:
    try:
        engine = create_engine(normalise_url(PG_BASE), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        return str(exc).splitlines()[0][:160]


def analyse(url: str) -> None:
    """Fresh statistics after the bulk load, as autovacuum/ANALYZE would give a live system."""
    engine = baseline_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


# --- the running server -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_server(url: str, extra: list[dict], units: list[str]) -> dict:
    # A person creates items in the workflow's first state (the bulk load is the system's).
    extra = [{**data, "status": "立项"} for data in extra]
    db = Database(url)
    name = f"bench{uuid.uuid4().hex[:6]}"
    accounts.create_user(db, name, "editor", "bench-password")
    token = accounts.issue_token(db, name)
    db.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret"}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "app:create_app()"],
                            cwd=ROOT, env=env, start_new_session=True)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def call(method: str, path: str, body: bytes | None = None, expect: int = 200) -> None:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if response.status != expect:
                raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")

        deadline = time.monotonic() + 60
        while True:
            try:
                call("GET", "/api/v1/ledgers")
                break
            except (ConnectionError, OSError):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                conn.close()
                time.sleep(0.3)
        path = f"/api/v1/ledgers/{KEY}/entries"
        for unit in units[:10]:  # warm both workers
            call("GET", f"{path}?unit={quote(unit, safe='')}&_sort=-deadline&_size=50")
        post = median_ms(lambda data: call("POST", path, json.dumps(data, ensure_ascii=False).encode(), 201),
                         extra)
        page = median_ms(lambda unit: call("GET", f"{path}?unit={quote(unit, safe='')}&_sort=-deadline&_size=50"),
                         units)
        conn.close()
        return {"server_post_ms": post, "server_page_ms": page}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- one database ---------------------------------------------------------------------------

def chunk_size(n: int) -> int:
    """5,000 rows a transaction, but at least 8 chunks so a small run still has medians."""
    return min(CHUNK, max(50, n // 8))


def run(kind: str, rows: list[dict], extra: list[dict], units: list[str], scans: int, server: bool) -> dict:
    print(f"\n== {kind}: {len(rows):,} entries ==", flush=True)
    urls = sqlite_urls() if kind == "sqlite" else postgres_urls()
    with urls as url_for:
        engine_url, baseline_url, small_url = url_for("engine"), url_for("baseline"), url_for("engine_small")
        sides = {"engine": EngineSide(engine_url), "baseline": Baseline(baseline_url)}
        small = EngineSide(small_url)
        figures: dict[str, Any] = {"chunk": chunk_size(len(rows)), "scans": scans}
        try:
            size = figures["chunk"]
            chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
            # The first chunk is the warm-up (stored, not timed); the last may be short: not timed.
            timed = chunks if len(chunks[-1]) == size else chunks[:-1]
            bulk = alternating({k: s.bulk for k, s in sides.items()}, timed, warmup=1)
            if len(timed) < len(chunks):
                for side in sides.values():
                    side.bulk(chunks[-1])
            for label in sides:
                figures[label] = {"bulk_rows_per_s": size / median(bulk[label])}
            print(f"  bulk: {len(chunks)} chunks of {size:,}, first untimed", flush=True)
            small.bulk(rows[:SMALL])
            for url in (engine_url, baseline_url, small_url):
                analyse(url)

            warm = min(10, len(extra) // 4)
            single = alternating({k: s.single for k, s in sides.items()}, extra, warmup=warm)
            page = alternating({k: s.page for k, s in sides.items()}, units, warmup=warm)
            growth = alternating({"big": sides["engine"].page, "small": small.page}, units, warmup=warm)
            scan_counts: dict[str, int] = {}

            def scanner(label):
                def go(limit):
                    scan_counts[label] = sides[label].scan(limit)
                return go
            scan = alternating({k: scanner(k) for k in sides}, [1000] + [None] * scans, warmup=1)
            for label in sides:
                figures[label].update(single_ms=median(single[label]) * 1000, page_ms=median(page[label]) * 1000,
                                      scan_rows_per_s=scan_counts[label] / median(scan[label]),
                                      scan_rows=scan_counts[label])
            figures["engine_big_page_ms"] = median(growth["big"]) * 1000
            figures["engine_small_page_ms"] = median(growth["small"]) * 1000
            for label in sides:
                f = figures[label]
                print(f"  {label}: bulk {f['bulk_rows_per_s']:,.0f} r/s, single {f['single_ms']:.2f} ms, "
                      f"page {f['page_ms']:.2f} ms, scan {f['scan_rows']:,} rows at {f['scan_rows_per_s']:,.0f} r/s",
                      flush=True)
        finally:
            for side in (*sides.values(), small):
                side.dispose()
        if server:
            figures["server"] = time_server(engine_url, extra, units)
            print(f"  server: POST {figures['server']['server_post_ms']:.2f} ms, "
                  f"page {figures['server']['server_page_ms']:.2f} ms", flush=True)
    return figures


def report(kind: str, n: int, figures: dict) -> list[dict]:
    e, b = figures["engine"], figures["baseline"]
    lines = []

    def line(name, engine, baseline, ratio, target, unit):
        lines.append({"operation": name, "engine": engine, "baseline": baseline, "ratio": ratio,
                      "target": target, "unit": unit, "ok": None if target is None else ratio <= target})

    # Throughputs: the ratio is time per row, engine/baseline, so above 1 means the engine is slower.
    line("bulk create", e["bulk_rows_per_s"], b["bulk_rows_per_s"],
         b["bulk_rows_per_s"] / e["bulk_rows_per_s"], TARGET_RATIO, "rows/s")
    line("single create", e["single_ms"], b["single_ms"], e["single_ms"] / b["single_ms"], TARGET_RATIO, "ms")
    line("page of 50 (unit=, -deadline)", e["page_ms"], b["page_ms"], e["page_ms"] / b["page_ms"],
         TARGET_RATIO, "ms")
    line("full scan", e["scan_rows_per_s"], b["scan_rows_per_s"],
         b["scan_rows_per_s"] / e["scan_rows_per_s"], TARGET_RATIO, "rows/s")
    line(f"engine page: {n:,} vs {SMALL:,} entries", figures["engine_big_page_ms"], figures["engine_small_page_ms"],
         figures["engine_big_page_ms"] / figures["engine_small_page_ms"], TARGET_GROWTH, "ms")
    if "server" in figures:
        line("server POST entry (median)", figures["server"]["server_post_ms"], None, None, None, "ms")
        line("server GET page of 50 (median)", figures["server"]["server_page_ms"], None, None, None, "ms")

    print(f"\n{kind}, {n:,} entries, medians (ratio = engine time / baseline time, measured in this run; "
          f"the baseline does not validate JSON Schema or keep revisions)")
    print(f"{'operation':<34}{'engine':>14}{'baseline':>14}{'ratio':>8}{'target':>8}  ok?")
    for row in lines:
        fmt = (lambda v: "" if v is None else f"{v:,.0f} r/s") if row["unit"] == "rows/s" \
            else (lambda v: "" if v is None else f"{v:.2f} ms")
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}x"
        target = "" if row["target"] is None else f"≤{row['target']:.2f}"
        ok = "" if row["ok"] is None else ("ok" if row["ok"] else "MISS")
        print(f"{row['operation']:<34}{fmt(row['engine']):>14}{fmt(row['baseline']):>14}{ratio:>8}{target:>8}  {ok}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", "--rows", type=int, default=None, dest="entries",
                        help="supervision entries on each side (default 100,000; --quick 2,000)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--samples", type=int, default=None,
                        help="single creates and pages timed on each side (default 200; --quick 40)")
    parser.add_argument("--scans", type=int, default=None, help="full scans timed on each side (default 3; --quick 1)")
    parser.add_argument("--no-server", action="store_true", help="skip the gunicorn timings")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2,000 entries, 40 samples, no server")
    args = parser.parse_args()
    entries = args.entries or (2000 if args.quick else 100_000)
    samples = args.samples or (40 if args.quick else 200)
    scans = args.scans or (1 if args.quick else 3)
    server = not (args.no_server or args.quick)

    rows = make_rows(entries + samples * 3)
    rows, extra = rows[:entries], rows[entries:]
    units = [r["unit"] for r in make_rows(samples, seed=11)]
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    RESULTS.mkdir(parents=True, exist_ok=True)
    for kind in kinds:
        if kind == "postgres":
            problem = postgres_reachable()
            if problem:
                print(f"\n== postgres: skipped, no server at {PG_BASE}: {problem}")
                continue
        started = time.perf_counter()
        figures = run(kind, rows, extra[:samples], units, scans, server)
        lines = report(kind, entries, figures)
        print(f"({kind} took {time.perf_counter() - started:.0f} s)")
        out = RESULTS / f"engine-{kind}.json"
        out.write_text(json.dumps({"db": kind, "entries": entries, "samples": samples, "scans": scans,
                                   "at": dt.datetime.now().isoformat(timespec="seconds"),
                                   "python": platform.python_version(), "figures": figures, "lines": lines},
                                  ensure_ascii=False, indent=2), "utf-8")
        print(f"(written to {out.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
