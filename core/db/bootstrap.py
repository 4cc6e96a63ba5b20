"""Every start: bring the tables to the newest migration; on an empty database load the
shipped ledgers. Also: load more definitions from files."""
from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from core.access.policy import SYSTEM, Actor
from core.definition.loading import load_definition_file
from core.definition.model import Definition
from core.db.models import Database, ledgers
from core.ledgers.versions import ensure_ledger_indexes, save_definition

log = logging.getLogger("ledger")

BASELINE = "0001"  # the tables as create_all made them before there were migrations
# Indexes core/ledgers/versions.py makes per ledger at run time: data, not schema, so never migrated.
RUNTIME_INDEX_PREFIXES = ("ix_e_", "lx_", "ux_")
BASELINE_TABLES = ("users", "api_tokens", "ledgers", "ledger_versions", "entries", "revisions", "entry_counts")
MIGRATION_WAIT_MS = 10 * 60 * 1000
LOCKED_RETRIES = 10  # SQLite: tries of a schema change that met another process's at once

FIRST_ADMIN_HINT = ("尚无任何用户。请先创建第一个管理员：\n"
                    "  flask --app app users create admin --role admin --password '至少8个字符的密码'")


def server_url(host: str | None = None, port: str | None = None) -> str:
    """The address the server answers at, as HOST and PORT say (run.py's defaults): a listener on
    every interface is reached from this machine at 127.0.0.1."""
    host = host or "127.0.0.1"
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://{f'[{host}]' if ':' in host else host}:{port or 8000}"


def first_admin_hint(code: str, url: str | None = None) -> str:
    """What the console says while there are no users: the one-time set-up address, whole (`url`:
    where the server answers; by default as HOST and PORT say)."""
    url = (url or server_url(os.environ.get("HOST"), os.environ.get("PORT"))).rstrip("/")
    return ("尚无任何用户。请在浏览器中打开下面的设置地址，创建第一个管理员（创建后此地址即失效）：\n"
            f"  {url}/setup?code={code}\n"
            "也可以用命令创建：flask --app app users create admin --role admin --password '至少8个字符的密码'")


class SchemaVersionError(RuntimeError):
    """The database cannot be brought to this release's tables (made by a newer release, or
    by an older create_all that lacks tables)."""


def prepare(db: Database, migrations_dir: str | Path, schemas_dir: str | Path | None) -> None:
    """Upgrade the tables to head; on an empty database, load every definition in `schemas_dir`."""
    if upgrade_schema(db, migrations_dir) is not None:
        rebuild_indexes(db)
    if schemas_dir is None:
        return
    with db.read() as conn:
        if conn.execute(select(func.count()).select_from(ledgers)).scalar_one():
            return
    try:
        load_path(db, SYSTEM, schemas_dir)
    except IntegrityError:
        pass  # another worker loaded them at the same moment


def rebuild_indexes(db: Database) -> None:
    """After an upgrade, every ledger's indexes as its current definition declares them (a
    migration may drop indexes; definitions, not migrations, say which exist). A ledger whose
    entries already repeat its business key keeps working without the unique index, and the
    log says why and where."""
    with db.read() as conn:
        keys = list(conn.execute(select(ledgers.c.key).order_by(ledgers.c.id)).scalars())
    for key in keys:
        problems = ensure_ledger_indexes(db, key)
        if problems:
            log.warning("台帐“%s”的索引未能全部建立：%s", key, "；".join(p["message"] for p in problems))


def load_path(db: Database, actor: Actor, path: str | Path) -> list[Definition]:
    """Load or update the definitions in a JSON file or in every *.json of a folder."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    checked = [load_definition_file(f) for f in files]  # every file is checked before any is saved
    return [save_definition(db, actor, definition.schema) for definition in checked]


def upgrade_schema(db: Database, migrations_dir: str | Path) -> str | None:
    """Run the migrations this database lacks, in one transaction holding the schema lock, so
    workers starting together upgrade once. A database made by create_all before migrations
    existed is stamped at the baseline first. Returns the revision reached, None if at head."""
    config = alembic_config(migrations_dir)
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    for attempt in range(LOCKED_RETRIES):
        try:
            with db.read() as conn:  # the common case, without waiting for the lock
                if MigrationContext.configure(conn).get_current_revision() == head:
                    return None
            return _upgrade_locked(db, config, script, head)
        except OperationalError as exc:
            # SQLite answers "database is locked" at once, busy timeout or not, to a connection
            # that meets another process's schema change half-way (e.g. while it switches the
            # new file to WAL): wait and try again; the other process will have upgraded.
            if "locked" not in str(exc.orig) or attempt == LOCKED_RETRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    return None  # pragma: no cover - the loop returns or raises


def _upgrade_locked(db: Database, config: Config, script: ScriptDirectory, head: str) -> str | None:
    with schema_transaction(db) as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return None  # another process did it while this one waited
        if current is not None and current not in {r.revision for r in script.walk_revisions()}:
            raise SchemaVersionError(f"数据库的结构版本 {current} 比本程序新（本程序最高为 {head}），请升级程序")
        if current is None and inspect(conn).has_table(ledgers.name):
            _stamp_baseline(conn, script)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    log.info("数据库结构已升级到 %s", head)
    return head


def current_revision(db: Database) -> str | None:
    with db.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: the per-ledger expression indexes are data, never compared or migrated."""
    return not (type_ == "index" and bool(name) and name.startswith(RUNTIME_INDEX_PREFIXES))


def alembic_config(migrations_dir: str | Path) -> Config:
    folder = Path(migrations_dir)
    config = Config(str(folder / "alembic.ini"))
    config.set_main_option("script_location", str(folder))
    config.attributes["configure_logger"] = False
    return config


@contextmanager
def schema_transaction(db: Database) -> Iterator[Connection]:
    """A write transaction holding the schema lock: PostgreSQL's advisory lock for this schema,
    SQLite's write lock (BEGIN IMMEDIATE). SQLite foreign keys are off meanwhile, as SQLite asks
    for table rebuilds (Alembic's batch mode drops and renames referenced tables), and checked
    before the commit."""
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection if db.dialect == "sqlite" else None
        if raw is not None:  # pragmas that cannot change inside a transaction
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute(f"PRAGMA busy_timeout={MIGRATION_WAIT_MS}")
        try:
            with conn.execution_options(ledger_write=True).begin():
                if db.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('ledger-schema:' || current_schema()))"))
                yield conn
                if raw is not None and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise SchemaVersionError("迁移后存在违反外键约束的数据，已回滚")
        finally:
            if raw is not None:
                conn.invalidate()  # not back to the pool with these pragmas: the next one is fresh


def _stamp_baseline(conn: Connection, script: ScriptDirectory) -> None:
    """Tables without a version: today's create_all made them, so they are the baseline."""
    tables = set(inspect(conn).get_table_names())
    missing = sorted(t for t in BASELINE_TABLES if t not in tables)
    if missing:
        raise SchemaVersionError(f"数据库缺少数据表 {', '.join(missing)}，无法认定为基线版本 {BASELINE}")
    MigrationContext.configure(conn).stamp(script, BASELINE)
    log.warning("数据库没有结构版本记录：按现有数据表认定为基线版本 %s", BASELINE)

