"""What a printed list says about itself: the filters that chose its rows, in words, and when
it was printed (the local zone of core.settings). Shown only on paper (print.css)."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _, lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from core.definition.model import Definition
from core.entries.deadlines import DUE_FILTERS
from core.settings import local_zone

OP_WORDS = {"eq": _l("为"), "ne": _l("不为"), "lt": _l("早于或小于"), "lte": _l("不晚于或不大于"),
            "gt": _l("晚于或大于"), "gte": _l("不早于或不小于"), "contains": _l("包含"),
            "in": _l("为以下之一"), "nin": _l("不为以下任一")}
SKIPPED = ("_page", "_size", "_sort")


def filter_words(definition: Definition, args: MultiDict) -> list[str]:
    """['状态为以下之一：交办、办理中', '超期', '搜索“河道”']: one phrase per applied filter."""
    out = []
    for name, value in args.items(multi=True):
        if name in SKIPPED or not str(value).strip():
            continue
        if name == "_q":
            out.append(_("搜索“%(q)s”", q=value))
        elif name == "_due":
            out.append(_(DUE_FILTERS.get(value, value)))
        elif name == "_days":
            out.append(_("%(n)s 天内到期", n=value))
        else:
            key, _sep, op = name.partition("__")
            field = definition.by_key.get(key)
            title = field.title if field is not None else key
            shown = "、".join(v for v in value.split(",")) if op in ("in", "nin") else value
            out.append(f"{title}{OP_WORDS.get(op or 'eq', op)}{'：' if op in ('in', 'nin') else ' '}{shown}")
    return out


def printed_at() -> str:
    """Now, as the printed list shows it."""
    return moment_text(dt.datetime.now(dt.timezone.utc))


def moment_text(moment: dt.datetime) -> str:
    """A moment as local wall-clock time, '2026-12-03 23:40' (the zone of core.settings)."""
    return moment.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M")


def sort_words(definition: Definition, sort: str) -> str:
    """'-deadline' -> '完成时限（从晚到早）'; '_due' -> '按期限'."""
    if not sort:
        return ""
    if sort == "_due":
        return _("按期限（超期在前）")
    key = sort.lstrip("-")
    field = definition.by_key.get(key)
    title = field.title if field is not None else key
    return title + (_("（降序）") if sort.startswith("-") else _("（升序）"))


def overdue_days(definition: Definition, items: list[dict], today: dt.date) -> dict[int, int]:
    """{entry id: days past its deadline} for the overdue rows of a list (the 超期天数 column)."""
    key = (definition.overdue or {}).get("date")
    out = {}
    for item in items:
        value = item["data"].get(key) if key else None
        if item.get("overdue") and isinstance(value, str):
            try:
                out[item["id"]] = (today - dt.date.fromisoformat(value[:10])).days
            except ValueError:
                continue
    return out
