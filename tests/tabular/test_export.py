"""CSV and XLSX exports: Excel-friendly encoding, the list's filters, neutralised formulas, streaming."""
import copy
import csv
import datetime as dt
import io
import tracemalloc
from urllib.parse import unquote

import openpyxl
import pytest

from core.entries import store
from core.ledgers import versions
from core.tabular import export as tabular
from core.settings import local_today
from core.access.policy import SYSTEM
from tests.conftest import shipped
from tests.core.conftest import SMALL


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_is_utf8_bom_crlf_with_titles(api, demo_data):
    response = api("viewer").get("/ledgers/supervision/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff记录ID,编号,工作内容,".encode("utf-8"))
    assert b"\r\n" in body and body.count(b"\r\n") >= 64
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("''")[1]) == f"督查督办台帐-{local_today():%Y%m%d}.csv"  # the local date
    header = rows_of(body)[0]
    assert header[-2:] == ["最后修改人", "最后修改时间"] and "协办单位" in header and "进展情况" in header


def test_csv_header_keys_and_list_filters(api, demo_data):
    response = api("viewer").get("/ledgers/supervision/export.csv?header=key&status=已办结&_sort=deadline")
    rows = rows_of(response.get_data())
    assert rows[0][:4] == ["_id", "_number", "content", "standard"]
    status = rows[0].index("status")
    deadlines = [r[rows[0].index("deadline")] for r in rows[1:]]
    assert rows[1:] and all(r[status] == "已办结" for r in rows[1:])
    assert deadlines == sorted(deadlines)
    assert api("viewer").get("/ledgers/supervision/export.csv?header=x").status_code == 400
    assert api("viewer").get("/ledgers/supervision/export.csv?nosuch=1").status_code == 400


def test_csv_search_applies(api, demo_data):
    rows = rows_of(api("viewer").get("/ledgers/repairs/export.csv?_q=漏雨").get_data())
    assert 1 < len(rows) < 41


def test_multichoice_and_child_tables_are_readable(api, demo_data):
    rows = rows_of(api("viewer").get("/ledgers/receptions/export.csv").get_data())
    itinerary = rows[1][rows[0].index("行程安排")]
    assert itinerary.startswith("日期：") and "；时间：" in itinerary and "\n" in itinerary
    rows = rows_of(api("viewer").get("/ledgers/supervision/export.csv").get_data())
    co_units = [r[rows[0].index("协办单位")] for r in rows[1:] if r[rows[0].index("协办单位")]]
    assert "西城街道、区民政局" in co_units


FORMULAS = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "'已加引号"]


@pytest.fixture
def formula_ledger(db):
    document = {"title": "公式测试", "type": "object", "properties": {
        "text": {"type": "string", "title": "=文本"},
        "amount": {"type": "number", "title": "金额", "multipleOf": 0.01},
        "count": {"type": "integer", "title": "数量"}},
        "x-ledger": {"key": "formulas"}}
    versions.save_definition(db, SYSTEM, document)
    rows = [{"text": t, "amount": -5.5, "count": -5} for t in FORMULAS]
    store.create_entries(db, SYSTEM, "formulas", rows)
    return "formulas"


def test_csv_neutralises_formulas_but_keeps_negative_numbers(api, formula_ledger):
    rows = rows_of(api("viewer").get("/ledgers/formulas/export.csv").get_data())
    assert rows[0][:2] == ["记录ID", "编号"] and rows[0][2] == "'=文本"
    assert sorted(int(r[1]) for r in rows[1:]) == list(range(1, len(rows)))  # the ledger's own numbers
    texts = sorted(r[2] for r in rows[1:])
    assert texts == sorted("'" + t for t in FORMULAS)
    assert all(r[3] == "-5.50" and r[4] == "-5" for r in rows[1:])


def test_xlsx_typed_cells_formula_text_frozen_header(api, formula_ledger, demo_data):
    response = api("viewer").get("/ledgers/formulas/export.xlsx")
    assert response.status_code == 200 and response.mimetype == tabular.XLSX_MIME
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet["B1"].value == "编号" and sheet["B2"].value.isdigit()
    assert sheet["C1"].value == "=文本" and sheet["C1"].data_type == "s"
    # a bare CR reads back as LF through Python's XML parser, as CR through lxml's (both Excel-safe)
    values = sorted(sheet.cell(row=r, column=3).value.replace("\r", "\n") for r in range(2, sheet.max_row + 1))
    assert values == sorted(t.replace("\r", "\n") for t in FORMULAS)
    assert all(sheet.cell(row=r, column=3).data_type == "s" for r in range(2, sheet.max_row + 1))
    assert sheet["D2"].value == -5.5 and sheet["E2"].value == -5

    book = openpyxl.load_workbook(io.BytesIO(api("viewer").get("/ledgers/receptions/export.xlsx").get_data()))
    main = book.worksheets[0]
    headers = [c.value for c in main[1]]
    arrival = main.cell(row=2, column=headers.index("来访日期") + 1)
    assert isinstance(arrival.value, dt.datetime) and arrival.number_format == "yyyy-mm-dd"
    assert isinstance(main.cell(row=2, column=headers.index("来访人数") + 1).value, int)
    assert main.column_dimensions["B"].width >= 10
    child = book["行程安排"]
    assert [c.value for c in child[1]][:4] == ["记录ID", "序号", "日期", "时间"]
    ids = {main.cell(row=r, column=1).value for r in range(2, main.max_row + 1)}
    assert child.max_row > main.max_row and {child.cell(row=r, column=1).value for r in range(2, child.max_row + 1)} <= ids


def test_fields_of_earlier_versions_are_exported(api, db):
    document = shipped("repairs")
    store.create_entry(db, SYSTEM, "repairs", {"location": "1号楼", "facility_type": "供水", "description": "漏水",
                                               "reported_on": "2026-03-05", "status": "待处理", "phone": "13800000000"})
    del document["properties"]["phone"]
    versions.save_definition(db, SYSTEM, document)
    rows = rows_of(api("viewer").get("/ledgers/repairs/export.csv").get_data())
    title = "联系电话（旧版字段）"  # titled as the last version that had it, marked as an earlier version's
    assert "联系电话" not in rows[0] and rows[1][rows[0].index(title)] == "13800000000"
    assert rows[0].index(title) > rows[0].index("备注") and rows[0].index(title) < rows[0].index("最后修改人")
    book = openpyxl.load_workbook(io.BytesIO(api("viewer").get("/ledgers/repairs/export.xlsx").get_data()))
    main = book.worksheets[0]
    headers = [c.value for c in main[1]]
    assert main.cell(row=2, column=headers.index(title) + 1).value == "13800000000"
    assert headers.index(title) > headers.index("备注")


def test_an_export_with_earlier_version_columns_imports_back(api, db):
    document = shipped("repairs")
    entry = store.create_entry(db, SYSTEM, "repairs", {
        "location": "1号楼", "facility_type": "供水", "description": "漏水", "reported_on": "2026-03-05",
        "status": "待处理", "phone": "13800000000"})
    del document["properties"]["phone"]
    versions.save_definition(db, SYSTEM, document)
    template = rows_of(api("editor").get("/ledgers/repairs/template.csv").get_data())
    assert not any("旧版字段" in h for h in template[0])  # a template has only the current fields
    exported = api("viewer").get("/ledgers/repairs/export.csv").get_data()
    response = api("editor").post("/ledgers/repairs/import", data={"file": (io.BytesIO(exported), "x.csv")},
                                  content_type="multipart/form-data")
    assert response.status_code in (200, 201), response.get_json()
    assert any("旧版字段" in w and "联系电话（旧版字段）" in w for w in response.get_json()["warnings"])
    kept = api("viewer").get(f"/ledgers/repairs/entries/{entry['id']}").get_json()
    assert kept["data"]["phone"] == "13800000000"


def test_export_needs_read_permission(client, demo_data):
    assert client.get("/api/v1/ledgers/supervision/export.csv").status_code == 401
    assert client.get("/api/v1/ledgers/nosuch/export.csv", headers={}).status_code in (401, 404)


def test_ten_thousand_entries_are_streamed(api, db):
    base = {"location": "区政府大院1号楼", "facility_type": "供电", "description": "走廊灯不亮" * 20,
            "reported_on": "2026-03-05", "status": "待处理"}
    store.create_entries(db, SYSTEM, "repairs", [dict(base, reporter=f"报修人{i}") for i in range(10_000)])
    response = api("viewer").get("/ledgers/repairs/export.csv")
    assert response.is_streamed
    tracemalloc.start()
    chunks = total = 0
    for chunk in response.response:
        chunks += 1
        total += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert chunks >= 10_000 // tabular.FLUSH_ROWS
    assert total > 3_000_000
    # Built in memory, the peak would exceed the output; streamed, it is one fetch batch or so.
    assert peak < total / 2, f"peak {peak} bytes for {total} bytes of CSV: built in memory?"


def test_a_removed_sub_field_of_a_group_is_still_exported(api, db):
    versions.save_definition(db, SYSTEM, SMALL)
    store.create_entry(db, SYSTEM, "small", {"name": "甲", "car": {"seats": 5}})
    document = copy.deepcopy(SMALL)
    document["properties"]["car"]["properties"] = {"plate": {"type": "string", "title": "车牌"}}
    versions.save_definition(db, SYSTEM, document)
    rows = rows_of(api("viewer").get("/ledgers/small/export.csv").get_data())
    assert rows[1][rows[0].index("车辆·座位（旧版字段）")] == "5" and "车辆·车牌" in rows[0]
