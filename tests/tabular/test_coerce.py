"""Cells from spreadsheets -> field values, and field values -> cells, field kind by field kind."""
import datetime as dt

import pytest

from core.tabular.cells import CellError, from_cell, neutralise, to_text, unneutralise
from core.definition.model import Field

TEXT = Field("t", "文本", "text", {})
AREA = Field("a", "说明", "textarea", {})
DATE = Field("d", "日期", "date", {})
STAMP = Field("s", "时间", "datetime", {})
INT = Field("i", "数量", "integer", {})
MONEY = Field("m", "金额", "money", {})
BOOL = Field("b", "是否", "boolean", {})
CHOICE = Field("c", "状态", "choice", {}, choices=("在用", "闲置"))
MULTI = Field("mc", "协办", "multichoice", {}, choices=("区财政局", "区住建局", "区教育局"))
TABLE = Field("tb", "行程", "table", {}, children=(Field("time", "时间", "text", {}),
                                                   Field("place", "地点", "text", {})))


@pytest.mark.parametrize("field, cell, expected", [
    (TEXT, "  CL-2020-0001 ", "CL-2020-0001"),
    (TEXT, 123.0, "123"),
    (TEXT, "'=SUM(A1)", "=SUM(A1)"),
    (TEXT, "'-5", "-5"),
    (TEXT, "''引号", "'引号"),
    (TEXT, "'普通", "'普通"),
    (AREA, " 保留\r\n换行 ", " 保留\n换行"),  # indent kept, end trimmed: the form's rule too
    (DATE, "2026/3/5", "2026-03-05"),
    (DATE, "2026-03-05", "2026-03-05"),
    (DATE, "2026年3月5日", "2026-03-05"),
    (DATE, "20260305", "2026-03-05"),
    (DATE, "2026.3.5", "2026-03-05"),
    (DATE, "2026/3/5 0:00", "2026-03-05"),
    (DATE, dt.datetime(2026, 3, 5), "2026-03-05"),
    (DATE, 46086, "2026-03-05"),
    (STAMP, "2026/3/5 9:30", "2026-03-05T09:30:00+08:00"),
    (STAMP, dt.datetime(2026, 3, 5, 9, 30), "2026-03-05T09:30:00+08:00"),
    (STAMP, "2026-03-05T09:30:00Z", "2026-03-05T17:30:00+08:00"),
    (INT, "1,234", 1234),
    (INT, "１２", 12),
    (INT, 7.0, 7),
    (INT, "'-5", -5),
    (INT, "(1,000)", -1000),
    (MONEY, "¥1,234.50", 1234.5),
    (MONEY, "8300", 8300),
    (MONEY, 19.99, 19.99),
    (BOOL, "是", True),
    (BOOL, "否", False),
    (BOOL, "TRUE", True),
    (BOOL, True, True),
    (BOOL, "y", True),
    (BOOL, "Y", True),
    (BOOL, "yes", True),
    (BOOL, "Yes", True),
    (BOOL, "对", True),
    (BOOL, "√", True),
    (BOOL, "✓", True),
    (BOOL, "1", True),
    (BOOL, "n", False),
    (BOOL, "No", False),
    (BOOL, "no", False),
    (BOOL, "错", False),
    (BOOL, "×", False),
    (BOOL, "✗", False),
    (BOOL, "0", False),
    (BOOL, "FALSE", False),
    (CHOICE, " 在用 ", "在用"),
    (MULTI, "区财政局、区住建局", ["区财政局", "区住建局"]),
    (MULTI, "区财政局,区教育局", ["区财政局", "区教育局"]),
    (MULTI, '["区住建局"]', ["区住建局"]),
    (TABLE, "时间：09:00；地点：会议室\n时间：14:30；地点：工地", [
        {"time": "09:00", "place": "会议室"}, {"time": "14:30", "place": "工地"}]),
    (TABLE, "time:09:00；place:含\\；分号", [{"time": "09:00", "place": "含；分号"}]),
    (TEXT, "", None),
    (INT, "   ", None),
])
def test_from_cell(field, cell, expected):
    assert from_cell(field, cell) == expected


@pytest.mark.parametrize("field, cell, message", [
    (DATE, "2026/13/5", "无法识别的日期"),
    (DATE, "明天", "无法识别的日期"),
    (INT, "1.5", "应为整数"),
    (INT, "十", "应为整数"),
    (MONEY, "abc", "应为数字"),
    (BOOL, "也许", "应填“是”或“否”"),
    (TABLE, "会议室", "应为“列名：值”"),
])
def test_from_cell_errors_are_chinese(field, cell, message):
    with pytest.raises(CellError, match=message):
        from_cell(field, cell)


def test_xlsx_text_keeps_leading_apostrophe_free_text():
    assert from_cell(TEXT, "'=1+1", csv=False) == "'=1+1"  # typed XLSX text is taken as is
    assert from_cell(TEXT, "=1+1", csv=False) == "=1+1"


@pytest.mark.parametrize("text", ["=1+1", "+86 123", "-待定", "@SUM(A1)", "\tx", "\rx", "'quoted", "''", "普通"])
def test_neutralise_round_trips(text):
    cell = neutralise(text)
    assert cell[0] not in "=+-@\t\r" or cell == text and text[0] not in "=+-@\t\r"
    assert unneutralise(cell) == text


def test_child_table_text_round_trips():
    rows = [{"time": "09:00", "place": "含；分号\n和换行\\反斜杠"}, {"place": "只有地点"}]
    assert from_cell(TABLE, to_text(TABLE, rows)) == rows
