"""How stored values read on a page: one formatter per field kind, times in China time."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from flask import Flask
from flask_babel import gettext as _, lazy_gettext as _l

from core.definition import Definition, Field
from forms.convert import CHINA, short_message

ACTIONS = {"create": _l("新建"), "update": _l("修改"), "delete": _l("删除")}
ROLES = {"admin": _l("管理员"), "editor": _l("编辑"), "viewer": _l("只读")}
SOURCES = {"web": _l("网页"), "api": _l("接口"), "import": _l("导入"), "cli": _l("命令行")}


def local_time(value: str | None) -> str:
    """'2026-03-05T01:30:00Z' -> '2026-03-05 09:30' (China time)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(CHINA)
    return moment.strftime("%Y-%m-%d %H:%M")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _plain(f: Field, value: Any) -> str:
    return str(value)


def _money(f: Field, value: Any) -> str:
    return f"{value:,.2f}" if _number(value) else str(value)


def _boolean(f: Field, value: Any) -> str:
    return _("是") if value is True else _("否") if value is False else str(value)


def _multichoice(f: Field, value: Any) -> str:
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def _datetime(f: Field, value: Any) -> str:
    return local_time(value) if isinstance(value, str) else str(value)


def _group(f: Field, value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    return "；".join(f"{c.title}：{text(c, value[c.key])}" for c in f.children if value.get(c.key) is not None)


def _table(f: Field, value: Any) -> str:
    if not isinstance(value, list):
        return str(value)
    return _("%(n)s 行", n=len(value))


FORMATTERS: dict[str, Callable[[Field, Any], str]] = {
    "money": _money, "boolean": _boolean, "multichoice": _multichoice, "datetime": _datetime,
    "group": _group, "table": _table,
}


def text(f: Field | None, value: Any) -> str:
    """A value as one line of text; a field the definition no longer has shows as stored."""
    if value is None or value == "":
        return ""
    if f is None:
        return str(value)
    return FORMATTERS.get(f.kind, _plain)(f, value)


def long_text(f: Field | None, value: Any) -> str:
    """Like text(), but a child table lists its rows (for history, where '3 行' says too little)."""
    if f is not None and f.kind == "table" and isinstance(value, list):
        rows = [" ".join(text(c, row.get(c.key)) for c in f.children if row.get(c.key) not in (None, ""))
                for row in value if isinstance(row, dict)]
        return "；".join(f"{i}. {r}" for i, r in enumerate(rows, 1)) or _("（无）")
    return text(f, value)


def changes(definition: Definition, revision: dict) -> list[dict]:
    """A revision's changes in field order: [{title, before, after}]."""
    order = {f.key: i for i, f in enumerate(definition.fields)}
    out = []
    for key, pair in sorted((revision.get("changes") or {}).items(), key=lambda kv: order.get(kv[0], 10**6)):
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        f = definition.by_key.get(key)
        out.append({"title": f.title if f else key, "before": long_text(f, before), "after": long_text(f, after)})
    return out


def field_attrs(bound, f: Field, errors: list, with_help: bool = True) -> dict:
    """ARIA attributes tying an input to its help text and its error message."""
    described = ([f"{bound.id}-help"] if f.description and with_help else []) + \
        ([f"{bound.id}-error"] if errors else [])
    attrs: dict[str, Any] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if errors:
        attrs["aria-invalid"] = "true"
    if f.required:
        attrs["aria-required"] = "true"
    if f.read_only and f.kind in ("choice", "multichoice", "boolean"):
        attrs["disabled"] = True
    return attrs


def register(app: Flask) -> None:
    app.jinja_env.filters.update(value_text=lambda value, f: text(f, value), local_time=local_time,
                                 short_message=short_message)
    app.jinja_env.globals.update(long_text=long_text, field_attrs=field_attrs, revision_changes=changes,
                                 role_title=lambda r: str(ROLES.get(r, r)),
                                 action_title=lambda a: str(ACTIONS.get(a, a)),
                                 source_title=lambda s: str(SOURCES.get(s, s or "")))
