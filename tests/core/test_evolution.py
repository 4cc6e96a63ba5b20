"""Versions that never lose data: the diff, renames, narrowing plans, migrations, type changes."""
import copy

import pytest
from sqlalchemy import func, select

from core.access.policy import SYSTEM, Actor
from core.definition.loading import load_definition
from core.errors import ChangeRefused, Conflict, DefinitionError, EntryInvalid, QueryError
from core.ledgers.evolution import plan_change
from core.db.models import audit_log, entries, ledger_versions, revisions
from core.entries.query import get_entry, list_entries, list_revisions
from core.entries.store import create_entries, create_entry, delete_entry
from core.ledgers.versions import save_definition
from core.definition.diff import changes
from tests.core.conftest import SMALL

EDITOR = Actor("editor1", "editor")


@pytest.fixture
def small(edb):
    return save_definition(edb, SYSTEM, SMALL)


def reshaped(change) -> dict:
    document = copy.deepcopy(SMALL)
    change(document)
    return document


def counts(edb) -> tuple:
    with edb.read() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (ledger_versions, entries, revisions, audit_log)) + \
            (conn.execute(select(entries.c.data, entries.c.version).order_by(entries.c.id)).all(),)


# --- the diff ------------------------------------------------------------------------------

def by_kind(found: list[dict]) -> dict:
    out: dict = {}
    for c in found:
        out.setdefault(c["kind"], []).append(c["field"])
    return out


def test_changes_name_every_kind_of_difference():
    old = load_definition(SMALL)

    def change(d):
        p = d["properties"]
        p["title_text"] = {**p.pop("name"), "x-renamed-from": "name"}  # renamed
        del p["tags"]                                                   # removed
        p["owner"] = {"type": "string", "title": "负责人"}              # added
        p["unit"]["enum"] = ["甲", "乙", "丁"]                          # choices
        p["score"]["maximum"] = 100                                     # limits
        p["amount"] = {"type": "integer", "title": "金额（元）"}        # retyped and retitled
        p["rows"]["items"]["properties"]["place"]["maxLength"] = 20     # a child table's sub-field
        p["rows"]["items"]["properties"]["city"] = {"type": "string", "title": "城市"}
        d["required"] = ["title_text", "owner", "unit"]                 # required
        d["x-ledger"]["list"]["search"] = ["title_text"]
        d["title"] = "新名称"
    found = changes(old, load_definition(reshaped(change), version=2))
    kinds = by_kind(found)
    assert kinds["renamed"] == ["title_text"] and kinds["removed"] == ["tags"]
    assert kinds["added"] == ["rows/city", "owner"]  # in the new version's field order
    assert kinds["choices"] == ["unit"] and kinds["retyped"] == ["amount"]
    assert kinds["limits"] == ["score", "amount", "rows/place"] and kinds["required"] == ["unit"]
    assert kinds["retitled"] == ["", "amount"] and "rules" not in kinds
    messages = {c["kind"] + c["field"]: c["message"] for c in found}
    assert messages["choicesunit"] == "“单位”的选项：新增 丁；删除 丙"
    assert messages["limitsscore"] == "“分数”的限制变化：最大值 1000 → 100"
    assert messages["retypedamount"] == "“金额（元）”的类型由金额改为整数"
    assert messages["limitsrows/place"] == "“明细·地点”的限制变化：最多字数 无 → 20"
    assert "name" not in kinds.get("removed", []) and "title_text" not in kinds.get("added", [])
    assert changes(old, load_definition(SMALL)) == []


def test_rules_and_conditional_requirements_are_diffed_as_data():
    old, new = load_definition(SMALL), load_definition(SMALL)
    rule = {"when": {"done": True}, "check": {"score__gte": 1}, "message": "完成须有分数"}
    object.__setattr__(new, "schema", {**SMALL, "dependentRequired": {"done": ["score"]},
                                       "x-ledger": {**SMALL["x-ledger"], "rules": [rule]}})
    found = changes(old, new)
    assert [(c["kind"], c["message"]) for c in found] == [
        ("rules", "新增规则：完成须有分数"), ("rules", "新增关联必填（dependentRequired）")]
    assert [c["message"] for c in changes(new, old)] == ["删除规则：完成须有分数", "删除关联必填（dependentRequired）"]


# --- renames -------------------------------------------------------------------------------

def renamed_name(d):
    d["properties"]["label"] = {**d["properties"].pop("name"), "x-renamed-from": "name"}
    d["required"] = ["label"]
    d["x-ledger"]["list"]["search"] = ["label"]


def test_a_rename_moves_every_live_value_with_a_revision(edb, small):
    made = create_entries(edb, EDITOR, "small", [{"name": f"第{i}条", "score": i} for i in range(3)])
    gone = create_entry(edb, EDITOR, "small", {"name": "已删"})
    delete_entry(edb, EDITOR, "small", gone["id"], 1)
    new = save_definition(edb, Actor("boss", "admin"), reshaped(renamed_name))
    for i, entry in enumerate(made):
        now = get_entry(edb, EDITOR, "small", entry["id"])
        assert now["data"] == {"label": f"第{i}条", "score": i}
        assert now["version"] == 2 and now["definition_version"] == new.version and "problems" not in now
        history = list_revisions(edb, EDITOR, "small", entry["id"])
        assert [(r["action"], r["source"], r["by"]) for r in history][-1] == ("migrate", "definition", "boss")
        assert history[-1]["changes"] == {"name": [f"第{i}条", None], "label": [None, f"第{i}条"]}
        assert history[0]["changes"] == {"name": [None, f"第{i}条"], "score": [None, i]}  # creation still reads
    with edb.read() as conn:  # a deleted entry keeps its data as it was
        assert conn.execute(select(entries.c.data).where(entries.c.id == gone["id"])).scalar_one() == {"name": "已删"}
    assert list_entries(edb, EDITOR, "small", {"_q": "第1"})["total"] == 1
    # a later version still carrying the same x-renamed-from (its old key gone) changes nothing
    again = reshaped(renamed_name)
    again["properties"]["label"]["title"] = "标签"
    save_definition(edb, SYSTEM, again)
    assert get_entry(edb, EDITOR, "small", made[0]["id"])["version"] == 2


def test_a_sub_field_rename_moves_values_in_tables_and_groups(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲", "rows": [{"place": "会议室"}, {"place": "礼堂"}],
                                                "car": {"seats": 5}})

    def change(d):
        items = d["properties"]["rows"]["items"]
        items["properties"] = {"venue": {**items["properties"]["place"], "x-renamed-from": "place"}}
        items["required"] = ["venue"]
        car = d["properties"]["car"]["properties"]
        car["capacity"] = {**car.pop("seats"), "x-renamed-from": "seats"}
    save_definition(edb, SYSTEM, reshaped(change))
    data = get_entry(edb, EDITOR, "small", entry["id"])["data"]
    assert data == {"name": "甲", "rows": [{"venue": "会议室"}, {"venue": "礼堂"}], "car": {"capacity": 5}}


@pytest.mark.parametrize("value, message", [
    ("Name", "应为原字段名"), ("score", "仍是本版本的字段"), (7, "应为原字段名")])
def test_bad_renames_are_refused_at_their_place(value, message):
    document = reshaped(lambda d: d["properties"]["name"].update({"x-renamed-from": value}))
    with pytest.raises(DefinitionError) as refused:
        load_definition(document)
    assert [e["path"] for e in refused.value.errors] == ["/properties/name/x-renamed-from"]
    assert message in refused.value.errors[0]["message"]


def test_two_fields_may_not_come_from_the_same_old_key():
    def change(d):
        d["properties"]["a"] = {"type": "string", "x-renamed-from": "old"}
        d["properties"]["b"] = {"type": "string", "x-renamed-from": "old"}
    with pytest.raises(DefinitionError) as refused:
        load_definition(reshaped(change))
    assert refused.value.errors == [{"path": "/properties/b/x-renamed-from",
                                     "message": "字段“a”已声明由“old”改名而来：一个原字段只能改名为一个字段"}]


def test_a_rename_never_overwrites_a_retired_value(edb, small):
    save_definition(edb, SYSTEM, reshaped(lambda d: d["properties"].pop("score")))  # score retired
    entry = create_entry(edb, EDITOR, "small", {"name": "甲", "amount": 5})
    with edb.write() as conn:  # an entry holding both the retired key and the one renamed onto it
        conn.execute(entries.update().values(data={"name": "甲", "amount": 5, "score": 9}))
    onto = reshaped(lambda d: d["properties"].update(
        {"score": {**d["properties"].pop("amount"), "x-renamed-from": "amount"}}))
    with pytest.raises(Conflict):
        save_definition(edb, SYSTEM, onto)
    assert get_entry(edb, EDITOR, "small", entry["id"])["data"]["score"] == 9


# --- narrowing changes: the plan ------------------------------------------------------------

@pytest.mark.parametrize("change, affected", [
    (lambda d: d["required"].append("unit"), 1),                                  # a new required field
    (lambda d: d["properties"]["unit"].update(enum=["甲", "丙"]), 1),             # narrowed choices
    (lambda d: d["properties"]["score"].update(maximum=50), 2),                   # tighter limits
    (lambda d: d["properties"].update(score={"type": "string", "title": "分数"}), 3),  # a type change
])
def test_a_narrowing_change_reports_count_and_examples_and_stores_nothing(edb, small, change, affected):
    create_entries(edb, EDITOR, "small", [{"name": "a", "unit": "甲", "score": 60},
                                          {"name": "b", "unit": "乙", "score": 70},
                                          {"name": "c", "score": 1}])
    before = counts(edb)
    plan = plan_change(edb, SYSTEM, "small", reshaped(change))
    assert plan["affected"] == affected and len(plan["examples"]) == affected
    assert all(e["errors"] and {"id", "number", "errors"} <= set(e) for e in plan["examples"])
    assert plan["changes"]
    assert counts(edb) == before


def test_a_new_rule_is_a_narrowing_change(edb, small):
    create_entries(edb, EDITOR, "small", [{"name": "a", "done": True, "score": 0},
                                          {"name": "b", "done": True, "score": 3}, {"name": "c"}])
    rule = {"when": {"done": True}, "check": {"score__gte": 1}, "message": "已完成的须有分数"}
    document = reshaped(lambda d: d["x-ledger"].update(rules=[rule]))
    plan = plan_change(edb, SYSTEM, "small", document)
    assert plan["affected"] == 1 and plan["examples"][0]["errors"][0]["message"].endswith("已完成的须有分数")
    assert [(c["kind"], c["message"]) for c in plan["changes"]] == [("rules", "新增规则：已完成的须有分数")]
    save_definition(edb, SYSTEM, document)
    flagged = [e["data"]["name"] for e in list_entries(edb, EDITOR, "small")["items"] if "problems" in e]
    assert flagged == ["a"]


def test_the_plan_counts_after_renames_and_the_migration(edb, small):
    create_entries(edb, EDITOR, "small", [{"name": "a"}, {"name": "b", "unit": "乙"}])
    document = reshaped(lambda d: (renamed_name(d), d["required"].append("unit")))
    assert plan_change(edb, SYSTEM, "small", document)["affected"] == 1  # the rename is no problem
    assert plan_change(edb, SYSTEM, "small", document, {"unit": {"default": "甲"}})["affected"] == 0


# --- migrations: all or none ---------------------------------------------------------------

def test_a_migration_rewrites_every_affected_entry_with_a_revision(edb, small):
    made = create_entries(edb, EDITOR, "small", [{"name": "a", "unit": "丙"}, {"name": "b"}, {"name": "c", "unit": "甲"}])
    document = reshaped(lambda d: (d["properties"]["unit"].update(enum=["甲", "乙"]), d["required"].append("unit")))
    save_definition(edb, SYSTEM, document, affected="migrate", migrate={"unit": {"map": {"丙": "乙"}, "default": "甲"}})
    got = [get_entry(edb, EDITOR, "small", e["id"]) for e in made]
    assert [g["data"]["unit"] for g in got] == ["乙", "甲", "甲"]
    assert [g["version"] for g in got] == [2, 2, 1]
    assert list_revisions(edb, EDITOR, "small", made[0]["id"])[-1]["changes"] == {"unit": ["丙", "乙"]}
    assert list_entries(edb, EDITOR, "small", {"unit": "甲"})["total"] == 2  # counts rebuilt


def test_a_migration_that_leaves_any_entry_invalid_stores_nothing(edb, small):
    create_entries(edb, EDITOR, "small", [{"name": "a", "unit": "丙"}, {"name": "b", "unit": "乙"}])
    before = counts(edb)
    document = reshaped(lambda d: d["properties"]["unit"].update(enum=["甲", "乙"]))
    with pytest.raises(EntryInvalid) as refused:
        save_definition(edb, SYSTEM, document, affected="migrate", migrate={"unit": {"map": {"乙": "甲"}}})
    assert "1 条记录" in refused.value.message
    assert refused.value.errors[0]["field"] == "unit" and refused.value.errors[0]["message"].startswith("记录 ")
    assert counts(edb) == before


@pytest.mark.parametrize("migrate, path", [
    ({"nothing": {"default": 1}}, "/x-migrate/nothing"),
    ({"unit": {"fill": 1}}, "/x-migrate/unit"),
    ({"unit": {"map": []}}, "/x-migrate/unit/map"),
    ([1], "/x-migrate"),
])
def test_bad_migrations_are_refused_at_their_place(edb, small, migrate, path):
    with pytest.raises(DefinitionError) as refused:
        save_definition(edb, SYSTEM, SMALL, affected="migrate", migrate=migrate)
    assert refused.value.errors[0]["path"] == path


def test_a_migration_needs_affected_migrate(edb, small):
    with pytest.raises(QueryError):
        save_definition(edb, SYSTEM, SMALL, migrate={"unit": {"default": "甲"}})
    with pytest.raises(QueryError):
        save_definition(edb, SYSTEM, SMALL, affected="drop")


# --- type changes ----------------------------------------------------------------------------

def to_integer(d):
    d["properties"]["name"] = {"type": "integer", "title": "名称"}
    d["x-ledger"]["list"]["search"] = []


def test_a_type_change_values_would_not_survive_is_refused_unless_migrated(edb, small):
    made = create_entries(edb, EDITOR, "small", [{"name": "12"}, {"name": "甲"}])
    before = counts(edb)
    with pytest.raises(ChangeRefused) as refused:
        save_definition(edb, SYSTEM, reshaped(to_integer))
    assert refused.value.plan["broken"] == 2 and refused.value.plan["affected"] == 2
    assert counts(edb) == before
    with pytest.raises(EntryInvalid):  # a migration missing one value: still nothing stored
        save_definition(edb, SYSTEM, reshaped(to_integer), affected="migrate", migrate={"name": {"map": {"12": 12}}})
    assert counts(edb) == before
    save_definition(edb, SYSTEM, reshaped(to_integer), affected="migrate", migrate={"name": {"map": {"12": 12, "甲": 1}}})
    assert [get_entry(edb, EDITOR, "small", e["id"])["data"]["name"] for e in made] == [12, 1]
    assert list_entries(edb, EDITOR, "small", {"_sort": "name"})["total"] == 2


def test_a_type_change_over_values_that_fit_is_kept(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲", "score": 3})
    save_definition(edb, SYSTEM, reshaped(lambda d: d["properties"]["score"].update(type="number")))
    assert get_entry(edb, EDITOR, "small", entry["id"])["data"]["score"] == 3


def test_re_adding_a_retired_key_with_another_kind_is_a_type_change(edb, small):
    create_entry(edb, EDITOR, "small", {"name": "甲", "due": "2026-03-05"})
    save_definition(edb, SYSTEM, reshaped(lambda d: d["properties"].pop("due") and d["x-ledger"]["list"].update(
        filters=["unit", "done"], sort="name")))
    back = reshaped(lambda d: (d["properties"].update(due={"type": "integer", "title": "时限"}),
                               d["x-ledger"]["list"].update(sort="name")))
    with pytest.raises(ChangeRefused):
        save_definition(edb, SYSTEM, back)


# --- kept entries are flagged ---------------------------------------------------------------

def test_a_moved_entry_the_new_version_refuses_stays_flagged(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲"})
    save_definition(edb, SYSTEM, reshaped(lambda d: (renamed_name(d), d["required"].append("unit"))))
    moved = get_entry(edb, EDITOR, "small", entry["id"])
    assert moved["data"] == {"label": "甲"} and moved["version"] == 2
    assert moved["definition_version"] == 1 and moved["problems"] == [{"field": "unit", "message": "单位：必填"}]


def test_entries_the_current_version_refuses_carry_their_problems(edb, small):
    bad = create_entry(edb, EDITOR, "small", {"name": "a", "score": 900})
    good = create_entry(edb, EDITOR, "small", {"name": "b", "score": 9})
    save_definition(edb, SYSTEM, reshaped(lambda d: d["properties"]["score"].update(maximum=100)))
    shown = get_entry(edb, EDITOR, "small", bad["id"])
    assert shown["problems"] == [{"field": "score", "message": "分数：不能大于 100"}]
    assert shown["data"] == {"name": "a", "score": 900}
    assert "problems" not in get_entry(edb, EDITOR, "small", good["id"])
    items = {e["id"]: e for e in list_entries(edb, EDITOR, "small")["items"]}
    assert "problems" in items[bad["id"]] and "problems" not in items[good["id"]]
