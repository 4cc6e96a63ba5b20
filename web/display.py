"""How stored values read on a page: each field kind formats its own, times in the local zone."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask_babel import gettext as _, lazy_gettext as _l

from core.definition.model import Definition, Field
from core.definition.workflow import step_label
from core.settings import local_text
from forms.convert import short_message

# What each recorded action is called: an entry's history (create, update, delete) and the
# audit trail (every name in core.access.audit.ACTIONS) read this one table; `migrate` is an entry's only.
ACTIONS = {
    "create": _l("新建"), "update": _l("修改"), "delete": _l("删除"), "import": _l("导入"),
    "define": _l("修改定义"), "list": _l("查看列表"), "export": _l("导出"), "report": _l("报表"),
    "login": _l("登录"), "login_failed": _l("登录失败"), "logout": _l("退出"),
    "user_create": _l("新建用户"), "user_role": _l("修改角色"), "user_unit": _l("修改单位"),
    "user_password": _l("重设密码"), "user_disable": _l("停用用户"), "user_enable": _l("启用用户"),
    "token_issue": _l("生成令牌"), "token_revoke": _l("撤销令牌"), "unit_create": _l("新建单位"),
    "permissions": _l("修改权限"), "archive": _l("归档台帐"), "restore": _l("恢复台帐"),
    "reorder": _l("调整台帐顺序"), "migrate": _l("随定义迁移"),
}
ROLES = {"admin": _l("管理员"), "editor": _l("编辑"), "viewer": _l("只读")}
SOURCES = {"web": _l("网页"), "api": _l("接口"), "import": _l("导入"), "cli": _l("命令行")}


def local_time(value: str | None, seconds: bool = False) -> str:
    """'2026-03-05T01:30:00Z' -> '2026-03-05 09:30' (the TIMEZONE setting); with `seconds`,
    '2026-03-05 09:30:00' (the audit trail)."""
    return local_text(value, "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def chinese_date(value: Any) -> str:
    """'2026-11-25' (or a date) -> '2026年11月25日', as an office dates a document."""
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return f"{day.year}年{day.month}月{day.day}日"


def percent(value: float | None) -> str:
    """0.8765 -> '87.7%'; no rate (nothing to divide) -> '—'."""
    return "—" if value is None else f"{value * 100:.1f}%"


def text(f: Field | None, value: Any) -> str:
    """A value as one line of text; a field the definition no longer has shows as stored."""
    if value is None or value == "":
        return ""
    return str(value) if f is None else f.type.display(f, value, _)


def long_text(f: Field | None, value: Any) -> str:
    """Like text(), but a child table lists its rows (for history, where '3 行' says too little)."""
    if f is None or value is None or value == "":
        return text(f, value)
    return f.type.display_long(f, value, _)


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
    if f.read_only and f.type.locked_when_read_only:
        attrs["disabled"] = True
    return attrs


def register(app: Flask) -> None:
    app.jinja_env.filters.update(value_text=lambda value, f: text(f, value), local_time=local_time,
                                 chinese_date=chinese_date, percent=percent,
                                 short_message=short_message)
    app.jinja_env.globals.update(long_text=long_text, field_attrs=field_attrs, revision_changes=changes, workflow_step=step_label,
                                 role_title=lambda r: str(ROLES.get(r, r)),
                                 action_title=lambda a: str(ACTIONS.get(a, a)),
                                 source_title=lambda s: str(SOURCES.get(s, s or "")))
