"""Definitions: the shipped ones pass; every kind of bad one is refused with a pointer and a Chinese reason."""
import copy
import json
import threading

import pytest

from core.access.policy import SYSTEM, Actor
from core.definition.checks import check_definition
from core.definition.loading import load_definition
from core.errors import Conflict, DefinitionError, Forbidden
from core.entries.query import get_ledger, list_versions
from core.access.accounts import create_user
from core.ledgers import versions
from core.ledgers.versions import save_definition
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
    ("lookahead RE2 cannot run", setp(["properties", "name", "pattern"], "^(?=a)(a+)+$"), "/properties/name/pattern",
     "先行断言"),
    ("backreference RE2 cannot run", setp(["properties", "name", "pattern"], "^(a)\\1$"),
     "/properties/name/pattern", "反向引用"),
    ("lookahead under allOf", setp(["properties", "name", "allOf"], [{"pattern": "(?!x)"}]),
     "/properties/name/allOf/0/pattern", "无法编译"),
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
    ("extra keyword at the top", setp(["anyOf"], [{"type": "object"}]), "", "anyOf"),
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
    all_read, first_done, save = threading.Barrier(4, timeout=2), threading.Event(), versions.save_definition

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

    monkeypatch.setattr(versions, "save_definition", held_save)

    def create(n):
        document = copy.deepcopy(SMALL)
        document["title"] = f"测试台帐{n}"
        return versions.create_ledger(edb, SYSTEM, document).version

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


BAD_KEYS = ["name\n", "name\r", "Name", "a b", "\nname", "名称", "_name", "a" * 64]


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_a_field_key_must_match_whole(key):
    """`$` matches before a final newline: "name\\n" once passed and then broke every filter."""
    errors = list(check_definition(mutate(setp(["properties", key], {"type": "string"}))))
    assert any(e["path"] == f"/properties/{key}" and "字段名" in e["message"] for e in errors), errors


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_a_child_field_key_must_match_whole(key):
    errors = list(check_definition(mutate(setp(["properties", "car", "properties", key], {"type": "string"}))))
    assert any(e["path"] == f"/properties/car/properties/{key}" for e in errors), errors


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_the_ledger_key_must_match_whole(key):
    errors = list(check_definition(mutate(setp(["x-ledger", "key"], key))))
    assert any(e["path"] == "/x-ledger/key" for e in errors), errors


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_a_report_key_must_match_whole(key):
    report = {"key": key, "title": "R", "group_by": ["unit"], "measures": [{"fn": "count"}]}
    errors = list(check_definition(mutate(setp(["x-ledger", "reports"], [report]))))
    assert any(e["path"] == "/x-ledger/reports/0/key" for e in errors), errors


@pytest.mark.parametrize("place,value", [
    (["x-ledger", "list", "filters"], ["unit\n"]),
    (["x-ledger", "list", "sort"], "-due\n"),
    (["x-ledger", "business_key"], "name\n"),
    (["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["due:month\n"], "measures": [{"fn": "count"}]}]),
    (["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["unit"],
                                "measures": [{"fn": "count"}], "filter": {"unit\n": "甲"}}]),
], ids=["filter", "sort", "business_key", "group_by", "report filter"])
def test_other_field_names_with_a_trailing_newline_are_refused(place, value):
    assert list(check_definition(mutate(setp(place, value))))


def test_every_meta_schema_pattern_ends_at_the_very_end():
    """jsonschema's `pattern` is re.search, where `$` accepts a trailing newline: keys use \\Z."""
    from core.definition.checks import META_SCHEMA
    patterns = []

    def collect(node):
        if isinstance(node, dict):
            patterns.extend(v for k, v in node.items() if k == "pattern" and isinstance(v, str))
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
    collect(META_SCHEMA)
    assert patterns and all(p.startswith("^") and p.endswith("\\Z") for p in patterns), patterns


def with_defs(defs, **properties):
    document = mutate(setp(["$defs"], defs))
    document["properties"].update(properties)
    return document


CYCLES = [
    ("self-reference through allOf", with_defs({}, a={"type": "string", "allOf": [{"$ref": "#/properties/a"}]}),
     ["/properties/a/allOf/0/$ref"]),
    ("a property that is its own $ref", with_defs({}, a={"$ref": "#/properties/a"}), ["/properties/a/$ref"]),
    ("two steps through $defs",
     with_defs({"x": {"type": "string", "anyOf": [{"$ref": "#/$defs/y"}]}, "y": {"not": {"$ref": "#/$defs/x"}}},
               a={"$ref": "#/$defs/x"}),
     ["/$defs/x/anyOf/0/$ref", "/$defs/y/not/$ref"]),
    ("the whole document", with_defs({}, a={"$ref": "#"}), ["/properties/a/$ref"]),
    ("a parent from inside items", with_defs({}, a={"type": "array", "items": {"$ref": "#/properties/a"}}),
     ["/properties/a/items/$ref"]),
    ("a cycle in unused $defs", with_defs({"x": {"then": {"$ref": "#/$defs/x"}}}), ["/$defs/x/then/$ref"]),
]


@pytest.mark.parametrize("name,document,paths", CYCLES, ids=[c[0] for c in CYCLES])
def test_cyclic_refs_are_refused_at_each_ref(name, document, paths):
    errors = [e for e in check_definition(document) if "循环引用" in e["message"]]
    assert sorted(e["path"] for e in errors) == sorted(paths)
    with pytest.raises(DefinitionError):
        load_definition(document)


def test_refs_that_do_not_loop_still_work():
    """Two fields sharing one $defs entry, and a $defs entry referring to another, are no cycle."""
    document = with_defs({"phone": {"type": "string", "title": "电话", "maxLength": 20, "allOf": [{"$ref": "#/$defs/short"}]},
                          "short": {"maxLength": 20}},
                         phone={"$ref": "#/$defs/phone"}, fax={"$ref": "#/$defs/phone", "title": "传真"})
    definition = load_definition(document)
    assert (definition.by_key["phone"].kind, definition.by_key["fax"].title) == ("text", "传真")


def test_problems_of_every_stage_come_back_in_one_answer():
    """A meta-schema problem no longer hides the checks that need the field model."""
    document = mutate(setp(["properties", "odd"], {"type": "null"}))
    document["x-ledger"]["approvals"] = {}                     # meta-schema: unknown option
    document["x-ledger"]["list"]["filters"] = ["unit", "ghost"]  # list filter names a missing field
    document["required"] = ["name", "phantom"]                 # required names a missing field
    document["properties"]["name"]["pattern"] = "(("           # a regex that does not compile
    document["x-ledger"]["reports"] = [{"key": "r", "title": "R", "group_by": ["nobody"],
                                        "measures": [{"fn": "count"}]}]
    with pytest.raises(DefinitionError) as caught:
        load_definition(document)
    found = {(e["path"], next(w for w in ("approvals", "ghost", "phantom", "无法编译", "nobody", "不支持")
                              if w in e["message"])) for e in caught.value.errors}
    assert found == {("/x-ledger", "approvals"), ("/x-ledger/list/filters/1", "ghost"), ("/required", "phantom"),
                     ("/properties/name/pattern", "无法编译"), ("/x-ledger/reports/0/group_by/0", "nobody"),
                     ("/properties/odd", "不支持")}
    paths = [e["path"] for e in caught.value.errors]
    assert paths == sorted(paths), "ordered by path"


def test_a_problem_is_reported_once():
    """A bad pattern is one problem, said in our words, not again by the JSON Schema check."""
    errors = list(check_definition(mutate(setp(["properties", "name", "pattern"], "(("))))
    assert [e["path"] for e in errors] == ["/properties/name/pattern"]
    assert len({(e["path"], e["message"]) for e in errors}) == len(errors)


def test_report_indexes_are_ordered_as_numbers():
    report = {"key": "r", "title": "R", "group_by": ["ghost"], "measures": [{"fn": "count"}]}
    reports = [dict(report, key=f"r{i}") for i in range(12)]
    errors = list(check_definition(mutate(setp(["x-ledger", "reports"], reports))))
    assert [e["path"] for e in errors] == [f"/x-ledger/reports/{i}/group_by/0" for i in range(12)]


HOSTILE = {
    "properties as a list": setp(["properties"], [{"type": "string"}]),
    "properties as a string": setp(["properties"], "name"),
    "a property as a number": setp(["properties", "name"], 5),
    "a property as true": setp(["properties", "name"], True),
    "child properties as a list": setp(["properties", "car", "properties"], ["seats"]),
    "row properties as null": setp(["properties", "rows", "items", "properties"], None),
    "required as a string": setp(["required"], "name"),
    "required holding a number": setp(["required"], [1, None, ["name"]]),
    "child required as a string": setp(["properties", "car", "required"], "seats"),
    "enum as a number": setp(["properties", "unit", "enum"], 5),
    "enum as an object": setp(["properties", "unit", "enum"], {"a": 1}),
    "choices of a multi-choice as a string": setp(["properties", "tags", "items", "enum"], "红"),
    "pattern as a list": setp(["properties", "name", "pattern"], ["a"]),
    "maxLength as text on a filter": lambda d: (d["properties"]["name"].update(maxLength="fifty"),
                                                d["x-ledger"]["list"].update(filters=["name"], sort="name")),
    "title as a list": setp(["properties", "name", "title"], ["名称"]),
    "$ref as a number": setp(["properties", "name"], {"$ref": 5}),
    "$ref as a list": setp(["properties", "name"], {"$ref": ["#/$defs/x"]}),
    "$defs as a list": setp(["$defs"], [{"type": "string"}]),
    "a long chain of $refs": lambda d: (d.update({"$defs": {f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(12)}}),
                                        d["$defs"].update(d12={"type": "string"}),
                                        d["properties"].update(x={"$ref": "#/$defs/d0"})),
    "x-ledger as a number": setp(["x-ledger"], 7),
    "x-ledger as a list": setp(["x-ledger"], ["small"]),
    "ledger key as a number": setp(["x-ledger", "key"], 1),
    "x-ledger.list as a number": setp(["x-ledger", "list"], 3),
    "list columns as a string": setp(["x-ledger", "list", "columns"], "name"),
    "list filters holding objects": setp(["x-ledger", "list", "filters"], [{"a": 1}, ["unit"], None]),
    "list search as an object": setp(["x-ledger", "list", "search"], {"name": True}),
    "sort as a list": setp(["x-ledger", "list", "sort"], ["-due"]),
    "business_key as a list": setp(["x-ledger", "business_key"], ["name"]),
    "overdue as a string": setp(["x-ledger", "overdue"], "due"),
    "overdue without a date": setp(["x-ledger", "overdue"], {"status": "unit"}),
    "overdue date as a number": setp(["x-ledger", "overdue"], {"date": 3, "status": ["unit"]}),
    "reports as an object": setp(["x-ledger", "reports"], {"key": "r"}),
    "reports holding a string": setp(["x-ledger", "reports"], ["by_unit"]),
    "a report without group_by": setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "measures": [{"fn": "count"}]}]),
    "a report without a key": setp(["x-ledger", "reports"], [{"title": "R", "group_by": ["unit"], "measures": []}] * 2),
    "report keys as lists": setp(["x-ledger", "reports"], [{"key": ["r"], "title": "R", "group_by": ["unit"],
                                                            "measures": [{"fn": "count"}]}] * 2),
    "group_by as a string": setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": "unit",
                                                            "measures": [{"fn": "count"}]}]),
    "group_by holding a number": setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": [1, None],
                                                                 "measures": [{"fn": "count"}]}]),
    "measures as an object": setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["unit"],
                                                             "measures": {"fn": "sum"}}]),
    "a measure as a string": setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["unit"],
                                                             "measures": ["count"]}]),
    "a measure without fn": setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["unit"],
                                                            "measures": [{"field": "score"}]}]),
    "a measure fn as a list": setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["unit"],
                                                              "measures": [{"fn": ["sum"], "field": "score"}]}]),
    "a measure field as an object": setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["unit"],
                                                                    "measures": [{"fn": "sum", "field": {}}]}]),
    "a report filter as a list": setp(["x-ledger", "reports"], [{"key": "r", "title": "R", "group_by": ["unit"],
                                                                 "measures": [{"fn": "count"}], "filter": ["unit"]}]),
    "a self-referencing group": lambda d: d["properties"].update(
        loop={"type": "object", "properties": {"again": {"$ref": "#/properties/loop"}}}),
    "a field that is the whole document": lambda d: d["properties"].update(root={"$ref": "#"}),
}


@pytest.mark.parametrize("change", HOSTILE.values(), ids=HOSTILE.keys())
def test_malformed_shapes_answer_definition_error_only(change):
    """Every stage runs on whatever arrives: it may only ever say DefinitionError."""
    document = mutate(change)
    with pytest.raises(DefinitionError) as caught:
        load_definition(document)
    assert caught.value.errors
    assert all(isinstance(e["path"], str) and isinstance(e["message"], str) for e in caught.value.errors)


def test_a_few_defs_reused_cannot_expand_into_millions_of_fields():
    """Each $defs level is used 20 times by the one above: 20**4 fields from a small document."""
    defs = {"d3": {"type": "object", "properties": {f"f{i}": {"type": "string"} for i in range(20)}}}
    for level in (2, 1):
        defs[f"d{level}"] = {"type": "object",
                             "properties": {f"f{i}": {"$ref": f"#/$defs/d{level + 1}"} for i in range(20)}}
    document = mutate(setp(["$defs"], defs))
    document["properties"].update({f"g{i}": {"$ref": "#/$defs/d1"} for i in range(20)})
    errors = list(check_definition(document))
    assert any(e["path"] == "/properties" and "字段过多" in e["message"] for e in errors), errors


@pytest.mark.parametrize("key", ["manage", "order"])
def test_keys_the_app_uses_for_its_own_pages_are_refused(key):
    """/ledgers/manage and PUT /api/v1/ledgers/order would hide such a ledger's list or update."""
    document = copy.deepcopy(SMALL)
    document["x-ledger"]["key"] = key
    assert [(p["path"], "保留" in p["message"]) for p in check_definition(document)] == [("/x-ledger/key", True)]
    document["x-ledger"]["key"] = key + "s"
    assert list(check_definition(document)) == []


def test_pointer_steps_that_int_would_misread_are_problems_not_crashes():
    document = {"title": "x", "type": "object", "x-ledger": {"key": "k"}, "properties": {
        "²": {"type": "string"}, "a": {"$ref": "#/properties/b/items/²"},
        "b": {"type": "array", "items": [{"type": "string"}]}, "c": {"$ref": "#/$defs/d/١"}}}
    problems = list(check_definition(document))
    assert problems and all(p["message"] for p in problems)
