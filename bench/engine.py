"""Is the generic engine fast enough? The engine against a hand-written SQLAlchemy model.

    .venv/bin/python bench/engine.py [--rows 100000] [--db sqlite|postgres|both]

Creates and lists `--rows` supervision entries through the engine (core.store / core.query)
and through `SupervisionItem`, an ordinary declarative model with real typed columns and
ordinary indexes, in one run; prints engine/baseline ratios against the targets, the page
latency at 1,000 vs `--rows` entries, and the running server's medians (gunicorn, one client
on loopback). Figures also go to bench/results/engine-<db>.json. See bench/README.md.
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

from sqlalchemy import (JSON, Boolean, Date, DateTime, Index, Integer, String, Text, create_engine,  # noqa: E402
                        event, func, insert, select, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column  # noqa: E402

from core import accounts, query, store  # noqa: E402
from core.access import Actor  # noqa: E402
from core.demo import demo_entries  # noqa: E402
from core.models import Database, normalise_url  # noqa: E402

KEY = "supervision"
ACTOR = Actor("bench", "admin")
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


# --- the baseline: a hand-written model ---------------------------------------------------

class Base(DeclarativeBase):
    pass


class SupervisionItem(Base):
    """What a developer would write for this one ledger: typed columns, ordinary indexes."""

    __tablename__ = "supervision_items"
    __table_args__ = tuple(Index(f"ix_si_{c}_deadline", c, "deadline", "id")
                           for c in ("source", "unit", "status", "handling_class", "satisfaction", "revisit")) \
        + (Index("ix_si_deadline", "deadline", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    standard: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    doc_no: Mapped[str | None] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20))
    co_units: Mapped[list | None] = mapped_column(JSON)
    leader: Mapped[str | None] = mapped_column(String(50))
    assigned_on: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    progress: Mapped[int | None] = mapped_column(Integer)
    handling_class: Mapped[str | None] = mapped_column(String(20))
    satisfaction: Mapped[str | None] = mapped_column(String(10))
    revisit: Mapped[bool | None] = mapped_column(Boolean)
    progress_notes: Mapped[list | None] = mapped_column(JSON)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    remarks: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(64))


DATES = ("assigned_on", "deadline", "completed_on")


def to_columns(data: dict, now: dt.datetime) -> dict:
    """An entry as the model's constructor takes it (dates parsed; no JSON Schema validation)."""
    row = dict(data)
    for name in DATES:
        if name in row:
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
    def __init__(self, url: str):
        self.engine = baseline_engine(url)
        Base.metadata.create_all(self.engine)

    def bulk(self, rows: list[dict]) -> None:
        for start in range(0, len(rows), CHUNK):
            now = dt.datetime.now(dt.timezone.utc)
            with Session(self.engine) as session:
                session.execute(insert(SupervisionItem), [to_columns(r, now) for r in rows[start:start + CHUNK]])
                session.commit()

    def single(self, data: dict) -> int:
        with Session(self.engine, expire_on_commit=False) as session:
            item = SupervisionItem(**to_columns(data, dt.datetime.now(dt.timezone.utc)))
            session.add(item)
            session.commit()
            return item.id

    def page(self, unit: str, size: int = 50) -> dict:
        where = SupervisionItem.unit == unit
        with Session(self.engine) as session:
            items = session.scalars(select(SupervisionItem).where(where).order_by(
                SupervisionItem.deadline.desc(), SupervisionItem.id.desc()).limit(size)).all()
            total = len(items) if len(items) < size else session.scalar(
                select(func.count()).select_from(SupervisionItem).where(where))
            return {"items": items, "total": total}

    def scan(self) -> int:
        count = 0
        with Session(self.engine) as session:
            stmt = select(SupervisionItem).order_by(SupervisionItem.deadline.desc(), SupervisionItem.id.desc())
            for _item in session.scalars(stmt.execution_options(yield_per=1000)):
                count += 1
        return count

    def dispose(self) -> None:
        self.engine.dispose()


# --- the engine ---------------------------------------------------------------------------

class EngineSide:
    def __init__(self, url: str):
        self.db = Database(url)
        self.db.create_all()
        store.save_definition(self.db, ACTOR, json.loads((ROOT / "schemas" / f"{KEY}.json").read_text("utf-8")))

    def bulk(self, rows: list[dict]) -> None:
        for start in range(0, len(rows), CHUNK):
            store.create_entries(self.db, ACTOR, KEY, rows[start:start + CHUNK], source="bench")

    def single(self, data: dict) -> int:
        return store.create_entry(self.db, ACTOR, KEY, data)["id"]

    def page(self, unit: str, size: int = 50) -> dict:
        return query.list_entries(self.db, ACTOR, KEY, {"unit": unit, "_sort": "-deadline", "_size": size})

    def scan(self) -> int:
        _, rows = query.iter_entries(self.db, ACTOR, KEY)
        return sum(1 for _ in rows)

    def dispose(self) -> None:
        self.db.dispose()


# --- timing -------------------------------------------------------------------------------

def clock(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_ms(fn: Callable[[Any], Any], args: list) -> float:
    times = []
    for arg in args:
        start = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


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
    db = Database(url)
    name = f"bench{uuid.uuid4().hex[:6]}"
    accounts.create_user(db, name, "editor", "bench-password")
    token = accounts.issue_token(db, name)
    db.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret"}
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
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

def run(kind: str, rows: list[dict], extra: list[dict], units: list[str], server: bool) -> dict:
    print(f"\n== {kind}: {len(rows):,} entries ==", flush=True)
    urls = sqlite_urls() if kind == "sqlite" else postgres_urls()
    with urls as url_for:
        figures: dict[str, Any] = {}
        for label, cls in (("engine", EngineSide), ("baseline", Baseline)):
            url = url_for(label)
            side = cls(url)
            try:
                seconds = clock(lambda: side.bulk(rows))
                bulk_rate = len(rows) / seconds
                print(f"  {label}: bulk {len(rows):,} rows in {seconds:.1f} s", flush=True)
                analyse(url)
                single = median_ms(side.single, extra)
                side.page(units[0])
                page = median_ms(side.page, units)
                counted = []
                scan_seconds = clock(lambda: counted.append(side.scan()))
                print(f"  {label}: single {single:.2f} ms, page {page:.2f} ms, "
                      f"scan {counted[0]:,} rows in {scan_seconds:.1f} s", flush=True)
                figures[label] = {"bulk_rows_per_s": bulk_rate, "single_ms": single, "page_ms": page,
                                  "scan_rows_per_s": counted[0] / scan_seconds}
            finally:
                side.dispose()
            if label == "engine" and server:
                figures["server"] = time_server(url, extra, units)
                print(f"  server: POST {figures['server']['server_post_ms']:.2f} ms, "
                      f"page {figures['server']['server_page_ms']:.2f} ms", flush=True)
        small_url = url_for("engine_small")
        small = EngineSide(small_url)
        try:
            small.bulk(rows[:SMALL])
            analyse(small_url)
            small.page(units[0])
            figures["engine_small_page_ms"] = median_ms(small.page, units)
        finally:
            small.dispose()
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
    line(f"engine page: {n:,} vs {SMALL:,} entries", e["page_ms"], figures["engine_small_page_ms"],
         e["page_ms"] / figures["engine_small_page_ms"], TARGET_GROWTH, "ms")
    if "server" in figures:
        line("server POST entry (median)", figures["server"]["server_post_ms"], None, None, None, "ms")
        line("server GET page of 50 (median)", figures["server"]["server_page_ms"], None, None, None, "ms")

    print(f"\n{kind}, {n:,} entries (ratio = engine time / baseline time; "
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
    parser.add_argument("--rows", type=int, default=100_000, help="entries per ledger (default 100,000)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--samples", type=int, default=200, help="single creates and pages timed (median)")
    parser.add_argument("--no-server", action="store_true", help="skip the gunicorn timings")
    args = parser.parse_args()

    rows = make_rows(args.rows + args.samples * 3)
    rows, extra = rows[:args.rows], rows[args.rows:]
    units = [r["unit"] for r in make_rows(args.samples, seed=11)]
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    RESULTS.mkdir(parents=True, exist_ok=True)
    for kind in kinds:
        if kind == "postgres":
            problem = postgres_reachable()
            if problem:
                print(f"\n== postgres: skipped, no server at {PG_BASE}: {problem}")
                continue
        figures = run(kind, rows, extra[:args.samples], units, not args.no_server)
        lines = report(kind, args.rows, figures)
        out = RESULTS / f"engine-{kind}.json"
        out.write_text(json.dumps({"db": kind, "rows": args.rows, "samples": args.samples,
                                   "at": dt.datetime.now().isoformat(timespec="seconds"),
                                   "python": platform.python_version(), "figures": figures, "lines": lines},
                                  ensure_ascii=False, indent=2), "utf-8")
        print(f"(written to {out.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
