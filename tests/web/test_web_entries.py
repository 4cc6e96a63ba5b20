"""New, edit and delete through the forms: validation, child tables, conflicts, CSRF, roles."""
from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core.entries import query
from core.entries import store
from core.access.policy import SYSTEM
from core.db.models import revisions

NEW = "/ledgers/supervision/new"


def valid_supervision(**overrides):
    data = {"content": "推进城南片区改造", "source": "专题会议纪要", "unit": "区住建局",
            "deadline": "2030-06-30", "status": "立项", "progress": "30", "co_units": ["城关街道", "区财政局"],
            "revisit": "y", "leader": "张建国"}
    data.update(overrides)
    return [(k, v) for k, value in data.items() for v in (value if isinstance(value, list) else [value])]


def test_new_form_renders_every_kind(login, client):
    login("editor")
    page = client.get(NEW).text
    assert '<textarea' in page and 'id="content"' in page                       # textarea
    assert 'type="date"' in page and 'id="deadline"' in page                    # date picker
    assert '<select' in page and 'id="unit"' in page and "请选择" in page        # select for an enum
    assert 'type="radio"' in page and 'name="status"' in page                   # radio (x-widget)
    assert 'type="checkbox"' in page and 'name="co_units"' in page              # checkboxes for array of enum
    assert 'type="number"' in page and 'id="progress"' in page                  # integer
    assert 'id="revisit"' in page                                               # boolean
    assert 'id="progress_notes"' in page and "progress_notes-0-note" in page    # child table + blank row
    assert "progress_notes-__index__-note" in page and "添加一行" in page       # row template for JS
    assert 'value="立项" checked' in page and 'value="0"' in page               # defaults pre-filled
    assert "交办事项的具体内容" in page                                          # description as help
    assert page.count('aria-required="true"') >= 4 and "必填" in page           # required marked
    assert "<script>" not in page                                               # no inline scripts


def test_group_money_and_readonly(login, client, db):
    login("editor")
    page = client.get("/ledgers/fixed_assets/new").text
    assert '<fieldset class="group" id="vehicle">' in page and 'name="vehicle-plate_no"' in page
    assert 'step="0.01"' in page  # money


def test_create_entry_through_the_form(login, client, post_form, db):
    login("editor")
    response = post_form(NEW, valid_supervision(**{"progress_notes-0-date": "2030-01-02",
                                                   "progress_notes-0-note": "已召开协调会",
                                                   "progress_notes-1-note": ""}))
    assert response.status_code == 302
    entry_id = int(response.headers["Location"].rsplit("/", 1)[1])
    entry = query.get_entry(db, SYSTEM, "supervision", entry_id)
    assert entry["data"] == {"content": "推进城南片区改造", "source": "专题会议纪要", "unit": "区住建局",
                             "co_units": ["城关街道", "区财政局"], "leader": "张建国",
                             "deadline": "2030-06-30", "status": "立项", "progress": 30,
                             "revisit": True,
                             "progress_notes": [{"date": "2030-01-02", "note": "已召开协调会"}]}
    page = client.get(response.headers["Location"]).text
    assert "已新建记录" in page and "推进城南片区改造" in page


def test_invalid_submission_shows_chinese_errors_beside_fields_and_keeps_values(login, client, post_form, db):
    login("editor")
    before = query.list_entries(db, SYSTEM, "supervision")["total"]
    response = post_form(NEW, valid_supervision(content="", progress="abc", deadline="2030-02-30",
                                                leader="李四<b>"))
    assert response.status_code == 422
    html = response.text
    assert 'id="content-error"' in html and "必填" in html
    assert re.search(r'id="progress".*?aria-invalid="true"', html, re.S) or \
        re.search(r'aria-invalid="true"[^>]*id="progress"', html)
    assert "应为整数" in html and 'value="abc"' in html                         # typed value kept
    assert "应为有效日期" in html
    assert 'value="李四&lt;b&gt;"' in html                                      # kept, escaped
    assert re.search(r'<option selected value="区住建局">', html)
    assert 'value="城关街道" checked' in html
    assert "有 3 处需要修改" in html and 'href="#progress"' in html
    assert query.list_entries(db, SYSTEM, "supervision")["total"] == before


def test_child_table_rows_and_cell_errors(login, client, post_form, db):
    login("editor")
    url = "/ledgers/receptions/new"
    base = {"guest": "考察组", "visit_type": "考察", "arrival_on": "2030-05-01", "status": "筹备中",
            "guests": "12", "budget": "12,345.5"}
    rows = {"itinerary-0-time": "09:00", "itinerary-0-place": "产业园", "itinerary-0-content": "参观",
            "itinerary-3-time": "", "itinerary-3-place": "", "itinerary-3-content": "",   # blank: dropped
            "itinerary-7-time": "25:00", "itinerary-7-place": "会议室", "itinerary-7-content": ""}
    response = post_form(url, {**base, **rows})
    assert response.status_code == 422
    html = response.text
    # errors of the second kept row land on that row's cells (renumbered itinerary-2-*)
    assert 'id="itinerary-2-time-error"' in html and "格式不正确" in html
    assert 'id="itinerary-2-content-error"' in html
    assert 'value="会议室"' in html
    rows["itinerary-7-time"], rows["itinerary-7-content"] = "14:30", "座谈"
    response = post_form(url, {**base, **rows})
    assert response.status_code == 302
    entry = query.get_entry(db, SYSTEM, "receptions", response.headers["Location"].rsplit("/", 1)[1])
    assert entry["data"]["itinerary"] == [{"time": "09:00", "place": "产业园", "content": "参观"},
                                          {"time": "14:30", "place": "会议室", "content": "座谈"}]
    assert entry["data"]["budget"] == 12345.5 and entry["data"]["guests"] == 12


def test_required_child_table_missing(login, client, post_form):
    login("editor")
    response = post_form("/ledgers/receptions/new", {"guest": "考察组", "visit_type": "考察",
                                                     "arrival_on": "2030-05-01", "status": "筹备中"})
    assert response.status_code == 422
    assert 'id="itinerary-error"' in response.text


def test_missing_csrf_token_is_refused(login, client, db):
    login("editor")
    response = client.post(NEW, data=MultiDict(valid_supervision()))
    assert response.status_code == 400
    assert "安全令牌" in response.text and "Traceback" not in response.text
    assert query.list_entries(db, SYSTEM, "supervision")["total"] == 0


def test_viewer_sees_no_controls_and_cannot_write(login, client, csrf, supervision_entry, db):
    entry = supervision_entry()
    login("viewer")
    url = f"/ledgers/supervision/entries/{entry['id']}"
    page = client.get(url).text
    assert "/edit" not in page and "/delete" not in page
    assert "新建记录" not in client.get("/ledgers/supervision").text
    assert client.get(NEW).status_code == 403
    assert client.get(url + "/edit").status_code == 403
    token = csrf(page)
    response = client.post(NEW, data=MultiDict(valid_supervision() + [("csrf_token", token)]))
    assert response.status_code == 403 and "没有权限" in response.text
    response = client.post(url + "/edit", data=MultiDict(valid_supervision() + [("csrf_token", token), ("_version", "1")]))
    assert response.status_code == 403
    response = client.post(url + "/delete", data={"csrf_token": token, "_version": "1"})
    assert response.status_code == 403
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["version"] == 1


def test_edit_prefills_saves_and_records_history(login, client, post_form, supervision_entry, db):
    entry = supervision_entry(progress=20)
    login("editor")
    url = f"/ledgers/supervision/entries/{entry['id']}/edit"
    page = client.get(url).text
    assert 'value="完成老旧小区改造立项"' not in page and "完成老旧小区改造立项</textarea>" in page
    assert 'name="_version" value="1"' in page and 'value="20"' in page
    response = post_form(url, valid_supervision(content="完成老旧小区改造立项", progress="80") + [("_version", "1")])
    assert response.status_code == 302
    stored = query.get_entry(db, SYSTEM, "supervision", entry["id"])
    assert stored["version"] == 2 and stored["data"]["progress"] == 80
    history = client.get(f"/ledgers/supervision/entries/{entry['id']}").text.split("修改记录", 1)[1]
    assert "editor" in history and "进度(%)" in history and ">20<" in history and ">80<" in history


def test_stale_edit_shows_both_versions_and_overwrites_nothing(login, client, post_form, supervision_entry, db):
    entry = supervision_entry(progress=20)
    login("editor")
    url = f"/ledgers/supervision/entries/{entry['id']}/edit"
    store.update_entry(db, SYSTEM, "supervision", entry["id"], {**entry["data"], "progress": 50}, 1)
    response = post_form(url, valid_supervision(content="完成老旧小区改造立项", progress="90") + [("_version", "1")])
    assert response.status_code == 409
    html = response.text
    assert "他人已先保存" in html and "system" in html
    conflict = html.split('class="conflict"', 1)[1].split("</section>", 1)[0]
    assert "进度(%)" in conflict and ">90<" in conflict and ">50<" in conflict
    assert 'value="90"' in html  # what this user typed is still in the form
    assert 'name="_version" value="2"' in html
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]["progress"] == 50
    # saving again, now knowingly against version 2, goes through
    response = post_form(url, valid_supervision(content="完成老旧小区改造立项", progress="90") + [("_version", "2")])
    assert response.status_code == 302
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]["progress"] == 90


def test_delete_with_confirmation(login, client, csrf, supervision_entry, db):
    entry = supervision_entry()
    login("editor")
    url = f"/ledgers/supervision/entries/{entry['id']}/delete"
    page = client.get(url)
    assert page.status_code == 200 and "确认删除" in page.text
    response = client.post(url, data={"csrf_token": csrf(page.text), "_version": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/ledgers/supervision"
    assert "已删除记录" in client.get("/ledgers/supervision").text
    assert client.get(f"/ledgers/supervision/entries/{entry['id']}").status_code == 404
    with db.read() as conn:  # the history says the page deleted it, not the API
        source = conn.execute(select(revisions.c.source).where(revisions.c.entry_id == entry["id"],
                                                               revisions.c.action == "delete")).scalar_one()
    assert source == "web"


def test_stale_delete_deletes_nothing(login, client, csrf, supervision_entry, db):
    entry = supervision_entry()
    login("editor")
    url = f"/ledgers/supervision/entries/{entry['id']}/delete"
    token = csrf(client.get(url).text)
    store.update_entry(db, SYSTEM, "supervision", entry["id"], {**entry["data"], "progress": 50}, 1)
    response = client.post(url, data={"csrf_token": token, "_version": "1"})
    assert response.status_code == 409 and "未删除" in response.text
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["version"] == 2


def test_edit_keeps_fields_retired_from_the_definition(login, client, post_form, db, supervision_entry):
    from core.db.models import entries
    from sqlalchemy import update
    entry = supervision_entry()
    with db.write() as conn:
        conn.execute(update(entries).where(entries.c.id == entry["id"]).values(
            data={**entry["data"], "old_field": "旧值"}))
    login("editor")
    url = f"/ledgers/supervision/entries/{entry['id']}/edit"
    assert "旧值" in client.get(f"/ledgers/supervision/entries/{entry['id']}").text
    response = post_form(url, valid_supervision(content="完成老旧小区改造立项") + [("_version", "1")])
    assert response.status_code == 302
    assert query.get_entry(db, SYSTEM, "supervision", entry["id"])["data"]["old_field"] == "旧值"


def test_entry_pages_answer_only_plain_ascii_ids(login, client, db):
    entry = store.create_entry(db, SYSTEM, "supervision", {
        "content": "完成方案", "source": "专题会议纪要", "unit": "区住建局", "deadline": "2026-12-31", "status": "立项"})
    login("admin")
    number = str(entry["id"])
    assert client.get(f"/ledgers/supervision/entries/{number}").status_code == 200
    for text in (f"+{number}", f"%20{number}", number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
                 f"0_{number}"):
        for page in ("", "/edit", "/delete"):
            response = client.get(f"/ledgers/supervision/entries/{text}{page}")
            assert response.status_code == 404, (text, page, response.status_code)
