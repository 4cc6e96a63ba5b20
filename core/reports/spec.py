"""What a report declaration (`x-ledger.reports`) may say, and the check of it when a definition is saved.

Separate from core/reports/run.py (which runs reports through core/entries/query) because the definition
check calls it: the field model cannot import the query layer that is built on it. Filters are
read with the same per-kind parsers and operators the list's parameters use (core/entries/query).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Iterator

from core.definition.kinds import OPS, ParseError
from core.settings import local_today
from core.errors import problem
from core.definition.refs import escape

if TYPE_CHECKING:
    from core.definition.model import Field

EMPTY = "（空）"
BUCKETS = ("month", "quarter", "year")
BUCKET_TITLES = {"month": "月份", "quarter": "季度", "year": "年度"}
CHARTS = ("bar", "stacked_bar", "line", "pie", "table")
FORMATS = ("text", "integer", "number", "money", "percent")
COMPARE = {"eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "lte": "__le__", "gt": "__gt__", "gte": "__ge__"}
RELATIVE = re.compile(r"^(today|month_start|quarter_start|year_start)(?:([+-])(\d{1,4})([dwmy]))?$")
DERIVED = ("ratio", "diff")  # computed from two other measures of the same row


class SpecError(ValueError):
    """A declared filter that cannot be read; the message is Chinese."""


def measure_key(m: dict) -> str:
    """A measure's key: declared, else `count` or `<fn>_<field>`."""
    if m.get("key"):
        return m["key"]
    return m["fn"] if not m.get("field") else f"{m['fn']}_{m['field']}"


def resolve_date(text: str, today: dt.date | None = None) -> str:
    """'today', 'today-30d', 'today+7d', 'today-2w', 'today-1m', 'today-1y', 'month_start',
    'quarter_start', 'year_start' (and those ± an offset) as an ISO date, today being in the
    configured time zone; other text as is."""
    match = RELATIVE.match(text.strip())
    if not match:
        return text
    day = today or local_today()
    anchor = match.group(1)
    if anchor == "month_start":
        day = day.replace(day=1)
    elif anchor == "quarter_start":
        day = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    elif anchor == "year_start":
        day = day.replace(month=1, day=1)
    if not match.group(2):
        return day.isoformat()
    n = int(match.group(3)) * (1 if match.group(2) == "+" else -1)
    unit = match.group(4)
    if unit in "dw":
        return (day + dt.timedelta(days=n * (7 if unit == "w" else 1))).isoformat()
    months = day.year * 12 + day.month - 1 + (n * 12 if unit == "y" else n)
    year, month = divmod(months, 12)
    if not 1 <= year <= 9998:
        raise SpecError(f"相对日期“{text}”超出范围")
    following = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return dt.date(year, month + 1, min(day.day, (following - dt.timedelta(days=1)).day)).isoformat()


def declared_pairs(by_key: dict[str, "Field"], spec: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """A declared filter as list parameters (name, text) and field-to-field comparisons
    (`{"completed_on__lte": "$deadline"}`, as in x-ledger.rules)."""
    pairs, refs = [], []
    for name, value in spec.items():
        key, _, op = name.partition("__")
        op = op or "eq"
        f = by_key.get(key)
        if f is None:
            raise SpecError(f"未知字段：{key}")
        if isinstance(value, str) and value.startswith("$"):
            other = by_key.get(value[1:])
            if other is None:
                raise SpecError(f"未知字段：{value[1:]}")
            if op not in COMPARE or not (f.scalar and other.scalar):
                raise SpecError(f"字段“{f.title}”与“{other.title}”只能用 eq、ne、lt、lte、gt、gte 比较")
            refs.append((key, op, value[1:]))
            continue
        if isinstance(value, (dict, list)) and (op != "in" or isinstance(value, dict)):
            raise SpecError(f"条件“{name}”的值应为文字、数字或是/否（in 可用列表）")
        parts = [_text(v) for v in value] if isinstance(value, list) else [_text(value)]
        if f.is_date and op != "contains":
            parts = [resolve_date(p) for p in parts]
        pairs.append((name, ",".join(parts)))
    return pairs, refs


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dict, list)) or value is None:
        raise SpecError("条件的值应为文字、数字或是/否")
    return str(value)


def check_filter(by_key: dict[str, "Field"], spec: dict) -> None:
    """Raise SpecError unless every condition reads as the list would read it, and names
    a declared choice where the field has choices."""
    pairs, _ = declared_pairs(by_key, spec)
    for name, text in pairs:
        key, _, op = name.partition("__")
        op = op or "eq"
        f = by_key[key]
        if op not in OPS:
            raise SpecError(f"不支持的条件“{op}”，可用：{', '.join(OPS)}")
        if op not in f.type.query_ops:
            raise SpecError(f"字段“{f.title}”不能用于筛选")
        try:
            value = f.type.parse_query(f, op, text)
        except ParseError as exc:
            raise SpecError(str(exc)) from None
        values = value if isinstance(value, list) else [value]
        if f.choices and op in ("eq", "ne", "in"):
            unknown = [v for v in values if v not in f.choices]
            if unknown:
                raise SpecError(f"“{unknown[0]}”不是字段“{f.title}”的选项")


# --- the check run when a definition is saved ----------------------------------------------

def check_reports(reports: Any, fields: dict[str, "Field"]) -> Iterator[dict]:
    """Every problem of `x-ledger.reports` as {path, message}, with JSON pointers, in Chinese.

    A report the meta-schema already found malformed is skipped (that problem is reported there)."""
    seen: set[str] = set()
    for r, report in enumerate(reports if isinstance(reports, list) else []):
        if not _well_formed(report):
            continue
        where = f"/x-ledger/reports/{r}"
        if report["key"] in seen:
            yield problem(where + "/key", f"报表标识“{report['key']}”重复")
        seen.add(report["key"])
        if report.get("chart", "table") not in CHARTS:
            yield problem(where + "/chart", f"不支持的图表类型“{report.get('chart')}”，可用：{'、'.join(CHARTS)}")
        if len(report["group_by"]) > 2:
            yield problem(where + "/group_by", "报表最多按两个字段分组")
        for g, spec in enumerate(report["group_by"]):
            yield from _check_group(fields, spec, f"{where}/group_by/{g}")
        yield from _check_measures(fields, report["measures"], where + "/measures")
        if "filter" in report:
            yield from _check_conditions(fields, report["filter"], where + "/filter")


def _well_formed(report: Any) -> bool:
    """The shape the checks below read: what the meta-schema asks of a report."""
    def strings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def conditions(value: Any) -> bool:
        return value is None or isinstance(value, dict)

    return (isinstance(report, dict) and isinstance(report.get("key"), str) and strings(report.get("group_by"))
            and isinstance(report.get("measures"), list) and conditions(report.get("filter"))
            and all(isinstance(m, dict) and isinstance(m.get("fn"), str) and conditions(m.get("where"))
                    and (m.get("field") is None or isinstance(m["field"], str))
                    and (m.get("key") is None or isinstance(m["key"], str))
                    and (m.get("of") is None or strings(m["of"])) for m in report["measures"]))


def _check_group(fields: dict[str, "Field"], spec: str, path: str) -> Iterator[dict]:
    name, _, bucket = spec.partition(":")
    f = fields.get(name)
    if f is None:
        yield problem(path, f"“{name}”不是已定义的字段")
    elif not f.scalar:
        yield problem(path, f"字段“{f.title}”不是单值字段，不能用于分组")
    elif bucket and bucket not in BUCKETS:
        yield problem(path, f"不支持的日期分段“{bucket}”，可用：month（月）、quarter（季度）、year（年）")
    elif bucket and not f.is_date:
        yield problem(path, f"字段“{f.title}”不是日期，不能按{BUCKET_TITLES[bucket]}分组")


def _check_measures(fields: dict[str, "Field"], measures: list[dict], path: str) -> Iterator[dict]:
    keys: dict[str, str] = {}
    for m, measure in enumerate(measures):
        at, fn, key = f"{path}/{m}", measure["fn"], measure_key(measure)
        if key in keys:
            yield problem(at + "/key", f"统计项标识“{key}”重复")
        keys[key] = fn
        if measure.get("format", "text") not in FORMATS:
            yield problem(at + "/format", f"不支持的格式“{measure['format']}”，可用：{'、'.join(FORMATS)}")
        if fn in DERIVED:
            continue
        if fn != "count" and "field" not in measure:
            yield problem(at, f"统计函数 {fn} 需要指定字段")
        if "field" in measure:
            yield from _check_measure_field(fields.get(measure["field"]), measure, at + "/field")
        if "where" in measure:
            yield from _check_conditions(fields, measure["where"], at + "/where")
    for m, measure in enumerate(measures):
        if measure["fn"] not in DERIVED:
            continue
        of = measure.get("of") or []
        if len(of) != 2:
            yield problem(f"{path}/{m}/of", "比率和差值需要两个统计项标识：[分子, 分母] 或 [被减数, 减数]")
            continue
        for i, name in enumerate(of):
            if keys.get(name) in (None, *DERIVED):
                yield problem(f"{path}/{m}/of/{i}", f"“{name}”不是本报表中的统计项（只能引用计数、求和等统计项）")


def _check_measure_field(f: "Field | None", measure: dict, path: str) -> Iterator[dict]:
    fn = measure["fn"]
    if f is None:
        yield problem(path, f"“{measure['field']}”不是已定义的字段")
    elif not f.scalar:
        yield problem(path, f"字段“{f.title}”不是单值字段，不能统计")
    elif fn in ("sum", "avg") and not f.numeric:
        yield problem(path, f"字段“{f.title}”不是数字，不能求和或平均")
    elif fn in ("min", "max") and not (f.numeric or f.is_date):
        yield problem(path, f"字段“{f.title}”不是数字或日期，不能求最小或最大值")


def _check_conditions(fields: dict[str, "Field"], spec: dict, path: str) -> Iterator[dict]:
    for name, value in spec.items():
        try:
            check_filter(fields, {name: value})
        except SpecError as exc:
            yield problem(f"{path}/{escape(name)}", f"条件无法识别：{exc}")
