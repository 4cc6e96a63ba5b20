"""Sheets as offices make them (issue 15, item 13): a merged title row above the headers, cells
merged down rows, full-width headers, percentages and a 合计 row below the data import whole and
equal, and a ledger proposed from such a sheet takes its fields from the real header row."""
from __future__ import annotations

import io

import openpyxl
import pytest

from core.tabular import importer
from core.ledgers import proposal
from core.entries import query
from core.tabular import sheets
from core.ledgers import versions
from core.access.policy import SYSTEM
from core.definition.loading import load_definition
from core.errors import QueryError
from tests.conftest import shipped

TITLE = "2026年区政府督查督办事项台帐"
HEADERS = ["序号", "工作内容", "来源", "承办单位", "交办日期", "完成时限", "状态", "进度（%）", "办结日期"]
ITEMS = [
    {"content": "老旧小区改造", "source": "专题会议纪要", "unit": "区住建局", "assigned_on": "2026-01-05",
     "deadline": "2026-06-30", "status": "办理中", "progress": 40},
    {"content": "背街小巷整治", "source": "专题会议纪要", "unit": "区住建局", "assigned_on": "2026-01-05",
     "deadline": "2026-09-30", "status": "交办", "progress": 0},
    {"content": "雨污分流工程", "source": "专题会议纪要", "unit": "区住建局", "assigned_on": "2026-01-06",
     "deadline": "2026-05-31", "status": "已办结", "progress": 100, "completed_on": "2026-05-20"},
    {"content": "学位扩容", "source": "领导批示件", "unit": "区教育局", "assigned_on": "2026-02-01",
     "deadline": "2026-08-31", "status": "立项", "progress": 0},
]


def office_xlsx() -> bytes:
    """Row 1 a title merged across the sheet, row 2 the headers (full-width 进度（%）), rows 3-5
    one 承办单位 (and 来源) merged down three items, progress as percent cells, row 7 合计."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append(HEADERS)
    for n, item in enumerate(ITEMS, 1):
        ws.append([n, item["content"], item["source"], item["unit"], item["assigned_on"], item["deadline"],
                   item["status"], item["progress"] / 100, item.get("completed_on")])
        ws.cell(row=n + 2, column=8).number_format = "0%"
    for column in (3, 4):  # 来源 and 承办单位 of the first three items: one merged cell each
        for row in (4, 5):
            ws.cell(row=row, column=column).value = None
        ws.merge_cells(start_row=3, start_column=column, end_row=5, end_column=column)
    ws.append(["合计", None, None, None, None, None, None, None, None])
    ws.cell(row=7, column=2).value = "4 项"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def office_csv() -> bytes:
    lines = [TITLE + ",,,,,,,,", ",".join(HEADERS)]
    for n, item in enumerate(ITEMS, 1):
        lines.append(",".join(str(v) for v in [n, item["content"], item["source"], item["unit"], item["assigned_on"],
                                                item["deadline"], item["status"], f"{item['progress']}%",
                                                item.get("completed_on", "")]))
    lines.append("合  计,4 项,,,,,,,")
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def stored(db, key: str) -> list[dict]:
    return sorted((e["data"] for e in query.list_entries(db, SYSTEM, key, {"_sort": "content"})["items"]),
                  key=lambda d: d["content"])


def expected() -> list[dict]:
    return sorted(ITEMS, key=lambda d: d["content"])


@pytest.mark.parametrize("name, body", [("台帐.xlsx", office_xlsx), ("台帐.csv", office_csv)])
def test_an_office_sheet_imports_whole_and_equal(db, name, body):
    report = importer.import_file(db, SYSTEM, "supervision", io.BytesIO(body()), importer.ImportOptions(filename=name))
    assert report.ok, report.errors
    assert report.created == len(ITEMS)
    assert stored(db, "supervision") == expected()
    assert f"表头在第 2 行，其上的标题行已跳过，未导入：第 1 行“{TITLE}”" in report.warnings
    assert "第 7 行是合计行（“合计”），已跳过，未导入" in report.warnings
    assert not any("进度" in w for w in report.warnings)  # 进度（%） matched 进度(%), not ignored


def test_the_header_is_the_row_naming_the_most_fields():
    """A title row that happens to name one field loses to the row naming most of them."""
    text = "状态\r\n工作内容,来源,承办单位,完成时限,状态\r\n甲,专题会议纪要,区财政局,2026-06-30,立项\r\n"
    definition = load_definition(shipped("supervision"))
    sheet = sheets.open_sheet(io.BytesIO(text.encode()), pick=importer.header_pick(definition))
    assert (sheet.header_row, sheet.headers[0]) == (2, "工作内容")
    assert [cells for _, cells in sheet.rows] == [["甲", "专题会议纪要", "区财政局", "2026-06-30", "立项"]]
    assert sheet.titles == [(1, "状态")]


def test_no_header_among_the_first_rows_is_refused(db):
    text = "\r\n".join(["甲,乙,丙"] * 12) + "\r\n"
    with pytest.raises(QueryError, match="未找到表头：前 10 行"):
        importer.import_file(db, SYSTEM, "supervision", io.BytesIO(text.encode()))


def test_only_a_first_filled_cell_reading_totals_is_a_totals_row():
    assert sheets.totals_label(["合　计：", None]) == "合计"
    assert sheets.totals_label([None, " 总计 ", 12]) == "总计"
    assert sheets.totals_label(["工作内容", "合计"]) is None
    assert sheets.totals_label([3, "合计"]) is None
    assert sheets.totals_label([None, None]) is None


def test_a_percent_cell_reads_as_shown_and_a_merge_fills_only_down():
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["名称", "比例", "备注"])
    ws.append(["甲", 0.4, "跨两列"])
    ws.append(["乙", 0.125, None])
    ws.cell(row=2, column=2).number_format = "0%"
    ws.cell(row=3, column=2).number_format = "0.0%"
    ws.merge_cells("C2:D2")  # across columns: its value stays in its own column
    ws.merge_cells("A3:A4")
    out = io.BytesIO()
    book.save(out)
    sheet = sheets.open_sheet(io.BytesIO(out.getvalue()))
    assert [cells for _, cells in sheet.rows] == [["甲", 40, "跨两列"], ["乙", 12.5, None], ["乙", None, None]]


def test_a_ledger_proposed_from_an_office_sheet_takes_the_real_header_and_imports_it(db):
    """The proposal skips the title and totals rows too, and the ledger it proposes takes the same
    file back whole."""
    found = proposal.propose("督查台帐.xlsx", office_xlsx(), key="office_items")
    assert [f["title"] for f in found["fields"]] == HEADERS
    assert found["rows"] == len(ITEMS)
    assert f"表头在第 2 行，其上的标题行已跳过，未导入：第 1 行“{TITLE}”" in found["warnings"]
    assert "第 7 行是合计行（“合计”），已跳过，未导入" in found["warnings"]
    kinds = {f["title"]: f["kind"] for f in found["fields"]}
    assert kinds["进度（%）"] == "integer" and kinds["承办单位"] == "choice"
    unit = next(f["key"] for f in found["fields"] if f["title"] == "承办单位")
    assert found["definition"]["properties"][unit]["enum"] == ["区住建局", "区教育局"]
    assert unit in found["definition"]["required"]  # the merged cell filled every row it spans
    versions.save_definition(db, SYSTEM, found["definition"])
    report = importer.import_file(db, SYSTEM, "office_items", io.BytesIO(office_xlsx()),
                                  importer.ImportOptions(filename="督查台帐.xlsx"))
    assert report.ok and report.created == len(ITEMS), report.errors
    rows = query.list_entries(db, SYSTEM, "office_items")["items"]
    assert sorted(e["data"][unit] for e in rows) == ["区住建局"] * 3 + ["区教育局"]
