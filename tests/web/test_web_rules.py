"""Rules in the entry form: a broken rule's message beside its field, 422, nothing stored; the
show-when field carries its condition for the script and stays visible without it."""
from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from core.entries import query
from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM
from core.settings import local_today
from tests.api.test_rules_api import RULED

NEW = "/ledgers/supervision/new"
ITEM = {"content": "整治农贸市场", "source": "专题会议纪要", "unit": "区市场监管局", "status": "办理中",
        "assigned_on": "2026-03-01", "deadline": "2026-06-30", "progress": 40}


def beside(page: str, field: str) -> str:
    """The message shown right under one field (its aria-describedby target)."""
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page)
    return html.unescape(match.group(1)) if match else ""


def form(**values) -> dict:
    return {**{k: str(v) for k, v in ITEM.items()}, **values}


def test_a_rule_message_appears_beside_its_field_and_nothing_is_stored(login, post_form, db):
    login("editor")
    response = post_form(NEW, form(status="立项", deadline="2026-02-01"))
    assert response.status_code == 422
    assert beside(response.text, "deadline") == "完成时限不能早于交办日期"
    assert "有 1 处需要修改，尚未保存" in response.text
    assert query.list_entries(db, SYSTEM, "supervision")["total"] == 0


def test_done_at_90_percent_typed_is_refused_beside_the_progress(login, post_form, db):
    """办结 in the form asks first; confirmed, the step fills in what was left as it was (办结日期
    today) but not what was typed (进度 90), which the rules then refuse beside its field."""
    entry = store.create_entry(db, SYSTEM, "supervision", ITEM)
    login("editor")
    url = f"/ledgers/supervision/entries/{entry['id']}/edit"
    asked = post_form(url, form(status="已办结", progress="90", _version="1"))
    assert asked.status_code == 200 and "确认“办结”？" in asked.text
    response = post_form(url, form(status="已办结", progress="90", _version="1", _confirm="已办结"))
    assert response.status_code == 422
    assert beside(response.text, "progress") == "状态为“已办结”时，进度应为 100%"
    assert beside(response.text, "completed_on") == ""
    assert 'aria-describedby="progress-error"' in response.text
    stored = query.get_entry(db, SYSTEM, "supervision", entry["id"])
    assert (stored["version"], stored["data"]["status"]) == (1, "办理中")
    done = post_form(url, form(status="已办结", progress="100", completed_on="2026-06-01", _version="1",
                               _confirm="已办结"))
    assert done.status_code == 302
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]["completed_on"] == "2026-06-01"


def test_a_completion_date_before_assignment_is_refused(login, post_form, db):
    entry = store.create_entry(db, SYSTEM, "supervision", ITEM)
    login("editor")
    url = f"/ledgers/supervision/entries/{entry['id']}/edit"
    response = post_form(url, form(status="已办结", progress="100", completed_on="2026-02-01", _version="1",
                                   _confirm="已办结"))
    assert response.status_code == 422
    assert beside(response.text, "completed_on") == "办结日期不能早于交办日期"


def test_the_completion_date_carries_its_show_when_condition(login, client):
    login("editor")
    page = client.get(NEW).text
    wrapper = re.search(r'<div class="show-when" data-show-when="([^"]*)">\s*<div class="field field-date">\s*'
                        r'<label for="completed_on"', page)
    assert wrapper, "the completion date is wrapped with its condition"
    assert json.loads(html.unescape(wrapper.group(1))) == [
        {"field": "status", "op": "eq", "family": "text", "value": "已办结"}]
    assert 'hidden' not in page[wrapper.start():wrapper.end()]   # visible until the script decides
    assert "js/showwhen.js" in page and "<script>" not in page
    assert page.count("data-show-when") == 1


def test_the_workflow_step_names_what_the_rules_need(login, post_form, db):
    """办结 fills in 进度 100 and 办结日期 today (the step's `set`); an item assigned after today
    still cannot be done today, and the rule says why, beside nothing stored."""
    assigned = (local_today() + dt.timedelta(days=30)).isoformat()
    entry = store.create_entry(db, SYSTEM, "supervision", {**ITEM, "assigned_on": assigned, "deadline": "2099-06-30"})
    login("editor")
    url = f"/ledgers/supervision/entries/{entry['id']}"
    response = post_form(url, {"to": "已办结", "_version": "1", "_confirm": "已办结"}, action=url + "/transition")
    assert response.status_code == 422
    assert "办结日期不能早于交办日期" in html.unescape(response.text)
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["version"] == 1


CAR_CASES = [
    ({}, {}),
    ({"back_on": "2026-05-09"}, {"back_on": "归队日期不能早于出车日期"}),                   # "$field"
    ({"km_out": "100", "km_back": "100"}, {"km_back": "归队里程应大于出车里程"}),
    ({"purpose": "维修", "cost": "0", "invoice": "1"}, {"cost": "维修用车须填写费用"}),      # when + constant
    ({"cost": "800", "invoice": "1"}, {"cost": "非维修用车费用不超过 500 元"}),               # when ne
    ({"cost": "80"}, {"invoice": "填写了费用时，发票号必填"}),                               # dependentRequired
    ({"purpose": "接待"}, {"approver": "用途为“接待”时，审批人必填"}),                        # if/then
]


@pytest.mark.parametrize("values, errors", CAR_CASES)
def test_every_rule_kind_through_the_form(login, post_form, db, values, errors):
    versions.save_definition(db, SYSTEM, RULED)
    login("editor")
    url = "/ledgers/car_trips/new"
    response = post_form(url, {"plate": "粤A12345", "purpose": "公务", "out_on": "2026-05-10", **values})
    if not errors:
        assert response.status_code == 302
        return
    assert response.status_code == 422
    assert {field: beside(response.text, field) for field in errors} == errors
    assert query.list_entries(db, SYSTEM, "car_trips")["total"] == 0


def test_the_ledger_page_warns_admins_of_stored_rules_that_no_longer_read(login, client, db):
    from tests.api.test_rules_api import broken_ruled, plant
    versions.save_definition(db, SYSTEM, RULED)
    plant(db, "car_trips", broken_ruled(), permission_rules=[
        {"role": "viewer", "actions": ["read"], "scope": "all"}, {"role": "editor", "actions": ["approve"]}])
    login("admin")
    page = client.get("/ledgers/car_trips")
    assert page.status_code == 200
    warning = html.unescape(page.text.split('class="flash flash-warning broken-rules"', 1)[1].split("</div>", 1)[0])
    assert "4 处已保存的规则无法识别" in warning
    assert "维修用车须填写费用" in warning and "“used_for”不是已定义的字段" in warning
    assert "字段“发票号”的显示条件已失效" in warning and "第 2 条权限规则已失效" in warning
    assert "/designer/car_trips" in warning and "/ledgers/car_trips/permissions" in warning
    permissions_page = client.get("/ledgers/car_trips/permissions")
    assert "第 2 条权限规则已失效" in html.unescape(permissions_page.text)
    assert client.get("/ledgers/car_trips/new").status_code == 200   # the form still opens
    client.delete_cookie("session")
    login("viewer")
    page = client.get("/ledgers/car_trips")
    assert page.status_code == 200 and "公车使用登记" in page.text and "broken-rules" not in page.text
