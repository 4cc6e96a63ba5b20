"""What a round request may say, checked against the ledger's definition, and the dates a
repeating round falls due on. No database: a round is checked before anything is stored.

A request: {"title", "due": "YYYY-MM-DD", "filter": {list parameters}, "fields": [keys],
"repeat": null | {"every": "month", "day": 1-31} | {"every": "week", "weekday": 1-7}}.
The filter is the list's own syntax (core/entries/params.py), so `status__in=交办,办理中`
means here what it means in the list. Every problem names its field (422).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from core.definition.model import Definition
from core.entries.params import ListQuery, parse_params
from core.errors import DefinitionError, LedgerError

KEYS = {"title", "due", "filter", "fields", "repeat"}
MAX_TITLE = 200
MAX_NOTE = 2000
# Paging and order mean nothing to a round: it asks for every matching entry.
IGNORED_PARAMS = {"_page", "_size", "_sort"}


def invalid(field: str, message: str) -> DefinitionError:
    """A 422 naming the request's field."""
    return DefinitionError(message, [{"field": field, "path": "/" + field, "message": message}])


def check_round(definition: Definition, body: Any) -> dict:
    """The round a request asks for, as stored: {title, due, filter, fields, repeat}; a 422
    naming the first field that is wrong."""
    if definition.unit_field is None:
        raise invalid("ledger", f"台帐“{definition.title}”没有设置承办单位字段（x-ledger.unit_field），不能催报")
    if not isinstance(body, dict):
        raise invalid("body", "请求体应为对象：{title, due, filter, fields, repeat}")
    unknown = sorted(set(map(str, body)) - KEYS)
    if unknown:
        raise invalid(unknown[0], f"不认识的属性：{'、'.join(unknown)}")
    title = body.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
        raise invalid("title", f"标题应为 1 到 {MAX_TITLE} 个字符")
    return {"title": title.strip(), "due": parse_due(body.get("due")),
            "filter": check_filter(definition, body.get("filter")),
            "fields": check_fields(definition, body.get("fields")),
            "repeat": check_repeat(body.get("repeat"))}


def parse_due(value: Any) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise invalid("due", "截止日期应为 YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise invalid("due", f"截止日期“{value}”不是有效的日期") from None


def check_filter(definition: Definition, value: Any) -> dict:
    """The filter as stored (name -> text), once the list's parser accepts it."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise invalid("filter", "筛选条件应为对象，值为文本，如 {\"status__in\": \"交办,办理中\"}")
    clean = {str(k): v for k, v in value.items() if k not in IGNORED_PARAMS}
    filter_query(definition, clean)
    return clean


def filter_query(definition: Definition, stored: dict) -> ListQuery:
    """The stored filter parsed as a list request (a 422 naming `filter` when it no longer reads)."""
    try:
        return parse_params(definition, stored, paged=False)
    except LedgerError as exc:
        raise invalid("filter", f"筛选条件有误：{exc.message}") from None


def check_fields(definition: Definition, value: Any) -> list[str]:
    """Field keys a unit fills in the round: top-level, writable, not the unit field itself."""
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise invalid("fields", "填报字段应为字段名的列表，如 [\"progress\"]")
    out = []
    for key in value:
        f = definition.by_key.get(key)
        if f is None:
            raise invalid("fields", f"字段“{key}”不在台帐“{definition.title}”的定义中")
        if f.read_only or key == definition.unit_field.key:
            raise invalid("fields", f"字段“{f.title}”不能由承办单位在催报中填写")
        if key not in out:
            out.append(key)
    return out


def check_repeat(value: Any) -> dict | None:
    if value is None:
        return None
    if isinstance(value, dict) and value.get("every") == "month" and set(value) == {"every", "day"} \
            and _int_in(value.get("day"), 1, 31):
        return {"every": "month", "day": value["day"]}
    if isinstance(value, dict) and value.get("every") == "week" and set(value) == {"every", "weekday"} \
            and _int_in(value.get("weekday"), 1, 7):
        return {"every": "week", "weekday": value["weekday"]}
    raise invalid("repeat", "重复应为 null、{\"every\": \"month\", \"day\": 1-31} 或 "
                            "{\"every\": \"week\", \"weekday\": 1-7}（1 为星期一）")


def _int_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def next_due(repeat: dict, after: dt.date) -> dt.date:
    """The first day after `after` that a repeating round falls due on (a monthly day past the
    month's end is its last day: day 31 is 30 April)."""
    if repeat["every"] == "week":
        return after + dt.timedelta(days=(repeat["weekday"] - after.isoweekday() - 1) % 7 + 1)
    year, month = after.year, after.month
    for _ in range(2):
        day = min(repeat["day"], calendar.monthrange(year, month)[1])
        candidate = dt.date(year, month, day)
        if candidate > after:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("unreachable")


def next_title(title: str, previous_due: dt.date, due: dt.date) -> str:
    """The next round's title: its period where the previous title named one (「2026年12月…」 ->
    「2027年1月…」, or the previous due date in ISO form), else the title with the new due date."""
    month = f"{previous_due.year}年{previous_due.month}月"
    if month in title and (due.year, due.month) != (previous_due.year, previous_due.month):
        return title.replace(month, f"{due.year}年{due.month}月")
    if previous_due.isoformat() in title:
        return title.replace(previous_due.isoformat(), due.isoformat())
    return f"{title[:MAX_TITLE - 13]}（{due.isoformat()}）"


def check_report(fields: list[str], body: Any) -> tuple[dict, str | None]:
    """The data and note of one item's report: only the round's fields, each of them given."""
    if not isinstance(body, dict) or set(map(str, body)) - {"data", "note", "version"}:
        raise invalid("body", "请求体应为 {\"data\": {...}, \"note\": \"...\"}")
    data, note = body.get("data", {}), body.get("note")
    if not isinstance(data, dict):
        raise invalid("data", "data 应为对象")
    extra = [k for k in data if k not in fields]
    if extra:
        raise invalid(str(extra[0]), f"本轮催报只填写：{'、'.join(fields) or '进展说明'}；不能填写“{extra[0]}”")
    missing = [k for k in fields if data.get(k) is None]
    if missing:
        raise invalid(missing[0], f"本轮催报须填写“{missing[0]}”")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise invalid("note", f"进展说明应为不超过 {MAX_NOTE} 个字符的文本")
    note = note.strip() if isinstance(note, str) else None
    if not fields and not note:
        raise invalid("note", "本轮催报须填写进展说明")
    return data, note or None
