"""Reading CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) and XLSX files as offices lay them out.

A file is recognised by its content, not its name, and read row by row (never twice into
memory). An office's sheet often opens with a merged title row (「2026年区政府督查督办事项台帐」)
above its headers and ends with a 合计 row: the header is the best of the first rows (the
caller's `pick` says which), rows above it are titles and a 合计/总计 row is a totals row, both
skipped with a warning that names them (`Sheet.notes`). An XLSX cell merged down several rows
(one 承办单位 for three items) gives its value to every row it spans, and a number shown as a
percentage (0.4 as 40%) is read as it is shown (40).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from itertools import islice
from typing import IO, Any, Callable, Iterable, Iterator

import openpyxl
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils.cell import range_boundaries

from core.errors import LedgerError, QueryError

# An import runs inside the request: it must end well within the server's worker timeout
# (run.py: gunicorn --timeout 120). Validated import measured ~5,400-7,000 rows/s on this
# machine (bench/README.md), XLSX reading slower: 50,000 rows take ~10-25 s. Larger files are
# split; imports as background jobs with progress are not built yet (issue 11, item 7).
MAX_ROWS = 50_000
MAX_COLUMNS = 1_000
MAX_XLSX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_ZIP_RATIO = 200
HEADER_ROWS = 10  # the header is looked for among this many first rows
TOTALS = ("合计", "总计")  # a row whose first filled cell says this sums the rows above it

Row = tuple[int, list]  # (spreadsheet row number, cells)
Pick = Callable[[list[tuple[int, list[str]]]], int]  # the first rows as header texts -> the header's index


class UnsupportedFile(LedgerError):
    """Neither CSV nor XLSX (or a text encoding we cannot read)."""

    status = 415


class FileTooLarge(LedgerError):
    status = 413


@dataclass
class Sheet:
    headers: list[str]
    rows: Iterator[Row]                   # the data rows below the header, totals rows left out
    children: dict[str, "Sheet"]          # further XLSX sheets by name
    csv: bool
    header_row: int = 1                   # where the header was found
    titles: list[tuple[int, str]] = dc_field(default_factory=list)  # rows above the header
    totals: list[tuple[int, str]] = dc_field(default_factory=list)  # filled in as rows are read

    def notes(self) -> list[str]:
        """Warnings naming the rows that were skipped as titles or totals (once `rows` is read)."""
        out = []
        if self.titles:
            named = "、".join(f"第 {n} 行“{text}”" for n, text in self.titles[:5])
            out.append(f"表头在第 {self.header_row} 行，其上的标题行已跳过，未导入：{named}")
        for n, text in self.totals[:5]:
            out.append(f"第 {n} 行是合计行（“{text}”），已跳过，未导入")
        return out


def first_filled(head: list[tuple[int, list[str]]]) -> int:
    """The default header: the first row with any text (leading blank rows are skipped)."""
    return next((i for i, (_, cells) in enumerate(head) if any(c.strip() for c in cells)), 0)


def open_sheet(stream: IO[bytes], filename: str = "", max_rows: int = MAX_ROWS,
               pick: Pick = first_filled) -> Sheet:
    """Recognise the file by its content (not its name) and find its header row with `pick`."""
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(stream, max_rows, pick)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFile("不支持旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再导入")
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z")):
        raise UnsupportedFile("文件既不是 CSV 也不是 XLSX")
    return _open_csv(stream, max_rows, pick)


# --- framing: header, titles, totals -----------------------------------------------------

def _framed(head: list[Row], rest: Callable[[int], Iterator[Row]], pick: Pick, max_rows: int,
            csv_mode: bool) -> Sheet:
    """A Sheet from its first rows and a function giving the rows after them (cut to a width)."""
    texts = [(n, [header_text(c) for c in cells]) for n, cells in head]
    at = pick(texts) if texts else 0
    number, headers = texts[at] if texts else (1, [])
    while headers and not headers[-1] and not csv_mode:  # XLSX rows run on in empty cells
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise FileTooLarge(f"列数过多（上限 {MAX_COLUMNS} 列）")
    titles = [(n, _joined(cells)) for n, cells in texts[:at] if any(c.strip() for c in cells)]
    sheet = Sheet(headers, iter(()), {}, csv_mode, number, titles)
    width = max(len(headers), 1)
    below = ((n, list(cells) if csv_mode else _fitted(cells, width)) for n, cells in head[at + 1:])
    sheet.rows = _data_rows(sheet, _chained(below, lambda: rest(width)), max_rows)
    return sheet


def _fitted(cells: list, width: int) -> list:
    """An XLSX row as wide as its header, as openpyxl reads the rows below (max_col=width)."""
    return (list(cells) + [None] * width)[:width]


def _chained(first: Iterable[Row], then: Callable[[], Iterator[Row]]) -> Iterator[Row]:
    yield from first
    yield from then()


def _data_rows(sheet: Sheet, rows: Iterator[Row], max_rows: int) -> Iterator[Row]:
    count = 0
    for number, cells in rows:
        count += 1
        if count > max_rows:
            raise FileTooLarge(f"行数超过上限（{max_rows} 行）：导入须在服务器时限内完成，请把文件拆分为每份不超过 {max_rows} 行后分批导入")
        label = totals_label(cells)
        if label is not None:
            sheet.totals.append((number, label))
            continue
        yield number, cells


def totals_label(cells: list) -> str | None:
    """「合计」 when the row's first filled cell reads 合计 or 总计 (「合　计：」 too), else None."""
    first = next((c for c in cells if c is not None and str(c).strip()), None)
    if not isinstance(first, str):
        return None
    word = "".join(unicodedata.normalize("NFKC", first).split()).rstrip(":")
    return word if word in TOTALS else None


def _joined(cells: list[str]) -> str:
    text = " ".join(c.strip() for c in cells if c.strip())
    return text if len(text) <= 40 else text[:40] + "…"


def header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


# --- CSV ---------------------------------------------------------------------------------

def detect_encoding(stream: IO[bytes], block: int = 1 << 16) -> str:
    """utf-8-sig if the whole file decodes strictly as UTF-8, else gb18030, else 415."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        stream.seek(0)
        try:
            while chunk := stream.read(block):
                if b"\x00" in chunk:
                    raise UnsupportedFile("文件含有二进制内容，既不是 CSV 也不是 XLSX")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            if encoding == "utf-8-sig":
                _refuse_mostly_utf8(stream)
            continue
        stream.seek(0)
        return encoding
    raise UnsupportedFile("无法识别文件编码：CSV 应为 UTF-8 或 GB18030/GBK 编码")


def _refuse_mostly_utf8(stream: IO[bytes]) -> None:
    """A file that is UTF-8 but for a stray byte or two would decode whole as GB18030 into mojibake:
    when more of its non-ASCII lines are valid UTF-8 than not, refuse it, naming the first bad line."""
    stream.seek(0)
    good = bad = 0
    first_bad = None
    for number, line in enumerate(stream, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
            first_bad = first_bad or number
        else:
            good += 1
    stream.seek(0)
    if first_bad is not None and good > bad:
        raise UnsupportedFile(f"第 {first_bad} 行不是有效的 UTF-8 编码：文件其余部分是 UTF-8，"
                              "请检查该行的字符后以 UTF-8 重新保存")


def _open_csv(stream: IO[bytes], max_rows: int, pick: Pick) -> Sheet:
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    sample = text.read(4096)
    text.seek(0)
    reader = csv.reader(text, _dialect(sample))

    def rows() -> Iterator[Row]:
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            raise QueryError(f"CSV 第 {reader.line_num} 行格式有误：{exc}") from None

    every = rows()
    return _framed(list(islice(every, HEADER_ROWS)), lambda width: every, pick, max_rows, csv_mode=True)


def _dialect(sample: str):
    """Comma by default; a tab- or semicolon-separated export is recognised too."""
    first = sample.splitlines()[0] if sample else ""
    for delimiter in (",", "\t", ";"):
        if delimiter in first:
            class Dialect(csv.excel):
                pass
            Dialect.delimiter = delimiter
            return Dialect
    return csv.excel


# --- XLSX --------------------------------------------------------------------------------

def _open_xlsx(stream: IO[bytes], max_rows: int, pick: Pick) -> Sheet:
    try:
        archive = zipfile.ZipFile(stream)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnsupportedFile("文件已损坏或不是 XLSX 文件") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_ZIP_RATIO:
        raise FileTooLarge("XLSX 解压后过大，疑似异常文件，已拒绝")
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise UnsupportedFile("文件既不是 CSV 也不是 XLSX（压缩包中没有 Excel 工作簿）")
    stream.seek(0)
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise UnsupportedFile(f"无法读取 XLSX 文件：{str(exc)[:100]}") from None
    if not book.worksheets:
        raise QueryError("XLSX 文件中没有工作表")
    percent = _has_percent_styles(book)
    first, *others = book.worksheets
    main = _xlsx_sheet(first, max_rows, pick, percent)
    main.children = {ws.title: _xlsx_sheet(ws, max_rows, first_filled, percent) for ws in others}
    return main


def _xlsx_sheet(ws, max_rows: int, pick: Pick, percent: bool) -> Sheet:
    ws.reset_dimensions()  # the stored dimensions may lie; read what is there
    fill = _MergedDown(merged_down(ws))

    def read(min_row: int, max_row: int | None = None, max_col: int | None = None) -> Iterator[Row]:
        rows = ws.iter_rows(min_row=min_row, max_row=max_row, max_col=max_col, values_only=not percent)
        for number, cells in enumerate(rows, min_row):
            yield number, fill(number, _shown(cells) if percent else list(cells))

    head = list(read(1, HEADER_ROWS))
    return _framed(head, lambda width: read(HEADER_ROWS + 1, max_col=width), pick, max_rows, csv_mode=False)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+\d+:[A-Za-z]+\d+)"')


def merged_down(ws) -> dict[int, list[tuple[int, int]]]:
    """{first row: [(column index from 0, last row)]} of the sheet's cells merged down rows.

    A read-only worksheet does not load its merged cells: their <mergeCell> elements follow the
    rows in the sheet's XML, found here by one pass over its bytes (cheap beside parsing it)."""
    starts: dict[int, list[tuple[int, int]]] = {}
    tail = b""
    with ws._get_source() as source:  # openpyxl's own access to the sheet's XML in the archive
        while chunk := source.read(1 << 20):
            block, tail = tail + chunk, b""
            for match in _MERGE.finditer(block):
                min_col, min_row, _, max_row = range_boundaries(match.group(1).decode())
                if max_row > min_row:
                    starts.setdefault(min_row, []).append((min_col - 1, max_row))
            cut = block.rfind(b"<")
            tail = block[cut:] if cut >= 0 and b">" not in block[cut:] else b""
    return starts


class _MergedDown:
    """Gives a merged cell's value (its first row's) to the rows below it that it spans."""

    def __init__(self, starts: dict[int, list[tuple[int, int]]]):
        self.starts, self.active = starts, {}

    def __call__(self, number: int, cells: list) -> list:
        if not self.starts:
            return cells
        for column, last in self.starts.get(number, ()):
            self.active[column] = (cells[column] if column < len(cells) else None, last)
        for column, (value, last) in list(self.active.items()):
            if number > last:
                del self.active[column]
            elif value is not None and (column >= len(cells) or cells[column] is None):
                cells.extend([None] * (column + 1 - len(cells)))
                cells[column] = value
        return cells


def _has_percent_styles(book) -> bool:
    """Whether any cell style of the workbook shows numbers as percentages (cells are then read
    with their formats, slower; most workbooks have none)."""
    return any(_is_percent(_format_of(book, style.numFmtId)) for style in getattr(book, "_cell_styles", ()))


def _format_of(book, format_id: int) -> str:
    if format_id < BUILTIN_FORMATS_MAX_SIZE:
        return BUILTIN_FORMATS.get(format_id, "General")
    formats = getattr(book, "_number_formats", [])
    index = format_id - BUILTIN_FORMATS_MAX_SIZE
    return formats[index] if 0 <= index < len(formats) else "General"


def _is_percent(number_format: str | None) -> bool:
    """0%, 0.0%: a % outside quotes and escapes (`0"%"` only writes the sign, it does not scale)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def _shown(cells: Iterable) -> list:
    """Cell values, a number shown as a percentage read as it is shown: 0.4 as 40%, i.e. 40."""
    out = []
    for cell in cells:
        value = cell.value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and _is_percent(cell.number_format):
            shown = (Decimal(repr(value)) * 100).normalize()
            value = int(shown) if shown == shown.to_integral_value() else float(shown)
        out.append(value)
    return out
