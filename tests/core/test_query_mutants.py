"""List parameters at their edges: limits, reserved names, ties in the sort, parameter shapes.

Mutation testing (docs/testing.md) showed that a wrong limit or a skipped parameter here would
go unnoticed by tests/core/test_query.py; each test below pins one such behaviour.
"""
import copy
import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from core.access.policy import SYSTEM
from core.definition.loading import load_definition
from core.errors import QueryError
from core.entries.query import list_entries, list_versions
from core.entries.params import MAX_PAGE_SIZE, parse_params
from core.settings import local_today
from core.entries.store import create_entries, create_entry
from core.ledgers.versions import save_definition
from tests.core.conftest import SMALL

DEFINITION = load_definition(SMALL)


def unsorted_small() -> dict:
    document = copy.deepcopy(SMALL)
    document["x-ledger"] = {"key": "plain", "list": {"filters": ["unit"], "search": ["name"]}}
    return document


@pytest.fixture
def ties(edb):
    """Four entries, two units, no default sort: the id decides among equals."""
    save_definition(edb, SYSTEM, unsorted_small())
    create_entries(edb, SYSTEM, "plain", [{"name": n, "unit": u} for n, u in
                                          [("一", "甲"), ("二", "乙"), ("三", "甲"), ("四", "乙")]])
    return edb


def names(edb, params):
    return [e["data"]["name"] for e in list_entries(edb, SYSTEM, "plain", params)["items"]]


def test_without_a_sort_the_newest_entry_comes_first(ties):
    assert names(ties, {}) == ["四", "三", "二", "一"]


def test_ties_follow_the_direction_of_the_last_sort_term(ties):
    assert names(ties, {"_sort": "unit"}) == ["二", "四", "一", "三"]     # 乙 (U+4E59) before 甲
    assert names(ties, {"_sort": "-unit"}) == ["三", "一", "四", "二"]
    assert names(ties, {"_sort": " -unit , "}) == ["三", "一", "四", "二"]  # spaces, an empty term


def test_a_reserved_parameter_is_skipped_and_the_rest_still_apply(ties):
    assert names(ties, {"_format": "csv", "unit": "甲", "_size": "1"}) == ["三"]


def test_parameters_may_come_as_pairs_lists_or_a_multidict(ties):
    assert names(ties, [("unit", "乙")]) == ["四", "二"]
    assert names(ties, {"unit__ne": ["甲", "乙"]}) == []            # each value is one more condition
    assert names(ties, MultiDict([("unit__ne", "甲"), ("unit__ne", "乙")])) == []
    assert names(ties, {"unit": ("乙",)}) == ["四", "二"]


def test_the_page_size_and_page_limits():
    assert parse_params(DEFINITION, {"_size": str(MAX_PAGE_SIZE)}).size == MAX_PAGE_SIZE == 500
    assert parse_params(DEFINITION, {"_size": "1", "_page": str(10**7)}).page == 10**7
    assert parse_params(DEFINITION, {}).size == 50 and parse_params(DEFINITION, {}).page == 1
    with pytest.raises(QueryError) as caught:
        parse_params(DEFINITION, {"_size": "501"})
    assert caught.value.message == "参数 _size 应在 1 到 500 之间"
    with pytest.raises(QueryError) as caught:
        parse_params(DEFINITION, {"_page": str(10**7 + 1)})
    assert caught.value.message == "参数 _page 应在 1 到 10000000 之间"
    with pytest.raises(QueryError) as caught:
        parse_params(DEFINITION, {"_size": "0"})
    assert caught.value.message == "参数 _size 应在 1 到 500 之间"
    with pytest.raises(QueryError) as caught:
        parse_params(DEFINITION, {"_page": "一"})
    assert caught.value.message == "参数 _page 应为整数"


def test_search_text_is_trimmed_and_cut_at_200_characters():
    assert parse_params(DEFINITION, {"_q": "  甲  "}).search == "甲"
    assert parse_params(DEFINITION, {"_q": " " + "甲" * 300}).search == "甲" * 200


def test_filter_errors_name_the_condition_and_the_field():
    with pytest.raises(QueryError) as caught:
        parse_params(DEFINITION, {"name__like": "x"})
    assert caught.value.message == "不支持的条件“like”，可用：eq, ne, lt, lte, gt, gte, contains, in, nin"
    with pytest.raises(QueryError) as caught:
        parse_params(DEFINITION, {"rows": "x"})
    assert caught.value.message == "字段“明细”不能用于筛选"
    with pytest.raises(QueryError) as caught:
        parse_params(DEFINITION, {"_sort": "-car"})
    assert caught.value.message == "字段“车辆”不能用于排序"


def test_a_filter_without_an_operator_is_equality_and_the_default_sort_applies():
    q = parse_params(DEFINITION, {"unit": "甲"})
    assert [(f.key, op, value) for f, op, value in q.filters] == [("unit", "eq", "甲")]
    assert [(f.key, descending) for f, descending in q.sort] == [("due", True)]
    assert [(f.key, d) for f, d in parse_params(DEFINITION, {"_sort": "score"}).sort] == [("score", False)]


def test_overdue_without_a_status_rule_is_any_entry_past_its_date(edb):
    document = copy.deepcopy(SMALL)
    document["x-ledger"]["overdue"] = {"date": "due"}
    save_definition(edb, SYSTEM, document)
    today = local_today()
    for name, offset in (("past", -1), ("today", 0)):
        create_entry(edb, SYSTEM, "small", {"name": name, "due": (today + dt.timedelta(days=offset)).isoformat()})
    create_entry(edb, SYSTEM, "small", {"name": "undated"})
    found = list_entries(edb, SYSTEM, "small", {"_due": "overdue"})["items"]
    assert [e["data"]["name"] for e in found] == ["past"]


@pytest.fixture
def filled(edb):
    save_definition(edb, SYSTEM, SMALL)
    create_entries(edb, SYSTEM, "small", [
        {"name": "甲一", "unit": "甲", "due": "2026-01-05", "done": True},
        {"name": "乙二", "unit": "乙", "due": "2026-03-01", "done": False},
        {"name": "丙三", "unit": "丙", "due": "2025-12-31"},
        {"name": "甲四", "unit": "甲", "due": "2026-02-10", "done": False},
    ])
    return edb


@pytest.mark.parametrize("params,total", [
    ({"unit": "甲"}, 2),                        # the kept count
    ({"unit": "甲", "_q": "四"}, 1),            # a search as well: counted rows
    ({"_q": "甲"}, 2),
    ({"unit": "甲", "done": "false"}, 1),       # two filters
    ({"unit__ne": "乙"}, 3),                    # another operator
    ({"due": "2026-03-01"}, 1),                 # a field whose counts are not kept
    ({"unit": "丙"}, 1),
])
def test_a_total_beyond_the_first_page_is_right_whichever_way_it_is_counted(filled, params, total):
    page = list_entries(filled, SYSTEM, "small", {**params, "_size": "1", "_page": "2"})
    assert page["total"] == total


def test_versions_are_listed_oldest_first_with_when_and_who(filled):
    document = copy.deepcopy(SMALL)
    document["title"] = "改名"
    save_definition(filled, SYSTEM, document)
    versions = list_versions(filled, SYSTEM, "small")
    assert [(v["version"], v["created_by"]) for v in versions] == [(1, "system"), (2, "system")]
    assert all(v["created_at"] and v["created_at"].startswith("20") for v in versions)


@pytest.mark.parametrize("text,expected", [
    ("%", ["五成%"]), ("_", ["下_划"]), ("\\", ["反\\斜"]), ("成%", ["五成%"]), ("甲", []),
])
def test_contains_takes_wildcards_and_backslashes_literally(edb, text, expected):
    save_definition(edb, SYSTEM, SMALL)
    create_entries(edb, SYSTEM, "small", [{"name": n} for n in ["五成%", "下_划", "反\\斜", "普通"]])
    page = list_entries(edb, SYSTEM, "small", {"name__contains": text})
    assert [e["data"]["name"] for e in page["items"]] == expected
