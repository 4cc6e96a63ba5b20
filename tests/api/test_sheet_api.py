"""The catalogue and spreadsheet routes of /api/v1: ledger proposals (and the same file imported
into the published ledger), archive, restore and order."""
from __future__ import annotations

import io

import pytest

from core.entries import store
from core.access.policy import SYSTEM
from tests.core.test_proposal import csv_bytes, sample_rows, xlsx_bytes

import datetime as dt


def propose(api, body: bytes, name="督查台帐2025.csv", role="admin", **form):
    data = {"file": (io.BytesIO(body), name), **form}
    return api(role).post("/ledger-proposals", data=data, content_type="multipart/form-data")


def xlsx_sample():
    rows = [["交办日期", "办理时间", "件数", "金额", "是否办结", "承办单位", "工作内容"]]
    for i in range(9):
        rows.append([dt.datetime(2026, 2, i + 1), dt.datetime(2026, 2, i + 1, 8, 15), i, 10.25 * (i + 1),
                     bool(i % 2), ["区财政局", "区住建局"][i % 2], f"工作{i}" if i != 4 else None])
    return xlsx_bytes(rows)


AWKWARD = "\r\n".join([
    "编号,公式,金额,状态,日期,全角",
    "A-1,'=SUM(A1),\"(1,000.00)\",'=甲,2026年1月5日,１２",
    ",,,,,",
    "A-2,'+1,\"2,000.50\",'=甲,2026/1/6,３４",
    "A-3,@x,0.10,乙,20260107,５６",
    "A-4,普通,12.00,乙,2026-01-08,７８",
]).encode("utf-8")


@pytest.mark.parametrize("name, body", [
    ("awkward.csv", AWKWARD),
    ("utf8.csv", csv_bytes(sample_rows())),
    ("gbk.csv", csv_bytes(sample_rows(), "gb18030")),
    ("last_year.xlsx", xlsx_sample()),
])
def test_propose_publish_then_import_the_same_file_creates_every_row(api, name, body):
    response = propose(api, body, name, title="去年的台帐", key="last_year")
    assert response.status_code == 200, response.get_json()
    found = response.get_json()
    assert set(found) >= {"definition", "fields", "rows"}
    assert all(set(f) == {"key", "title", "kind", "reason"} for f in found["fields"])
    assert api("admin").post("/ledgers", json=found["definition"]).status_code == 201
    imported = api("editor").post("/ledgers/last_year/import", data={"file": (io.BytesIO(body), name)},
                                  content_type="multipart/form-data")
    assert imported.status_code == 201, imported.get_json()
    assert imported.get_json()["created"] == found["rows"]
    listed = api("viewer").get("/ledgers/last_year/entries?_size=100").get_json()
    assert listed["total"] == found["rows"]
    kinds = {f["title"]: f["kind"] for f in found["fields"]}
    if name == "awkward.csv":
        assert kinds["金额"] == "money" and kinds["日期"] == "date" and kinds["全角"] == "integer"
        return
    assert kinds["交办日期"] == "date" and kinds["承办单位"] == "choice" and kinds["金额"] == "money"


def test_the_proposal_stores_nothing(api):
    before = api("admin").get("/ledgers").get_json()["items"]
    assert propose(api, csv_bytes(sample_rows(4))).status_code == 200
    assert api("admin").get("/ledgers").get_json()["items"] == before


@pytest.mark.parametrize("body, name, status, words", [
    (b"%PDF-1.4 x", "a.pdf", 415, "既不是"),
    (b"", "a.csv", 422, "空"),
    ("名称,名称\r\n甲,乙".encode(), "a.csv", 422, "重复"),
])
def test_bad_files_are_json_errors(api, body, name, status, words):
    response = propose(api, body, name)
    assert response.status_code == status
    assert words in response.get_json()["error"] and "errors" in response.get_json()


def test_no_file_wrong_type_too_big(api, app):
    response = api("admin").post("/ledger-proposals", data={"title": "x"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.get_json()["error"]
    assert api("admin").post("/ledger-proposals", json={"file": "x"}).status_code == 415
    app.config["MAX_CONTENT_LENGTH"] = 2000
    big = propose(api, csv_bytes(sample_rows(200)))
    assert big.status_code == 413 and big.get_json()["error"]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_definers_get_proposals(api, role, client):
    assert propose(api, csv_bytes(sample_rows(3)), role=role).status_code == 403
    assert client.post("/api/v1/ledger-proposals").status_code == 401


# --- archive, restore, order ---------------------------------------------------------------

@pytest.fixture
def item(db):
    return store.create_entry(db, SYSTEM, "supervision", {
        "content": "甲", "source": "专题会议纪要", "unit": "区财政局", "deadline": "2030-01-01", "status": "立项"})


STAFF_READS = ["/ledgers/supervision", "/ledgers/supervision/entries", "/ledgers/supervision/versions",
               "/ledgers/supervision/export.csv", "/ledgers/supervision/export.xlsx",
               "/ledgers/supervision/template.csv", "/ledgers/supervision/reports",
               "/ledgers/supervision/reports/by_unit", "/ledgers/supervision/reports/by_unit.csv"]


def test_archive_hides_from_staff_everywhere_keeps_data_and_restore_brings_it_back(api, item):
    response = api("admin").post("/ledgers/supervision/archive")
    assert response.status_code == 200 and response.get_json() == {"key": "supervision", "archived": True}
    for role in ("editor", "viewer"):
        listed = [l["key"] for l in api(role).get("/ledgers").get_json()["items"]]
        assert "supervision" not in listed
        for path in STAFF_READS + [f"/ledgers/supervision/entries/{item['id']}"]:
            got = api(role).get(path)
            assert got.status_code == 404, path
            assert got.is_json and got.get_json()["error"]
    assert api("editor").post("/ledgers/supervision/entries", json={"content": "x"}).status_code == 404
    assert api("admin").get(f"/ledgers/supervision/entries/{item['id']}").status_code == 200
    assert api("admin").get("/ledgers/supervision/export.csv").status_code == 200
    refused = api("admin").post("/ledgers/supervision/entries", json={"content": "x"})
    assert refused.status_code == 409 and "已归档" in refused.get_json()["error"]
    assert api("admin").post("/ledgers/supervision/archive").status_code == 409

    assert api("admin").post("/ledgers/supervision/restore").get_json() == {"key": "supervision", "archived": False}
    assert api("viewer").get(f"/ledgers/supervision/entries/{item['id']}").get_json()["data"]["content"] == "甲"
    assert "supervision" in [l["key"] for l in api("viewer").get("/ledgers").get_json()["items"]]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_staff_may_not_archive_restore_or_order(api, role):
    assert api(role).post("/ledgers/supervision/archive").status_code == 403
    assert api(role).put("/ledgers/order", json={"keys": ["supervision"]}).status_code == 403
    api("admin").post("/ledgers/supervision/archive")
    assert api(role).post("/ledgers/supervision/restore").status_code == 404


def test_order_applies_to_the_ledger_list(api):
    before = [l["key"] for l in api("viewer").get("/ledgers").get_json()["items"]]
    assert len(before) >= 3
    wanted = [before[-1], before[0]]
    response = api("admin").put("/ledgers/order", json={"keys": wanted})
    assert response.status_code == 200
    expected = wanted + [k for k in before if k not in wanted]
    assert response.get_json()["keys"] == expected
    items = api("viewer").get("/ledgers").get_json()["items"]
    assert [l["key"] for l in items] == expected
    assert [l["position"] for l in items] == list(range(1, len(expected) + 1))


@pytest.mark.parametrize("body", [{"keys": ["ghost"]}, {"keys": "supervision"}, {}, ["supervision"]])
def test_a_bad_order_is_422(api, body):
    before = [l["key"] for l in api("viewer").get("/ledgers").get_json()["items"]]
    response = api("admin").put("/ledgers/order", json=body)
    assert response.status_code == 422 and response.get_json()["error"]
    assert [l["key"] for l in api("viewer").get("/ledgers").get_json()["items"]] == before


def test_openapi_names_the_new_routes(api):
    paths = api("viewer").get("/openapi.json").get_json()["paths"]
    for path in ("/ledger-proposals", "/ledgers/{key}/archive", "/ledgers/{key}/restore", "/ledgers/order"):
        assert path in paths
