"""The admin pages of the catalogue: a ledger from a spreadsheet (a draft, then the designer) and
the manage page (order, archive with a confirmation, restore); staff never see them."""
from __future__ import annotations

import io
import re

import pytest

from core.ledgers import drafts
from core.access.policy import SYSTEM
from tests.core.test_proposal import csv_bytes, sample_rows
from tests.tabular.test_office_sheets import HEADERS as OFFICE_HEADERS, office_xlsx
from tests.web.conftest import csrf_from


def upload(post_form, body, name="督查台帐2025.csv", **form):
    return post_form("/designer/from-sheet", {"file": (io.BytesIO(body), name), **form},
                     content_type="multipart/form-data")


def test_an_upload_becomes_a_draft_and_opens_the_designer(login, client, post_form, db):
    login("admin")
    page = client.get("/designer/from-sheet")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text and 'name="key"' in page.text
    response = upload(post_form, csv_bytes(sample_rows()), title="督查台帐（去年）", key="last_year")
    assert response.status_code == 302 and response.headers["Location"].endswith("/designer/last_year")
    draft = drafts.get_draft(db, SYSTEM, "last_year")
    assert draft["document"]["title"] == "督查台帐（去年）"
    assert [p["title"] for p in draft["document"]["properties"].values()] == sample_rows()[0]
    flashed = client.get("/").text
    assert "/ledgers/last_year/import" in flashed and "发布" in flashed


def test_a_taken_key_is_refused_with_a_message(login, post_form, db):
    login("admin")
    refused = upload(post_form, csv_bytes(sample_rows(3)), key="supervision")
    assert refused.status_code == 422 and "已被台帐" in refused.text
    drafts.save_draft(db, SYSTEM, "mine", {"title": "草稿"})
    refused = upload(post_form, csv_bytes(sample_rows(3)), key="mine")
    assert refused.status_code == 422 and "草稿" in refused.text
    assert drafts.get_draft(db, SYSTEM, "mine")["document"] == {"title": "草稿"}, "the draft is kept"


def test_a_bad_file_is_shown_on_the_page(login, post_form):
    login("admin")
    response = upload(post_form, "名称,名称\r\n甲,乙".encode())
    assert response.status_code == 422 and "表头都是“名称”" in response.text
    response = upload(post_form, b"%PDF-1.4", name="a.pdf")
    assert response.status_code == 415


def test_the_upload_needs_csrf(login, client):
    login("admin")
    response = client.post("/designer/from-sheet", data={"file": (io.BytesIO(b"a\r\n1"), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_staff_may_not_use_the_admin_pages(login, client, role):
    login(role)
    assert client.get("/designer/from-sheet").status_code == 403
    assert client.get("/ledgers/manage").status_code == 403
    assert "/ledgers/manage" not in client.get("/").text


def test_manage_orders_the_index_page(login, client, post_form):
    login("admin")
    page = client.get("/ledgers/manage")
    assert page.status_code == 200 and "上移" in page.text and "下移" in page.text
    assert "/ledgers/manage" in client.get("/").text, "the index links the manage page for admins"
    titles_before = _index_titles(client)
    last = titles_before[-1]
    key = _key_of(client, last)
    response = post_form("/ledgers/manage", {"key": key, "action": "up"})
    assert response.status_code == 302
    after = _index_titles(client)
    assert after == titles_before[:-2] + [last, titles_before[-2]]


def test_archive_after_confirmation_hides_it_from_staff_and_restore_brings_it_back(login, client, post_form, users):
    login("admin")
    confirm = client.get("/ledgers/manage?confirm=supervision")
    assert "确认归档" in confirm.text
    assert post_form("/ledgers/manage", {"key": "supervision", "action": "archive"}).status_code == 302
    assert "督查督办台帐" not in client.get("/").text
    manage = client.get("/ledgers/manage").text
    assert "督查督办台帐" in manage and "已归档" in manage
    assert client.get("/ledgers/supervision").status_code == 200, "admins may still read it"
    assert client.get("/ledgers/supervision/new").status_code == 409
    refused = client.get("/ledgers/supervision/import")
    assert refused.status_code == 409 and "已归档" in refused.text

    client.post("/logout", data={"csrf_token": _token(client)})
    login("editor")
    assert "督查督办台帐" not in client.get("/").text
    for path in ("/ledgers/supervision", "/ledgers/supervision/new", "/ledgers/supervision/import",
                 "/ledgers/supervision/reports"):
        assert client.get(path).status_code == 404, path
    client.post("/logout", data={"csrf_token": _token(client)})

    login("admin")
    assert "确认恢复" in client.get("/ledgers/manage?confirm=supervision").text
    assert post_form("/ledgers/manage", {"key": "supervision", "action": "restore"}).status_code == 302
    assert "督查督办台帐" in client.get("/").text


def _token(client):
    return csrf_from(client.get("/").text)


def _index_titles(client):
    return re.findall(r'<h2><a href="/ledgers/[a-z0-9_]+">([^<]+)</a></h2>', client.get("/").text)


def _key_of(client, title):
    return re.search(r'<h2><a href="/ledgers/([a-z0-9_]+)">' + re.escape(title), client.get("/").text).group(1)


def test_an_office_sheet_proposes_from_its_real_header_and_names_what_it_skipped(login, client, post_form, db):
    """A merged title row above the headers and a 合计 row below: the page says it skipped them."""
    login("admin")
    response = upload(post_form, office_xlsx(), name="督查台帐.xlsx", key="office_items")
    assert response.status_code == 302
    draft = drafts.get_draft(db, SYSTEM, "office_items")
    assert [p["title"] for p in draft["document"]["properties"].values()] == OFFICE_HEADERS
    page = client.get(response.headers["Location"]).text
    assert "表头在第 2 行，其上的标题行已跳过" in page and "第 7 行是合计行（“合计”），已跳过，未导入" in page
