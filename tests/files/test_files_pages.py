"""The entry form takes files (several, removable before saving), the entry page shows them."""
from __future__ import annotations

import io
import re

import pytest
from werkzeug.datastructures import MultiDict

from core.access.policy import SYSTEM
from core.definition.kinds import KINDS
from core.entries import query
from tests.files import samples
from tests.files.samples import HTML, PDF, png
from tests.web.conftest import csrf_from
from web.catalogue import designer_catalogue


@pytest.fixture
def editor(db, client):
    samples.setup(db)
    token = csrf_from(client.get("/login").text)
    assert client.post("/login", data={"name": "a_editor", "password": "password-a", "csrf_token": token}).status_code == 302
    return client


def post(client, page: str, fields: list, files: dict, with_csrf: bool = True):
    items = list(fields) + ([("csrf_token", csrf_from(client.get(page).text))] if with_csrf else [])
    data = MultiDict(items)
    for name, chosen in files.items():
        for content, filename in chosen:
            data.add(name, (io.BytesIO(content), filename))
    return client.post(page, data=data, content_type="multipart/form-data")


BASE = [("code", "A-7"), ("name", "带附件事项"), ("unit", "甲科")]


def saved(db) -> dict:
    page = query.list_entries(db, SYSTEM, "scoped", {"code": "A-7"})
    return page["items"][0]


def test_the_form_uploads_several_files_and_the_page_shows_them(editor, db):
    form = editor.get("/ledgers/scoped/new").text
    assert 'enctype="multipart/form-data"' in form and 'name="docs__upload"' in form and "multiple" in form
    answer = post(editor, "/ledgers/scoped/new", BASE, {"docs__upload": [(PDF, "预案.pdf"), (png(), "现场照片.png")]})
    assert answer.status_code == 302, answer.text
    entry = saved(db)
    first, second = entry["data"]["docs"]
    page = editor.get(f"/ledgers/scoped/entries/{entry['id']}").text
    assert "预案.pdf" in page and "现场照片.png" in page and "a_editor" in page and "PDF 文档" in page
    assert f'<img class="thumb" src="/api/v1/files/{second}"' in page
    assert editor.get(f"/api/v1/files/{second}").status_code == 200  # the same guarded route, by session
    # Untick the PDF: removed on saving, named in the history.
    edit = f"/ledgers/scoped/entries/{entry['id']}/edit"
    assert 'value="%s" checked' % first in editor.get(edit).text
    answer = post(editor, edit, BASE + [("_version", str(entry["version"])), ("docs", second)], {})
    assert answer.status_code == 302, answer.text
    assert saved(db)["data"]["docs"] == [second]
    page = editor.get(f"/ledgers/scoped/entries/{entry['id']}").text
    history = page[page.index('id="history-title"'):]
    assert re.search(r"预案\.pdf、现场照片\.png</td><td class=\"after\">现场照片\.png", history)


def test_a_refused_file_is_shown_at_its_field_and_nothing_is_saved(editor, db):
    answer = post(editor, "/ledgers/scoped/new", BASE, {"docs__upload": [(HTML, "通知.pdf")]})
    assert answer.status_code == 422 and "不接受" in answer.text
    assert query.list_entries(db, SYSTEM, "scoped", {"code": "A-7"})["items"] == []


def test_an_upload_without_the_csrf_token_is_refused(editor, db):
    answer = post(editor, "/ledgers/scoped/new", BASE, {"docs__upload": [(PDF, "预案.pdf")]}, with_csrf=False)
    assert answer.status_code == 400
    assert query.list_entries(db, SYSTEM, "scoped", {"code": "A-7"})["items"] == []


def test_the_list_page_offers_the_ledgers_files_as_a_zip(editor):
    page = editor.get("/ledgers/scoped").text
    assert 'href="/api/v1/ledgers/scoped/files.zip"' in page
    assert editor.get("/api/v1/ledgers/scoped/files.zip").status_code == 200


def test_the_designer_offers_every_kind_the_attachment_included(app):
    with app.test_request_context():
        titles = {k["name"]: k["label"] for k in designer_catalogue()["kinds"]}
    assert set(titles) == set(KINDS) and titles["file"] == "附件"
