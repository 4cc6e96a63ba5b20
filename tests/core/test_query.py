"""Queries: filters, search, sort and paging from the contract's parameters, on both databases."""

import pytest

from core.access.policy import SYSTEM, Actor
from core.errors import Forbidden, QueryError
from core.entries.query import iter_entries, list_entries
from core.entries.store import create_entries
from core.ledgers.versions import save_definition
from tests.core.conftest import SMALL

ROWS = [
    {"name": "甲一", "unit": "甲", "due": "2026-01-05", "score": 5, "amount": 10.5, "done": True, "tags": ["红"]},
    {"name": "乙二", "unit": "乙", "due": "2026-03-01", "score": 10, "amount": 2.25, "done": False},
    {"name": "丙三 50%_折扣", "unit": "丙", "due": "2025-12-31", "score": 100, "tags": ["红", "蓝"]},
    {"name": "甲四", "unit": "甲", "due": "2026-02-10", "score": 9, "done": False, "tags": ["蓝"]},
]


@pytest.fixture
def filled(edb):
    save_definition(edb, SYSTEM, SMALL)
    create_entries(edb, SYSTEM, "small", ROWS)
    return edb


def names(edb, **params):
    return [e["data"]["name"] for e in list_entries(edb, SYSTEM, "small", params)["items"]]


def test_default_sort_is_the_definitions(filled):
    assert names(filled) == ["乙二", "甲四", "甲一", "丙三 50%_折扣"]


def test_numbers_sort_as_numbers(filled):
    assert names(filled, _sort="score") == ["甲一", "甲四", "乙二", "丙三 50%_折扣"]
    assert names(filled, _sort="-score") == ["丙三 50%_折扣", "乙二", "甲四", "甲一"]


@pytest.mark.parametrize("params,expected", [
    ({"unit": "甲"}, {"甲一", "甲四"}),
    ({"unit__ne": "甲"}, {"乙二", "丙三 50%_折扣"}),
    ({"score__gt": "9"}, {"乙二", "丙三 50%_折扣"}),
    ({"score__gte": "9"}, {"乙二", "丙三 50%_折扣", "甲四"}),
    ({"score__lt": "9"}, {"甲一"}),
    ({"score__lte": "9"}, {"甲一", "甲四"}),
    ({"amount__gt": "3"}, {"甲一"}),
    ({"due__gte": "2026-02-01", "due__lt": "2026-03-01"}, {"甲四"}),
    ({"unit__in": "乙,丙"}, {"乙二", "丙三 50%_折扣"}),
    ({"done": "false"}, {"乙二", "甲四"}),
    ({"done": "是"}, {"甲一"}),
    ({"done": "yes"}, {"甲一"}),             # the import's boolean words work in a query too
    ({"done__in": "对,n"}, {"甲一", "乙二", "甲四"}),
    ({"due": "2026/3/1"}, {"乙二"}),         # and its dates
    ({"score__gte": "1,00"}, {"丙三 50%_折扣"}),   # separators as a spreadsheet has them
    ({"score__lt": str(10**16)}, {"甲一", "乙二", "甲四", "丙三 50%_折扣"}),  # a cell would take it too
    ({"tags": "蓝"}, {"丙三 50%_折扣", "甲四"}),
    ({"name__contains": "四"}, {"甲四"}),
    ({"_q": "50%_"}, {"丙三 50%_折扣"}),
    ({"_q": "%"}, {"丙三 50%_折扣"}),
    ({"_q": "甲"}, {"甲一", "甲四"}),
    ({"_q": "不存在"}, set()),
])
def test_filters_and_search(filled, params, expected):
    page = list_entries(filled, SYSTEM, "small", params)
    assert {e["data"]["name"] for e in page["items"]} == expected
    assert page["total"] == len(expected)


@pytest.mark.parametrize("params,expected", [
    ({"unit__ne": "甲"}, {"乙二", "丙三 50%_折扣", "无单位"}),
    ({"done__ne": "true"}, {"乙二", "丙三 50%_折扣", "甲四", "无单位"}),
    ({"amount__ne": "2.25"}, {"甲一", "丙三 50%_折扣", "甲四", "无单位"}),
    ({"score__ne": "9"}, {"甲一", "乙二", "丙三 50%_折扣", "无单位"}),
    ({"due__ne": "2026-01-05"}, {"乙二", "丙三 50%_折扣", "甲四", "无单位"}),
])
def test_ne_keeps_entries_without_the_field(filled, params, expected):
    """"Not 甲" includes an entry with no unit at all: SQL's NULL <> '甲' is not true by itself."""
    create_entries(filled, SYSTEM, "small", [{"name": "无单位"}])
    page = list_entries(filled, SYSTEM, "small", params)
    assert {e["data"]["name"] for e in page["items"]} == expected
    assert page["total"] == len(expected)
    _, streamed = iter_entries(filled, SYSTEM, "small", params)
    assert {e["data"]["name"] for e in streamed} == expected


def test_paging_reports_the_total(filled):
    first = list_entries(filled, SYSTEM, "small", {"_size": "3", "_sort": "score"})
    second = list_entries(filled, SYSTEM, "small", {"_size": "3", "_page": "2", "_sort": "score"})
    assert (first["total"], first["page"], first["size"]) == (4, 1, 3)
    assert [e["data"]["name"] for e in second["items"]] == ["丙三 50%_折扣"] and second["total"] == 4
    filtered = list_entries(filled, SYSTEM, "small", {"_size": "1", "unit": "甲"})
    assert filtered["total"] == 2 and len(filtered["items"]) == 1


@pytest.mark.parametrize("params,fragment", [
    ({"ghost": "1"}, "未知字段：ghost"),
    ({"ghost__gt": "1"}, "未知字段：ghost"),
    ({"_sort": "-ghost"}, "未知字段：ghost"),
    ({"_sort": "rows"}, "不能用于排序"),
    ({"rows": "x"}, "不能用于筛选"),
    ({"name__like": "x"}, "不支持的条件"),
    ({"score": "abc"}, "分数：应为整数"),
    ({"score": str(2**64)}, "超出整数范围"),
    ({"amount": "NaN"}, "超出数字范围"),
    ({"due": "明天"}, "时限：无法识别的日期"),
    ({"done": "maybe"}, "完成：应填“是”或“否”"),
    ({"_page": "0"}, "_page"),
    ({"_page": str(2**70)}, "_page"),
    ({"_size": "100000"}, "_size"),
    ({"_size": "x"}, "_size"),
    ({"name; DROP TABLE entries": "1"}, "未知字段"),
])
def test_bad_parameters_are_query_errors(filled, params, fragment):
    with pytest.raises(QueryError) as caught:
        list_entries(filled, SYSTEM, "small", params)
    assert fragment in caught.value.message


def test_iter_entries_streams_in_list_order(filled):
    definition, rows = iter_entries(filled, SYSTEM, "small", {"unit__ne": "乙", "_sort": "score"})
    assert definition.key == "small"
    assert [e["data"]["name"] for e in rows] == ["甲一", "甲四", "丙三 50%_折扣"]


def test_reads_need_a_role(filled):
    with pytest.raises(Forbidden):
        list_entries(filled, Actor("nobody", "none"), "small")
