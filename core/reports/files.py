"""A report's table as CSV (UTF-8 with BOM, CRLF, formula cells neutralised) or XLSX (typed cells).

The same flat table either way: the group columns and the measures with their Chinese titles,
one line per group (per pair of groups for a cross table), then a 合计 line of the totals.
"""
from __future__ import annotations

import csv
import io
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.definition.kinds import neutralise
from core.tabular.export import BOM, sheet_title

TOTAL_LABEL = "合计"
NUMBER_FORMATS = {"integer": "0", "number": "0.00", "money": "#,##0.00", "percent": "0.0%"}


def table_rows(result: dict) -> list[list[Any]]:
    """The header row, the report's rows, then the totals row (values as JSON gives them)."""
    columns = result["columns"]
    out = [[c["title"] for c in columns]]
    for row in result["rows"]:
        out.append([row.get(c["key"]) for c in columns])
    total = result["totals"]["all"]
    first = True
    line = []
    for c in columns:
        if c["role"] == "group":
            line.append(TOTAL_LABEL if first else "")
            first = False
        else:
            line.append(total.get(c["key"]))
    out.append(line)
    return out


def report_csv(result: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    formats = [c["format"] for c in result["columns"]]
    lines = table_rows(result)
    writer.writerow([neutralise(title) for title in lines[0]])
    for line in lines[1:]:
        writer.writerow([csv_text(v, fmt) for v, fmt in zip(line, formats)])
    return buffer.getvalue().encode("utf-8")


def csv_text(value: Any, fmt: str) -> str:
    """Numbers bare (percent as 63.49%, which Excel and WPS read as a number), text neutralised."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt == "percent":
            return f"{value * 100:.2f}%"
        if fmt == "money":
            return f"{value:.2f}"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return neutralise(str(value))


def report_xlsx(result: dict, out: IO[bytes]) -> None:
    """One sheet named after the report; numbers as numbers (percent, money formats), text as text."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(sheet_title(result["title"], set()))
    columns = result["columns"]
    sheet.freeze_panes = "A2"
    for i, c in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, min(40, 2 * len(c["title"]) + 2))
    lines = table_rows(result)
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, title, bold) for title in lines[0]])
    for n, line in enumerate(lines[1:], 1):
        font = bold if n == len(lines) - 1 else None
        sheet.append([_cell(sheet, value, c["format"], font) for value, c in zip(line, columns)])
    wb.save(out)


def _text_cell(sheet, text: str, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"  # text, never a formula
    if font is not None:
        cell.font = font
    return cell


def _cell(sheet, value: Any, fmt: str, font: Font | None) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return _text_cell(sheet, value, font)
    cell = WriteOnlyCell(sheet, value)
    if fmt in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[fmt]
    if font is not None:
        cell.font = font
    return cell
