"""Login throttling, kept in the database so every worker sees the same attempts; each attempt
is also logged in the audit trail.

Failures count per account name, never per address alone: behind a proxy that is not
configured (TRUSTED_PROXIES) every request has the proxy's address, and failures for names
that are not accounts must not lock real users out. An attempt is claimed (counted as a
failure) before its password is checked, in one transaction serialised per name, so parallel
tries cannot all slip past the limit; a correct password turns the claim into a success."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, text, update

from core.access import audit
from core.db.models import Database, aware, login_attempts, utcnow


@dataclass(frozen=True)
class Throttle:
    pair_failures: int = 5        # per (account name, client address), since that pair's last success
    account_failures: int = 10    # per account name from every address, since its last success;
                                  # not applied at an address where the account signed in lately
    window_minutes: int = 15
    keep_hours: int = 24          # older attempts are purged; "lately" is within this


_THROTTLE_LOCK_KEY = 0x6C6F6769  # "logi": with schema and name, serialises the attempts at one name
_THROTTLE_LOCK = text("SELECT pg_advisory_xact_lock(:k, hashtext(current_schema() || '/' || :name))")


def _blocked_for(conn, name: str, address: str, rule: Throttle, now: dt.datetime) -> int:
    since = now - dt.timedelta(minutes=rule.window_minutes)
    a = login_attempts.c

    def last_ok(*where):
        value = conn.execute(select(func.max(a.at)).where(a.name == name, a.ok.is_(True), a.at >= since,
                                                          *where)).scalar()
        return aware(value)

    def failures(after, *where):
        condition = a.at > after if after else a.at >= since
        return conn.execute(select(func.count(), func.min(a.at)).where(
            a.name == name, a.ok.is_(False), condition, *where)).one()

    counts = [(failures(last_ok(a.address == address), a.address == address), rule.pair_failures)]
    known_here = conn.execute(select(a.id).where(
        a.name == name, a.address == address, a.ok.is_(True),
        a.at >= now - dt.timedelta(hours=rule.keep_hours)).limit(1)).first()
    if known_here is None:
        counts.append((failures(last_ok()), rule.account_failures))
    wait = 0
    for (count, first), limit in counts:
        if count >= limit and first is not None:
            wait = max(wait, int((aware(first) + dt.timedelta(minutes=rule.window_minutes) - now)
                                 .total_seconds()) + 1)
    return max(wait, 0)


def login_blocked(db: Database, name: str, address: str, rule: Throttle = Throttle(),
                  now: dt.datetime | None = None) -> int:
    """Seconds to wait before `name` may try again from `address`, or 0 when allowed."""
    with db.read() as conn:
        return _blocked_for(conn, name[:64], address[:64], rule, now or utcnow())


def claim_login_attempt(db: Database, name: str, address: str, rule: Throttle = Throttle(),
                        now: dt.datetime | None = None) -> tuple[int, int | None]:
    """Count an attempt before its password is checked: (0, attempt id) when it may go on (the
    attempt is stored as a failure until `finish_login_attempt` says otherwise), or (seconds to
    wait, None) when the limit is reached (nothing stored). Check and count are one transaction,
    serialised per name (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL)."""
    now = now or utcnow()
    name, address = name[:64], address[:64]
    with db.write() as conn:
        if db.dialect == "postgresql":
            conn.execute(_THROTTLE_LOCK, {"k": _THROTTLE_LOCK_KEY, "name": name})
        wait = _blocked_for(conn, name, address, rule, now)
        if wait:
            return wait, None
        attempt = conn.execute(insert(login_attempts).values(
            name=name, address=address, at=now, ok=False)).inserted_primary_key[0]
    return 0, attempt


def finish_login_attempt(db: Database, attempt: int, name: str, address: str, ok: bool,
                         rule: Throttle = Throttle(), now: dt.datetime | None = None) -> None:
    """The outcome of a claimed attempt: a success clears its failure mark; either way the
    attempt is logged in the audit trail (the name tried and the address; the password never)."""
    now = now or utcnow()
    with db.write() as conn:
        if ok:
            conn.execute(update(login_attempts).where(login_attempts.c.id == attempt).values(ok=True, at=now))
        _log_attempt(conn, name, address, ok, rule, now)


def note_login_attempt(db: Database, name: str, address: str, ok: bool, rule: Throttle = Throttle(),
                       now: dt.datetime | None = None) -> None:
    """Count a finished attempt for throttling and log it in the audit trail."""
    now = now or utcnow()
    with db.write() as conn:
        conn.execute(insert(login_attempts).values(name=name[:64], address=address[:64], at=now, ok=bool(ok)))
        _log_attempt(conn, name, address, ok, rule, now)


def _log_attempt(conn, name: str, address: str, ok: bool, rule: Throttle, now: dt.datetime) -> None:
    conn.execute(delete(login_attempts).where(login_attempts.c.at < now - dt.timedelta(hours=rule.keep_hours)))
    audit.record(conn, audit.clean(name)[:64], "login" if ok else "login_failed",
                 filters={"address": address[:64]})
