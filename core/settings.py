"""Process-wide settings the engine needs in more than one place: the 64-bit limit and the time zone.

One definition each, so a query, an import and a page can never disagree on them. The time
zone is set once by create_app (config TIMEZONE, env LEDGER_TIMEZONE) before any request.
A date-time value is stored as ISO text in this zone (`local_iso`), so comparing, sorting
and cutting the stored text (SQL does) agrees with the clock.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

INT64 = 2**63 - 1          # what a BIGINT and a 64-bit JSON integer hold
MAX_NUMBER = 10**18        # largest magnitude any text (query, form, cell) is read as a number
DEFAULT_TIMEZONE = "Asia/Shanghai"

_zone: dt.tzinfo = ZoneInfo(os.environ.get("LEDGER_TIMEZONE") or DEFAULT_TIMEZONE)
# An RFC 3339 date-time (what the `date-time` format accepts), and its space-separated form.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")


def set_timezone(name: str) -> None:
    """Make `name` (an IANA zone such as Asia/Shanghai) the zone of naive input and of output."""
    global _zone
    try:
        _zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"未知时区：{name}") from exc


def local_zone() -> dt.tzinfo:
    return _zone


def local_today() -> dt.date:
    return dt.datetime.now(_zone).date()


def to_local(value: str | dt.datetime | None) -> dt.datetime | None:
    """An ISO timestamp (or datetime) in the local zone; a naive one is already local; None if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=_zone)
    return moment.astimezone(_zone)


def local_iso(moment: dt.datetime) -> str:
    """The one text stored for a moment: ISO in the local zone, '2026-04-01T07:00:00+08:00'
    (microseconds, when there are any, always six digits); a naive moment is already local."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=_zone)
    return moment.astimezone(_zone).isoformat()


def stored_time(value: str) -> str:
    """An RFC 3339 date-time as `local_iso` stores it ('2026-03-31T23:00:00Z' ->
    '2026-04-01T07:00:00+08:00'); any other text as is (validation names it, nothing is guessed)."""
    if not _RFC3339.match(value):
        return value
    try:
        moment = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:  # a leap second, 2026-02-30: not a moment Python can hold
        return value
    return local_iso(moment)


def local_text(value: str | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """'2026-11-25T17:57:30Z' -> '2026-11-26 01:57:30' in the local zone; unreadable text as is."""
    if not value:
        return ""
    moment = to_local(value)
    return str(value) if moment is None else moment.strftime(fmt)
