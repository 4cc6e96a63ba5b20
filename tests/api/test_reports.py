"""The report routes of /api/v1: list, JSON shape, CSV/XLSX downloads, filters, errors."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM


@pytest.fixture
def filled(db):
    for data in [
        {"content": "=HYPERLINK(1)", "source": "专题会议纪要", "unit": "区财政局",
         "deadline": "2020-01-01", "status": "办理中"},
        {"content": "乙", "source": "专题会议纪要", "unit": "区财政局", "deadline": "2030-01-01", "status": "已办结",
         "completed_on": "2029-12-01", "progress": 100},
        {"content": "丙", "source": "领导批示件", "unit": "区住建局", "deadline": "2030-01-01", "status": "已办结",
         "completed_on": "2030-02-01", "satisfaction": "满意", "progress": 100},
    ]:
        store.create_entry(db, SYSTEM, "supervision", data)
    return db


def test_list_and_run(api, filled):
    listed = api("viewer").get("/ledgers/supervision/reports")
    assert listed.status_code == 200
    keys = [r["key"] for r in listed.json["items"]]
    assert "by_unit" in keys and listed.json["items"][0]["group_by"][0]["title"] == "承办单位"
    body = api("viewer").get("/ledgers/supervision/reports/by_unit").json
    assert set(body) == {"key", "title", "chart", "columns", "rows", "totals"}
    rows = {r["unit"]: r for r in body["rows"]}
    assert rows["区财政局"]["total"] == 2 and rows["区财政局"]["done"] == 1 and rows["区财政局"]["overdue"] == 1
    assert rows["区财政局"]["done_rate"] == 0.5 and rows["区财政局"]["on_time_rate"] == 1
    assert rows["区住建局"]["on_time"] == 0 and rows["区住建局"]["on_time_rate"] == 0
    assert body["totals"]["all"]["total"] == 3
    assert list(rows) == ["区财政局", "区住建局"]  # the declared order of the choices


def test_list_filters_apply(api, filled):
    body = api("viewer").get("/ledgers/supervision/reports/by_unit?status=已办结").json
    assert body["totals"]["all"] == {**body["totals"]["all"], "total": 2, "done": 2}
    bad = api("viewer").get("/ledgers/supervision/reports/by_unit?deadline__gt=明天")
    assert bad.status_code == 400 and "error" in bad.json


def test_cross_report_totals(api, filled):
    body = api("viewer").get("/ledgers/supervision/reports/satisfaction_by_source").json
    assert {r["source"] for r in body["totals"]["rows"]} == {"专题会议纪要", "领导批示件"}
    assert {r["satisfaction"] for r in body["totals"]["columns"]} == {"满意", "（空）"}


def test_unknown_report_and_ledger_are_404_json(api, filled):
    for path in ("/ledgers/supervision/reports/nope", "/ledgers/nope/reports/by_unit",
                 "/ledgers/supervision/reports/nope.csv", "/ledgers/nope/reports"):
        response = api("viewer").get(path)
        assert response.status_code == 404 and response.is_json and response.json["error"], path


def test_needs_a_token(client, filled):
    assert client.get("/api/v1/ledgers/supervision/reports/by_unit").status_code == 401


def test_csv_download(api, filled):
    response = api("viewer").get("/ledgers/supervision/reports/by_unit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("承办单位,事项数,已办结,超期未办结,办结率")
    assert lines[1].startswith("区财政局,2,1,1,50.00%")
    assert lines[3].startswith("合计,3,2,1")


def test_csv_neutralises_formula_cells(api, db):
    versions.save_definition(db, SYSTEM, {
        "title": "公式", "type": "object",
        "properties": {"name": {"type": "string", "title": "=名称", "maxLength": 20}},
        "x-ledger": {"key": "formula", "reports": [{"key": "r", "title": "按名称", "group_by": ["name"],
                                                   "measures": [{"fn": "count", "title": "+数"}]}]}})
    store.create_entry(db, SYSTEM, "formula", {"name": "=1+1"})
    text = api("viewer").get("/ledgers/formula/reports/r.csv").data.decode("utf-8-sig")
    assert text.splitlines()[0] == "'=名称,'+数" and text.splitlines()[1] == "'=1+1,1"
    wb = load_workbook(io.BytesIO(api("viewer").get("/ledgers/formula/reports/r.xlsx").data))
    cell = wb.active["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_xlsx_download_has_typed_cells(api, filled):
    response = api("viewer").get("/ledgers/supervision/reports/by_unit.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("承办单位", "事项数", "已办结", "超期未办结", "办结率")
    assert rows[1][:5] == ("区财政局", 2, 1, 1, 0.5)
    assert sheet["E2"].number_format == "0.0%"
    assert rows[-1][0] == "合计" and rows[-1][1] == 3


def test_documented_in_openapi(api):
    paths = api("viewer").get("/openapi.json").json["paths"]
    for path in ("/ledgers/{key}/reports", "/ledgers/{key}/reports/{report}",
                 "/ledgers/{key}/reports/{report}.csv", "/ledgers/{key}/reports/{report}.xlsx"):
        assert "get" in paths[path]
