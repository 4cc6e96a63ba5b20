"""Reports declared in a definition (`x-ledger.reports`), computed by the database.

A report groups a ledger's live entries by one field or two (a cross table), date fields
bucketed by month, quarter or year, and computes measures (count, sum, avg, min, max, each
with an optional condition in the list filters' syntax) and ratios of two measures. It is
GROUP BY over the stored JSON with the same field expressions the list uses, never a loop
over entries in Python, so it costs one scan however large the ledger.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, String, case, cast, func, literal, select

from core.access import audit
from core.access.policy import Actor, require
from core.db.counts import field_expr
from core.definition.model import Definition, Field
from core.errors import NotFound, QueryError
from core.db.models import Database, entries
from core.entries.query import conditions, readable
from core.entries.params import parse_params, scoped
from core.reports.spec import (BUCKET_TITLES, COMPARE, DERIVED, EMPTY, SpecError, check_reports, declared_pairs,
                         measure_key, resolve_date)

__all__ = ["EMPTY", "check_reports", "find_report", "list_reports", "resolve_date", "run_report"]
FN_TITLES = {"count": "数量", "sum": "合计", "avg": "平均", "min": "最小", "max": "最大", "ratio": "比率", "diff": "差值"}


@dataclass(frozen=True)
class Group:
    key: str              # column key: "unit" or "reported_on:month"
    field: Field
    bucket: str | None

    @property
    def title(self) -> str:
        return f"{self.field.title}（{BUCKET_TITLES[self.bucket]}）" if self.bucket else self.field.title


@dataclass(frozen=True)
class Measure:
    key: str
    fn: str
    title: str
    format: str
    field: Field | None = None
    where: tuple = ()     # conditions (SQL clauses) of this measure only
    of: tuple[str, str] | None = None


# --- declarations -----------------------------------------------------------------------

def list_reports(db: Database, actor: Actor, key: str) -> list[dict]:
    """The reports a ledger declares: key, title, chart and what they group by."""
    with db.read() as conn:
        _, definition = readable(conn, actor, key)
    out = []
    for report in definition.reports:
        groups = [_group(definition, spec) for spec in report["group_by"]]
        out.append({"key": report["key"], "title": report["title"], "chart": report.get("chart", "table"),
                    "group_by": [{"key": g.key, "title": g.title} for g in groups]})
    return out


def find_report(definition: Definition, report_key: str) -> dict:
    for report in definition.reports:
        if report["key"] == report_key:
            return report
    raise NotFound(f"报表“{report_key}”不存在")


def _group(definition: Definition, spec: str) -> Group:
    name, _, bucket = spec.partition(":")
    return Group(spec, definition.field(name), bucket or None)


def _measures(dialect: str, definition: Definition, report: dict) -> list[Measure]:
    out: list[Measure] = []
    for m in report["measures"]:
        fn = m["fn"]
        f = definition.field(m["field"]) if m.get("field") else None
        fmt = m.get("format") or _default_format(fn, f)
        if fn == "diff" and not m.get("format"):
            fmt = next((o.format for o in out if o.key == m["of"][0]), "number")
        out.append(Measure(measure_key(m), fn, m.get("title") or _default_title(fn, f), fmt, f,
                           tuple(filter_clauses(dialect, definition, m.get("where", {}))),
                           tuple(m["of"]) if fn in DERIVED else None))
    return out


def _default_title(fn: str, f: Field | None) -> str:
    return f"{f.title}{FN_TITLES[fn]}" if f is not None and fn != "count" else FN_TITLES[fn] if fn != "count" else "数量"


def _default_format(fn: str, f: Field | None) -> str:
    if fn == "count":
        return "integer"
    if fn == "ratio":
        return "percent"
    if f is None or not f.numeric:
        return "text"
    if f.type.number_format == "#,##0.00":
        return "money"
    if f.type.number_format == "0" and fn != "avg":
        return "integer"
    return "number"


# --- filters: the list's syntax, with relative dates and $field comparisons --------------

def filter_clauses(dialect: str, definition: Definition, spec: dict) -> list:
    """SQL conditions of a declared filter, read by core/entries/query like the list's parameters."""
    try:
        pairs, refs = declared_pairs(definition.by_key, spec)
    except SpecError as exc:
        raise QueryError(str(exc)) from None
    q = parse_params(definition, pairs, paged=False)
    clauses = [f.type.condition(dialect, f, op, value, entries.c.data) for f, op, value in q.filters]
    for key, op, other in refs:
        left, right = field_expr(dialect, definition.field(key)), field_expr(dialect, definition.field(other))
        clauses.append(getattr(left, COMPARE[op])(right))
    return clauses


# --- running ------------------------------------------------------------------------------

def run_report(db: Database, actor: Actor, key: str, report_key: str, params: Any = None,
               action: str = "read") -> dict:
    """One report over the live entries matching its filter and the list's `params`, in the
    actor's read scope. `action`: export for the .csv/.xlsx downloads (also needs read, and
    counts only rows in both scopes: a download is an export)."""
    with db.read() as conn:
        ledger, definition = readable(conn, actor, key)
        if action != "read":
            require(actor, action, ledger)
        report = find_report(definition, report_key)
        dialect = db.dialect
        q = scoped(parse_params(definition, params, paged=False), actor, ledger, action)
        where = conditions(dialect, definition, ledger.id, q)
        where += filter_clauses(dialect, definition, report.get("filter", {}))
        groups = [_group(definition, spec) for spec in report["group_by"]]
        measures = _measures(dialect, definition, report)
        sql_measures = [m for m in measures if m.fn not in DERIVED]

        def aggregate(by: list[Group]) -> list[dict]:
            exprs = [group_expr(dialect, g) for g in by]
            cols = [e.label(f"g{i}") for i, e in enumerate(exprs)]
            for i, m in enumerate(sql_measures):
                cols += [e.label(f"m{i}_{j}") for j, e in enumerate(aggregate_exprs(dialect, m))]
            stmt = select(*cols).select_from(entries).where(*where)
            if exprs:
                stmt = stmt.group_by(*exprs)
            partial = []
            for row in conn.execute(stmt):
                values = row._mapping
                record = {g.key: group_value(g, values[f"g{i}"]) for i, g in enumerate(by)}
                for i, m in enumerate(sql_measures):
                    record[m.key] = tuple(values[f"m{i}_{j}"] for j in range(2 if m.fn == "avg" else 1))
                partial.append(record)
            order = [g.key for g in by] + [m.key for m in measures]
            out = []
            for record in _merged(partial, by, sql_measures):
                for m in sql_measures:
                    record[m.key] = number(_final(m, record[m.key]), m)
                _with_ratios(record, measures)
                out.append({k: record[k] for k in order})
            return out

        rows = aggregate(groups)
        totals: dict[str, Any] = {"all": _only_measures(aggregate([])[0], measures)}
        if len(groups) == 2:
            totals["rows"] = aggregate(groups[:1])
            totals["columns"] = aggregate(groups[1:])
    if action != "read":  # a download: a whole-ledger read, recorded (a page view is not)
        audit.record(db, actor, "report", key, filters={"report": report["key"], **(audit.normal_filters(params) or {})},
                     rows=len(rows))
    columns = [{"key": g.key, "title": g.title, "role": "group", "format": "text"} for g in groups]
    columns += [{"key": m.key, "title": m.title, "role": "measure", "format": m.format} for m in measures]
    return {"key": report["key"], "title": report["title"], "chart": report.get("chart", "table"),
            "columns": columns, "rows": rows, "totals": totals}


def group_expr(dialect: str, g: Group):
    """A group's SQL: the field's expression, or its text cut to a month, quarter or year. Text
    '' is NULL here, so the database groups 「（空）」 as one (a number or yes/no is never '')."""
    expr = field_expr(dialect, g.field)
    if g.bucket is None:
        return func.nullif(expr, "") if dialect == "sqlite" or isinstance(expr.type, String) else expr
    text = func.nullif(cast(expr, String), "")
    if g.bucket == "year":
        return func.substr(text, 1, 4)
    if g.bucket == "month":
        return func.substr(text, 1, 7)
    quarter = (cast(func.substr(text, 6, 2), Integer) + 2) // 3
    return func.substr(text, 1, 4) + literal("-Q") + cast(quarter, String)


def aggregate_exprs(dialect: str, m: Measure) -> list:
    """A measure's SQL aggregates: one, or for an average its sum and count (so that groups
    merged after the query, such as NULL and '' in 「（空）」, still average over all their rows)."""
    expr = field_expr(dialect, m.field) if m.field is not None else None
    condition = _all(list(m.where)) if m.where else None
    if m.fn == "count":
        if condition is None:
            return [func.count(expr) if expr is not None else func.count()]
        return [func.count(case((condition, expr if expr is not None else literal(1))))]
    target = case((condition, expr)) if condition is not None else expr
    if m.fn == "avg":
        return [func.sum(target), func.count(target)]
    return [getattr(func, m.fn)(target)]


def _all(clauses: list):
    combined = clauses[0]
    for clause in clauses[1:]:
        combined = combined & clause
    return combined


def group_value(g: Group, value: Any) -> Any:
    """A group's value as people read it; NULL and '' are 「（空）」."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str) or g.bucket:
        return str(value)
    f = g.field
    return f.type.display(f, f.type.from_native(f, value))


def number(value: Any, m: Measure) -> Any:
    """SQL's aggregate as JSON: Decimals to int/float, averages to 4 places; dates stay text."""
    if m.fn == "count":
        return int(value or 0)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() and m.fn != "avg" else float(value)
    if isinstance(value, float):
        if m.fn == "avg":
            return round(value, 4)
        return round(value, 2) if m.format == "money" else value
    return value


def _with_ratios(record: dict, measures: list[Measure]) -> dict:
    """Ratios (None when the denominator is 0 or missing) and differences of two measures."""
    for m in measures:
        if m.fn not in DERIVED:
            continue
        first, second = record.get(m.of[0]), record.get(m.of[1])
        if m.fn == "ratio":
            record[m.key] = round(first / second, 6) if isinstance(first, (int, float)) and second else None
        else:
            record[m.key] = (round(first - second, 6) if isinstance(first, (int, float))
                             and isinstance(second, (int, float)) else None)
    return record


def _only_measures(record: dict, measures: list[Measure]) -> dict:
    return {m.key: record.get(m.key) for m in measures}


def _merged(rows: list[dict], by: list[Group], sql_measures: list[Measure]) -> list[dict]:
    """Rows in group order; rows that fall into the same shown value (a typed 「（空）」 and the
    empty group, numbers shown alike) are merged, each measure over all their rows."""
    if not by:
        return rows
    seen: dict[tuple, dict] = {}
    for row in rows:
        ident = tuple(row[g.key] for g in by)
        kept = seen.setdefault(ident, row)
        if kept is not row:
            for m in sql_measures:
                kept[m.key] = _combine(m.fn, kept[m.key], row[m.key])
    return sorted(seen.values(), key=lambda r: tuple(sort_key(g, r[g.key]) for g in by))


def _combine(fn: str, kept: tuple, other: tuple) -> tuple:
    """Two groups' partial aggregates as one: counts and sums (an average's too) add up,
    the least of the minima and the greatest of the maxima (NULL is no value)."""
    if fn in ("count", "sum", "avg"):
        return tuple(b if a is None else a if b is None else a + b for a, b in zip(kept, other))
    values = [v for v in (kept[0], other[0]) if v is not None]
    if not values:
        return (None,)
    return (min(values, key=_ordered) if fn == "min" else max(values, key=_ordered),)


def _ordered(value: Any) -> tuple:
    return (isinstance(value, str), value)  # as SQLite orders mixed values: numbers before text


def _final(m: Measure, partial: tuple) -> Any:
    """A measure's value from its partial aggregates: an average is its sum over its count."""
    if m.fn != "avg":
        return partial[0]
    total, n = partial
    return total / n if n and total is not None else None


def sort_key(g: Group, value: Any) -> tuple:
    """Choices in their declared order, other values ascending, 「（空）」 last."""
    if value == EMPTY:
        return (2, 0, "")
    if g.bucket is None and value in g.field.choices:
        return (0, g.field.choices.index(value), "")
    if isinstance(value, (int, float)):
        return (1, value, "")
    return (1, 0, str(value))


def cross_table(result: dict) -> dict | None:
    """A two-group report as a matrix per measure: first group down, second across, with the
    row totals, column totals and the whole total; None for a one-group report."""
    groups = [c for c in result["columns"] if c["role"] == "group"]
    if len(groups) != 2:
        return None
    down, across = groups[0]["key"], groups[1]["key"]
    row_values = [r[down] for r in result["totals"]["rows"]]
    col_values = [r[across] for r in result["totals"]["columns"]]
    cells = {(r[down], r[across]): r for r in result["rows"]}
    return {"down": groups[0], "across": groups[1], "row_values": row_values, "col_values": col_values,
            "cells": cells, "row_totals": {r[down]: r for r in result["totals"]["rows"]},
            "col_totals": {r[across]: r for r in result["totals"]["columns"]}}
