"""Rules between fields and conditional requirement through the JSON API: 422 with the rule's
message on its field, nothing stored; a definition's bad rules refused at their pointers."""
from __future__ import annotations

import copy

import pytest

from core.entries import store
from core.entries import definitions
from core.access.policy import SYSTEM

ITEM = {"content": "整治农贸市场", "source": "专题会议纪要", "unit": "区市场监管局", "status": "立项",
        "assigned_on": "2026-03-01", "deadline": "2026-06-30"}

RULED = {
    "title": "公车使用登记",
    "type": "object",
    "properties": {
        "plate": {"type": "string", "title": "车牌号", "maxLength": 20},
        "purpose": {"type": "string", "title": "用途", "enum": ["公务", "接待", "维修"]},
        "out_on": {"type": "string", "title": "出车日期", "format": "date"},
        "back_on": {"type": "string", "title": "归队日期", "format": "date"},
        "km_out": {"type": "integer", "title": "出车里程"},
        "km_back": {"type": "integer", "title": "归队里程"},
        "cost": {"type": "number", "title": "费用", "multipleOf": 0.01, "x-widget": "money"},
        "invoice": {"type": "string", "title": "发票号", "maxLength": 30},
        "approver": {"type": "string", "title": "审批人", "maxLength": 20},
    },
    "required": ["plate", "purpose", "out_on"],
    "if": {"properties": {"purpose": {"const": "接待"}}, "required": ["purpose"]},
    "then": {"required": ["approver"]},
    "dependentRequired": {"cost": ["invoice"]},
    "x-ledger": {"key": "car_trips", "rules": [
        {"check": {"back_on__gte": "$out_on"}, "message": "归队日期不能早于出车日期"},
        {"check": {"km_back__gt": "$km_out"}, "message": "归队里程应大于出车里程"},
        {"when": {"purpose": "维修"}, "check": {"cost__gt": 0}, "message": "维修用车须填写费用"},
        {"when": {"purpose": "维修"}, "check": {"km_out__gte": 0}, "message": "不会失败：空的出车里程"},
        {"when": {"purpose__ne": "维修"}, "check": {"cost__lte": 500}, "message": "非维修用车费用不超过 500 元"},
    ]},
}
TRIP = {"plate": "粤A12345", "purpose": "公务", "out_on": "2026-05-10"}


@pytest.mark.parametrize("entry, errors", [
    ({}, {}),
    ({"back_on": "2026-05-10", "km_out": 100, "km_back": 150}, {}),
    ({"back_on": "2026-05-09"}, {"back_on": "归队日期不能早于出车日期"}),
    ({"km_out": 100, "km_back": 100}, {"km_back": "归队里程应大于出车里程"}),
    ({"km_out": 100, "km_back": 99}, {"km_back": "归队里程应大于出车里程"}),
    ({"purpose": "维修", "cost": 0, "invoice": "1"}, {"cost": "维修用车须填写费用"}),
    ({"purpose": "维修"}, {}),  # a bound says nothing of an empty field: presence is `required`
    ({"purpose": "维修", "cost": 800, "invoice": "123"}, {}),
    ({"cost": 800, "invoice": "123"}, {"cost": "非维修用车费用不超过 500 元"}),
    ({"cost": 80}, {"invoice": "填写了费用时，发票号必填"}),
    ({"purpose": "接待"}, {"approver": "用途为“接待”时，审批人必填"}),
    ({"purpose": "接待", "approver": "王"}, {}),
])
def test_every_rule_kind_through_the_api(api, entry, errors):
    assert api("admin").post("/ledgers", json=RULED).status_code == 201
    response = api("editor").post("/ledgers/car_trips/entries", json={**TRIP, **entry})
    if not errors:
        assert response.status_code == 201, response.get_json()
        return
    assert response.status_code == 422
    body = response.get_json()
    assert {e["field"]: e["message"] for e in body["errors"]} == errors
    assert api("viewer").get("/ledgers/car_trips/entries").get_json()["total"] == 0


def test_supervision_refuses_a_deadline_before_assignment(api):
    response = api("editor").post("/ledgers/supervision/entries", json={**ITEM, "deadline": "2026-02-01"})
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.get_json()["errors"]] == [
        ("deadline", "完成时限不能早于交办日期")]
    assert api("viewer").get("/ledgers/supervision/entries").get_json()["total"] == 0


def test_supervision_refuses_done_at_40_percent_without_a_date(api, db):
    entry = store.create_entry(db, SYSTEM, "supervision", {**ITEM, "status": "办理中", "progress": 40})
    url = f"/ledgers/supervision/entries/{entry['id']}"
    response = api("editor").patch(url, json={"status": "已办结"}, headers={"If-Match": "1"})
    assert response.status_code == 422
    assert {e["field"]: e["message"] for e in response.get_json()["errors"]} == {
        "progress": "状态为“已办结”时，进度应为 100%", "completed_on": "状态为“已办结”时，办结日期必填"}
    stored = api("viewer").get(url).get_json()
    assert (stored["version"], stored["data"]["status"]) == (1, "办理中")
    done = api("editor").patch(url, json={"status": "已办结", "progress": 100, "completed_on": "2026-06-01"},
                               headers={"If-Match": "1"})
    assert done.status_code == 200, done.get_json()


def test_bad_rules_are_refused_at_their_pointers_and_nothing_is_stored(api):
    bad = copy.deepcopy(RULED)
    bad["x-ledger"]["rules"] = [{"check": {"back_on__gte": "$plate"}, "message": "x"},
                                {"when": {"purpose": "出差"}, "check": {"km_back__gt": "很多"}}]
    bad["properties"]["invoice"]["x-show-when"] = {"costs__gt": 0}
    bad["then"] = {"required": ["approved_by"]}
    response = api("admin").post("/ledgers", json=bad)
    assert response.status_code == 422
    assert [(e["path"], e["message"]) for e in response.get_json()["errors"]] == [
        ("/properties/invoice/x-show-when/costs__gt", "条件无法识别：“costs”不是已定义的字段"),
        ("/then/required/0", "“approved_by”不是已定义的字段"),
        ("/x-ledger/rules/0/check/back_on__gte", "条件无法识别：字段“归队日期”与“车牌号”类型不同，不能比较"),
        ("/x-ledger/rules/1/check/km_back__gt", "条件无法识别：归队里程：应为整数，“很多”无法识别"),
        ("/x-ledger/rules/1/message", "规则需要提示文字（message），说明哪里不对"),
        ("/x-ledger/rules/1/when/purpose", "条件无法识别：“出差”不是字段“用途”的选项"),
    ]
    assert api("admin").get("/ledgers/car_trips").status_code == 404


# --- stored rules that no longer read: left out, and said so --------------------------------

def plant(db, key: str, document: dict | None = None, permission_rules: list | None = None) -> None:
    """Store what the checks would refuse today, as an older server or a hand edit could have left it."""
    from sqlalchemy import insert, select, update

    from core.db.models import ledger_permissions, ledger_versions, ledgers, utcnow
    with db.write() as conn:
        row = conn.execute(select(ledgers.c.id, ledgers.c.current_version).where(ledgers.c.key == key)).one()
        if document is not None:
            conn.execute(update(ledger_versions).values(definition=document).where(
                ledger_versions.c.ledger_id == row.id, ledger_versions.c.version == row.current_version))
        if permission_rules is not None:
            conn.execute(insert(ledger_permissions).values(ledger_id=row.id, rules=permission_rules,
                                                           updated_at=utcnow(), updated_by="admin"))
    definitions._DEFINITIONS.clear()


def broken_ruled() -> dict:
    document = copy.deepcopy(RULED)
    rules = document["x-ledger"]["rules"]
    rules[2]["when"] = {"used_for": "维修"}           # a field since removed
    rules[4]["check"] = {"cost__between": 500}        # an operator that never existed
    document["properties"]["invoice"]["x-show-when"] = {"costs__gt": 0}
    return document


def test_a_stored_rule_that_no_longer_reads_is_named_in_the_ledger_api(api, db):
    assert api("admin").post("/ledgers", json=RULED).status_code == 201
    assert "problems" not in api("viewer").get("/ledgers/car_trips").get_json()
    plant(db, "car_trips", broken_ruled())
    body = api("viewer").get("/ledgers/car_trips").get_json()
    assert [p["path"] for p in body["problems"]] == ["/x-ledger/rules/2", "/x-ledger/rules/4",
                                                      "/properties/invoice/x-show-when"]
    messages = [p["message"] for p in body["problems"]]
    assert "维修用车须填写费用" in messages[0] and "“used_for”不是已定义的字段" in messages[0]
    assert "不再检查" in messages[0]
    assert "非维修用车费用不超过 500 元" in messages[1] and "between" in messages[1]
    assert "发票号" in messages[2] and "“costs”不是已定义的字段" in messages[2]
    # the rules that still read still apply; the broken ones are left out, not failing every write
    refused = api("editor").post("/ledgers/car_trips/entries", json={**TRIP, "km_out": 100, "km_back": 90})
    assert refused.status_code == 422
    assert api("editor").post("/ledgers/car_trips/entries",
                              json={**TRIP, "cost": 800, "invoice": "1"}).status_code == 201
    # publishing a definition whose rules read again mends it; the broken one is refused at its pointer
    refused = api("admin").put("/ledgers/car_trips", json={**broken_ruled(), "title": "公车使用登记（新）"})
    assert refused.status_code == 422 and "/x-ledger/rules/2/when/used_for" in str(refused.get_json())
    mended = api("admin").put("/ledgers/car_trips", json={**RULED, "title": "公车使用登记（新）"})
    assert mended.status_code == 200 and "problems" not in mended.get_json()


def test_a_stored_permission_rule_that_no_longer_reads_grants_nothing_and_is_named(api, db):
    plant(db, "supervision", permission_rules=[
        {"role": "editor", "actions": ["read", "approve"], "scope": "all"},   # an action that is no more
        {"role": "viewer", "actions": ["read"], "scope": "all"},
        {"role": "viewer", "actions": ["export"], "scope": "world"},
        "editor:all"])
    shown = api("admin").get("/ledgers/supervision/permissions").get_json()
    assert [p["path"] for p in shown["problems"]] == ["/rules/0/actions", "/rules/2/scope", "/rules/3"]
    assert all("权限规则" in p["message"] and "不起作用" in p["message"] for p in shown["problems"])
    assert shown["problems"][0]["message"].startswith("第 1 条权限规则已失效")
    assert len(shown["rules"]) == 4 and shown["default"] is False  # as stored, for the admin to mend
    assert api("editor").get("/ledgers/supervision").status_code == 403   # rule 0 grants nothing
    assert api("viewer").get("/ledgers/supervision").status_code == 200
    assert api("viewer").get("/ledgers/supervision/export.csv").status_code == 403  # rule 2 neither
    assert "problems" not in api("viewer").get("/ledgers/supervision").get_json()  # readers see no rules
    ledger = api("admin").get("/ledgers/supervision").get_json()
    assert [p["path"] for p in ledger["problems"]] == ["/permissions/rules/0/actions", "/permissions/rules/2/scope",
                                                        "/permissions/rules/3"]
