"""The entry page's workflow buttons, the transition route and the progress-note form."""
from __future__ import annotations

import re

import pytest

from core.entries import query
from core.access.policy import SYSTEM
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
    response = post_form(url, {"to": "已办结", "_version": "1", "_confirm": "已办结"}, action=url + "/transition")
    assert response.status_code == 302, response.text
    done = query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]
    assert (done["status"], done["progress"], done["completed_on"]) == ("已办结", 100, local_today().isoformat())
    as_role("admin")
    response = post_form(url, {"to": "办理中", "_version": "2", "_confirm": "办理中"}, action=url + "/transition")
    assert response.status_code == 302, response.text
    back = query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]
    assert back["status"] == "办理中" and "completed_on" not in back and back["progress"] == 100


# --- the edit form and the workflow (issue 15, item 3) ------------------------------------

def offered(html: str) -> list[str]:
    """The 状态 radios the form offers."""
    return re.findall(r'name="status"\s+value="([^"]+)"', html)


def form_of(html: str) -> dict:
    """What the edit form would post as it stands (text inputs, checked radios, textareas)."""
    form = html.split('class="entry-form"', 1)[1].split("</form>", 1)[0]
    values = {}
    for tag in re.findall(r"<input[^>]*>", form, re.S):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if not name or "__index__" in name.group(1) or name.group(1) == "csrf_token":
            continue
        if ('type="radio"' in tag or 'type="checkbox"' in tag) and "checked" not in tag:
            continue
        values[name.group(1)] = value.group(1) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = text.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = [re.search(r'value="([^"]*)"', o).group(1) for o in re.findall(r"<option[^>]*>", options)
                  if "selected" in o]
        if chosen and "__index__" not in name:
            values[name] = chosen[0]
    return values


@pytest.mark.parametrize("role,state,states", [
    ("editor", "立项", ["立项"]), ("admin", "立项", ["立项", "交办"]), ("editor", "交办", ["交办", "办理中"]),
    ("editor", "已办结", ["已办结"]), ("admin", "已办结", ["办理中", "已办结"]),
])
def test_the_edit_form_offers_the_current_state_and_the_steps_of_its_user(as_role, client, supervision_entry,
                                                                         role, state, states):
    entry = supervision_entry(status=state)
    as_role(role)
    html = client.get(page_of(entry) + "/edit").text
    assert offered(html) == states
    assert f'value="{state}" checked' in html


def test_a_new_item_offers_the_initial_state_and_says_who_acts_next(as_role, client, post_form, db):
    as_role("editor")
    html = client.get("/ledgers/supervision/new").text
    assert offered(html) == ["立项"] and "保存后：待管理员交办" in html
    data = {"content": "新事项", "source": "专题会议纪要", "unit": "区住建局", "deadline": "2030-06-30",
            "status": "立项", "progress": "0"}
    response = post_form("/ledgers/supervision/new", data)
    assert response.status_code == 302, response.text
    page = client.get(response.headers["Location"]).text
    assert "下一步：待管理员交办" in page and buttons(page) == []
    as_role("admin")
    page = client.get(response.headers["Location"]).text
    assert "下一步：待管理员交办" in page and buttons(page) == ["交办"]


def test_a_refused_save_keeps_every_other_change_with_the_error_at_the_state(as_role, client, post_form, db,
                                                                            supervision_entry):
    entry = supervision_entry(status="立项")
    as_role("editor")
    url = page_of(entry) + "/edit"
    typed = {**form_of(client.get(url).text), "content": "改写后的工作内容", "leader": "张副区长",
             "remarks": "备注也改了", "status": "交办"}  # a state the form does not offer (an admin's page)
    response = post_form(url, typed)
    assert response.status_code == 422
    html = response.text
    assert "状态：只有管理员可以“交办”" in html and 'href="#status"' in html
    kept = form_of(html)
    assert (kept["content"], kept["leader"], kept["remarks"]) == ("改写后的工作内容", "张副区长", "备注也改了")
    assert offered(html) == ["立项"]
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["version"] == 1


def test_done_chosen_in_the_form_asks_first_then_saves_with_every_change(as_role, client, post_form, db,
                                                                        supervision_entry):
    entry = supervision_entry(status="办理中", progress=40)
    as_role("editor")
    url = page_of(entry) + "/edit"
    typed = {**form_of(client.get(url).text), "content": "改写后的工作内容", "status": "已办结"}
    asked = post_form(url, typed)
    assert asked.status_code == 200 and "确认“办结”？" in asked.text
    assert 'name="_confirm" value="已办结"' in asked.text and "确认办结并保存" in asked.text
    assert "改写后的工作内容" in asked.text and 'value="已办结" checked' in asked.text
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["version"] == 1, "nothing saved yet"
    confirmed = post_form(url, {**form_of(asked.text), "_confirm": "已办结"})
    assert confirmed.status_code == 302, confirmed.text
    saved = query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]
    assert (saved["status"], saved["content"], saved["progress"], saved["completed_on"]) == \
        ("已办结", "改写后的工作内容", 100, local_today().isoformat())  # as the 办结 button fills them in


def test_a_confirmed_step_refused_for_another_reason_is_not_asked_again(as_role, client, post_form, db,
                                                                       supervision_entry):
    entry = supervision_entry(status="办理中", progress=40)
    as_role("editor")
    url = page_of(entry) + "/edit"
    typed = {**form_of(client.get(url).text), "status": "已办结", "progress": "90", "_confirm": "已办结"}
    refused = post_form(url, typed)  # the rules: 已办结 is at 100 %
    assert refused.status_code == 422 and "进度应为 100%" in refused.text
    assert 'type="hidden" name="_confirm" value="已办结"' in refused.text and "确认“办结”？" not in refused.text
    assert post_form(url, {**form_of(refused.text), "progress": "100"}).status_code == 302


def test_done_and_back_on_the_entry_page_open_a_confirmation_first(as_role, client, post_form, db,
                                                                  supervision_entry):
    entry = supervision_entry(status="办理中", progress=40)
    url = page_of(entry)
    as_role("editor")
    html = client.get(url).text
    step_form = html.split('class="workflow-steps"')[1].split("</div>")[0]
    assert 'method="get"' in step_form and 'name="csrf_token"' not in step_form
    page = client.get(url + "/transition", query_string={"to": "已办结", "_version": "1"})
    assert page.status_code == 200 and "确认“办结”" in page.text and "进度(%) 填为 100" in page.text
    assert 'method="post"' in page.text and 'name="_confirm" value="已办结"' in page.text
    assert not re.search(r"\son[a-z]+=", page.text), "no inline script: the CSP forbids it"
    unconfirmed = post_form(url, {"to": "已办结", "_version": "1"}, action=url + "/transition")
    assert unconfirmed.status_code == 200 and "确认办结" in unconfirmed.text
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["version"] == 1, "nothing saved unconfirmed"
    done = post_form(url + "/transition?to=已办结&_version=1", {"to": "已办结", "_version": "1", "_confirm": "已办结"},
                     action=url + "/transition")
    assert done.status_code == 302 and query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]["status"] == "已办结"
    back = client.get(url + "/transition", query_string={"to": "办理中", "_version": "2"})
    assert back.status_code == 422 and "只有管理员可以“退回”" in back.text  # refused before any confirming
    as_role("admin")
    back = client.get(url + "/transition", query_string={"to": "办理中", "_version": "2"})
    assert back.status_code == 200 and "确认“退回”" in back.text and "办结日期 清空" in back.text
    as_role("viewer")
    assert client.get(url + "/transition", query_string={"to": "办理中"}).status_code == 403


def test_a_step_without_confirmation_stays_one_click(as_role, client, supervision_entry):
    entry = supervision_entry(status="交办")
    as_role("editor")
    html = client.get(page_of(entry)).text
    step_form = html.split('class="workflow-steps"')[1].split("</div>")[0]
    assert 'method="post"' in step_form and 'name="csrf_token"' in step_form
    assert "下一步：待管理员或编辑开始办理" in html
    assert client.get(page_of(entry) + "/transition?to=办理中").status_code == 302  # nothing to confirm
