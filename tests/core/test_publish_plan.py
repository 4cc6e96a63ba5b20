"""The publish plan names each change with the entries it leaves invalid and its own examples."""
from __future__ import annotations

from core.ledgers import evolution
from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM
from tests.core.test_field_order import duty


def test_each_change_counts_its_own_entries_with_its_own_examples(edb):
    versions.create_ledger(edb, SYSTEM, duty())
    made = [store.create_entry(edb, SYSTEM, "duty", data) for data in (
        {"duty_date": "2026-03-01", "person": "张三", "shift": "夜班"},
        {"duty_date": "2026-03-02", "person": "李四", "shift": "白班"},
        {"duty_date": "2026-03-03", "person": "王五", "shift": "夜班"},
        {"duty_date": "2026-03-04", "person": "赵六", "shift": "白班", "notes": "交接"})]
    changed = duty()
    changed["properties"]["shift"]["enum"] = ["白班", "中班"]  # 夜班 removed: two entries use it
    changed["properties"]["person"]["maxLength"] = 1            # every name is longer
    changed["required"].append("notes")                          # three entries have no notes
    plan = evolution.plan_change(edb, SYSTEM, "duty", changed)
    by_kind = {c["kind"]: c for c in plan["changes"]}
    assert plan["affected"] == 4
    choices = by_kind["choices"]
    assert choices["affected"] == 2 and [e["id"] for e in choices["examples"]] == [made[0]["id"], made[2]["id"]]
    assert all([x["field"] for x in e["errors"]] == ["shift"] for e in choices["examples"])
    assert by_kind["limits"]["affected"] == 4
    assert all([x["field"] for x in e["errors"]] == ["person"] for e in by_kind["limits"]["examples"])
    assert by_kind["required"]["affected"] == 3 and len(by_kind["required"]["examples"]) == 3
    assert plan["other"] == {"affected": 0, "examples": []}


def test_an_added_rule_counts_its_entries_and_the_rest_is_other(edb):
    versions.create_ledger(edb, SYSTEM, duty())
    store.create_entry(edb, SYSTEM, "duty", {"duty_date": "2026-03-01", "person": "张三", "shift": "夜班"})
    store.create_entry(edb, SYSTEM, "duty", {"duty_date": "2026-03-02", "person": "李四", "shift": "白班"})
    changed = duty()
    changed["x-ledger"]["rules"] = [{"when": {"shift": "夜班"}, "check": {"notes__contains": "交接"},
                                     "message": "夜班须填写备注"}]
    plan = evolution.plan_change(edb, SYSTEM, "duty", changed)
    rule = next(c for c in plan["changes"] if c["kind"] == "rules")
    assert plan["affected"] == 1 and rule["affected"] == 1 and rule["examples"][0]["errors"][0]["message"] == "夜班须填写备注"
