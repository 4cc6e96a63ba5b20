"""The audit trail: who changed or read a whole ledger, when, with which filter, how many rows.

Every record carries the SHA-256 of a canonical JSON of its own fields and the previous
record's hash (`prev_hash`), so a record altered, removed or slipped in with SQL breaks the
chain at that point; `verify` walks the chain and names the first broken record.

Appends are serialised: on PostgreSQL a transaction-level advisory lock is taken before the
last record is read; on SQLite the write transaction (BEGIN IMMEDIATE) already holds the
database's only write lock. The lock is always the last one a write takes (docs/design.md,
lock order). Writes record in their own transaction, so a rolled-back change leaves no record;
downloads of a whole ledger (exports, report files) record in a small write of their own;
pages shown on screen are not recorded, so no read waits for a write lock (docs/design.md).

That small write is the cost of an audited read, and most of it was the wait for the disk at
commit (bench/README.md). A read's record therefore commits without waiting for the flush
(SQLite synchronous=NORMAL in WAL mode, PostgreSQL synchronous_commit off, set in the same
statement that takes the lock): it survives a crash of the server, and a power cut can lose
only the last records written, a tail of the chain, so `verify` still passes. A change's
record shares the change's transaction and is exactly as durable as the change.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from core.access.policy import Actor, require
from core.errors import QueryError
from core.ids import plain_int
from core.db.models import Database, audit_log, utcnow
from core.settings import local_zone

ACTIONS = ("create", "update", "delete", "import", "define", "archive", "restore", "reorder", "list", "export", "report",
           "login", "login_failed", "logout",
           "user_create", "user_role", "user_unit", "user_password", "user_disable", "user_enable",
           "token_issue", "token_revoke", "unit_create", "permissions")
ACTION_LENGTH = 16  # audit_log.action is String(16): every name above fits (a test checks)
GENESIS = "0" * 64
# Any constant: with the schema, the key of the advisory lock that serialises appends on
# PostgreSQL (one chain per schema: servers or tests in other schemas of the database don't wait).
_LOCK_KEY = 0x6C656467  # "ledg"
_LOCK = text("SELECT pg_advisory_xact_lock(:k, hashtext(current_schema()))")
# The same lock, and this transaction's commit returns before its WAL reaches the disk.
_LOCK_NOT_WAITING = text("SELECT set_config('synchronous_commit', 'off', true), "
                         "pg_advisory_xact_lock(:k, hashtext(current_schema()))")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def record(target: Database | Connection, actor: Actor | str | None, action: str,
           ledger: str | None = None, entry_id: int | None = None, filters: Any = None,
           rows: int | None = None) -> dict:
    """Append one record; inside `target`'s transaction when given a Connection (a write that
    records itself), in a write of its own when given the Database (a read)."""
    if len(action) > ACTION_LENGTH:  # PostgreSQL would refuse it; SQLite would keep it whole
        raise ValueError(f"audit action {action!r} is longer than {ACTION_LENGTH} characters")
    if isinstance(target, Connection):
        return _append(target, actor, action, ledger, entry_id, filters, rows)
    with target.write(durable=False) as conn:
        return _append(conn, actor, action, ledger, entry_id, filters, rows, durable=False)


def _append(conn: Connection, actor, action, ledger, entry_id, filters, rows, durable: bool = True) -> dict:
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK if durable else _LOCK_NOT_WAITING, {"k": _LOCK_KEY})
    last = conn.execute(select(audit_log.c.id, audit_log.c.hash)
                        .order_by(audit_log.c.id.desc()).limit(1)).first()
    name = actor if isinstance(actor, str) or actor is None else actor.name
    values = {"id": (last.id + 1) if last else 1, "at": _utc(utcnow()), "user_name": name,
              "action": action, "ledger_key": ledger,
              "entry_id": int(entry_id) if entry_id is not None else None,
              "filters": normal_filters(filters), "row_count": rows,
              "prev_hash": last.hash if last else GENESIS}
    values["hash"] = digest(values)
    conn.execute(insert(audit_log).values(**values))
    return values


def normal_filters(params: Any) -> dict | None:
    """List/export/report parameters as plain JSON: {name: value} or {name: [values]}."""
    if params is None:
        return None
    if hasattr(params, "lists"):  # a werkzeug MultiDict
        pairs = [(k, v if len(v) > 1 else v[0]) for k, v in params.lists()]
    elif isinstance(params, dict):
        pairs = list(params.items())
    else:
        pairs = list(params)
    out = {clean(k): ([clean(x) for x in v] if isinstance(v, (list, tuple)) else clean(v))
           for k, v in pairs}
    return out or None


def clean(value: Any) -> Any:
    """Text both databases store and UTF-8 can encode: no NUL, no lone surrogate."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text_ = str(value)[:2000].replace("\x00", "")
    return text_.encode("utf-8", "replace").decode("utf-8")


def _utc(value: dt.datetime) -> dt.datetime:
    """Microsecond UTC time, as both databases give it back."""
    if value.tzinfo is None:  # SQLite returns naive datetimes: they were stored in UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def canonical(values: dict) -> str:
    """The text that is hashed: every field but the hash, in a fixed form."""
    body = {"id": values["id"], "at": _utc(values["at"]).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "user": values["user_name"], "action": values["action"], "ledger": values["ledger_key"],
            "entry_id": values["entry_id"], "filters": values["filters"],
            "rows": values["row_count"], "prev_hash": values["prev_hash"]}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(values: dict) -> str:
    return hashlib.sha256(canonical(values).encode("utf-8")).hexdigest()


@dataclass
class Verdict:
    ok: bool
    count: int
    broken: dict | None = None
    reason: str = ""


def verify(db: Database, batch: int = 1000) -> Verdict:
    """Recompute the chain from the first record; stop at the first that does not hold."""
    previous, count = GENESIS, 0
    for row in _all_rows(db, batch):
        count += 1
        reason = ""
        if row["prev_hash"] != previous:
            reason = "前一条记录的哈希不符（其前的记录被删除、插入或改动）"
        elif digest(row) != row["hash"]:
            reason = "记录内容与其哈希不符（记录被改动）"
        if reason:
            return Verdict(False, count, view(row), reason)
        previous = row["hash"]
    return Verdict(True, count)


def _all_rows(db: Database, batch: int) -> Iterator[dict]:
    after = 0
    while True:
        with db.read() as conn:
            rows = [dict(r._mapping) for r in conn.execute(
                select(audit_log).where(audit_log.c.id > after).order_by(audit_log.c.id).limit(batch))]
        if not rows:
            return
        yield from rows
        after = rows[-1]["id"]


def view(row: dict) -> dict:
    return {"id": row["id"], "at": _utc(row["at"]).isoformat(), "user": row["user_name"],
            "action": row["action"], "ledger": row["ledger_key"], "entry_id": row["entry_id"],
            "filters": row["filters"], "rows": row["row_count"],
            "prev_hash": row["prev_hash"], "hash": row["hash"]}


def list_records(db: Database, actor: Actor, params: Any = None) -> dict:
    """The trail, newest first, for administrators: {items, total, page, size}; filters
    `user`, `ledger`, `action`, `from`, `to` (local dates, both included), `_page`, `_size`."""
    require(actor, "manage_users")
    get = (params or {}).get
    where = []
    for name, column in (("user", audit_log.c.user_name), ("ledger", audit_log.c.ledger_key),
                         ("action", audit_log.c.action)):
        value = clean((get(name) or "").strip())
        if value:
            where.append(column == value[:200])
    start, end = _day(get("from"), "起始日期"), _day(get("to"), "截止日期")
    if start:
        where.append(audit_log.c.at >= _midnight(start))
    if end:
        where.append(audit_log.c.at < _midnight(end + dt.timedelta(days=1)))
    page = _int(get("_page"), "_page", 1, 1, 1_000_000)
    size = _int(get("_size"), "_size", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    with db.read() as conn:
        total = conn.execute(select(func.count()).select_from(audit_log).where(*where)).scalar_one()
        rows = conn.execute(select(audit_log).where(*where).order_by(audit_log.c.id.desc())
                            .limit(size).offset((page - 1) * size))
        items = [view(dict(r._mapping)) for r in rows]
    return {"items": items, "total": total, "page": page, "size": size}


def _midnight(day: dt.date) -> dt.datetime:
    """The start of a local day (the TIMEZONE setting's), in UTC as `at` is stored."""
    return dt.datetime.combine(day, dt.time(), local_zone()).astimezone(dt.timezone.utc)


def _day(value: Any, title: str) -> dt.date | None:
    value = str(value or "").strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    message = f"{title}须为 YYYY-MM-DD 格式的日期"
    raise QueryError(message, [{"field": title, "message": message}])


def _int(value: Any, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    number = plain_int(value)
    if number is None or not low <= number <= high:
        message = f"{name} 须为 {low} 到 {high} 之间的整数"
        raise QueryError(message, [{"field": name, "message": message}])
    return number
