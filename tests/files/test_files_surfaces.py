"""Attachments in every surface: exports list names (XLSX links), imports leave them alone,
a ledger's files as one ZIP, `files clean`."""
from __future__ import annotations

import datetime as dt
import io
import os
import time
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from core.access import accounts
from core.access.policy import SYSTEM
from core.entries.query import get_ledger
from core.db.models import files
from tests.files import samples
from tests.files.samples import PDF, png
from tests.files.test_files_api import attach, blob_files, entry_id, stored, upload


@pytest.fixture
def h(db):
    samples.setup(db)
    cache = {}

    def header(user: str) -> dict:
        if user not in cache:
            cache[user] = {"Authorization": f"Bearer {accounts.issue_token(db, user)}"}
        return cache[user]
    return header


@pytest.fixture
def attached(client, h):
    """A-1 (甲科) holds 预案.pdf and 照片.png; B-1 (乙科) holds 乙科机密.pdf."""
    ids = [upload(client, h("a_editor"), PDF, "预案.pdf").get_json()["id"],
           upload(client, h("a_editor"), png(), "照片.png").get_json()["id"]]
    assert attach(client, h("a_editor"), "A-1", ids).status_code == 200
    secret = upload(client, h("b_editor"), PDF + b"b", "乙科机密.pdf").get_json()["id"]
    assert attach(client, h("b_editor"), "B-1", [secret]).status_code == 200
    return ids, secret


def test_csv_export_lists_the_file_names(client, h, attached):
    text = client.get("/api/v1/ledgers/scoped/export.csv", headers=h("a_editor")).data.decode("utf-8-sig")
    assert "附件" in text.splitlines()[0]
    assert "预案.pdf、照片.png" in text and attached[0][0] not in text
    assert "乙科机密.pdf" not in text  # out of the exporter's scope


def test_xlsx_export_links_each_cell_to_its_file(client, h, attached):
    data = client.get("/api/v1/ledgers/scoped/export.xlsx", headers=h("a_editor")).data
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    column = headers.index("附件") + 1
    cells = [row[column - 1] for row in sheet.iter_rows(min_row=2)]
    linked = [c for c in cells if c.value]
    assert [c.value for c in linked] == ["预案.pdf、照片.png"]
    assert linked[0].hyperlink.target == f"http://localhost/api/v1/files/{attached[0][0]}"


def test_an_import_leaves_file_fields_alone_with_a_warning(client, h, attached, db):
    csv = "编号,事项,承办单位,附件\r\nA-1,甲事项一（改）,甲科,伪造.pdf\r\nA-8,新事项,甲科,x.pdf\r\n".encode("utf-8")
    answer = client.post("/api/v1/ledgers/scoped/import?upsert=1", headers=h("a_editor"),
                         content_type="multipart/form-data", data={"file": (io.BytesIO(csv), "in.csv")})
    assert answer.status_code in (200, 201), answer.get_json()
    warnings = "；".join(answer.get_json()["warnings"])
    assert "附件字段" in warnings and "附件" in warnings
    eid, _ = entry_id(client, h("a_editor"), "A-1")
    entry = client.get(f"/api/v1/ledgers/scoped/entries/{eid}", headers=h("a_editor")).get_json()
    assert entry["data"]["name"] == "甲事项一（改）" and entry["data"]["docs"] == attached[0]
    new, _ = entry_id(client, h("a_editor"), "A-8")
    assert "docs" not in client.get(f"/api/v1/ledgers/scoped/entries/{new}", headers=h("a_editor")).get_json()["data"]


def test_the_import_template_has_no_file_column(client, h):
    text = client.get("/api/v1/ledgers/scoped/template.csv", headers=h("a_editor")).data.decode("utf-8-sig")
    assert "附件" not in text.splitlines()[0] and "图纸" not in text.splitlines()[0]


def test_the_zip_holds_the_files_of_the_entries_in_scope_with_safe_chinese_paths(client, h, attached, db):
    extra = upload(client, h("a_editor"), PDF + b"x", "../../预案.pdf").get_json()["id"]
    assert attach(client, h("a_editor"), "A-2", [extra]).status_code == 200
    answer = client.get("/api/v1/ledgers/scoped/files.zip", headers=h("a_editor"))
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert "filename*=UTF-8''" in answer.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.data)) as zf:
        names = zf.namelist()
        assert all(not n.startswith(("/", "..")) and "/../" not in n for n in names)
        assert len(names) == 3 and any(n.endswith("/附件/预案.pdf") for n in names)
        assert any(n.endswith("/附件/照片.png") for n in names)
        assert not any("乙科机密" in n for n in names)
        assert zf.read(next(n for n in names if n.endswith("照片.png"))) == png()
        assert all(info.flag_bits & 0x800 for info in zf.infolist())  # names in UTF-8
    assert client.get("/api/v1/ledgers/scoped/files.zip").status_code == 401
    outside = client.get("/api/v1/ledgers/scoped/files.zip", headers=h("nounit"))  # a unit scope, no unit
    assert outside.status_code == 200 and zipfile.ZipFile(io.BytesIO(outside.data)).namelist() == []


def test_clean_removes_only_what_no_entry_holds(app, client, h, attached, runner, db):
    fresh = upload(client, h("a_editor"), PDF + b"fresh", "刚上传.pdf").get_json()["id"]
    stale = upload(client, h("a_editor"), PDF + b"stale", "旧上传.pdf").get_json()
    removed_from_entry = attached[0][0]
    assert attach(client, h("a_editor"), "A-1", attached[0][1:]).status_code == 200  # 预案.pdf taken off
    eid, version = entry_id(client, h("b_editor"), "B-1")
    assert client.delete(f"/api/v1/ledgers/scoped/entries/{eid}",
                         headers={**h("b_editor"), "If-Match": str(version)}).status_code == 204
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)
    with db.write() as conn:
        conn.execute(update(files).where(files.c.id == stale["id"]).values(uploaded_at=long_ago))
    for path in blob_files(app):
        os.utime(path, (time.time() - 3 * 86400,) * 2)
    before = stored(db)
    result = runner.invoke(args=["files", "clean"])
    assert result.exit_code == 0, result.output
    assert "已删除 1 个未被引用的附件记录、1 个文件" in result.output
    assert stored(db) == before - 1
    with db.read() as conn:
        left = set(conn.execute(select(files.c.id)).scalars())
    assert stale["id"] not in left and {fresh, removed_from_entry, attached[1]} <= left
    assert not any(p.name == stale["sha256"] for p in blob_files(app))
    assert client.get(f"/api/v1/files/{removed_from_entry}", headers=h("a_viewer")).status_code == 200
    again = runner.invoke(args=["files", "clean"])
    assert "已删除 0 个未被引用的附件记录、0 个文件" in again.output


def test_the_shipped_ledgers_declare_their_file_fields(db):
    expected = {"emergency_plans": "预案文件", "supervision": "批示件", "repairs": "照片", "fixed_assets": "发票"}
    for key, field_title in expected.items():
        _, definition = get_ledger(db, SYSTEM, key)
        assert [f.title for f in definition.fields if f.type.holds_files] == [field_title], key


def test_the_demo_attaches_a_few_generated_files(app, runner, db, client, tokens):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert stored(db) == 4
    header = {"Authorization": f"Bearer {tokens['viewer']}"}
    plans = client.get("/api/v1/ledgers/emergency_plans/entries?_size=500", headers=header).get_json()["items"]
    [plan_file] = next(e for e in plans if e["data"].get("plan_files"))["data"]["plan_files"]
    served = client.get(f"/api/v1/files/{plan_file}", headers=header)
    assert served.status_code == 200 and served.data.startswith(b"%PDF-") and served.data.rstrip().endswith(b"%%EOF")
    photos = client.get("/api/v1/ledgers/repairs/entries?_size=500", headers=header).get_json()["items"]
    assert sum(len(e["data"].get("photos", [])) for e in photos) == 2
