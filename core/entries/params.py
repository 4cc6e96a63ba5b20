"""A list request's parameters checked against the definition: the ListQuery every read,
report and export turns into SQL (core/entries/query.py), and the scopes it is limited to.

Callers pass the raw parameters (field=value, field__op=value, _q, _sort, _page, _size, and
for a ledger with an overdue rule _due=overdue|soon|open, _due_days, _sort=_due). A field is
only ever named through the definition; a bad name or value is a QueryError (400).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field as dc_field
from typing import Any, Iterable, Mapping

from core.access import policy as access
from core.access.policy import Actor, Scope
from core.definition.kinds import OPS, ParseError
from core.definition.model import Definition, Field
from core.definition.options import DUE_SORT  # the sort term of the overdue rule: open first, nearest deadline first
from core.definition.textcheck import text_problem
from core.entries import deadlines
from core.errors import QueryError
from core.ids import plain_int
from core.settings import local_today

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


@dataclass
class ListQuery:
    """The parsed, checked form of a list request."""

    filters: list[tuple[Field, str, Any]] = dc_field(default_factory=list)
    search: str = ""
    sort: list[tuple[Field | None, bool]] = dc_field(default_factory=list)  # None: the `_due` order
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    due: str = ""                    # overdue | soon | open (deadlines.DUE_FILTERS)
    due_days: int = deadlines.DEFAULT_SOON_DAYS
    today: dt.date = dc_field(default_factory=local_today)
    scope: Scope = access.ALL       # the rows the caller may read (core/access/policy.py scope)
    also: Scope = access.ALL        # and reach by the surface's own action (an export's), if not read

    @property
    def limited(self) -> bool:
        return self.scope.limited or self.also.limited


def scoped(q: ListQuery, actor: Actor, ledger: Any, action: str = "read") -> ListQuery:
    """`q` limited to the rows `actor` may read and, for a surface of another action (export),
    may also `action`: each surface asks the rules for its own action, and never reaches a row
    its caller could not read."""
    q.scope = access.scope(actor, ledger)
    q.also = access.scope(actor, ledger, action) if action != "read" else access.ALL
    return q


_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def parse_params(definition: Definition, params: Any, paged: bool = True) -> ListQuery:
    """Check list parameters against the definition; QueryError names what is wrong."""
    q = ListQuery()
    for name, value in _pairs(params):
        problem = text_problem(name) or text_problem(value)
        if problem:  # a NUL reaches PostgreSQL as an error, not as "no match"
            raise QueryError(f"参数“{_BAD_TEXT.sub('', name)[:50]}”{problem}")
        if name == "_q":
            q.search = value.strip()[:200]
        elif name == "_sort":
            q.sort = [_sort_term(definition, part) for part in value.split(",") if part.strip()]
        elif name == "_due":
            deadlines.overdue_rule(definition)
            q.due = value.strip()
            if q.due not in deadlines.DUE_FILTERS:
                raise QueryError("参数 _due 应为 overdue（超期）、soon（即将到期）或 open（未办结）")
        elif name == "_due_days":
            q.due_days = deadlines.parse_days(value)
        elif name == "_page":
            q.page = _bounded_int(name, value, 1, 10**7)
        elif name == "_size":
            q.size = _bounded_int(name, value, 1, MAX_PAGE_SIZE)
        elif name.startswith("_"):
            continue  # reserved for the surfaces (e.g. _format, header)
        else:
            key, _, op = name.partition("__")
            op = op or "eq"
            f = definition.field(key)
            if op not in OPS:
                raise QueryError(f"不支持的条件“{op}”，可用：{', '.join(OPS)}")
            if op not in f.type.query_ops:
                raise QueryError(f"字段“{f.title}”不能用于筛选")
            q.filters.append((f, op, _parsed(f, op, value)))
    if not q.sort and definition.default_sort:
        q.sort = [_sort_term(definition, definition.default_sort)]
    return q


def _pairs(params: Any) -> Iterable[tuple[str, str]]:
    if params is None:
        return []
    if hasattr(params, "items") and hasattr(params, "getlist"):  # werkzeug MultiDict
        return params.items(multi=True)
    pairs = []
    for name, value in (params.items() if isinstance(params, Mapping) else params):
        for v in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((name, str(v)))
    return pairs


def _sort_term(definition: Definition, term: str) -> tuple[Field | None, bool]:
    term = term.strip()
    if term.lstrip("-") == DUE_SORT:
        deadlines.overdue_rule(definition)
        if term.startswith("-"):
            raise QueryError("按期限排序（_due）只有一个方向：未办结在前，时限近的在前")
        return None, False
    f = definition.field(term.lstrip("-"))
    if not f.scalar:
        raise QueryError(f"字段“{f.title}”不能用于排序")
    return f, term.startswith("-")


def _bounded_int(name: str, value: str, low: int, high: int) -> int:
    number = plain_int(value)
    if number is None:
        raise QueryError(f"参数 {name} 应为整数")
    if not low <= number <= high:
        raise QueryError(f"参数 {name} 应在 {low} 到 {high} 之间")
    return number


def _parsed(f: Field, op: str, value: str) -> Any:
    try:
        return f.type.parse_query(f, op, value)
    except ParseError as exc:
        raise QueryError(str(exc)) from None
