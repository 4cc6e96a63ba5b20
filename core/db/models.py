"""SQLAlchemy models and the database handle (SQLite by default, PostgreSQL by URL)."""
from __future__ import annotations

import datetime as dt
import json
import os
from contextlib import contextmanager
from functools import partial
from typing import Iterator

from sqlalchemy import (JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, create_engine, event, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.db.reads import REQUEST as _REQUEST, RequestReads

JsonData = JSON().with_variant(JSONB(), "postgresql")
Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite: INTEGER PRIMARY KEY is the rowid


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC datetime: SQLite gives naive datetimes back; they were
    stored as UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A unit of the organisation (组织机构): a tree by parent_id, siblings in `position` order."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", name="fk_users_unit_id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Written into a session at login and compared on every request; bumped to end all sessions.
    session_gen: Mapped[int] = mapped_column(Integer, server_default="0")
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LoginAttempt(Base):
    """Recent login attempts, for throttling per account and per address across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_name_at", "name", "at"),
                      Index("ix_login_attempts_address_at", "address", "at"),
                      Index("ix_login_attempts_at", "at"))
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ok: Mapped[bool] = mapped_column(Boolean)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Ledger(Base):
    __tablename__ = "ledgers"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    current_version: Mapped[int] = mapped_column(Integer)
    # Kept in step by every create/delete so an unfiltered page never counts the whole ledger.
    entry_count: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Where the office wants it on the index page (then by title); archived: hidden from
    # staff, data kept, restorable by an administrator.
    position: Mapped[int] = mapped_column(Integer, server_default="0")
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LedgerDraft(Base):
    """A definition being designed: saved as typed (even when not yet valid), not live until
    published as a new version. One per ledger key, also for a ledger not created yet."""

    __tablename__ = "ledger_drafts"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class LedgerPermission(Base):
    """A ledger's permission rules (core/access/policy.py); no row: the plain role behaviour."""

    __tablename__ = "ledger_permissions"
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id"), primary_key=True)
    rules: Mapped[list] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class LedgerVersion(Base):
    __tablename__ = "ledger_versions"
    __table_args__ = (UniqueConstraint("ledger_id", "version"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id"))
    version: Mapped[int] = mapped_column(Integer)
    # JSON, not JSONB: the order of `properties` is the order of the form and must survive.
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))


class Entry(Base):
    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_ledger_live", "ledger_id", "id",
                            sqlite_where=text("deleted_at IS NULL"),
                            postgresql_where=text("deleted_at IS NULL")),
                      # A ledger's own numbers: assigned under the ledger row lock, never reused.
                      Index("ix_entries_ledger_seq", "ledger_id", "seq", unique=True))
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id"))
    # 1, 2, 3 … per ledger; `number` is what people cite (the seq, or the declared pattern).
    # Every row has both (migration 0003 numbered the older ones); nullable only because
    # SQLite cannot make an added column NOT NULL without rebuilding the table.
    seq: Mapped[int | None] = mapped_column(BigInteger)
    number: Mapped[str | None] = mapped_column(String(100))
    def_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JsonData)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(64))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Revision(Base):
    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    entry_version: Mapped[int] = mapped_column(Integer)
    changes: Mapped[dict] = mapped_column(JsonData)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(32))


class EntryCount(Base):
    """Live entries per value of each choice filter, kept by every write: a page filtered by
    one choice reads its total here instead of counting the matching rows."""

    __tablename__ = "entry_counts"
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class EntrySequence(Base):
    """A ledger's last entry number (period ''), and each year's for patterns reset yearly."""

    __tablename__ = "entry_sequences"
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger)


class AuditRecord(Base):
    """One link of the audit trail (core/access/audit.py): `hash` is the SHA-256 of the record's
    fields and `prev_hash`, the hash of the record before it."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    user_name: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    ledger_key: Mapped[str | None] = mapped_column(String(64), index=True)
    entry_id: Mapped[int | None] = mapped_column(BigInteger)
    filters: Mapped[dict | None] = mapped_column(JSON)
    row_count: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ScheduledRun(Base):
    """One run of a scheduled task for one slot (a day, an hour): the primary key is the claim,
    so of several workers or hosts exactly one runs each slot (core/jobs/schedule.py)."""

    __tablename__ = "scheduled_runs"
    task: Mapped[str] = mapped_column(String(40), primary_key=True)
    slot: Mapped[str] = mapped_column(String(32), primary_key=True)
    host: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(16))  # running | done | failed
    detail: Mapped[str | None] = mapped_column(Text)


class StoredFile(Base):
    """An uploaded file's metadata (core/files/); its bytes live on disk under their SHA-256.

    `entry_id` is set once an entry holds it and never cleared: a file taken off an entry stays
    readable from the entry's history. Unattached files belong to their uploader only."""

    __tablename__ = "files"
    __table_args__ = (Index("ix_files_entry", "entry_id"), Index("ix_files_sha256", "sha256"))
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(100))
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", name="fk_files_ledger_id"))
    field: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id", name="fk_files_entry_id"), nullable=True)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


users, api_tokens, login_attempts = User.__table__, ApiToken.__table__, LoginAttempt.__table__
units = Unit.__table__
ledgers, ledger_versions = Ledger.__table__, LedgerVersion.__table__
entries, revisions, entry_counts = Entry.__table__, Revision.__table__, EntryCount.__table__
entry_sequences = EntrySequence.__table__
ledger_permissions = LedgerPermission.__table__
ledger_drafts = LedgerDraft.__table__
audit_log = AuditRecord.__table__
scheduled_runs = ScheduledRun.__table__
files = StoredFile.__table__


def normalise_url(url: str) -> str:
    """postgres:// and postgresql:// both mean psycopg 3 here; a relative SQLite path is made
    absolute from the working folder (as SQLAlchemy reads it), so Flask-SQLAlchemy, which would
    read it from instance/, opens the same file."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not parsed.query.get("uri") and not os.path.isabs(parsed.database):
        return parsed.set(database=os.path.abspath(parsed.database)).render_as_string(hide_password=False)
    return url


def engine_options(url: str, echo: bool = False) -> dict:
    """create_engine() keywords for `url`: also given to Flask-SQLAlchemy, which then builds the
    very engine a `Database` wraps."""
    dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    options: dict = {"json_serializer": dumps, "echo": echo}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30}
    else:
        options.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
    return options


class Database:
    """One engine, with reads in deferred transactions and writes in immediate ones (SQLite).

    Built from a URL (engine tests, benchmarks) or around an engine made elsewhere with
    `engine_options` (the app's Flask-SQLAlchemy engine): either way one pool, one set of pragmas.
    """

    def __init__(self, url: str | Engine, echo: bool = False):
        if isinstance(url, Engine):
            self.engine: Engine = url
        else:
            url = normalise_url(url)
            self.engine = create_engine(url, **engine_options(url, echo))
        self.dialect = self.engine.dialect.name
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        self._writer = self.engine.execution_options(ledger_write=True)

    @contextmanager
    def read(self, own: bool = False) -> Iterator[Connection]:
        """A read connection. Inside `requests()` every read of the request shares one
        transaction (one snapshot, one BEGIN); `own=True` takes a connection of its own, for
        reads that outlive the request (streamed exports)."""
        shared = _REQUEST.get()
        if shared is not None and shared.database is self and not own:
            shared.users += 1
            try:
                yield shared.connection()
            except BaseException:
                shared.rollback()  # a failed statement (PostgreSQL) must not spoil the request's next read
                raise
            finally:
                shared.users -= 1
            return
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def request(self) -> Iterator[RequestReads]:
        """One request's reads: a shared read transaction opened on first use and a memo for
        what the request has already read (core/entries/opened.py); both end at the first write
        and when the request does."""
        shared = RequestReads(self)
        token = _REQUEST.set(shared)
        try:
            yield shared
        finally:
            try:
                _REQUEST.reset(token)
            except ValueError:  # ended in another context (a streamed response's last chunk)
                _REQUEST.set(None)
            shared.close()

    @contextmanager
    def write(self, durable: bool = True) -> Iterator[Connection]:
        """A transaction that commits on success and rolls back on any exception.

        `durable=False` (the audit records of reads): on SQLite the commit does not wait for
        the disk (synchronous=NORMAL in WAL mode: safe from a crash of the server, not from a
        power cut); PostgreSQL callers say so themselves (SET LOCAL synchronous_commit).

        A write first ends the request's shared read transaction: what it reads afterwards
        includes the write, and no read lock of its own request stands in its way."""
        shared = _REQUEST.get()
        if shared is not None and shared.database is self:
            shared.end()
        if durable or self.dialect != "sqlite":
            with self._writer.begin() as conn:
                yield conn
            return
        with self._writer.connect() as conn:
            raw = conn.connection.dbapi_connection
            raw.execute("PRAGMA synchronous=NORMAL")
            try:
                with conn.begin():
                    yield conn
            finally:
                raw.execute("PRAGMA synchronous=FULL")

    def create_all(self) -> None:
        """Tables as the models say, for engine tests and benchmarks; the app migrates instead."""
        with self.write() as conn:
            Base.metadata.create_all(conn)

    def dispose(self) -> None:
        self.engine.dispose()




def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # A deferred transaction that later writes fails with "database is locked" at once.
        immediate = conn.get_execution_options().get("ledger_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


from core.db import roundtables  # noqa: E402,F401 - its tables join Base.metadata (create_all, migrations)
