"""Sample entries for the five shipped ledgers (`flask demo`, the tests, the benchmarks).

The entries are data files, demo/<key>.json: fictitious (names, plates, phone numbers) but
shaped after the district office's own account of its work, each valid against
schemas/<key>.json. A file holds the entries as they stood on its `as_of` day; every date in
them moves by the days between that day and `today`, so the sample always has items due
soon, overdue and done, whenever it is loaded.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["LEDGER_KEYS", "demo_entries"]

LEDGER_KEYS = ("supervision", "emergency_plans", "fixed_assets", "repairs", "receptions")
HERE = Path(__file__).resolve().parent
DATE = re.compile(r"(\d{4}-\d{2}-\d{2})((?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)")


def demo_entries(key: str, *, today: dt.date | None = None) -> list[dict]:
    """The sample entries of one shipped ledger (fresh dicts, keys = field keys)."""
    if key not in LEDGER_KEYS:
        raise KeyError(f"no demo data for ledger {key!r}")
    as_of, entries = _load(key)
    today = today or dt.date.today()
    if isinstance(today, dt.datetime):
        today = today.date()
    days = (today - as_of).days
    return [_shifted(entry, days) for entry in json.loads(entries)]


@cache
def _load(key: str) -> tuple[dt.date, str]:
    document = json.loads((HERE / f"{key}.json").read_text("utf-8"))
    return dt.date.fromisoformat(document["as_of"]), json.dumps(document["entries"], ensure_ascii=False)


def _shifted(value: Any, days: int) -> Any:
    """`value` with every date (and date-time) string moved on by `days`."""
    if isinstance(value, dict):
        return {k: _shifted(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, days) for v in value]
    if isinstance(value, str) and days and (m := DATE.fullmatch(value)):
        return (dt.date.fromisoformat(m.group(1)) + dt.timedelta(days=days)).isoformat() + m.group(2)
    return value
