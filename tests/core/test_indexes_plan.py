"""Index plans and names without a database (mutation testing found these unpinned:
docs/testing.md): long names, a filter that is also the sort, the business key."""
import copy
import hashlib

from sqlalchemy.dialects import sqlite

from core.db import indexes
from core.definition.loading import load_definition
from tests.core.conftest import SMALL


def definition(**ledger):
    document = copy.deepcopy(SMALL)
    document["x-ledger"] = {"key": "small", **ledger}
    return load_definition(document)


def test_a_plan_indexes_the_sort_each_filter_then_the_sort_and_the_unique_key():
    d = definition(list={"filters": ["unit", "due", "tags"], "sort": "-due"}, business_key="name")
    assert [(s.name, s.unique) for s in indexes.plan(3, d)] == [
        ("lx_3_due_t", False), ("lx_3_unit_t__due_t", False), ("lx_3_uname_t", True)]  # tags, a multiple choice, gets none


def test_without_a_sort_each_filter_is_indexed_alone():
    d = definition(list={"filters": ["score", "done"]})
    assert [s.name for s in indexes.plan(3, d)] == ["lx_3_score_n", "lx_3_done_b"]
    assert indexes.plan(3, definition()) == []


def test_a_long_name_becomes_a_hash_within_postgresql_limit():
    document = copy.deepcopy(SMALL)
    long_key = "a" * 50
    document["properties"][long_key] = {"type": "string", "title": "长", "enum": ["x"]}
    document["x-ledger"] = {"key": "small", "list": {"filters": [long_key], "sort": "due"}}
    names = [s.name for s in indexes.plan(12345, load_definition(document))]
    label = f"{long_key}_t__due_t"
    assert names == ["lx_12345_due_t", "lx_12345_" + hashlib.sha1(label.encode()).hexdigest()[:24]]
    assert all(len(n) <= 60 for n in names)


def test_a_name_of_exactly_60_characters_is_kept():
    document = copy.deepcopy(SMALL)
    key = "b" * (60 - len("lx_1_") - len("_t"))
    document["properties"][key] = {"type": "string", "title": "长", "enum": ["x"]}
    document["x-ledger"] = {"key": "small", "list": {"filters": [key]}}
    assert [s.name for s in indexes.plan(1, load_definition(document))] == [f"lx_1_{key}_t"]


def test_same_plan_sees_index_and_count_changes_only():
    base = definition(list={"filters": ["unit"], "sort": "due"})
    retitled = copy.deepcopy(SMALL)
    retitled["title"] = "改名"
    retitled["x-ledger"] = {"key": "small", "list": {"filters": ["unit"], "sort": "due"}}
    assert indexes.same_plan(base, load_definition(retitled))
    assert not indexes.same_plan(base, definition(list={"filters": ["unit"], "sort": "-score"}))
    assert not indexes.same_plan(base, definition(list={"filters": ["done"], "sort": "due"}))


def test_the_ledger_clause_names_the_ledger_inline():
    clause = indexes.ledger_clause("7").compile(dialect=sqlite.dialect())
    assert str(clause) == "entries.ledger_id = 7" and not clause.params
