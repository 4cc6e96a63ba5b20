"""The compiled happy-path check never accepts what jsonschema refuses (it may refuse more)."""
import copy
import random

import pytest

import core.entries.validation
from core.definition.loading import load_definition
from core.errors import EntryInvalid
from demo import demo_entries
from core.entries.validation import _quick_check, _validator, validate_entry
from tests.conftest import shipped
from tests.core.test_validation import DEFINITION

KEYS = ["supervision", "emergency_plans", "fixed_assets", "repairs", "receptions"]
ODD_VALUES = [None, True, False, 0, -1, 1.5, 10**20, 0.001, 19.999, "", "x", "长" * 10_001, "2026-02-30",
              "20260305", "2026-03-05", "2026-03-05T09:30:00+08:00", "not a uri", "a@b.cn", [], ["x", "x"],
              [{}], {}, {"unknown": 1}]


def mutations(entry: dict, rng: random.Random, count: int):
    """Entries one careless edit away from `entry`: a wrong value, a missing or an unknown key."""
    for _ in range(count):
        changed = copy.deepcopy(entry)
        target, key = changed, rng.choice(list(changed))
        value = changed[key]
        if isinstance(value, list) and value and isinstance(value[0], dict) and rng.random() < 0.5:
            target = rng.choice(value)
            key = rng.choice(list(target) + ["extra"])
        action = rng.random()
        if action < 0.15:
            target.pop(key, None)
        elif action < 0.25:
            target["zz_" + key] = 1
        else:
            target[key] = rng.choice(ODD_VALUES)
        yield changed


@pytest.mark.parametrize("key", KEYS)
def test_the_quick_check_compiles_and_accepts_the_demo_entries(key):
    definition = load_definition(shipped(key))
    quick = _quick_check(definition)
    assert quick is not None
    assert all(quick(entry) for entry in demo_entries(key))


@pytest.mark.parametrize("key", KEYS)
def test_the_quick_check_accepts_only_what_jsonschema_accepts(key):
    definition = load_definition(shipped(key))
    quick, full = _quick_check(definition), _validator(definition)
    rng = random.Random(key)
    refused = 0
    for entry in demo_entries(key):
        for changed in mutations(entry, rng, 40):
            if quick(changed):
                assert full.is_valid(changed), changed
            else:
                refused += 1
    assert refused  # the mutations did hit something


def test_the_quick_check_covers_every_field_kind():
    quick, full = _quick_check(DEFINITION), _validator(DEFINITION)
    assert quick is not None
    good = {"name": "甲", "unit": "甲", "due": "2026-03-05", "score": 5, "amount": 19.99, "done": True,
            "tags": ["红"], "rows": [{"place": "会议室"}], "car": {"seats": 5},
            "at": "2026-03-05T09:30:00+08:00", "mail": "a@b.cn", "site": "https://x.gov.cn/", "code": "BG-2026"}
    assert quick(good) and full.is_valid(good)
    rng = random.Random(1)
    for changed in mutations(good, rng, 2000):
        if quick(changed):
            assert full.is_valid(changed), changed


def test_a_keyword_it_does_not_know_leaves_the_definition_to_jsonschema():
    definition = load_definition({**shipped("supervision"), "properties": {
        **shipped("supervision")["properties"],
        "extra": {"type": "string", "title": "附加", "not": {"const": "x"}}}})
    assert _quick_check(definition) is None


BAD_VALUES = [None, "", "x" * 20_000, -1, 0, 10**20, -(10**20), float("nan"), float("inf"), True, 1.5,
              19.99, 19.999, 0.07, [], {}, ["x"], [{}], "2026-02-30", "2026-3-5", "a@b", "not a uri", "是",
              "CL-2020-0001", "25:00", {"unknown": 1}]


def outcome(definition, data):
    try:
        validate_entry(definition, data)
    except EntryInvalid as exc:
        return sorted((e["field"], e["message"]) for e in exc.errors)
    return "valid"


@pytest.mark.parametrize("key", KEYS)
def test_validate_entry_answers_the_same_with_and_without_the_quick_check(key, monkeypatch):
    definition = load_definition(shipped(key))
    cases = []
    for entry in demo_entries(key)[:4]:
        cases.append(entry)
        for f in definition.fields:
            cases += [{**entry, f.key: value} for value in BAD_VALUES]
            for child in f.children:
                for value in BAD_VALUES:
                    mutated = copy.deepcopy(entry)
                    if f.kind == "table" and entry.get(f.key):
                        mutated[f.key][0][child.key] = value
                    else:
                        mutated[f.key] = {child.key: value}
                    cases.append(mutated)
    fast = [outcome(definition, c) for c in cases]
    monkeypatch.setattr(core.entries.validation, "_quick_check", lambda definition: None)
    slow = [outcome(definition, c) for c in cases]
    assert fast == slow
    assert "valid" in fast and any(o != "valid" for o in fast)
