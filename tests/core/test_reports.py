"""Reports against figures computed here in Python from the very entries the test created,
on SQLite and PostgreSQL; every shipped report on the demo data; bad declarations refused."""
from __future__ import annotations

import copy
import datetime as dt
import random
from collections import defaultdict

import pytest

import demo
from core.reports import run as reports
from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM, Actor
from core.definition.checks import check_definition
from core.errors import DefinitionError, Forbidden, NotFound, QueryError
from core.reports.spec import resolve_date
from core.settings import local_today
from tests.conftest import shipped

UNITS = ["甲", "乙", "丙"]
KINDS = ["一类", "二类"]
TODAY = local_today()


def ledger(reports_: list[dict]) -> dict:
    return {
        "title": "报表测试", "type": "object",
        "properties": {
            "name": {"type": "string", "title": "名称", "maxLength": 50},
            "unit": {"type": "string", "title": "单位", "enum": UNITS},
            "kind": {"type": "string", "title": "类别", "enum": KINDS},
            "status": {"type": "string", "title": "状态", "enum": ["办理中", "已办结"]},
            "due": {"type": "string", "title": "时限", "format": "date"},
            "done_on": {"type": "string", "title": "办结日期", "format": "date"},
            "score": {"type": "integer", "title": "分数"},
            "amount": {"type": "number", "title": "金额", "multipleOf": 0.01},
            "urgent": {"type": "boolean", "title": "紧急"},
            "tags": {"type": "array", "title": "标签", "items": {"type": "string", "enum": ["红", "蓝"]},
                     "uniqueItems": True},
        },
        "required": ["name"],
        "x-ledger": {"key": "rep", "list": {"filters": ["unit", "status", "due"], "sort": "-due"},
                     "reports": reports_},
    }


def make_rows(n: int = 120, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row = {"name": f"事项{i}"}
        if rng.random() < 0.9:
            row["unit"] = rng.choice(UNITS)
        row["kind"] = rng.choice(KINDS)
        row["status"] = rng.choice(["办理中", "已办结"])
        due = TODAY + dt.timedelta(days=rng.randint(-500, 200))
        if rng.random() < 0.95:
            row["due"] = due.isoformat()
        if row["status"] == "已办结" and rng.random() < 0.9:
            row["done_on"] = (due + dt.timedelta(days=rng.randint(-30, 30))).isoformat()
        if rng.random() < 0.85:
            row["score"] = rng.randint(0, 100)
        row["amount"] = round(rng.uniform(0, 5000), 2)
        row["urgent"] = rng.random() < 0.3
        rows.append(row)
    return rows


ALL = [
    {"key": "by_unit", "title": "按单位", "group_by": ["unit"], "chart": "bar", "measures": [
        {"fn": "count", "key": "total", "title": "总数"},
        {"fn": "count", "key": "done", "title": "已办结", "where": {"status": "已办结"}},
        {"fn": "count", "key": "overdue", "title": "超期", "where": {"due__lt": "today", "status__ne": "已办结"}},
        {"fn": "count", "key": "on_time", "where": {"status": "已办结", "done_on__lte": "$due"}},
        {"fn": "ratio", "key": "done_rate", "of": ["done", "total"], "title": "办结率", "format": "percent"},
        {"fn": "ratio", "key": "on_time_rate", "of": ["on_time", "done"]},
        {"fn": "diff", "key": "open", "of": ["total", "done"]},
        {"fn": "sum", "field": "amount"}, {"fn": "avg", "field": "score"},
        {"fn": "min", "field": "score"}, {"fn": "max", "field": "amount"},
        {"fn": "count", "key": "scored", "field": "score"},
        {"fn": "sum", "key": "urgent_amount", "field": "amount", "where": {"urgent": True}},
        {"fn": "max", "key": "latest_due", "field": "due"}]},
    {"key": "cross", "title": "单位×类别", "group_by": ["unit", "kind"], "chart": "stacked_bar",
     "measures": [{"fn": "count", "key": "n"}, {"fn": "sum", "key": "amount", "field": "amount"},
                  {"fn": "avg", "key": "score", "field": "score"}]},
    {"key": "by_month", "title": "按月", "group_by": ["due:month"], "chart": "line",
     "measures": [{"fn": "count", "key": "n"}, {"fn": "sum", "key": "amount", "field": "amount"}]},
    {"key": "by_quarter", "title": "按季", "group_by": ["due:quarter"], "measures": [{"fn": "count", "key": "n"}]},
    {"key": "by_year_unit", "title": "按年×单位", "group_by": ["due:year", "unit"],
     "measures": [{"fn": "count", "key": "n"}]},
    {"key": "recent", "title": "近 90 天", "group_by": ["status"], "filter": {"due__gte": "today-90d", "due__lte": "today"},
     "measures": [{"fn": "count", "key": "n"}]},
    {"key": "last_month", "title": "一个月内", "group_by": ["urgent"], "filter": {"due__gte": "today-1m", "unit__in": ["甲", "乙"]},
     "measures": [{"fn": "count", "key": "n"}], "chart": "pie"},
]


@pytest.fixture
def rep(edb):
    versions.save_definition(edb, SYSTEM, ledger(ALL))
    rows = make_rows()
    store.create_entries(edb, SYSTEM, "rep", rows)
    return edb, rows


def group_of(row: dict, key: str) -> str:
    name, _, bucket = key.partition(":")
    value = row.get(name)
    if value is None or value == "":
        return reports.EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if bucket == "month":
        return value[:7]
    if bucket == "year":
        return value[:4]
    if bucket == "quarter":
        return f"{value[:4]}-Q{(int(value[5:7]) - 1) // 3 + 1}"
    return value


def expected(rows: list[dict], by: list[str], fn) -> dict:
    buckets: dict = defaultdict(list)
    for row in rows:
        buckets[tuple(group_of(row, k) for k in by)].append(row)
    return {k: fn(v) for k, v in buckets.items()}


def by_group(result: dict, by: list[str]) -> dict:
    return {tuple(r[k] for k in by): r for r in result["rows"]}


def unit_measures(rows: list[dict]) -> dict:
    today = TODAY.isoformat()
    done = [r for r in rows if r["status"] == "已办结"]
    on_time = [r for r in done if r.get("done_on") and r.get("due") and r["done_on"] <= r["due"]]
    scores = [r["score"] for r in rows if "score" in r]
    return {
        "total": len(rows), "done": len(done),
        "overdue": sum(1 for r in rows if r.get("due") and r["due"] < today and r["status"] != "已办结"),
        "on_time": len(on_time),
        "done_rate": len(done) / len(rows), "on_time_rate": len(on_time) / len(done) if done else None,
        "open": len(rows) - len(done),
        "sum_amount": sum(r["amount"] for r in rows),
        "avg_score": sum(scores) / len(scores) if scores else None,
        "min_score": min(scores) if scores else None, "max_amount": max(r["amount"] for r in rows),
        "scored": len(scores),
        "urgent_amount": sum(r["amount"] for r in rows if r["urgent"]) or None,
        "latest_due": max((r["due"] for r in rows if r.get("due")), default=None),
    }


def assert_close(got: dict, want: dict) -> None:
    for key, value in want.items():
        if isinstance(value, float):
            assert got[key] == pytest.approx(value, abs=1e-3), key
        else:
            assert got[key] == value, key


def test_every_measure_and_condition_by_unit(rep):
    db, rows = rep
    result = reports.run_report(db, SYSTEM, "rep", "by_unit")
    want = expected(rows, ["unit"], unit_measures)
    got = by_group(result, ["unit"])
    assert set(got) == set(want)
    for key in want:
        assert_close(got[key], want[key])
    assert_close(result["totals"]["all"], unit_measures(rows))
    assert [r["unit"] for r in result["rows"]] == [u for u in UNITS + [reports.EMPTY] if (u,) in want]
    formats = {c["key"]: c["format"] for c in result["columns"]}
    assert formats["done_rate"] == "percent" and formats["total"] == "integer" and formats["sum_amount"] == "money"
    assert result["columns"][0] == {"key": "unit", "title": "单位", "role": "group", "format": "text"}
    assert "rows" not in result["totals"]


def test_cross_table_with_row_and_column_totals(rep):
    db, rows = rep

    def measures(rs):
        scores = [r["score"] for r in rs if "score" in r]
        return {"n": len(rs), "amount": sum(r["amount"] for r in rs),
                "score": sum(scores) / len(scores) if scores else None}
    result = reports.run_report(db, SYSTEM, "rep", "cross")
    got, want = by_group(result, ["unit", "kind"]), expected(rows, ["unit", "kind"], measures)
    assert set(got) == set(want)
    for key in want:
        assert_close(got[key], want[key])
    row_totals = expected(rows, ["unit"], measures)
    assert [r["unit"] for r in result["totals"]["rows"]] == [u for u in UNITS + [reports.EMPTY] if (u,) in row_totals]
    for r in result["totals"]["rows"]:
        assert_close(r, row_totals[(r["unit"],)])
    col_totals = expected(rows, ["kind"], measures)
    for r in result["totals"]["columns"]:
        assert_close(r, col_totals[(r["kind"],)])
    assert_close(result["totals"]["all"], measures(rows))
    cross = reports.cross_table(result)
    assert cross["col_values"] == KINDS


@pytest.mark.parametrize("report, by", [("by_month", ["due:month"]), ("by_quarter", ["due:quarter"]),
                                        ("by_year_unit", ["due:year", "unit"])])
def test_date_buckets(rep, report, by):
    db, rows = rep
    result = reports.run_report(db, SYSTEM, "rep", report)
    want = expected(rows, by, lambda rs: {"n": len(rs)})
    got = by_group(result, by)
    assert {k: v["n"] for k, v in got.items()} == {k: v["n"] for k, v in want.items()}
    firsts = [r[by[0]] for r in result["rows"]]
    assert firsts == sorted(firsts, key=lambda v: (v == reports.EMPTY, v))  # dates ascending, empty last
    if report == "by_month":
        assert all(v == reports.EMPTY or len(v) == 7 for v in firsts)
        assert result["totals"]["all"]["amount"] == pytest.approx(sum(r["amount"] for r in rows), abs=0.01)


def test_relative_dates_and_in_filter(rep):
    db, rows = rep
    start, today = (TODAY - dt.timedelta(days=90)).isoformat(), TODAY.isoformat()
    result = reports.run_report(db, SYSTEM, "rep", "recent")
    chosen = [r for r in rows if r.get("due") and start <= r["due"] <= today]
    assert {r["status"]: r["n"] for r in result["rows"]} == \
        {k[0]: v for k, v in expected(chosen, ["status"], len).items()}
    month_ago = resolve_date("today-1m")
    chosen = [r for r in rows if r.get("due") and r["due"] >= month_ago and r.get("unit") in ("甲", "乙")]
    result = reports.run_report(db, SYSTEM, "rep", "last_month")
    assert {r["urgent"]: r["n"] for r in result["rows"]} == \
        {k[0]: v for k, v in expected(chosen, ["urgent"], len).items()}


def test_list_filters_apply_too(rep):
    db, rows = rep
    result = reports.run_report(db, SYSTEM, "rep", "by_unit", {"status": "办理中", "due__gte": "2000-01-01"})
    chosen = [r for r in rows if r["status"] == "办理中" and r.get("due")]
    assert result["totals"]["all"]["total"] == len(chosen)
    assert result["totals"]["all"]["done"] == 0 and result["totals"]["all"]["done_rate"] == 0
    with pytest.raises(QueryError):
        reports.run_report(db, SYSTEM, "rep", "by_unit", {"nope": "1"})


def test_deleted_entries_are_not_counted(rep):
    db, rows = rep
    created = store.create_entry(db, SYSTEM, "rep", {"name": "将删除", "unit": "甲", "amount": 1000000})
    store.delete_entry(db, SYSTEM, "rep", created["id"], created["version"])
    assert reports.run_report(db, SYSTEM, "rep", "by_unit")["totals"]["all"]["total"] == len(rows)


def test_unknown_report_and_permission(rep):
    db, _ = rep
    with pytest.raises(NotFound):
        reports.run_report(db, SYSTEM, "rep", "nope")
    with pytest.raises(Forbidden):
        reports.run_report(db, Actor("x", "nobody"), "rep", "by_unit")
    assert [r["key"] for r in reports.list_reports(db, SYSTEM, "rep")] == [r["key"] for r in ALL]


def test_empty_ledger_gives_zero_totals(edb):
    versions.save_definition(edb, SYSTEM, ledger(ALL))
    result = reports.run_report(edb, SYSTEM, "rep", "by_unit")
    assert result["rows"] == []
    assert result["totals"]["all"]["total"] == 0 and result["totals"]["all"]["done_rate"] is None


def test_resolve_date():
    day = dt.date(2026, 3, 31)
    assert resolve_date("today", day) == "2026-03-31"
    assert resolve_date("today-30d", day) == "2026-03-01"
    assert resolve_date("today+7d", day) == "2026-04-07"
    assert resolve_date("today-1m", day) == "2026-02-28"
    assert resolve_date("today-1y", day) == "2025-03-31"
    assert resolve_date("year_start", day) == "2026-01-01"
    assert resolve_date("quarter_start", day) == "2026-01-01"
    assert resolve_date("month_start-1m", day) == "2026-02-01"
    assert resolve_date("2026-01-05", day) == "2026-01-05"


# --- shipped reports on the demo data ---------------------------------------------------------

@pytest.fixture
def demo_db(edb):
    for key in demo.LEDGER_KEYS:
        versions.save_definition(edb, SYSTEM, shipped(key))
        store.create_entries(edb, SYSTEM, key, demo.demo_entries(key))
    return edb


def test_every_shipped_report_runs_on_demo_data(demo_db):
    for key in demo.LEDGER_KEYS:
        listed = reports.list_reports(demo_db, SYSTEM, key)
        assert listed, key
        for r in listed:
            result = reports.run_report(demo_db, SYSTEM, key, r["key"])
            assert result["rows"], (key, r["key"])
            assert result["chart"] in ("bar", "stacked_bar", "line", "pie", "table")


def test_emergency_plans_level_by_category_matches_domain(demo_db):
    result = reports.run_report(demo_db, SYSTEM, "emergency_plans", "by_level_category")
    cells = {(r["level"], r["category"]): r["plans"] for r in result["rows"]}
    assert cells[("区级总体", "综合")] == 1
    assert cells[("区级专项", "自然灾害")] == 5
    assert cells[("区级专项", "事故灾难")] == 5
    assert cells[("区级专项", "社会安全事件")] == 1
    district = {r["level"]: r["plans"] for r in result["totals"]["rows"]}
    assert district["区级总体"] + district["区级专项"] == 12
    issued = [e for e in demo.demo_entries("emergency_plans") if e["status"] == "已印发"]
    assert result["totals"]["all"]["plans"] == len(issued)


def test_supervision_by_unit_on_demo_data(demo_db):
    rows = demo.demo_entries("supervision")
    result = reports.run_report(demo_db, SYSTEM, "supervision", "by_unit")
    today = TODAY.isoformat()
    for got in result["rows"]:
        mine = [r for r in rows if r.get("unit", reports.EMPTY) == got["unit"]]
        done = [r for r in mine if r["status"] == "已办结"]
        assert got["total"] == len(mine) and got["done"] == len(done)
        assert got["overdue"] == sum(1 for r in mine if r["deadline"] < today and r["status"] != "已办结")
        on_time = [r for r in done if r.get("completed_on") and r["completed_on"] <= r["deadline"]]
        assert got["on_time"] == len(on_time)
        assert got["done_rate"] == pytest.approx(len(done) / len(mine), abs=1e-6)


# --- bad declarations ---------------------------------------------------------------------

GOOD = {"key": "r", "title": "报表", "group_by": ["unit"], "measures": [{"fn": "count", "key": "n"}]}


def refused(report_change: dict) -> list[dict]:
    report = {**copy.deepcopy(GOOD), **report_change}
    return list(check_definition(ledger([report])))


@pytest.mark.parametrize("change, pointer, words", [
    ({"group_by": ["nope"]}, "/x-ledger/reports/0/group_by/0", "不是已定义的字段"),
    ({"group_by": ["unit:month"]}, "/x-ledger/reports/0/group_by/0", "不是日期"),
    ({"group_by": ["due:week"]}, "/x-ledger/reports/0/group_by/0", "格式不正确"),
    ({"group_by": ["tags"]}, "/x-ledger/reports/0/group_by/0", "不是单值字段"),
    ({"chart": "radar"}, "/x-ledger/reports/0/chart", "应为以下之一"),
    ({"measures": [{"fn": "sum", "field": "name"}]}, "/x-ledger/reports/0/measures/0/field", "不是数字"),
    ({"measures": [{"fn": "avg"}]}, "/x-ledger/reports/0/measures/0", "需要指定字段"),
    ({"measures": [{"fn": "max", "field": "urgent"}]}, "/x-ledger/reports/0/measures/0/field", "不是数字或日期"),
    ({"measures": [{"fn": "count", "key": "n"}, {"fn": "ratio", "key": "r", "of": ["n", "zz"]}]},
     "/x-ledger/reports/0/measures/1/of/1", "不是本报表中的统计项"),
    ({"measures": [{"fn": "count", "key": "n"}, {"fn": "count", "key": "n"}]},
     "/x-ledger/reports/0/measures/1/key", "重复"),
    ({"measures": [{"fn": "count", "where": {"status": "没有这个"}}]},
     "/x-ledger/reports/0/measures/0/where/status", "不是字段“状态”的选项"),
    ({"filter": {"score__gt": "很多"}}, "/x-ledger/reports/0/filter/score__gt", "条件无法识别"),
    ({"filter": {"due__lt": "yesterday"}}, "/x-ledger/reports/0/filter/due__lt", "条件无法识别"),
    ({"filter": {"nope": "1"}}, "/x-ledger/reports/0/filter/nope", "未知字段"),
    ({"filter": {"due__lt": "$nope"}}, "/x-ledger/reports/0/filter/due__lt", "未知字段"),
    ({"group_by": ["unit", "kind", "status"]}, "/x-ledger/reports/0/group_by", "过长"),
])
def test_bad_declarations_are_refused_at_their_pointer(change, pointer, words):
    errors = refused(change)
    assert any(e["path"] == pointer and words in e["message"] for e in errors), errors


def test_good_declarations_pass_and_save(edb):
    assert refused({}) == []
    assert list(check_definition(ledger(ALL))) == []
    with pytest.raises(DefinitionError):
        versions.save_definition(edb, SYSTEM, ledger([{**GOOD, "group_by": ["nope"]}]))


# --- 「（空）」: NULL, '' (and a typed 「（空）」, shown the same) are one group -----------------------

BLANKS = {
    "title": "空值报表", "type": "object",
    "properties": {
        "label": {"type": "string", "title": "标签", "maxLength": 20},
        "score": {"type": "integer", "title": "分数"},
        "amount": {"type": "number", "title": "金额", "multipleOf": 0.01},
        "due": {"type": "string", "title": "时限", "format": "date"},
    },
    "x-ledger": {"key": "blanks", "reports": [{"key": "by_label", "title": "按标签", "group_by": ["label"], "measures": [
        {"fn": "count", "key": "n"}, {"fn": "count", "key": "scored", "field": "score"},
        {"fn": "sum", "key": "score_sum", "field": "score"}, {"fn": "sum", "key": "amount_sum", "field": "amount"},
        {"fn": "min", "key": "score_min", "field": "score"}, {"fn": "max", "key": "score_max", "field": "score"},
        {"fn": "avg", "key": "score_avg", "field": "score"}, {"fn": "avg", "key": "amount_avg", "field": "amount"},
        {"fn": "min", "key": "first_due", "field": "due"}, {"fn": "max", "key": "last_due", "field": "due"},
        {"fn": "max", "key": "big_score", "field": "score", "where": {"amount__gte": 2}},
        {"fn": "ratio", "key": "scored_share", "of": ["scored", "n"]}]}]},
}
BLANK_ROWS = [  # the empty group's extremes and most of its weight sit apart, in its NULL and '' halves
    {"score": 10, "amount": 1.5, "due": "2026-01-05"},
    {"score": 30, "amount": 2.25, "due": "2026-03-01"},
    {"label": "", "score": 50, "amount": 4, "due": "2026-02-10"},
    {"label": "", "amount": 0.25, "due": "2026-05-01"},
    {"label": "", "score": 2, "amount": 1},
    {"label": "甲", "score": 7, "amount": 3, "due": "2026-04-01"},
]
TYPED = {"label": reports.EMPTY, "score": 1, "amount": 10, "due": "2025-12-31"}  # the text 「（空）」 itself


def blank_measures(rows: list[dict]) -> dict:
    scores = [r["score"] for r in rows if "score" in r]
    dues = [r["due"] for r in rows if "due" in r]
    return {"n": len(rows), "scored": len(scores), "score_sum": sum(scores) if scores else None,
            "amount_sum": sum(r["amount"] for r in rows),
            "score_min": min(scores, default=None), "score_max": max(scores, default=None),
            "score_avg": sum(scores) / len(scores) if scores else None,
            "amount_avg": sum(r["amount"] for r in rows) / len(rows),
            "first_due": min(dues, default=None), "last_due": max(dues, default=None),
            "big_score": max((r["score"] for r in rows if "score" in r and r["amount"] >= 2), default=None),
            "scored_share": len(scores) / len(rows)}


@pytest.mark.parametrize("typed", [False, True], ids=["null-and-blank", "with-typed-empty"])
def test_empty_and_blank_groups_merge_with_true_measures(edb, typed):
    versions.save_definition(edb, SYSTEM, BLANKS)
    rows = BLANK_ROWS + ([TYPED] if typed else [])
    store.create_entries(edb, SYSTEM, "blanks", copy.deepcopy(rows))
    result = reports.run_report(edb, SYSTEM, "blanks", "by_label")
    assert [r["label"] for r in result["rows"]] == ["甲", reports.EMPTY]
    want = expected(rows, ["label"], blank_measures)
    got = by_group(result, ["label"])
    for key in want:
        assert_close(got[key], want[key])
    assert_close(result["totals"]["all"], blank_measures(rows))
