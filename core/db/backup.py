"""Backups: one file with the database, the stored files and a manifest that proves a restore.

A backup is a gzip'd tar: `manifest.json` (format, database kind, when, and a fingerprint:
per-ledger entry counts and checksums of entries, revisions and the audit chain),
`database.sqlite` (SQLite's online backup API: one consistent copy while writers write) or
`database.dump` (pg_dump's custom format, taken in the same snapshot as the fingerprint), and
`files/` (the instance folder's stored files). A restore goes into an empty database only,
and is compared with the manifest before anyone uses it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Connection, make_url

from core.db.models import Database, audit_log, entries, ledgers, revisions, users
from core.errors import LedgerError

FORMAT = 1
MANIFEST = "manifest.json"
_DUMPS = {"sqlite": "database.sqlite", "postgresql": "database.dump"}


class BackupError(LedgerError):
    """A backup that cannot be taken or restored, said in Chinese."""


@dataclass
class Restored:
    counts: dict
    files: int


# --- the fingerprint ---------------------------------------------------------------------

def fingerprint(conn: Connection) -> dict:
    """What a restore must reproduce, read in `conn`'s one snapshot."""
    counts = dict(conn.execute(
        select(ledgers.c.key, func.count(entries.c.id)).select_from(ledgers)
        .outerjoin(entries, (entries.c.ledger_id == ledgers.c.id) & entries.c.deleted_at.is_(None))
        .group_by(ledgers.c.key).order_by(ledgers.c.key)).all())
    entry_rows = conn.execute(select(entries.c.id, entries.c.ledger_id, entries.c.version, entries.c.data,
                                     entries.c.deleted_at.is_(None)).order_by(entries.c.id))
    revision_rows = conn.execute(select(revisions.c.id, revisions.c.entry_id, revisions.c.action,
                                        revisions.c.entry_version, revisions.c.changes).order_by(revisions.c.id))
    head = conn.execute(select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)).scalar()
    return {"entries": counts,
            "entries_sha256": _digest(entry_rows),
            "revisions_sha256": _digest(revision_rows),
            "audit_records": conn.execute(select(func.count()).select_from(audit_log)).scalar_one(),
            "audit_head": head}


def _digest(rows) -> str:
    """One SHA-256 over rows, each as canonical JSON (key order and spacing fixed)."""
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(list(row), sort_keys=True, ensure_ascii=False, default=str).encode())
        h.update(b"\n")
    return h.hexdigest()


# --- create ------------------------------------------------------------------------------

def create(db: Database, target: str | os.PathLike, files_dir: Path | None = None,
           templates_dir: Path | None = None) -> dict:
    """Write a backup of `db` (the uploaded files under `files_dir`, the office's document
    templates under `templates_dir`) to `target`; returns the manifest."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"备份文件 {target} 已存在，请换一个文件名")
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / _DUMPS.get(db.dialect, "database")
        if db.dialect == "sqlite":
            found = _sqlite_copy(db, dump)
        elif db.dialect == "postgresql":
            found = _pg_dump(db, dump)
        else:
            raise BackupError(f"不支持备份 {db.dialect} 数据库")
        manifest = {"format": FORMAT, "database": db.dialect,
                    "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "files": _count_files(files_dir), **found}
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
            tar.add(dump, arcname=dump.name)
            if files_dir is not None and files_dir.is_dir():
                tar.add(files_dir, arcname="files")
            if templates_dir is not None and templates_dir.is_dir():
                tar.add(templates_dir, arcname="templates")
        partial.replace(target)  # a backup file is whole or absent
    return manifest


def _sqlite_copy(db: Database, dump: Path) -> dict:
    """SQLite's backup API copies the database in one step (one read snapshot); the fingerprint
    is read from the copy, so it describes exactly what the file holds."""
    with closing(sqlite3.connect(sqlite_path(db))) as source, closing(sqlite3.connect(dump)) as copy:
        source.backup(copy)
    copied = Database(f"sqlite:///{dump}")
    try:
        with copied.read() as conn:
            return {"fingerprint": fingerprint(conn), "revision": _alembic_revision(conn)}
    finally:
        copied.dispose()


def _pg_dump(db: Database, dump: Path) -> dict:
    """pg_dump in the snapshot the fingerprint is read in (an exported snapshot)."""
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                  f"--file={dump}", "--dbname", libpq_url(db)], "pg_dump")
            return {"fingerprint": fingerprint(conn), "revision": _alembic_revision(conn)}


# --- daily backups kept N days ----------------------------------------------------------

DAILY = "ledger-{day}.backup"


def daily(db: Database, folder: Path, files_dir: Path | None, keep_days: int, today: dt.date,
          templates_dir: Path | None = None) -> str:
    """Today's backup in `folder` (once a day), and the daily backups older than `keep_days` removed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DAILY.format(day=today.isoformat())
    made = ""
    if not path.exists():
        manifest = create(db, path, files_dir, templates_dir)
        made = f"已备份到 {path}（{sum(manifest['fingerprint']['entries'].values())} 条记录）"
    removed = prune(folder, keep_days, today)
    return "；".join(x for x in (made or f"{path} 已存在", f"删除 {removed} 个过期备份" if removed else "") if x)


def prune(folder: Path, keep_days: int, today: dt.date) -> int:
    """Remove the daily backups (named by DAILY) from before the last `keep_days` days; others stay."""
    removed = 0
    for path in folder.glob(DAILY.format(day="*")):
        try:
            day = dt.date.fromisoformat(path.name[len("ledger-"):-len(".backup")])
        except ValueError:
            continue  # not one of ours
        if (today - day).days >= keep_days:
            path.unlink()
            removed += 1
    return removed


# --- restore -----------------------------------------------------------------------------

def restore(db: Database, source: str | os.PathLike, files_dir: Path | None = None,
            templates_dir: Path | None = None) -> Restored:
    """Restore the backup `source` into `db`, which must hold no entries and no users (a new
    installation); the result is compared with the backup's manifest."""
    with _unpacked(Path(source)) as (manifest, folder):
        if manifest.get("database") != db.dialect:
            raise BackupError(f"备份来自 {manifest.get('database')} 数据库，不能恢复到 {db.dialect} 数据库")
        _refuse_unless_empty(db)
        dump = folder / _DUMPS[db.dialect]
        if not dump.is_file():
            raise BackupError("备份文件不完整：缺少数据库部分")
        if db.dialect == "sqlite":
            db.dispose()
            with closing(sqlite3.connect(dump)) as copy, closing(sqlite3.connect(sqlite_path(db))) as live:
                copy.backup(live)
        else:
            db.dispose()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--dbname", libpq_url(db), str(dump)], "pg_restore")
        files = _restore_files(folder / "files", files_dir)
        if (folder / "templates").is_dir() and templates_dir is not None:
            shutil.copytree(folder / "templates", templates_dir, dirs_exist_ok=True)
        with db.read() as conn:
            found = fingerprint(conn)
        if found != manifest["fingerprint"]:
            raise BackupError("恢复后的数据与备份清单不符（记录数或校验值不同），请勿使用该数据库："
                              + _difference(manifest["fingerprint"], found))
        return Restored(found["entries"], files)


@contextmanager
def _unpacked(source: Path) -> Iterator[tuple[dict, Path]]:
    if not source.is_file():
        raise BackupError(f"备份文件 {source} 不存在")
    with tempfile.TemporaryDirectory() as work:
        try:
            with tarfile.open(source, "r:*") as tar:
                tar.extractall(work, filter="data")  # no absolute paths, no "..", no links out, no devices
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"不是有效的备份文件：{exc}") from None
        folder = Path(work)
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise BackupError("不是有效的备份文件：缺少或无法读取 manifest.json") from None
        if manifest.get("format") != FORMAT or "fingerprint" not in manifest:
            raise BackupError(f"不认识的备份格式：{manifest.get('format')}")
        yield manifest, folder


def _refuse_unless_empty(db: Database) -> None:
    with db.read() as conn:
        n_entries = conn.execute(select(func.count()).select_from(entries)).scalar_one()
        n_users = conn.execute(select(func.count()).select_from(users)).scalar_one()
    if n_entries or n_users:
        raise BackupError(f"目标数据库已有数据（{n_entries} 条记录、{n_users} 个用户）：只能恢复到新建的空数据库")


def _restore_files(unpacked: Path, files_dir: Path | None) -> int:
    if not unpacked.is_dir():
        return 0
    if files_dir is None:
        raise BackupError("备份中有文件，但没有指定文件目录")
    files_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(unpacked, files_dir, dirs_exist_ok=True)
    return _count_files(files_dir)


def _difference(expected: dict, found: dict) -> str:
    return "；".join(f"{k}：备份 {expected.get(k)}，恢复后 {found.get(k)}"
                    for k in expected if expected.get(k) != found.get(k))


# --- helpers -----------------------------------------------------------------------------

def sqlite_path(db: Database) -> str:
    path = make_url(str(db.engine.url)).database
    if not path or path == ":memory:":
        raise BackupError("内存中的 SQLite 数据库无法备份")
    return path


def libpq_url(db: Database) -> str:
    """The engine's URL as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str], name: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"找不到 {name}：PostgreSQL 的备份需要安装 PostgreSQL 客户端工具") from None
    if done.returncode != 0:
        raise BackupError(f"{name} 失败：{done.stderr.strip()[:500]}")


def _alembic_revision(conn: Connection) -> str | None:
    """The migration the backup's database is at (None for an engine-test database)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _count_files(folder: Path | None) -> int:
    if folder is None or not folder.is_dir():
        return 0
    return sum(1 for p in folder.rglob("*") if p.is_file())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))
