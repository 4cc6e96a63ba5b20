"""Export and import throughput and peak memory at 100,000 entries, against a bare baseline.

    python bench/tabular.py                 # 100,000 entries, SQLite (+ PostgreSQL if reachable)
    python bench/tabular.py --entries 20000 --repeat 1 --no-postgres
    python bench/tabular.py --quick         # 2,000 entries, one repetition: a smoke run

Question: what do our CSV/XLSX export and validated import cost over Python's own csv module?
Baselines, measured in the same run on the same rows:
  export  SELECT one json_extract (SQLite) / ->> (PostgreSQL) per column, in the engine's order
          (the definition's sort, -deadline, then id, on the same expression index), csv.writer;
  import  csv.reader over our export, each row a dict, json.dumps, one bare executemany into a
          scratch table (no validation, no revisions).
XLSX export (openpyxl write-only, pure-Python XML writer) is measured once, on the smaller
ledger, to keep the default run within a few minutes. Every case runs in its own subprocess;
peak memory is that process's peak RSS during the case (VmHWM, reset after start-up on
Linux). Each subprocess first does its case once on a 200-entry ledger, untimed (warm-up);
engine and baseline cases alternate which runs first (engine, baseline, baseline, engine, ...).
Figures are medians of --repeat runs. Targets: CSV export within 2x of the baseline's time; validated
import >= 20,000 rows/s; export peak RSS at 100,000 no more than 30 MB above that at 10,000.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

import demo  # noqa: E402
from core.db import bootstrap  # noqa: E402
from core.tabular import importer  # noqa: E402
from core.entries import query  # noqa: E402
from core.entries import store  # noqa: E402
from core.ledgers import versions
from core.entries import definitions
from core.tabular import export as tabular  # noqa: E402
from core.access.policy import SYSTEM  # noqa: E402
from core.db.models import Database, normalise_url  # noqa: E402

KEY = "supervision"
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


# --- set-up ------------------------------------------------------------------------------

WARM = 200  # entries in bench_warm, the ledger each case warms up on


def fill(url: str, rows: int, small: int) -> None:
    """Copies of the supervision ledger: `rows` entries in bench_big, `small` in bench_small and
    WARM in bench_warm, on a database holding every shipped ledger."""
    db = Database(url)
    bootstrap.prepare(db, ROOT / "migrations", ROOT / "schemas")
    _, definition = query.get_ledger(db, SYSTEM, KEY)
    samples = demo.demo_entries(KEY)
    # sorted by -deadline (not the shipped `_due`), the baseline's order, served by an index
    listing = {**definition.options["list"], "sort": "-deadline"}
    for name, count in (("bench_big", rows), ("bench_small", small), ("bench_warm", WARM)):
        versions.save_definition(db, SYSTEM, {**definition.schema,
                                           "x-ledger": {**definition.options, "key": name, "list": listing}})
        with db.write() as conn:
            ledger, copy = definitions.definition_of(conn, name)
            for start in range(0, count, 5000):
                batch = []
                for i in range(start, min(count, start + 5000)):
                    entry = dict(samples[i % len(samples)])
                    entry["content"] = f"{entry['content']}（第{i}项）"
                    batch.append(entry)
                store.insert_valid(conn, SYSTEM, ledger.id, copy, batch, "bench")
    db.dispose()


def columns_for(db: Database, key: str):
    return [c for c in tabular.export_columns(tabular.all_versions(db, key)) if c.field is not None]


# --- cases (each runs in a fresh subprocess) ---------------------------------------------

def case_baseline_export(db: Database, key: str, out: Path) -> int:
    cols = columns_for(db, key)
    if db.dialect == "sqlite":
        exprs = ", ".join(f"json_extract(data, '$.{'.'.join(c.path)}')" for c in cols)
    else:
        exprs = ", ".join("data" + "".join(f"->'{p}'" for p in c.path[:-1]) + f"->>'{c.path[-1]}'"
                          for c in cols)
    deadline = "json_extract(data, '$.deadline')" if db.dialect == "sqlite" else "(data->>'deadline')"
    sql = (f"SELECT id, {exprs} FROM entries WHERE ledger_id = (SELECT id FROM ledgers WHERE key = :k) "
           f"AND deleted_at IS NULL ORDER BY {deadline} DESC, id DESC")  # the engine's order: -deadline, id
    count = 0
    with db.engine.connect() as conn, open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["记录ID", *(c.title for c in cols)])
        result = conn.execution_options(stream_results=True, yield_per=1000).execute(text(sql), {"k": key})
        for row in result:
            writer.writerow(row)
            count += 1
    return count


def case_export_csv(db: Database, key: str, out: Path) -> int:
    _, chunks = tabular.export_csv(db, SYSTEM, key)
    with open(out, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return query.get_ledger(db, SYSTEM, key)[0]["entry_count"]


def case_export_xlsx(db: Database, key: str, out: Path) -> int:
    with open(out, "wb") as handle:
        tabular.export_xlsx(db, SYSTEM, key, handle)
    return query.get_ledger(db, SYSTEM, key)[0]["entry_count"]


def case_baseline_import(db: Database, key: str, source: Path) -> int:
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_rows (data TEXT)"))
        conn.execute(text("DELETE FROM bench_rows"))
    count = 0
    with open(source, encoding="utf-8-sig", newline="") as handle, db.engine.begin() as conn:
        reader = csv.reader(handle)
        headers = next(reader)
        batch = []
        for cells in reader:
            batch.append({"data": json.dumps(dict(zip(headers, cells)), ensure_ascii=False)})
            if len(batch) == 2000:
                conn.execute(text("INSERT INTO bench_rows (data) VALUES (:data)"), batch)
                count += len(batch)
                batch = []
        if batch:
            conn.execute(text("INSERT INTO bench_rows (data) VALUES (:data)"), batch)
            count += len(batch)
    return count


def case_import(db: Database, key: str, source: Path) -> int:
    _, definition = query.get_ledger(db, SYSTEM, "bench_big")
    target = f"bench_in_{os.getpid()}_{len(source.name)}"  # warm-up and timed run: two ledgers
    versions.save_definition(db, SYSTEM, {**definition.schema, "x-ledger": {**definition.options, "key": target}})
    with open(source, "rb") as handle:
        report = importer.import_file(db, SYSTEM, target, handle, importer.ImportOptions(max_rows=10**7))
    if not report.ok:
        raise SystemExit(f"import failed: {report.errors[:3]}")
    return report.created


CASES = {"baseline_export": case_baseline_export, "export_csv": case_export_csv,
         "export_xlsx": case_export_xlsx, "baseline_import": case_baseline_import, "import": case_import}


def peak_rss_kb() -> int:
    """The process's peak RSS (VmHWM) since the last reset_peak(); ru_maxrss where /proc lacks it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak() -> None:
    """Forget the peak reached while importing modules, so the figure is the case's own (Linux)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def run_case(args) -> None:
    db = Database(args.url)
    if "import" in args.case:  # warm-up: the same case, untimed, on the small file
        CASES[args.case](db, args.key, Path(args.warm))
    else:
        CASES[args.case](db, "bench_warm", Path(args.path).with_name("warm-" + Path(args.path).name))
    reset_peak()
    started = time.perf_counter()
    rows = CASES[args.case](db, args.key, Path(args.path))
    seconds = time.perf_counter() - started
    peak_kb = peak_rss_kb()
    db.dispose()
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_kb / 1024}))


# --- driver ------------------------------------------------------------------------------

def measure_once(url: str, case: str, key: str, path: Path, warm: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--case", case, "--url", url, "--key", key,
                          "--path", str(path), "--warm", str(warm)], capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{case} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(runs: list[dict]) -> dict:
    seconds = statistics.median(r["seconds"] for r in runs)
    return {"rows": runs[0]["rows"], "seconds": seconds, "rate": runs[0]["rows"] / seconds,
            "peak_mb": statistics.median(r["peak_mb"] for r in runs), "runs": len(runs)}


def measure(url: str, cases: list[tuple[str, str, str, Path]], repeat: int, warm: Path) -> dict:
    """Each (name, case, key, path) `repeat` times; the order flips every repetition
    (engine, baseline, baseline, engine, ...). Medians per name."""
    runs: dict[str, list[dict]] = {name: [] for name, *_ in cases}
    for i in range(repeat):
        for name, case, key, path in (cases if i % 2 == 0 else cases[::-1]):
            runs[name].append(measure_once(url, case, key, path, warm))
    return {name: summary(r) for name, r in runs.items()}


def bench(label: str, url: str, rows: int, small: int, repeat: int, workdir: Path) -> None:
    print(f"\n== {label}: {rows:,} entries (supervision ledger: 17 fields, multi-select, child table) ==")
    started = time.perf_counter()
    fill(url, rows, small)
    print(f"   filled in {time.perf_counter() - started:.1f} s", flush=True)
    csv_big, csv_small, warm = workdir / "big.csv", workdir / "small.csv", workdir / "warm.csv"
    db = Database(url)
    case_export_csv(db, "bench_warm", warm)  # the file the import cases warm up on
    db.dispose()
    results = {
        **measure(url, [("export_csv", "export_csv", "bench_big", csv_big),
                        ("baseline_export", "baseline_export", "bench_big", workdir / "base.csv")], repeat, warm),
        **measure(url, [("export_csv_small", "export_csv", "bench_small", csv_small)], repeat, warm),
        **measure(url, [("export_xlsx_small", "export_xlsx", "bench_small", workdir / "small.xlsx")], 1, warm),
        **measure(url, [("import", "import", "bench_big", csv_big),
                        ("baseline_import", "baseline_import", "bench_big", csv_big)], repeat, warm),
    }
    base_e, base_i = results["baseline_export"], results["baseline_import"]
    print(f"   medians of {repeat}; ratio = engine time / baseline time per row, measured in this run")
    print(f"   {'case':<20}{'rows':>9}{'rows/s':>10}{'peak MB':>9}{'ratio':>8}")
    for name in ("baseline_export", "export_csv", "export_csv_small", "export_xlsx_small", "baseline_import", "import"):
        r = results[name]
        base = base_i if "import" in name else base_e
        ratio = f"{base['rate'] / r['rate']:.2f}x" if name in ("export_csv", "import") else ""
        print(f"   {name:<20}{r['rows']:>9,}{r['rate']:>10,.0f}{r['peak_mb']:>9.1f}{ratio:>8}")
    export_ratio = results["export_csv"]["seconds"] / base_e["seconds"]
    memory_delta = results["export_csv"]["peak_mb"] - results["export_csv_small"]["peak_mb"]
    print(f"   CSV export time / baseline time: {export_ratio:.2f} (target <= 2)  "
          f"{'OK' if export_ratio <= 2 else 'MISSED'}")
    print(f"   validated import: {results['import']['rate']:,.0f} rows/s (target >= 20,000)  "
          f"{'OK' if results['import']['rate'] >= 20_000 else 'MISSED'}; "
          f"{results['import']['seconds'] / base_i['seconds']:.2f}x the baseline's time")
    print(f"   export peak RSS {rows:,} vs {small:,}: +{memory_delta:.1f} MB (target <= 30)  "
          f"{'OK' if memory_delta <= 30 else 'MISSED'}", flush=True)


def postgres_url() -> str | None:
    """A fresh schema in the bench PostgreSQL database, or None when no server answers."""
    from sqlalchemy import create_engine  # noqa: PLC0415 - only when PostgreSQL is wanted
    try:
        engine = create_engine(normalise_url(PG_URL), connect_args={"connect_timeout": 3})
        schema = f"bench_tabular_{os.getpid()}"
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        print(f"\n(PostgreSQL skipped: {str(exc).splitlines()[0][:100]})")
        return None
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    from sqlalchemy import create_engine  # noqa: PLC0415
    schema = url.rsplit("%3D", 1)[1]
    engine = create_engine(normalise_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", "--rows", type=int, default=None, dest="rows",
                        help="entries in the big ledger (default 100,000; --quick 2,000)")
    parser.add_argument("--small", type=int, default=None,
                        help="the smaller export for the memory comparison (default 10,000; --quick 500)")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs of each case (default 3; --quick 1)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2,000 entries, one repetition")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--warm", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args)
        return
    args.rows = args.rows or (2000 if args.quick else 100_000)
    args.small = args.small or (500 if args.quick else 10_000)
    args.repeat = args.repeat or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="bench-tabular-") as tmp:
        workdir = Path(tmp)
        bench("SQLite", f"sqlite:///{workdir / 'bench.db'}", args.rows, args.small, args.repeat, workdir)
        url = None if args.no_postgres else postgres_url()
        if url:
            try:
                bench("PostgreSQL", url, args.rows, args.small, args.repeat, workdir)
            finally:
                drop_schema(url)


if __name__ == "__main__":
    main()
