"""Definitions: the shipped ones pass; every kind of bad one is refused with a pointer and a Chinese reason."""
import copy
import json
import threading

import pytest

from core.access import SYSTEM, Actor
from core.definition import check_definition, load_definition
from core.errors import Conflict, DefinitionError, Forbidden
from core.query import get_ledger, list_versions
from core.accounts import create_user
from core import store
from core.store import save_definition
from tests.conftest import SCHEMAS, shipped
from tests.core.conftest import SMALL

SHIPPED = ["supervision", "emergency_plans", "fixed_assets", "repairs", "receptions"]


@pytest.mark.parametrize("key", SHIPPED)
def test_shipped_definitions_pass_the_meta_schema(key):
    definition = load_definition(shipped(key))
    assert definition.key == key
    assert definition.title.endswith("台帐")
    assert definition.list_columns and definition.filters and definition.reports


def test_every_shipped_file_is_listed():
    assert sorted(p.stem for p in SCHEMAS.glob("*.json")) == sorted(SHIPPED)


def test_reception_itinerary_is_a_child_table():
    itinerary = load_definition(shipped("receptions")).by_key["itinerary"]
    assert itinerary.kind == "table"
    assert {c.key for c in itinerary.children} >= {"time", "place", "content"}


def mutate(change):
    document = copy.deepcopy(SMALL)
    change(document)
    return document


def setp(path, value):
    def change(document):
        node = document
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return change


BAD = [
    ("not an object", lambda d: None, "", "JSON 对象"),
    ("unknown field kind", setp(["properties", "x"], {"type": "null"}), "/properties/x", "不支持的字段类型"),
    ("unknown format", setp(["properties", "x"], {"type": "string", "format": "ipv4"}), "/properties/x",
     "不支持的字段类型"),
    ("bad field key", setp(["properties", "Bad-Key"], {"type": "string"}), "/properties/Bad-Key", "字段名"),
    ("empty enum", setp(["properties", "unit", "enum"], []), "/properties/unit/enum", "不能为空"),
    ("overlong choice", setp(["properties", "unit", "enum"], ["甲", "长" * 201]), "/properties/unit/enum", "选项过长"),
    ("duplicate choices", setp(["properties", "unit", "enum"], ["甲", "甲"]), "/properties/unit/enum", "重复"),
    ("required names a missing field", setp(["required"], ["name", "ghost"]), "/required", "ghost"),
    ("list column missing", setp(["x-ledger", "list", "columns"], ["ghost"]), "/x-ledger/list/columns/0", "ghost"),
    ("filter missing", setp(["x-ledger", "list", "filters"], ["ghost"]), "/x-ledger/list/filters/0", "ghost"),
    ("filter on a child table", setp(["x-ledger", "list", "filters"], ["rows"]), "/x-ledger/list/filters/0",
     "子表"),
    ("unbounded text as a filter",
     lambda d: (d["properties"].update(note={"type": "string", "title": "备注"}),
                d["x-ledger"]["list"].update(filters=["note"])), "/x-ledger/list/filters/0", "maxLength"),
    ("long text as the sort", lambda d: (d["properties"].update(note={"type": "string", "maxLength": 2000}),
                                         d["x-ledger"]["list"].update(sort="note")), "/x-ledger/list/sort",
     "maxLength"),
    ("search on a number", setp(["x-ledger", "list", "search"], ["score"]), "/x-ledger/list/search/0", "文本"),
    ("sort on a missing field", setp(["x-ledger", "list", "sort"], "-ghost"), "/x-ledger/list/sort", "ghost"),
    ("report groups by a missing field",
     setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["ghost"], "measures": [{"fn": "count"}]}]),
     "/x-ledger/reports/0/group_by/0", "ghost"),
    ("report sums a text field",
     setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["unit"],
                                      "measures": [{"fn": "sum", "field": "name"}]}]),
     "/x-ledger/reports/0/measures/0/field", "不是数字"),
    ("month of a text field",
     setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["name:month"],
                                      "measures": [{"fn": "count"}]}]),
     "/x-ledger/reports/0/group_by/0", "不是日期"),
    ("pattern that does not compile", setp(["properties", "name", "pattern"], "([a-z"), "/properties/name/pattern",
     "无法编译"),
    ("catastrophic pattern", setp(["properties", "name", "pattern"], "^(a+)+$"), "/properties/name/pattern",
     "灾难性回溯"),
    ("catastrophic pattern in alternation", setp(["properties", "name", "pattern"], "^(x|(\\w*)*)$"),
     "/properties/name/pattern", "灾难性回溯"),
    ("remote $ref", setp(["properties", "x"], {"$ref": "https://example.com/schema.json"}), "/properties/x/$ref",
     "本文档"),
    ("file $ref", setp(["properties", "x"], {"$ref": "file:///etc/passwd"}), "/properties/x/$ref", "本文档"),
    ("dangling local $ref", setp(["properties", "x"], {"$ref": "#/$defs/nothing"}), "/properties/x/$ref",
     "不存在"),
    ("nesting too deep", setp(["properties", "deep"], {"type": "object", "properties": {"a": {
        "type": "object", "properties": {"b": {"type": "object", "properties": {"c": {
            "type": "object", "properties": {"d": {"type": "string"}}}}}}}}}), "/properties/deep", "嵌套层级过深"),
    ("invalid JSON Schema", setp(["properties", "name", "minLength"], "three"), "/properties/name/minLength",
     "不是有效的 JSON Schema"),
    ("missing x-ledger", lambda d: d.pop("x-ledger"), "", "x-ledger"),
    ("bad ledger key", setp(["x-ledger", "key"], "Bad Key"), "/x-ledger/key", "格式不正确"),
    ("unknown x-ledger option", setp(["x-ledger", "approvals"], {}), "/x-ledger", "approvals"),
    ("extra keyword at the top", setp(["allOf"], [{"type": "object"}]), "", "allOf"),
    ("no fields", setp(["properties"], {}), "/properties", "不能为空"),
]


@pytest.mark.parametrize("name,change,path,fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_definitions_are_refused_with_pointer_and_reason(name, change, path, fragment):
    document = None if name == "not an object" else mutate(change)
    errors = list(check_definition(document))
    assert errors, name
    assert any((e["path"] == path or e["path"].startswith(path + "/")) and fragment in e["message"]
               for e in errors), errors
    with pytest.raises(DefinitionError):
        load_definition(document)


def test_hostile_sizes_are_refused_without_crashing():
    huge = mutate(setp(["description"], "长" * 300_000))
    assert "过大" in list(check_definition(huge))[0]["message"]
    deep: dict = {"type": "string"}
    for _ in range(500):
        deep = {"not": deep}
    assert "嵌套" in list(check_definition(mutate(setp(["properties", "x"], deep))))[0]["message"]
    many = mutate(setp(["properties"], {f"f{i}": {"type": "string"} for i in range(301)}))
    assert list(check_definition(many))


def test_local_ref_to_defs_is_followed():
    document = mutate(setp(["$defs"], {"phone": {"type": "string", "title": "电话", "maxLength": 20}}))
    document["properties"]["phone"] = {"$ref": "#/$defs/phone"}
    assert load_definition(document).by_key["phone"].kind == "text"


def test_every_field_kind_is_classified():
    kinds = {f.key: f.kind for f in load_definition(SMALL).fields}
    assert kinds == {"name": "text", "unit": "choice", "due": "date", "score": "integer", "amount": "money",
                     "done": "boolean", "tags": "multichoice", "rows": "table", "car": "group"}


def test_errors_are_all_reported_at_once():
    document = mutate(setp(["properties", "unit", "enum"], []))
    document["required"] = ["ghost"]
    document["properties"]["name"]["pattern"] = "(("
    assert len(list(check_definition(document))) == 3


def test_versions_are_immutable_and_numbered(edb):
    first = save_definition(edb, SYSTEM, SMALL)
    again = save_definition(edb, SYSTEM, json.loads(json.dumps(SMALL)))
    assert (first.version, again.version) == (1, 1), "an unchanged definition makes no new version"
    changed = mutate(setp(["properties", "extra"], {"type": "string", "title": "新字段"}))
    second = save_definition(edb, SYSTEM, changed)
    assert second.version == 2
    assert [v["version"] for v in list_versions(edb, SYSTEM, "small")] == [1, 2]
    _, old = get_ledger(edb, SYSTEM, "small", 1)
    assert "extra" not in old.by_key
    _, current = get_ledger(edb, SYSTEM, "small")
    assert "extra" in current.by_key


def test_only_admins_change_definitions(edb):
    with pytest.raises(Forbidden):
        save_definition(edb, Actor("e", "editor"), SMALL)


def test_stored_definitions_keep_the_order_of_their_fields(edb):
    reordered = copy.deepcopy(SMALL)
    reordered["properties"] = dict(reversed(list(SMALL["properties"].items())))
    save_definition(edb, SYSTEM, reordered)
    _, definition = get_ledger(edb, SYSTEM, "small")
    assert [f.key for f in definition.fields] == list(reordered["properties"])


def at_once(action, count: int = 4) -> list:
    """Run action(n) in `count` threads released together; each outcome, or the Conflict raised."""
    barrier, outcomes = threading.Barrier(count), []

    def run(n):
        barrier.wait()
        try:
            outcomes.append(action(n))
        except Conflict as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_simultaneous_creation_of_one_ledger_makes_one_ledger_and_three_conflicts(edb, monkeypatch):
    """POST /ledgers four times at once with one key: one 201, three 409, one version.

    Threads alone meet the race only now and then; so every request is held between its "does
    the key exist?" read and its write until all four have read, and then one writes first
    while the others wait for it (up to 2 s each, then they go on). Code that checks inside its
    write transaction never reaches the hold, and passes."""
    all_read, first_done, save = threading.Barrier(4, timeout=2), threading.Event(), store.save_definition

    def held_save(*args, **kwargs):
        try:
            first = all_read.wait() == 0
        except threading.BrokenBarrierError:
            first = False
        if first:
            try:
                return save(*args, **kwargs)
            finally:
                first_done.set()
        first_done.wait(2)
        return save(*args, **kwargs)

    monkeypatch.setattr(store, "save_definition", held_save)

    def create(n):
        document = copy.deepcopy(SMALL)
        document["title"] = f"测试台帐{n}"
        return store.create_ledger(edb, SYSTEM, document).version

    outcomes = at_once(create)
    assert len(outcomes) == 4, "a request failed with something other than a conflict"
    assert sorted(o for o in outcomes if not isinstance(o, Conflict)) == [1]
    assert sum(isinstance(o, Conflict) for o in outcomes) == 3
    assert [v["version"] for v in list_versions(edb, SYSTEM, "small")] == [1]


def test_simultaneous_creation_of_one_user_makes_one_user_and_three_conflicts(edb):
    outcomes = at_once(lambda n: create_user(edb, "twin", "editor", f"password-{n}"))
    assert len(outcomes) == 4, "a request failed with something other than a conflict"
    assert sum(isinstance(o, Actor) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 3
