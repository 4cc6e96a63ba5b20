"""POST /api/v1/files and GET /api/v1/files/<id>: the permission matrix, hostile uploads,
attaching ids to entries, storage by content hash, history."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.access import accounts
from core.db.models import files
from tests.files import samples
from tests.files.samples import HTML, LIMIT, PDF, SVG, png, zip_bomb


@pytest.fixture
def actors(db):
    return samples.setup(db)


@pytest.fixture
def h(db, actors):
    """h(user) -> the Authorization header of a new token of that user."""
    cache = {}

    def header(user: str) -> dict:
        if user not in cache:
            cache[user] = {"Authorization": f"Bearer {accounts.issue_token(db, user)}"}
        return cache[user]
    return header


def upload(client, headers, data: bytes, name: str = "方案.pdf", field: str = "docs", ledger: str = "scoped"):
    return client.post("/api/v1/files", headers=headers, content_type="multipart/form-data",
                       data={"ledger": ledger, "field": field, "file": (io.BytesIO(data), name)})


def entry_id(client, headers, code: str) -> tuple[int, int]:
    found = client.get(f"/api/v1/ledgers/scoped/entries?code={code}", headers=headers).get_json()["items"][0]
    return found["id"], found["version"]


def attach(client, headers, code: str, ids: list[str], field: str = "docs"):
    eid, version = entry_id(client, headers, code)
    return client.patch(f"/api/v1/ledgers/scoped/entries/{eid}", headers={**headers, "If-Match": str(version)},
                        json={field: ids})


def stored(db) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(files)).scalar_one()


def blob_files(app) -> list[Path]:
    root = Path(app.instance_path) / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_answers_201_with_the_metadata_and_the_bytes_by_hash(app, client, h):
    response = upload(client, h("a_editor"), PDF, "应急预案（2026年修订）.pdf")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) >= {"id", "name", "size", "type", "sha256"}
    assert body["name"] == "应急预案（2026年修订）.pdf" and body["size"] == len(PDF)
    assert body["type"] == "application/pdf" and body["sha256"] == hashlib.sha256(PDF).hexdigest()
    [blob] = blob_files(app)
    assert blob.name == body["sha256"] and blob.read_bytes() == PDF


def test_the_same_bytes_are_stored_once(app, client, h, db):
    first = upload(client, h("a_editor"), PDF, "a.pdf").get_json()
    second = upload(client, h("a1_editor"), PDF, "b.pdf").get_json()
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"]
    assert stored(db) == 2 and len(blob_files(app)) == 1


def test_the_permission_matrix_of_a_file(client, h, app):
    body = upload(client, h("a_editor"), PDF, "批示件.pdf").get_json()
    url = f"/api/v1/files/{body['id']}"
    # Unattached: its uploader only.
    assert client.get(url, headers=h("a_editor")).status_code == 200
    for other in ("a_viewer", "b_editor", "a1_editor", "nounit"):
        assert client.get(url, headers=h(other)).status_code == 404, other
    assert attach(client, h("a_editor"), "A-1", [body["id"]]).status_code == 200
    # Attached to an entry of 甲科: whoever may read that entry.
    assert client.get(url, headers=h("a_viewer")).status_code == 200
    assert client.get(url, headers=h("a_editor")).status_code == 200
    for other in ("b_editor", "a1_editor", "nounit"):
        answer = client.get(url, headers=h(other))
        assert answer.status_code == 404 and answer.get_json()["error"], other
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.get("/api/v1/files/" + "0" * 32, headers=h("a_editor")).status_code == 404
    assert client.get("/api/v1/files/../../etc/passwd", headers=h("a_editor")).status_code == 404


def test_a_viewer_may_not_upload_and_an_unknown_field_is_refused(client, h, db):
    assert upload(client, h("a_viewer"), PDF).status_code == 403
    assert upload(client, h("a_editor"), PDF, field="name").status_code == 400
    assert upload(client, h("a_editor"), PDF, ledger="nope").status_code == 404
    assert client.post("/api/v1/files", headers=h("a_editor"), json={"x": 1}).status_code == 415
    assert stored(db) == 0


def test_a_file_is_served_with_its_chinese_name_and_guarded_headers(client, h):
    pdf = upload(client, h("a_editor"), PDF, "会议纪要.pdf").get_json()
    response = client.get(f"/api/v1/files/{pdf['id']}", headers=h("a_editor"))
    assert response.data == PDF and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("data, name", [(SVG, "图.svg"), (HTML, "页面.html"), (b"<script>alert(1)</script>", "a.html")])
def test_markup_is_refused_where_only_named_types_go_and_served_as_an_attachment_where_named(client, h, db, data, name):
    refused = upload(client, h("a_editor"), data, name)  # docs: application/pdf and image/* (no SVG in image/*)
    assert refused.status_code == 415 and "附件" in refused.get_json()["error"]
    assert stored(db) == 0
    body = upload(client, h("a_editor"), data, name, field="drawings").get_json()
    response = client.get(f"/api/v1/files/{body['id']}", headers=h("a_editor"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_path_in_the_name_never_reaches_the_file_system(app, client, h, tmp_path):
    body = upload(client, h("a_editor"), PDF, "../../x.pdf").get_json()
    assert body["name"] == "x.pdf"
    windows = upload(client, h("a_editor"), png(), "..\\..\\evil.png").get_json()
    assert windows["name"] == "evil.png"
    assert not list(tmp_path.rglob("x.pdf")) and not list(tmp_path.rglob("evil.png"))
    root = Path(app.instance_path) / "files"
    assert all(root in p.parents for p in blob_files(app))


def test_a_zip_bomb_is_refused_by_its_content_and_never_unpacked(app, client, h, db):
    small = zip_bomb(2)  # 2 MB of zeros in under the field's 4 KB
    assert len(small) < LIMIT
    refused = upload(client, h("a_editor"), small, "照片.png")
    assert refused.status_code == 415 and stored(db) == 0
    bomb = zip_bomb(20)
    assert len(bomb) < 100_000
    kept = upload(client, h("a_editor"), bomb, "资料.zip", field="drawings").get_json()
    assert kept["size"] == len(bomb) and kept["type"] == "application/zip"
    assert sum(p.stat().st_size for p in blob_files(app)) == len(bomb)


def test_a_wrong_extension_is_refused(client, h, db):
    response = upload(client, h("a_editor"), png(), "合同.pdf")
    assert response.status_code == 415
    assert "扩展名" in response.get_json()["error"] and response.get_json()["errors"][0]["field"] == "docs"
    assert upload(client, h("a_editor"), PDF, "合同.png").status_code == 415
    assert upload(client, h("a_editor"), HTML, "合同.pdf").status_code == 415
    assert stored(db) == 0
    assert upload(client, h("a_editor"), png(), "扫描件").status_code == 201  # no extension: judged by content


def test_empty_and_oversize_files_are_refused(client, h, db, app):
    empty = upload(client, h("a_editor"), b"", "空.pdf")
    assert empty.status_code == 422 and "空文件" in empty.get_json()["error"]
    padded = PDF + b"%" * (LIMIT - len(PDF))
    over = upload(client, h("a_editor"), padded + b"%", "大.pdf")
    assert over.status_code == 413 and "附件" in over.get_json()["error"] and "过大" in over.get_json()["error"]
    assert stored(db) == 0 and blob_files(app) == []
    assert upload(client, h("a_editor"), padded, "刚好.pdf").status_code == 201


def test_many_files_in_one_request_store_nothing(client, h, db, app):
    many = {f"file{i}": (io.BytesIO(PDF), f"{i}.pdf") for i in range(1000)}
    response = client.post("/api/v1/files", headers=h("a_editor"), content_type="multipart/form-data",
                           data={"ledger": "scoped", "field": "docs", **many})
    assert 400 <= response.status_code < 500
    two = client.post("/api/v1/files", headers=h("a_editor"), content_type="multipart/form-data",
                      data={"ledger": "scoped", "field": "docs",
                            "file": [(io.BytesIO(PDF), "1.pdf"), (io.BytesIO(PDF), "2.pdf")]})
    assert two.status_code == 400
    assert stored(db) == 0 and blob_files(app) == []


def test_an_entry_holds_at_most_max_files_and_only_the_writers_own_uploads(client, h):
    ids = [upload(client, h("a_editor"), PDF, f"{i}.pdf").get_json()["id"] for i in range(4)]
    too_many = attach(client, h("a_editor"), "A-1", ids)
    assert too_many.status_code == 422 and "最多 3 个文件" in too_many.get_json()["errors"][0]["message"]
    assert attach(client, h("a_editor"), "A-1", ids[:1] * 2).status_code == 422
    # Another user's upload, an id that does not exist, a file of another field: refused.
    theirs = upload(client, h("a1_editor"), PDF, "他人.pdf").get_json()["id"]
    assert attach(client, h("a_editor"), "A-1", [theirs]).status_code == 422
    assert attach(client, h("a_editor"), "A-1", ["f" * 32]).status_code == 422
    drawing = upload(client, h("a_editor"), SVG, "图.svg", field="drawings").get_json()["id"]
    assert attach(client, h("a_editor"), "A-1", [drawing]).status_code == 422
    assert attach(client, h("a_editor"), "A-1", ids[:3]).status_code == 200
    # Once held by an entry, another entry may not take it, even by its uploader.
    assert attach(client, h("a_editor"), "A-2", ids[:1]).status_code == 422


def test_a_new_entry_takes_files_and_history_records_them(client, h, db):
    first = upload(client, h("a_editor"), PDF, "一.pdf").get_json()["id"]
    second = upload(client, h("a_editor"), png(), "二.png").get_json()["id"]
    created = client.post("/api/v1/ledgers/scoped/entries", headers=h("a_editor"),
                          json={"code": "A-9", "name": "带附件", "unit": "甲科", "docs": [first, second]})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["data"]["docs"] == [first, second]
    assert attach(client, h("a_editor"), "A-9", [second]).status_code == 200
    eid, _ = entry_id(client, h("a_editor"), "A-9")
    history = client.get(f"/api/v1/ledgers/scoped/entries/{eid}/revisions", headers=h("a_viewer")).get_json()["items"]
    assert history[0]["changes"]["docs"] == [None, [first, second]]
    assert history[1]["changes"]["docs"] == [[first, second], [second]]
    # Taken off the entry, it stays for the history: readers of the entry may still open it.
    assert client.get(f"/api/v1/files/{first}", headers=h("a_viewer")).status_code == 200
    assert client.get(f"/api/v1/files/{first}", headers=h("b_editor")).status_code == 404


def test_a_deleted_entrys_files_are_kept_but_no_longer_served(client, h, db):
    file_id = upload(client, h("a_editor"), PDF).get_json()["id"]
    assert attach(client, h("a_editor"), "A-2", [file_id]).status_code == 200
    eid, version = entry_id(client, h("a_editor"), "A-2")
    assert client.delete(f"/api/v1/ledgers/scoped/entries/{eid}", headers={**h("a_editor"), "If-Match": str(version)}).status_code == 204
    assert client.get(f"/api/v1/files/{file_id}", headers=h("a_viewer")).status_code == 404
    assert client.get(f"/api/v1/files/{file_id}", headers=h("a_editor")).status_code == 404
    assert stored(db) == 1


def test_a_file_whose_bytes_are_gone_answers_404_not_a_crash(app, client, h):
    body = upload(client, h("a_editor"), PDF).get_json()
    for path in blob_files(app):
        path.unlink()
    response = client.get(f"/api/v1/files/{body['id']}", headers=h("a_editor"))
    assert response.status_code == 404 and "缺失" in response.get_json()["error"]
