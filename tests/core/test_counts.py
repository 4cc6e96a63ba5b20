"""The kept per-choice counts: each is one ledger's, one field's, one value's (mutation testing
found these unpinned: docs/testing.md)."""
import copy

import pytest

from core.db import counts
from core.access.policy import SYSTEM
from core.entries.query import list_entries
from core.entries.store import create_entries
from core.entries.definitions import definition_of
from core.ledgers.versions import save_definition
from tests.core.conftest import SMALL


def two_units(key: str) -> dict:
    """A ledger with two counted choices over the same words: 发出 and 接收 unit."""
    document = copy.deepcopy(SMALL)
    document["properties"]["to_unit"] = {"type": "string", "title": "接收单位", "enum": ["甲", "乙", "丙"]}
    document["x-ledger"] = {"key": key, "list": {"filters": ["unit", "to_unit"], "search": ["name"]}}
    return document


@pytest.fixture
def two_ledgers(edb):
    save_definition(edb, SYSTEM, two_units("first"))
    save_definition(edb, SYSTEM, two_units("second"))
    create_entries(edb, SYSTEM, "first", [{"name": "一", "unit": "甲", "to_unit": "乙"},
                                          {"name": "二", "unit": "甲", "to_unit": "丙"},
                                          {"name": "三", "unit": "乙", "to_unit": "甲"}])
    create_entries(edb, SYSTEM, "second", [{"name": f"他{i}", "unit": "甲"} for i in range(5)])
    return edb


@pytest.mark.parametrize("ledger,params,total", [
    ("first", {"unit": "甲"}, 2),       # not the 5 of the other ledger, nor the 1 of 甲 as 接收单位
    ("first", {"to_unit": "甲"}, 1),
    ("first", {"to_unit": "乙"}, 1),
    ("second", {"unit": "甲"}, 5),
    ("second", {"to_unit": "甲"}, 0),
])
def test_a_filtered_total_counts_only_that_ledger_and_field(two_ledgers, ledger, params, total):
    # one item per page, so the total cannot be read off the page and comes from entry_counts
    page = list_entries(two_ledgers, SYSTEM, ledger, {**params, "_size": "1", "_page": "2"})
    assert page["total"] == total


def test_a_value_no_entry_has_counts_zero(two_ledgers):
    with two_ledgers.read() as conn:
        ledger, definition = definition_of(conn, "first")
        assert counts.read(conn, ledger.id, definition.field("unit"), "丙") == 0
        assert counts.read(conn, ledger.id, definition.field("unit"), "甲") == 2
