"""The entry page's workflow buttons, the transition route and the progress-note form."""
from __future__ import annotations

import re

import pytest

from core import query
from core.access import SYSTEM
from core.settings import local_today


@pytest.fixture
def as_role(login, client, csrf):
    """Sign out whoever is signed in, then sign in as `role`."""
    def switch(role: str):
        if client.get("/").status_code == 200:
            client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
        return login(role)
    return switch


def page_of(entry) -> str:
    return f"/ledgers/supervision/entries/{entry['id']}"


def buttons(html: str) -> list[str]:
    block = html.split('class="workflow-steps"')[1].split("</div>")[0] if 'class="workflow-steps"' in html else ""
    return re.findall(r'<button type="submit"[^>]*>([^<]+)</button>', block)


def test_each_role_sees_the_steps_it_may_take(as_role, client, supervision_entry):
    entry = supervision_entry(status="已办结")
    as_role("viewer")
    assert buttons(client.get(page_of(entry)).text) == []
    as_role("editor")
    assert buttons(client.get(page_of(entry)).text) == []  # 退回 is the admins'
    as_role("admin")
    html = client.get(page_of(entry)).text
    assert buttons(html) == ["退回"] and 'name="to" value="办理中"' in html
    assert f'<h1>督查督办台帐 · {entry["number"]}</h1>' in html


def test_a_step_from_the_page_saves_the_status_and_shows_in_the_history(as_role, client, post_form, db,
                                                                       supervision_entry):
    entry = supervision_entry(status="交办")
    as_role("editor")
    url = page_of(entry)
    response = post_form(url, {"to": "办理中", "_version": "1"}, action=url + "/transition")
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    saved = query.get_entry(db, SYSTEM, "supervision", entry["id"])
    assert saved["data"]["status"] == "办理中" and saved["version"] == 2
    html = client.get(url).text
    assert "交办 → 办理中（开始办理）" in html and buttons(html) == ["办结"]


def test_a_step_the_role_may_not_take_is_refused_in_chinese(as_role, client, post_form, db, supervision_entry):
    entry = supervision_entry(status="立项", progress=100, completed_on="2030-06-01")  # the rules would let it be done
    as_role("editor")
    url = page_of(entry)
    response = post_form(url, {"to": "交办", "_version": "1"}, action=url + "/transition")
    assert response.status_code == 422 and "状态：只有管理员可以“交办”" in response.text
    skipped = post_form(url, {"to": "已办结", "_version": "1"}, action=url + "/transition")
    assert skipped.status_code == 422 and "状态：不能从“立项”直接改为“已办结”" in skipped.text
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["version"] == 1


def test_the_transition_needs_csrf_a_writer_and_the_current_version(as_role, client, post_form, db,
                                                                   supervision_entry):
    entry = supervision_entry(status="交办")
    url = page_of(entry)
    as_role("viewer")
    assert post_form(url, {"to": "办理中", "_version": "1"}, action=url + "/transition").status_code == 403
    as_role("editor")
    assert client.post(url + "/transition", data={"to": "办理中", "_version": "1"}).status_code == 400  # no CSRF
    stale = post_form(url, {"to": "办理中", "_version": "7"}, action=url + "/transition")
    assert stale.status_code == 409 and "已被他人修改" in stale.text
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["version"] == 1


def test_a_progress_note_from_the_page_is_appended_and_shown_newest_first(as_role, client, post_form, db,
                                                                         supervision_entry):
    entry = supervision_entry(status="办理中", progress_notes=[{"date": "2030-01-02", "note": "已召开协调会"}])
    as_role("editor")
    url = page_of(entry)
    html = client.get(url).text
    assert f'name="date" value="{local_today().isoformat()}"' in html
    response = post_form(url, {"date": "2030-02-01", "note": "完成方案初稿", "_version": "1"}, action=url + "/notes")
    assert response.status_code == 302
    saved = query.get_entry(db, SYSTEM, "supervision", entry["id"])
    assert saved["data"]["progress_notes"] == [{"date": "2030-01-02", "note": "已召开协调会"},
                                               {"date": "2030-02-01", "note": "完成方案初稿", "reporter": "editor"}]
    assert saved["version"] == 2
    html = client.get(url).text
    timeline = html.split('class="timeline"')[1].split("</section>")[0]
    assert timeline.index("完成方案初稿") < timeline.index("已召开协调会") and "— editor" in timeline
    empty = post_form(url, {"date": "2030-02-02", "note": " ", "_version": "2"}, action=url + "/notes")
    assert empty.status_code == 422 and "请填写进展内容" in empty.text
    bad = post_form(url, {"date": "2030-13-40", "note": "x", "_version": "2"}, action=url + "/notes")
    assert bad.status_code == 422 and "日期" in bad.text
    as_role("viewer")
    assert 'action="' + url + '/notes"' not in client.get(url).text


def test_the_list_shows_the_ledger_number(as_role, client, supervision_entry):
    entry = supervision_entry()
    as_role("viewer")
    html = client.get("/ledgers/supervision").text
    assert f'>{entry["number"]}</a>' in html and entry["number"].startswith("督〔")


def test_the_done_step_fills_in_what_the_rules_ask_and_sending_back_clears_the_date(
        as_role, client, post_form, db, supervision_entry):
    """办结 on an item at 40 % with no completion date: the step sets 进度 100 and 办结日期 today
    (declared in the transition's `set`), so the ledger's rules accept it; 退回 clears the date."""
    entry = supervision_entry(status="办理中", progress=40)
    as_role("editor")
    url = page_of(entry)
    response = post_form(url, {"to": "已办结", "_version": "1"}, action=url + "/transition")
    assert response.status_code == 302, response.text
    done = query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]
    assert (done["status"], done["progress"], done["completed_on"]) == ("已办结", 100, local_today().isoformat())
    as_role("admin")
    response = post_form(url, {"to": "办理中", "_version": "2"}, action=url + "/transition")
    assert response.status_code == 302, response.text
    back = query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]
    assert back["status"] == "办理中" and "completed_on" not in back and back["progress"] == 100
