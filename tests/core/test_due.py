"""Deadlines in SQL (`_due`, `_sort=_due`, the index counts) and `nin`, on both databases.

Dates are relative to settings.local_today(), so the tests mean the same on any day.
"""
import datetime as dt

import pytest

from core.entries import deadlines
from core.access.policy import SYSTEM
from core.errors import QueryError
from core.entries.query import iter_entries, list_entries, list_ledgers
from core.settings import local_today
from core.entries.store import create_entries
from core.entries.definitions import definition_of
from core.ledgers.versions import save_definition
from tests.core.conftest import SMALL

TASKS = {
    "title": "任务台帐", "type": "object",
    "properties": {
        "name": {"type": "string", "title": "名称", "maxLength": 50},
        "due": {"type": "string", "title": "时限", "format": "date"},
        "state": {"type": "string", "title": "状态", "enum": ["交办", "办理中", "已办结", "立项"]},
    },
    "required": ["name"],
    "x-ledger": {"key": "tasks", "list": {"filters": ["state", "due"], "sort": "-due"},
                 "overdue": {"date": "due", "status": "state", "closed": ["已办结"]}},
}


def day(offset: int) -> str:
    return (local_today() + dt.timedelta(days=offset)).isoformat()


ROWS = [
    ("past-open", -3, "办理中"),
    ("past-closed", -10, "已办结"),
    ("yesterday-nostate", -1, None),
    ("today", 0, "交办"),
    ("in-7", 7, "立项"),
    ("in-8", 8, "交办"),
    ("soon-closed", 2, "已办结"),
    ("no-date", None, "办理中"),
]


@pytest.fixture
def tasks(edb):
    save_definition(edb, SYSTEM, TASKS)
    rows = []
    for name, offset, state in ROWS:
        data = {"name": name}
        if offset is not None:
            data["due"] = day(offset)
        if state is not None:
            data["state"] = state
        rows.append(data)
    create_entries(edb, SYSTEM, "tasks", rows)
    return edb


def names(edb, **params):
    return [e["data"]["name"] for e in list_entries(edb, SYSTEM, "tasks", params)["items"]]


@pytest.mark.parametrize("params,expected", [
    ({"_due": "overdue"}, {"past-open", "yesterday-nostate"}),
    ({"_due": "soon"}, {"today", "in-7"}),
    ({"_due": "soon", "_due_days": "8"}, {"today", "in-7", "in-8"}),
    ({"_due": "soon", "_due_days": "0"}, {"today"}),
    ({"_due": "open"}, {"past-open", "yesterday-nostate", "today", "in-7", "in-8", "no-date"}),
    ({"_due": "overdue", "state": "办理中"}, {"past-open"}),
])
def test_due_filters(tasks, params, expected):
    page = list_entries(tasks, SYSTEM, "tasks", params)
    assert {e["data"]["name"] for e in page["items"]} == expected
    assert page["total"] == len(expected)


def test_due_reaches_exports(tasks):
    _, rows = iter_entries(tasks, SYSTEM, "tasks", {"_due": "overdue"})
    assert {e["data"]["name"] for e in rows} == {"past-open", "yesterday-nostate"}


def test_items_carry_the_overdue_mark_from_sql(tasks):
    marked = {e["data"]["name"]: e["overdue"] for e in list_entries(tasks, SYSTEM, "tasks")["items"]}
    assert {n for n, flag in marked.items() if flag} == {"past-open", "yesterday-nostate"}


def test_due_sort_puts_open_items_first_by_nearest_deadline(tasks):
    assert names(tasks, _sort="_due") == ["past-open", "yesterday-nostate", "today", "in-7", "in-8",
                                          "no-date", "past-closed", "soon-closed"]
    assert names(tasks, _sort="_due", _size="3", _page="2") == ["in-7", "in-8", "no-date"]


def test_the_declared_default_sort_stays_without_a_sort(tasks):
    assert names(tasks) == names(tasks, _sort="-due") != names(tasks, _sort="_due")


def test_the_overdue_order_may_be_declared_and_is_the_default_without_a_sort(tasks):
    """`list.sort: "_due"` (the shipped supervision ledger's) or no declared sort with an overdue
    rule: the default order of every surface is the rule's; its date field gets the sort index."""
    from core.definition.loading import load_definition
    from core.db.indexes import plan
    for listing in ({"filters": ["state", "due"], "sort": "_due"}, {"filters": ["state", "due"]}):
        document = {**TASKS, "x-ledger": {**TASKS["x-ledger"], "list": listing}}
        save_definition(tasks, SYSTEM, document)
        assert names(tasks) == names(tasks, _sort="_due") != names(tasks, _sort="-due")
        assert [tuple(f.key for f in spec.fields) for spec in plan(1, load_definition(document))] == \
            [("due",), ("state", "due")]


@pytest.mark.parametrize("listing,message", [
    ({"sort": "_due"}, "按期限排序（_due）需要先设置超期规则"),
    ({"sort": "-_due"}, "/x-ledger/list/sort"),
])
def test_the_overdue_order_needs_a_rule_and_has_one_direction(listing, message):
    from core.definition.checks import check_definition
    document = {**SMALL, "x-ledger": {**SMALL["x-ledger"], "list": listing}}
    problems = list(check_definition(document))
    assert {p["path"] for p in problems} == {"/x-ledger/list/sort"}
    assert message in " ".join(p["path"] + p["message"] for p in problems)


@pytest.mark.parametrize("params,message", [
    ({"_due": "late"}, "_due"),
    ({"_due": "soon", "_due_days": "x"}, "_due_days"),
    ({"_due": "soon", "_due_days": "400"}, "_due_days"),
    ({"_sort": "-_due"}, "一个方向"),
])
def test_bad_due_parameters_are_query_errors(tasks, params, message):
    with pytest.raises(QueryError, match=message):
        list_entries(tasks, SYSTEM, "tasks", params)


@pytest.mark.parametrize("params", [{"_due": "overdue"}, {"_sort": "_due"}])
def test_a_ledger_without_an_overdue_rule_refuses_due(edb, params):
    save_definition(edb, SYSTEM, SMALL)
    with pytest.raises(QueryError, match="没有设置超期规则"):
        list_entries(edb, SYSTEM, "small", params)


def test_index_counts_in_one_query_per_ledger(tasks):
    save_definition(tasks, SYSTEM, SMALL)
    by_key = {l["key"]: l for l in list_ledgers(tasks, SYSTEM, deadlines_counted=True)}
    assert by_key["tasks"]["deadlines"] == {"open": 6, "overdue": 2, "soon": 2}
    assert by_key["tasks"]["entry_count"] == len(ROWS)
    assert "deadlines" not in by_key["small"]
    assert "deadlines" not in {l["key"]: l for l in list_ledgers(tasks, SYSTEM)}["tasks"]


def test_counts_follow_a_given_today(tasks):
    with tasks.read() as conn:
        ledger, definition = definition_of(conn, "tasks")
        later = deadlines.deadline_counts(conn, tasks.dialect, definition, ledger.id,
                                          local_today() + dt.timedelta(days=8))
    # a week on: everything open and dated before then is overdue; in-8 falls due that day
    assert later == {"open": 6, "overdue": 4, "soon": 1}


def test_shipped_supervision_rule(edb, supervision):
    base = {"content": "事项", "source": "专题会议纪要", "unit": "区住建局"}
    create_entries(edb, SYSTEM, "supervision", [
        base | {"deadline": day(-1), "status": "交办"},
        base | {"deadline": day(-1), "status": "已办结", "progress": 100, "completed_on": day(-2)},
        base | {"deadline": day(3), "status": "办理中"}])
    overdue = list_entries(edb, SYSTEM, "supervision", {"_due": "overdue"})
    soon = list_entries(edb, SYSTEM, "supervision", {"_due": "soon"})
    assert [e["data"]["status"] for e in overdue["items"]] == ["交办"]
    assert [e["data"]["status"] for e in soon["items"]] == ["办理中"]


# --- nin: not in, NULL-safe like ne --------------------------------------------------------

@pytest.mark.parametrize("params,expected", [
    ({"state__nin": "已办结,立项"}, {"past-open", "yesterday-nostate", "today", "in-8", "no-date"}),
    ({"state__nin": "已办结"}, {"past-open", "yesterday-nostate", "today", "in-7", "in-8", "no-date"}),
    ({"state__ne": "已办结"}, {"past-open", "yesterday-nostate", "today", "in-7", "in-8", "no-date"}),
    ({"state__in": "交办,办理中"}, {"past-open", "today", "in-8", "no-date"}),
])
def test_nin_includes_entries_without_the_field(tasks, params, expected):
    assert set(names(tasks, **params)) == expected


def test_nin_checks_each_value(tasks):
    with pytest.raises(QueryError, match="时限"):
        list_entries(tasks, SYSTEM, "tasks", {"due__nin": day(1) + ",x"})
