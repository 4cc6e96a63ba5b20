"""The bulk fast path accepts exactly what validate_entry accepts, and rejects with its errors."""
import copy

import pytest

from core import demo
from core.bulkcheck import entry_checker
from core.definition import load_definition_file
from core.errors import EntryInvalid
from core.validation import validate_entry
from tests.conftest import SCHEMAS

BAD_VALUES = [None, "", "x" * 20_000, -1, 0, 10**20, -(10**20), float("nan"), float("inf"), True, 1.5,
              19.99, 19.999, [], {}, ["x"], [{}], "2026-02-30", "2026-3-5", "a@b", "not a uri", "是",
              "CL-2020-0001", "25:00", {"unknown": 1}]


def outcome(check, data):
    try:
        check(data)
    except EntryInvalid as exc:
        return sorted((e["field"], e["message"]) for e in exc.errors)
    return "valid"


@pytest.mark.parametrize("key", demo.LEDGER_KEYS)
def test_fast_path_agrees_with_validate_entry(key):
    definition = load_definition_file(SCHEMAS / f"{key}.json")
    fast = entry_checker(definition)
    slow = lambda data: validate_entry(definition, data)  # noqa: E731
    cases = []
    for entry in demo.demo_entries(key)[:5]:
        cases.append(entry)
        for f in definition.fields:
            for value in BAD_VALUES:
                cases.append({**entry, f.key: value})
            if f.kind == "table" and entry.get(f.key):
                for child in f.children:
                    for value in BAD_VALUES:
                        mutated = copy.deepcopy(entry)
                        mutated[f.key][0][child.key] = value
                        cases.append(mutated)
            if f.kind == "group":
                for child in f.children:
                    for value in BAD_VALUES:
                        cases.append({**entry, f.key: {child.key: value}})
        cases.append({**entry, "no_such_field": 1})
    disagreements = [c for c in cases if outcome(fast, c) != outcome(slow, c)]
    assert not disagreements, disagreements[:3]
