"""Checks of `x-ledger` that need the field model: every field the options name must exist and suit.

The meta-schema has already said what is malformed; this runs anyway (all problems come back in
one answer), so it skips any part that is not of the expected shape instead of failing on it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.reports.spec import check_reports

if TYPE_CHECKING:  # the field model imports this module, not the other way round
    from core.definition.model import Field

MAX_INDEXED_LENGTH = 500  # 500 Chinese characters are 1,500 bytes in UTF-8
DUE_SORT = "_due"  # the overdue rule's order, a `list.sort` of its own: open first, nearest date first


def check_options(options: Any, fields: dict[str, "Field"]) -> list[dict]:
    """Every problem of how `options` (x-ledger) use the fields, as {path, message}."""
    if not isinstance(options, dict):
        return []
    names = _Names(fields)
    _check_list(names, options.get("list"), isinstance(options.get("overdue"), dict))
    _check_keys(names, options)
    _check_bulletin(names, options)
    names.problems.extend(check_reports(options.get("reports"), fields))
    return names.problems


def _each(value: Any, kind: type = str) -> list[tuple[int, Any]]:
    """(index, item) for the items of a list that have the expected type; the meta-schema reports the rest."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, kind)]


class _Names:
    """Looks up the field names the options use, keeping a problem for each unusable one."""

    def __init__(self, fields: dict[str, "Field"]):
        self.fields = fields
        self.problems: list[dict] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append({"path": path, "message": message})

    def known(self, key: Any, path: str, want_scalar: bool = True) -> "Field | None":
        """The field named `key`, or None (with a problem when the name is a string that names nothing)."""
        if not isinstance(key, str):
            return None
        f = self.fields.get(key)
        if f is None:
            self.add(path, f"“{key}”不是已定义的字段")
        elif want_scalar and not f.scalar and not f.type.multiple:
            self.add(path, f"字段“{f.title}”是子表或分组，不能用在这里")
            return None
        return f

    def indexable(self, f: "Field | None", path: str) -> None:
        """Filters and the sort are indexed; a btree entry holds about 2,700 bytes on PostgreSQL."""
        if f is None or not f.type.indexed_text:
            return
        limit = f.schema.get("maxLength")
        if not isinstance(limit, int) or limit > MAX_INDEXED_LENGTH:
            self.add(path, f"用于筛选或排序的文本字段“{f.title}”需设置 maxLength（不超过 {MAX_INDEXED_LENGTH}）")


def _check_list(names: _Names, listing: Any, overdue: bool) -> None:
    if not isinstance(listing, dict):
        return
    for i, key in _each(listing.get("columns")):
        names.known(key, f"/x-ledger/list/columns/{i}", want_scalar=False)
    for i, key in _each(listing.get("filters")):
        names.indexable(names.known(key, f"/x-ledger/list/filters/{i}"), f"/x-ledger/list/filters/{i}")
    for i, key in _each(listing.get("search")):
        f = names.known(key, f"/x-ledger/list/search/{i}")
        if f is not None and not f.type.searchable:
            names.add(f"/x-ledger/list/search/{i}", f"字段“{f.title}”不是文本，不能用于搜索")
    sort = listing.get("sort")
    if sort == DUE_SORT:
        if not overdue:
            names.add("/x-ledger/list/sort", "按期限排序（_due）需要先设置超期规则（x-ledger.overdue）")
    elif isinstance(sort, str):
        f = names.known(sort.lstrip("-"), "/x-ledger/list/sort")
        if f is not None and not f.scalar:
            names.add("/x-ledger/list/sort", f"字段“{f.title}”不能用于排序")
        names.indexable(f, "/x-ledger/list/sort")


def _check_keys(names: _Names, options: dict) -> None:
    """The business key and the overdue rule: single fields of a suitable kind."""
    f = names.known(options.get("business_key"), "/x-ledger/business_key")
    if f is not None and not f.type.business_key:
        names.add("/x-ledger/business_key", "业务主键应为文本或整数字段")
    overdue = options.get("overdue")
    if isinstance(overdue, dict):
        f = names.known(overdue.get("date"), "/x-ledger/overdue/date")
        if f is not None and not f.type.is_day:
            names.add("/x-ledger/overdue/date", "超期判断应使用日期字段")
        names.known(overdue.get("status"), "/x-ledger/overdue/status")
    f = names.known(options.get("unit_field"), "/x-ledger/unit_field", want_scalar=False)
    if f is not None and (not f.scalar or f.type.multiple or not f.type.searchable or f.type.is_date):
        names.add("/x-ledger/unit_field", f"所属单位字段应为单值的文本或选项字段（“{f.title}”不是）")


BULLETIN_FIELDS = {"unit": ("scalar", "承办单位字段应为单值字段（文本或选项）"),
                   "leader": ("scalar", "负责领导字段应为单值字段"),
                   "content": ("scalar", "事项内容字段应为单值字段"),
                   "completed": ("is_day", "办结日期字段应为日期字段")}


def _check_bulletin(names: _Names, options: dict) -> None:
    """`x-ledger.bulletin` (督查通报) needs the overdue rule and fields that suit each role."""
    spec = options.get("bulletin")
    if not isinstance(spec, dict):
        return
    where = "/x-ledger/bulletin"
    rule = options.get("overdue")
    if not isinstance(rule, dict) or not rule.get("status") or not rule.get("closed"):
        names.add(where, "督查通报需要超期规则（x-ledger.overdue）指明状态字段（status）和办结状态（closed）")
    for role, (capability, message) in BULLETIN_FIELDS.items():
        f = names.known(spec.get(role), f"{where}/{role}", want_scalar=False)
        if f is not None and (not getattr(f.type, capability) or f.type.multiple):
            names.add(f"{where}/{role}", f"{message}（“{f.title}”不是）")
