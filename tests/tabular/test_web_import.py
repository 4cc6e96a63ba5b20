"""The import page: a form with CSRF, a JSON report for the XHR upload, a rendered one without JS."""
import io
import re

import pytest

from core.entries import query
from core.access.policy import SYSTEM

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
GOOD = "维修地点,设施类型,问题描述,报修日期,处理状态\r\n东院,供电,跳闸,2026/3/5,待处理\r\n".encode("gb18030")
BAD = GOOD + "西院,燃气,跳闸,2026-03-05,待处理\r\n".encode("gb18030")


@pytest.fixture
def page(app, client, users):
    token = CSRF_RE.search(client.get("/login").text).group(1)
    client.post("/login", data={"name": "editor", "password": "editor-password", "csrf_token": token})
    html = client.get("/ledgers/repairs/import").text
    return client, CSRF_RE.search(html).group(1), html


def post(client, token, body, xhr=True, **form):
    headers = {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"} if xhr else {}
    data = {"csrf_token": token, "file": (io.BytesIO(body), "台帐.csv"), **form}
    return client.post("/ledgers/repairs/import", data=data, headers=headers, content_type="multipart/form-data")


def test_page_has_form_templates_and_static_script(page):
    _, _, html = page
    assert 'enctype="multipart/form-data"' in html and "import.js" in html
    assert "/api/v1/ledgers/repairs/template.xlsx" in html
    assert "<script>" not in html  # the CSP forbids inline scripts


def test_dry_run_report_as_json_then_import(page, db):
    client, token, _ = page
    report = post(client, token, BAD, dry_run="1").get_json()
    assert (report["total"], report["invalid"]) == (2, 1)
    assert report["errors"][0]["row"] == 3 and report["errors"][0]["column"] == "设施类型"
    refused = post(client, token, BAD, dry_run="0")
    assert refused.status_code == 422 and query.get_ledger(db, SYSTEM, "repairs")[0]["entry_count"] == 0
    done = post(client, token, GOOD, dry_run="0")
    assert done.status_code == 201 and done.get_json()["created"] == 1
    entry = query.list_entries(db, SYSTEM, "repairs")["items"][0]
    assert entry["created_by"] == "editor"


def test_without_javascript_the_report_is_rendered(page):
    client, token, _ = page
    response = post(client, token, BAD, xhr=False, dry_run="1")
    assert response.status_code == 200
    assert "1 行有误" in response.text and "<td>3</td>" in response.text and "设施类型" in response.text


def test_without_csrf_token_is_refused(page):
    client, _, _ = page
    assert post(client, "wrong", GOOD, dry_run="1").status_code == 400


def test_not_a_spreadsheet_is_415(page):
    client, token, _ = page
    response = post(client, token, b"%PDF-1.4", dry_run="1")
    assert response.status_code == 415 and response.get_json()["error"]


def test_the_entry_history_says_the_state_came_with_the_import(page, db):
    client, token, _ = page
    text = ("工作内容,来源,承办单位,交办日期,完成时限,状态,进度(%),办结日期\r\n"
            "旧年事项,专题会议纪要,区财政局,2025-03-01,2025-06-01,已办结,100,2025-05-30\r\n")
    data = {"csrf_token": token, "file": (io.BytesIO(text.encode()), "去年.csv"), "dry_run": "0"}
    response = client.post("/ledgers/supervision/import", data=data, content_type="multipart/form-data",
                           headers={"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 201, response.get_json()
    entry = query.list_entries(db, SYSTEM, "supervision")["items"][0]
    html = client.get(f"/ledgers/supervision/entries/{entry['id']}").text
    assert '<p class="rev-step">状态“已办结”随导入带入</p>' in html
