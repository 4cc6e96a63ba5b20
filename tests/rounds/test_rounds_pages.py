"""The round pages (催报) and 我的待办: open from the form, the per-unit tables, report, 催报,
close, printable; a unit's user sees and reports only its own unit's items."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.db.models import entries
from core.db.roundtables import round_reminders
from core.settings import local_today
from tests.scoping import A, B, SECRET, UNIT_RULES, setup
from tests.web.conftest import csrf_from

DUE = (local_today() + dt.timedelta(days=10)).isoformat()
PASSWORDS = {"admin": "admin-password", "a_editor": "password-a", "b_editor": "password-b", "a_viewer": "password-v"}


@pytest.fixture
def people(db, users):
    return setup(db, UNIT_RULES)


@pytest.fixture
def signed(app, people):
    def sign_in(name):
        client = app.test_client()  # one browser per user
        token = csrf_from(client.get("/login").text)
        r = client.post("/login", data={"name": name, "password": PASSWORDS[name], "csrf_token": token})
        assert r.status_code == 302, r.text
        return client
    return sign_in


def open_from_form(client, **over):
    page = client.get("/ledgers/scoped/rounds")
    form = {"csrf_token": csrf_from(page.text), "title": "12月进展填报", "due": DUE,
            "filter": "status=办理中", "fields": ["score"], "repeat": "", "repeat_day": "", **over}
    return client.post("/ledgers/scoped/rounds", data=form)


def ids(db):
    with db.read() as conn:
        return {r.data["code"]: r.id for r in conn.execute(select(entries.c.id, entries.c.data))
                if "code" in (r.data or {})}


def test_an_admin_opens_a_round_from_the_form_and_sees_each_unit(signed, db):
    client = signed("admin")
    assert "催报" in client.get("/ledgers/scoped").text  # the ledger page links to the rounds
    r = open_from_form(client)
    assert r.status_code == 302
    page = client.get(r.headers["Location"])
    assert page.status_code == 200
    assert "12月进展填报" in page.text and A in page.text and B in page.text and SECRET in page.text
    assert "一键催报未报单位" in page.text and "data-print" in page.text
    assert "共 3 项，已报 0 项" in page.text


@pytest.mark.parametrize("over, message", [
    ({"due": "2026-02-30"}, "不是有效的日期"), ({"fields": ["nope"]}, "不在台帐"),
    ({"filter": "nope=1"}, "筛选条件有误"), ({"repeat": "month", "repeat_day": "40"}, "重复应为"),
    ({"title": ""}, "标题"),
])
def test_bad_form_input_is_shown_with_a_422(signed, over, message):
    r = open_from_form(signed("admin"), **over)
    assert r.status_code == 422 and message in r.text


def test_a_unit_editor_sees_and_reports_only_its_own_items(signed, db):
    admin = signed("admin")
    location = open_from_form(admin).headers["Location"]
    client = signed("a_editor")
    assert client.get("/ledgers/scoped/rounds").status_code == 200
    page = client.get(location)
    assert A in page.text and SECRET not in page.text and B not in page.text
    assert "一键催报未报单位" not in page.text  # not one who may define the ledger
    found = ids(db)
    r = client.post(f"{location}/items/{found['A-1']}",
                    data={"csrf_token": csrf_from(page.text), "f_score": "8", "note": "推进中", "version": "1"})
    assert r.status_code == 302
    page = client.get(location)
    assert "推进中" in page.text and "已报 1 项" in page.text
    bad = client.post(f"{location}/items/{found['B-1']}", data={"csrf_token": csrf_from(page.text), "f_score": "8"})
    assert bad.status_code == 404
    invalid = client.post(f"{location}/items/{found['A-2']}", data={"csrf_token": csrf_from(page.text), "f_score": "x"})
    assert invalid.status_code == 302 and "已报 1 项" in client.get(location).text


def test_a_viewer_gets_no_report_form(signed):
    location = open_from_form(signed("admin")).headers["Location"]
    page = signed("a_viewer").get(location)
    assert page.status_code == 200 and "<summary>填报" not in page.text


def test_remind_and_close_from_the_page(signed, db):
    client = signed("admin")
    location = open_from_form(client).headers["Location"]
    page = client.get(location)
    r = client.post(f"{location}/remind", data={"csrf_token": csrf_from(page.text)})
    assert r.status_code == 302
    page = client.get(location)
    assert "已催报 1 次" in page.text
    with db.read() as conn:
        assert sorted(conn.execute(select(round_reminders.c.unit)).scalars()) == sorted([A, B])
    client.post(f"{location}/close", data={"csrf_token": csrf_from(page.text)})
    page = client.get(location)
    assert "已结束" in page.text and "一键催报未报单位" not in page.text


def test_my_tasks_page_and_the_counts(signed):
    client = signed("admin")
    open_from_form(client)
    client = signed("a_editor")
    page = client.get("/tasks")
    assert page.status_code == 200 and "甲事项一" in page.text and SECRET not in page.text
    assert "待填报的催报事项" in page.text and "task-count" in page.text
    index = client.get("/")
    assert "我的待办：" in index.text


def test_print_css_hides_the_forms_of_a_round(client):
    css = client.get("/static/css/print.css").text
    assert ".round-report" in css and ".round-actions" in css
