"""我的待办 (GET /api/v1/tasks): per role and unit, within the ledger's scope for the user."""
from __future__ import annotations

import datetime as dt

import pytest

from core.access import accounts, units
from core.access.policy import SYSTEM
from core.entries import store
from core.settings import local_today
from tests.scoping import A, B, UNIT_RULES, setup

TODAY = local_today()


@pytest.fixture
def people(db, users):
    actors = setup(db, UNIT_RULES)
    return actors


@pytest.fixture
def tasks_of(client, db, people, tokens):
    issued = dict(tokens)

    def get(name):
        if name not in issued:
            issued[name] = accounts.issue_token(db, name)
        r = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {issued[name]}"})
        assert r.status_code == 200, r.text
        return r.get_json()
    return get


def labels(items):
    return set(i["label"] for i in items)


def test_round_items_of_my_unit_not_yet_reported(tasks_of, api, client, db):
    r = api("admin").post("/ledgers/scoped/rounds", json={
        "title": "本月填报", "due": (TODAY + dt.timedelta(days=5)).isoformat(), "filter": {"status": "办理中"},
        "fields": ["score"]})
    rid = r.get_json()["id"]
    mine = tasks_of("a_editor")
    assert labels(mine["rounds"]) == {"甲事项一", "甲事项二"} and mine["counts"]["rounds"] == 2
    assert mine["rounds"][0]["round"] == rid and mine["rounds"][0]["ledger"] == "scoped"
    assert labels(tasks_of("b_editor")["rounds"]) == {"乙科机密事项"}
    assert tasks_of("a_viewer")["rounds"] == [] and tasks_of("a_viewer")["total"] == 0  # a viewer has no work
    item = mine["rounds"][0]
    token = accounts.issue_token(db, "a_editor")
    client.post(f"/api/v1/ledgers/scoped/rounds/{rid}/items/{item['entry_id']}", json={"data": {"score": 9}},
                headers={"Authorization": f"Bearer {token}"})
    assert tasks_of("a_editor")["counts"]["rounds"] == 1
    api("admin").post(f"/ledgers/scoped/rounds/{rid}/close")
    assert tasks_of("a_editor")["counts"]["rounds"] == 0  # a closed round asks nothing


def test_deadlines_overdue_and_soon_of_my_unit_only(tasks_of, db):
    soon = (TODAY + dt.timedelta(days=3)).isoformat()
    far = (TODAY + dt.timedelta(days=30)).isoformat()
    store.create_entries(db, SYSTEM, "scoped", [
        {"code": "A-3", "name": "甲即将到期", "unit": A, "due": soon, "status": "办理中"},
        {"code": "A-4", "name": "甲还早", "unit": A, "due": far, "status": "办理中"},
        {"code": "A-5", "name": "甲已办结超期", "unit": A, "due": "2000-01-01", "status": "已办结"},
        {"code": "B-3", "name": "乙即将到期", "unit": B, "due": soon}])
    a = tasks_of("a_editor")["deadlines"]
    # A-1 overdue, A1-1 (a unit below A) overdue, A-3 due soon; not A-4 (far), A-5 (closed), nor B's
    assert labels(a) == {"甲一组事项", "甲即将到期", "甲事项一"}
    assert {i["label"]: i["overdue"] for i in a} == {"甲一组事项": True, "甲即将到期": False, "甲事项一": True}
    assert labels(tasks_of("b_editor")["deadlines"]) == {"乙即将到期", "乙科机密事项"}
    assert tasks_of("nounit")["deadlines"] == []  # no unit: no unit's work
    assert len(tasks_of("admin")["deadlines"]) == 5  # the supervision office: every unit


def test_workflow_steps_my_role_may_take(tasks_of, api, db, users):
    units.create_unit(db, SYSTEM, "zj", "区住建局")
    accounts.create_user(db, "zj_editor", "editor", "password-z", unit="zj")
    accounts.create_user(db, "zj_viewer", "viewer", "password-zv", unit="zj")
    far = (TODAY + dt.timedelta(days=60)).isoformat()
    base = {"source": "专题会议纪要", "deadline": far}
    store.create_entries(db, SYSTEM, "supervision", [
        {**base, "content": "住建立项", "unit": "区住建局", "status": "立项"},
        {**base, "content": "住建交办", "unit": "区住建局", "status": "交办"},
        {**base, "content": "住建办理中", "unit": "区住建局", "status": "办理中"},
        {**base, "content": "财政交办", "unit": "区财政局", "status": "交办"}])
    admin = tasks_of("admin")["steps"]
    assert labels(admin) == {"住建交办", "住建立项", "财政交办"}
    assert {i["label"]: i["step"] for i in admin}["住建立项"] == "交办"  # 待交办
    editor = tasks_of("zj_editor")["steps"]
    assert labels(editor) == {"住建交办"} and editor[0]["step"] == "开始办理"
    assert tasks_of("zj_viewer")["steps"] == []
    assert tasks_of("editor")["steps"] == []  # an editor without a unit


def test_tasks_need_a_token(client):
    assert client.get("/api/v1/tasks").status_code == 401
