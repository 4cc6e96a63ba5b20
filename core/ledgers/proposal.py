"""A ledger definition proposed from last year's spreadsheet: one field per column.

The file is read by the importer's own reader (core/tabular/sheets.py: content sniffing, UTF-8 or
GB18030, stray bytes refused, row and size caps, XLSX through defusedxml, title rows above the
header and a 合计 row below the data skipped with a warning, cells merged down rows filled,
percentages read as shown), and a column's
kind is the first candidate whose own cell reader (core/definition/kinds, the one the import uses)
reads every non-empty cell. The proposal is then checked row by row with the validator of
the import, and a field some row would not pass falls back to text, so importing the same
file into the published ledger accepts every row. Field titles are the header texts: the
import matches its columns by title.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Callable


from core.tabular import importer
from core.definition.checks import MAX_CHOICE_LENGTH
from core.definition.loading import load_definition
from core.definition.model import KEY_RE, Field
from core.errors import EntryInvalid, LedgerError, QueryError
from core.definition.formats import is_email
from core.definition.kinds import KINDS, ParseError, is_blank, kind_of
from core.definition.kinds.base import cell_text, is_number
from core.tabular.export import ID_KEY, ID_TITLE, META
from core.tabular import sheets
from core.entries.validation import validate_entry

MAX_CHOICES = 12             # a column with few distinct values...
MIN_ROWS_PER_CHOICE = 2      # ...each repeated on average: a choice
LONG_TEXT = 100              # characters: a longer cell, or a line break, makes a textarea
TEXT_LENGTH, TEXTAREA_LENGTH = 200, 2000
MAX_TITLE = 100              # the meta-schema's limit of a field title
MAX_KEY = 40
LIST_COLUMNS = 5
LONG_NUMBER = 11             # digits: 13800138000 or an ID number is a code, not a quantity
# Headers the import reads as its own columns, never as fields.
RESERVED = {importer.normal(h) for h in (ID_KEY, ID_TITLE, *[n for pair in META for n in pair])}
_MONEY_MARK = re.compile(r"[¥￥元,，]")
_LEADING_ZERO, _NOT_DIGIT, _DECIMALS = re.compile(r"0\d+"), re.compile(r"\D"), re.compile(r"\.(\d+)")


class SheetError(LedgerError):
    """The file cannot be turned into a proposal (empty, no header, duplicate headers...)."""

    status = 422


@dataclass
class Column:
    """One column of the sheet: its header, its cells (one per data row) and what was decided."""

    index: int
    title: str
    cells: list
    key: str = ""
    schema: dict | None = None
    reason: str = ""


def propose(filename: str, data: bytes, title: str | None = None, key: str | None = None) -> dict:
    """{"definition", "fields": [{key, title, kind, reason}], "rows", "warnings"} for a CSV/XLSX file."""
    if not data:
        raise SheetError("文件是空的")
    columns, rows, csv, warnings = _read(filename, data)
    title = (title or "").strip() or PurePath(filename or "").stem.strip() or "新台帐"
    key = _ledger_key(key, title)
    for column in columns:
        column.schema, column.reason = _guess(column.title, column.cells, csv)
        column.reason += _required_reason(column, rows)
    for column, field_key in zip(columns, unique_keys([c.title for c in columns])):
        column.key = field_key
    document = _document(title[:MAX_TITLE], key, columns, rows)
    document = _settled(document, columns, rows, csv)
    return {"definition": document, "rows": rows, "warnings": warnings,
            "fields": [{"key": c.key, "title": c.title, "kind": kind_of(c.schema), "reason": c.reason}
                       for c in columns]}


# --- reading -----------------------------------------------------------------------------

def _read(filename: str, data: bytes) -> tuple[list[Column], int, bool, list[str]]:
    """The sheet's columns with their cells, the number of data rows, whether it is CSV, warnings."""
    try:
        sheet = sheets.open_sheet(io.BytesIO(data), filename or "", sheets.MAX_ROWS, header_pick)
        at = _row_name(sheet.header_row)
        columns, warnings = _columns(sheet.headers, at)
        rows = 0
        for _, cells in sheet.rows:
            if all(is_blank(c) for c in cells):
                continue
            rows += 1
            for column in columns:
                column.cells.append(cells[column.index] if column.index < len(cells) else None)
    except QueryError as exc:  # the reader's "CSV 格式有误" and the like: the file is unreadable
        raise SheetError(exc.message) from None
    blank_tail = [c for c in columns if not c.title and all(is_blank(v) for v in c.cells)]
    columns = [c for c in columns if c not in blank_tail]
    for column in columns:
        if not column.title:
            raise SheetError(f"第 {column.index + 1} 列有数据但表头为空：请在{at}（表头）填写列标题")
    if not columns:
        raise SheetError(f"{at}应为表头（各列的标题），但它是空的")
    return columns, rows, sheet.csv, warnings + sheet.notes()


def header_pick(head: list[tuple[int, list[str]]]) -> int:
    """The header among the first rows: the first filled across more than half the widest row
    (a title row above it fills one merged cell, or two); the first row when none is."""
    counts = [sum(1 for c in cells if c.strip()) for _, cells in head]
    widest = max(counts, default=0)
    return next((i for i, n in enumerate(counts) if n and n * 2 > widest), 0)


def _row_name(number: int) -> str:
    return "第一行" if number == 1 else f"第 {number} 行"


def _columns(headers: list, at: str = "第一行") -> tuple[list[Column], list[str]]:
    """Columns for the header row; duplicate headers, data in the header row: a SheetError."""
    if not any(str(h).strip() for h in headers):
        raise SheetError(f"{at}应为表头（各列的标题），但它是空的")
    columns, seen, warnings = [], {}, []
    for i, header in enumerate(headers):
        text = " ".join(str(header).replace("\ufeff", "").split())
        name = importer.normal(text)
        if name in RESERVED:
            warnings.append(f"第 {i + 1} 列“{text}”是导入时系统自用的列，不作为字段")
            continue
        if not text:
            columns.append(Column(i, "", []))
            continue
        if len(text) > MAX_TITLE:
            raise SheetError(f"第 {i + 1} 列的表头过长（上限 {MAX_TITLE} 字）")
        if name in seen:
            raise SheetError(f"第 {seen[name] + 1} 列与第 {i + 1} 列的表头都是“{text}”：表头不能重复")
        seen[name] = i
        columns.append(Column(i, text, []))
    titled = [c for c in columns if c.title]
    dates = [c for c in titled if _reads_as("date", c.title)]
    numbers = [c for c in titled if _reads_as("number", c.title)]
    if dates or len(numbers) * 2 > len(titled):
        first = (dates or numbers)[0]
        raise SheetError(f"{at}应为表头：第 {first.index + 1} 列的“{first.title}”像是数据而不是列标题，"
                         "请在数据上方加一行列标题")
    return columns, warnings


def _reads_as(kind: str, text: str) -> bool:
    """Whether a header reads as a date or a number: a date header, or mostly number headers,
    is a data row without its header above it (one number alone may be a year: 2025)."""
    try:
        KINDS[kind].parse(Field("x", "x", kind, {}), text)
        return True
    except ParseError:
        return False


# --- kinds -------------------------------------------------------------------------------

def _probe(schema: dict, title: str) -> Field:
    kind = kind_of(schema)
    return Field("x", title, kind, schema, False, KINDS[kind].choices(schema))


def _reads(schema: dict, title: str, values: list, csv: bool) -> list | None:
    """Every value as the kind of `schema` reads it from a cell, or None when one is unreadable."""
    f = _probe(schema, title)
    try:
        return [f.type.from_cell(f, v, csv) for v in values]
    except ParseError:
        return None


def _date(title: str, values: list, csv: bool) -> tuple[dict, str] | None:
    if any(is_number(v) or isinstance(v, bool) for v in values):
        return None  # a number column is not a date column, though Excel serials would read as dates
    if any(isinstance(v, dt.datetime) and v.time() != dt.time() for v in values):
        return None
    schema = {"type": "string", "format": "date"}
    return (schema, f"{len(values)} 行均为日期") if _reads(schema, title, values, csv) else None


def _datetime(title: str, values: list, csv: bool) -> tuple[dict, str] | None:
    if any(is_number(v) or isinstance(v, bool) for v in values):
        return None
    schema = {"type": "string", "format": "date-time"}
    return (schema, f"{len(values)} 行均为日期时间") if _reads(schema, title, values, csv) else None


def _number(title: str, values: list, csv: bool) -> tuple[dict, str] | None:
    """Integers, numbers, or money (¥/元 or thousands separators, or two decimals: every text
    written with cents; none finer than cents)."""
    if any(isinstance(v, bool) for v in values) or any(_code_like(v) for v in values):
        return None
    numbers = _reads({"type": "number"}, title, values, csv)
    if numbers is None:
        return None
    places = [_places(v) for v in values]
    # Text shows its cents ("8.00"); an XLSX number cell has lost its trailing zeros (41.0).
    cents = max(places) == 2 and all(p == 2 for v, p in zip(values, places) if isinstance(v, str))
    marked = cents or any(isinstance(v, str) and _MONEY_MARK.search(v) for v in values)
    if marked and max(places) <= 2:
        return ({"type": "number", "multipleOf": 0.01, "x-widget": "money"},
                f"{len(values)} 行均为金额（带 ¥/元、千分位或两位小数）")
    if all(float(n).is_integer() for n in numbers) and max(places) == 0:
        return {"type": "integer"}, f"{len(values)} 行均为整数"
    return {"type": "number"}, f"{len(values)} 行均为数字"


def _code_like(value: Any) -> bool:
    """'0101', '13800138000': digits that are a code or a phone number, not a quantity."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return False
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return bool(_LEADING_ZERO.fullmatch(text)) or len(_NOT_DIGIT.sub("", text)) >= LONG_NUMBER


def _places(value: Any) -> int:
    """Decimal places as written: '1,234.50' -> 2, 12.5 -> 1, '¥8,300' -> 0."""
    if isinstance(value, float):
        exponent = Decimal(repr(value)).normalize().as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 99
    if isinstance(value, int):
        return 0
    text = unicodedata.normalize("NFKC", str(value))
    match = _DECIMALS.search(text)
    return len(match.group(1)) if match else 0


def _boolean(title: str, values: list, csv: bool) -> tuple[dict, str] | None:
    words = {"是", "否"}
    if all(isinstance(v, bool) or (isinstance(v, str) and v.strip() in words) for v in values):
        return {"type": "boolean"}, f"{len(values)} 行均为“是”或“否”"
    return None


def _is_email(text: str) -> bool:
    """An address whose top-level domain is letters: string methods, where a regex backtracked."""
    top = text.rpartition(".")[2]
    return is_email(text) and len(top) >= 2 and top.isascii() and top.isalpha()


def _email(title: str, values: list, csv: bool) -> tuple[dict, str] | None:
    if all(isinstance(v, str) and _is_email(v.strip()) for v in values):
        return {"type": "string", "format": "email"}, f"{len(values)} 行均为电子邮箱"
    return None


def _choice(title: str, values: list, csv: bool) -> tuple[dict, str] | None:
    texts = [cell_text(v).strip(" \u3000") for v in values]
    distinct = list(dict.fromkeys(t for t in texts if t))
    if not distinct or len(distinct) > MAX_CHOICES or len(texts) < MIN_ROWS_PER_CHOICE * len(distinct):
        return None
    if any(len(t) > min(LONG_TEXT, MAX_CHOICE_LENGTH) or "\n" in t for t in distinct):
        return None
    return ({"type": "string", "enum": distinct},
            f"{len(texts)} 行只有 {len(distinct)} 种取值，作为选项（按首次出现的顺序）")


def _text(title: str, values: list, csv: bool) -> tuple[dict, str]:
    texts = [cell_text(v) for v in values]
    longest = max((len(t) for t in texts), default=0)
    long_rows = sum(1 for t in texts if len(t) > LONG_TEXT or "\n" in t.strip())
    if long_rows:
        return ({"type": "string", "maxLength": max(TEXTAREA_LENGTH, longest), "x-widget": "textarea"},
                f"有 {long_rows} 行超过 {LONG_TEXT} 字或含换行，作为多行文本")
    return {"type": "string", "maxLength": max(TEXT_LENGTH, longest)}, f"{len(values)} 行为文本"


# In order: the first that reads every non-empty cell wins; text always does.
CANDIDATES: tuple[Callable[[str, list, bool], tuple[dict, str] | None], ...] = (
    _date, _datetime, _number, _boolean, _email, _choice)


def _guess(title: str, cells: list, csv: bool) -> tuple[dict, str]:
    """(property schema without its title, reason) for one column's cells."""
    values = [c for c in cells if not is_blank(c)]
    if not values:
        return {"type": "string", "maxLength": TEXT_LENGTH}, "列中没有数据，按文本处理"
    for candidate in CANDIDATES:
        found = candidate(title, values, csv)
        if found is not None:
            return found
    return _text(title, values, csv)


def _required_reason(column: Column, rows: int) -> str:
    blank = sum(1 for c in column.cells if is_blank(c))
    if rows and not blank:
        return "；没有空白单元格，设为必填"
    return f"；{blank} 行为空，不设必填" if blank else ""


# --- keys --------------------------------------------------------------------------------

def key_for(title: str, fallback: str) -> str:
    """A field or ledger key from a (Chinese) title: 承办单位 -> cheng_ban_dan_wei."""
    from pypinyin import lazy_pinyin  # its dictionaries weigh ~55 MiB: loaded by the workers that propose, not by all
    words = lazy_pinyin(unicodedata.normalize("NFKC", title))
    parts = [w for word in words for w in re.findall(r"[a-z0-9]+", word.lower())]
    key = "_".join(parts)
    while len(key) > MAX_KEY and "_" in key:
        key = key.rsplit("_", 1)[0]
    key = key[:MAX_KEY]
    if key and not key[0].isalpha():
        key = "f_" + key
    return key if KEY_RE.fullmatch(key or "") else fallback


def unique_keys(titles: list[str]) -> list[str]:
    """One valid, unique key per title (field_3 where a title gives no letters at all)."""
    keys, taken = [], set()
    # The import also matches a header by key: no key may be another column's header.
    headers = {importer.normal(t): i for i, t in enumerate(titles, 1)}
    for i, title in enumerate(titles, 1):
        base = key_for(title, f"field_{i}")
        key, n = base, 2
        while key in taken or headers.get(key, i) != i:
            key, n = f"{base}_{n}", n + 1
        taken.add(key)
        keys.append(key)
    return keys


def _ledger_key(key: str | None, title: str) -> str:
    if key:
        key = key.strip()
        if not KEY_RE.fullmatch(key):
            raise SheetError(f"台帐标识“{key[:64]}”无效：应以小写字母开头，只含小写字母、数字和下划线")
        return key
    return key_for(title, "ledger")


# --- the definition ----------------------------------------------------------------------

def _document(title: str, key: str, columns: list[Column], rows: int) -> dict:
    properties = {c.key: {"title": c.title, **c.schema} for c in columns}
    required = [c.key for c in columns if rows and not any(is_blank(v) for v in c.cells)]
    fields = {c.key: _probe(c.schema, c.title) for c in columns}
    listing = {"columns": [c.key for c in columns][:LIST_COLUMNS],
               "filters": [k for k, f in fields.items() if f.type.counted],
               "search": [k for k, f in fields.items() if f.type.indexed_text and not f.schema.get("format")]}
    document = {"title": title, "type": "object", "properties": properties, "x-ledger": {
        "key": key, "list": {k: v for k, v in listing.items() if v}}}
    if required:
        document["required"] = required
    return document


def _settled(document: dict, columns: list[Column], rows: int, csv: bool) -> dict:
    """The document once every row passes its validator: a field some row fails becomes text."""
    for _ in range(len(columns) + 1):
        definition = load_definition(document)
        failing = _failing_fields(definition, columns, csv)
        if not failing:
            return document
        for column in columns:
            if column.key in failing:
                schema, _reason = _text(column.title, [c for c in column.cells if not is_blank(c)] or [""], csv)
                column.schema = schema
                column.reason = f"第 {failing[column.key]} 条数据不符合推断的类型，改为文本" + \
                    _required_reason(column, rows)
        document = _document(document["title"], document["x-ledger"]["key"], columns, rows)
    raise SheetError("无法从该文件推断出可用的台帐定义")


def _failing_fields(definition, columns: list[Column], csv: bool) -> dict[str, int]:
    """{field key: first data row (1-based) it fails}, reading cells as the import does."""
    failing: dict[str, int] = {}
    fields = [(c, definition.by_key[c.key]) for c in columns]
    for row in range(len(columns[0].cells) if columns else 0):
        data = {}
        for column, f in fields:
            try:
                value = f.type.from_cell(f, column.cells[row], csv)
            except ParseError:
                failing.setdefault(f.key, row + 1)
                continue
            if value is not None:
                data[f.key] = value
        try:
            validate_entry(definition, data)
        except EntryInvalid as exc:
            for error in exc.errors:
                name = error["field"].split(".")[0]
                if name in definition.by_key:
                    failing.setdefault(name, row + 1)
    return failing
