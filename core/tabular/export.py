"""CSV and XLSX exports (streamed, flat memory) and empty templates of a ledger.

A ledger becomes flat columns: one per scalar field, one per sub-field of a fieldset
(“车辆信息·车牌号”), one readable cell per child table, then the fields that only earlier
versions of the definition had. CSV is UTF-8 with BOM and CRLF so that Excel and WPS open
Chinese right; text a spreadsheet would run as a formula is neutralised. XLSX has typed
cells, a frozen header and, per child table, a second sheet keyed by 记录ID.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, replace
from typing import IO, Any, Callable, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.access import audit
from core.access.policy import Actor
from core.tabular.cells import is_number_cell, neutralise, to_text, to_typed
from core.definition.model import Definition, Field
from core.db.models import Database
from core.entries.query import iter_entries, readable
from core.settings import local_text, local_today, to_local
from core.entries.definitions import definition_of
from core.files.records import named_files

BOM = "\ufeff"
ID_KEY, ID_TITLE = "_id", "记录ID"
EXAMPLE_ID = "示例"  # the 记录ID of a template's example row: the importer skips it with a warning
NUMBER_KEY, NUMBER_TITLE = "_number", "编号"  # the ledger's own number (督〔2026〕7号); read-only
SEQ_TITLE = "序号"
META = (("_updated_by", "最后修改人"), ("_updated_at", "最后修改时间"))
TIMESTAMPS = {"_updated_at"}  # written in local time (settings.TIMEZONE), like every page shows them
TITLE_SEPARATOR = "·"
RETIRED_SUFFIX = "（旧版字段）"  # after the title of a column only earlier versions have
FLUSH_ROWS = 200
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: a field (or a fieldset's sub-field), or a metadata column."""

    key: str                    # "asset_no", "vehicle.plate_no", "_id"
    title: str                  # "资产编号", "车辆信息·车牌号", "记录ID"
    field: Field | None = None  # the leaf field; None for metadata
    path: tuple[str, ...] = ()  # where the value sits in an entry's data
    retired: bool = False       # only earlier versions of the definition have it

    def label(self, header: str) -> str:
        return self.key if header == "key" else self.title

    def value(self, data: dict) -> Any:
        for part in self.path:
            if not isinstance(data, dict):
                return None
            data = data.get(part)
        return data


def field_columns(fields: Iterable[Field], retired: bool = False,
                  prefix: tuple[str, ...] = (), title_prefix: str = "") -> Iterator[Column]:
    """Flatten fields into columns; fieldsets open into one column per sub-field."""
    for f in fields:
        path, title = (*prefix, f.key), f"{title_prefix}{f.title}"
        if f.type.fieldset:
            yield from field_columns(f.children, retired, path, title + TITLE_SEPARATOR)
        else:
            yield Column(".".join(path), title, f, path, retired)


def export_columns(definitions: list[Definition]) -> list[Column]:
    """Columns of the current definition (last of `definitions`), then retired fields, newest
    first, each titled as the last version that had it titled it, marked 「（旧版字段）」."""
    current = definitions[-1]
    columns = [Column(ID_KEY, ID_TITLE, path=("id",)), Column(NUMBER_KEY, NUMBER_TITLE, path=("number",))]
    columns += field_columns(current.fields)
    seen = {c.key for c in columns}
    for older in reversed(definitions[:-1]):
        for column in field_columns(older.fields, retired=True):
            if column.key not in seen and _retired(current, column):
                seen.add(column.key)
                columns.append(replace(column, title=column.title + RETIRED_SUFFIX))
    columns += [Column(key, title, path=(key[1:],)) for key, title in META]
    return columns


def _retired(current: Definition, column: Column) -> bool:
    """A column of an earlier version's field the current one lacks: a removed field, or a
    removed sub-field of a group the current version still has."""
    head = current.by_key.get(column.path[0])
    return head is None or (len(column.path) > 1 and head.type.fieldset)


def all_versions(db: Database, key: str) -> list[Definition]:
    """Every version of a ledger's definition, oldest first (exports include retired fields)."""
    with db.read() as conn:
        ledger, current = definition_of(conn, key)
        return [definition_of(conn, key, v)[1] for v in range(1, current.version)] + [current]


# --- CSV ---------------------------------------------------------------------------------

def _csv_cell(column: Column) -> Callable[[dict], str]:
    """A function from an entry to this column's CSV text: numbers bare, text neutralised."""
    f, path = column.field, column.path
    if column.key == ID_KEY:
        return lambda entry: str(entry["id"])
    if column.key in TIMESTAMPS:
        name = path[0]
        return lambda entry: local_text(entry.get(name))
    if f is None:
        name = path[0]
        return lambda entry: neutralise(entry.get(name) or "")
    if len(path) == 1:
        name = path[0]

        def value_of(entry: dict) -> Any:
            return entry["data"].get(name)
    else:
        def value_of(entry: dict) -> Any:
            return column.value(entry["data"])

    def cell(entry: dict) -> str:
        value = value_of(entry)
        if value is None:
            return ""
        if value.__class__ is str:
            return neutralise(value)
        if is_number_cell(f, value):
            return to_text(f, value)
        return neutralise(to_text(f, value))
    return cell


def csv_chunks(columns: list[Column], entries: Iterable[dict], header: str = "title") -> Iterator[bytes]:
    """The export as UTF-8 byte chunks: BOM, a header row, then rows (CRLF), a few hundred at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(c.label(header)) for c in columns])
    cells = [_csv_cell(c) for c in columns]
    pending = 0
    for entry in entries:
        writer.writerow([cell(entry) for cell in cells])
        pending += 1
        if pending >= FLUSH_ROWS:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def export_csv(db: Database, actor: Actor, key: str, params: Any = None,
               header: str = "title") -> tuple[Definition, Iterator[bytes]]:
    """(definition, byte chunks) of a CSV export with the list's filters, search and sort."""
    definition, entries = iter_entries(db, actor, key, params, action="export")
    entries = _audited(db, actor, key, params, "csv", named_files(db, definition, entries))
    return definition, csv_chunks(export_columns(all_versions(db, key)), entries, header)


def _audited(db: Database, actor: Actor, key: str, params: Any, fmt: str,
             entries: Iterable[dict]) -> Iterator[dict]:
    """`entries`, recording the export with its row count once the last one has been read."""
    count = 0
    for entry in entries:
        count += 1
        yield entry
    audit.record(db, actor, "export", key, filters={"format": fmt, **(audit.normal_filters(params) or {})},
                 rows=count)


# --- XLSX --------------------------------------------------------------------------------

TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _width(column: Column) -> float:
    title = sum(2 if ord(ch) > 0x2E80 else 1 for ch in column.title) + 2
    f = column.field
    if f is None:
        body = 20 if column.key == "_updated_at" else 10
    else:
        body = f.type.column_width(f)
    return float(min(max(title, body), 60))


def sheet_title(title: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts for `title` (no []:*?/\\, within its 31 characters) and
    not yet in `taken` (a number appended when it is); the name is added to `taken`."""
    base = re.sub(r"[\[\]:*?/\\]", "_", title)[:28] or "子表"
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}{n}", n + 1
    taken.add(name)
    return name


class _XlsxCells:
    """Typed cells of one column: strings forced to text (never formulas), numbers formatted."""

    def __init__(self, sheet, column: Column):
        self.sheet, self.column = sheet, column
        self.format = column.field.type.number_format if column.field else \
            TIMESTAMP_FORMAT if column.key in TIMESTAMPS else None

    def __call__(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("="):
                cell = WriteOnlyCell(self.sheet, value)
                cell.data_type = "s"  # the text "=1+1", not a formula
                return cell
            return value
        if self.format and not isinstance(value, bool):
            cell = WriteOnlyCell(self.sheet, value)
            cell.number_format = self.format
            return cell
        return value


def write_xlsx(columns: list[Column], entries: Iterable[dict], out: IO[bytes],
               title: str, header: str = "title") -> None:
    """Write the workbook to `out` with openpyxl in write-only mode (rows go to disk as written)."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    main = wb.create_sheet(sheet_title(title, taken))
    tables = [(c, wb.create_sheet(sheet_title(c.title, taken))) for c in columns
              if c.field is not None and c.field.type.rows]
    bold = Font(bold=True)
    _start_sheet(main, [(c.label(header), _width(c)) for c in columns], bold)
    child_writers = []
    for column, sheet in tables:
        children = column.field.children
        _start_sheet(sheet, [(ID_TITLE if header == "title" else ID_KEY, 10), (SEQ_TITLE, 6)]
                     + [(c.label(header), _width(c)) for c in field_columns(children)], bold)
        child_writers.append((column, sheet, [_XlsxCells(sheet, c) for c in field_columns(children)],
                              list(field_columns(children))))
    typed = [_XlsxCells(main, c) for c in columns]
    for entry in entries:
        data = entry["data"]
        row = []
        for column, to_cell in zip(columns, typed):
            if column.key == ID_KEY:
                row.append(entry["id"])
            elif column.key in TIMESTAMPS:
                row.append(to_cell(_local_naive(entry.get(column.path[0]))))
            elif column.field is None:
                row.append(to_cell(entry.get(column.path[0])))
            else:
                value = column.value(data)
                row.append(_linked(main, to_cell(to_typed(column.field, value)), column.field.type.link(column.field, value)))
        main.append(row)
        for column, sheet, cells, child_columns in child_writers:
            value = column.value(data)
            for n, child in enumerate(value if isinstance(value, list) else [], 1):
                if isinstance(child, dict):
                    sheet.append([entry["id"], n] + [to_cell(to_typed(c.field, c.value(child)))
                                                     for c, to_cell in zip(child_columns, cells)])
    wb.save(out)


def _linked(sheet, cell: Any, link: str | None) -> Any:
    """`cell` as a hyperlink to `link` (an attachment's address), or as it is."""
    if link is None or cell is None:
        return cell
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(sheet, cell)
    cell.hyperlink = link
    return cell


def _start_sheet(sheet, headers: list[tuple[str, float]], bold: Font) -> None:
    sheet.freeze_panes = "A2"
    for i, (_, width) in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    cells = []
    for text, _ in headers:
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", text))
        cell.data_type = "s"
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def export_xlsx(db: Database, actor: Actor, key: str, out: IO[bytes], params: Any = None,
                header: str = "title", file_url: Callable[[str], str] | None = None) -> Definition:
    """Write an XLSX export with the list's filters, search and sort to `out`; a file field's
    cell links to its (first) file at `file_url(id)`."""
    definition, entries = iter_entries(db, actor, key, params, action="export")
    entries = _audited(db, actor, key, params, "xlsx", named_files(db, definition, entries, file_url))
    write_xlsx(export_columns(all_versions(db, key)), entries, out, definition.title, header)
    return definition


# --- templates ---------------------------------------------------------------------------

def example_value(f: Field) -> Any:
    """A plausible value for a template's example row, from the definition where it says one."""
    return f.type.example(f)


def template_entry(definition: Definition) -> dict:
    data: dict[str, Any] = {}
    for column in field_columns(definition.fields):
        target = data
        for part in column.path[:-1]:
            target = target.setdefault(part, {})
        target[column.path[-1]] = example_value(column.field)
    return {"id": EXAMPLE_ID, "data": data, "updated_by": None, "updated_at": None}


def template_columns(definition: Definition) -> list[Column]:
    """What an import reads: attachments are uploaded on the entry page, never imported."""
    return [Column(ID_KEY, ID_TITLE, path=("id",)),
            *(c for c in field_columns(definition.fields) if c.field.type.importable)]


def template(db: Database, actor: Actor, key: str, fmt: str, header: str = "title") -> tuple[Definition, bytes]:
    """An empty import template (headers and one example row) as CSV or XLSX bytes: for those
    who may import into the ledger (its rules apply)."""
    with db.read() as conn:
        _, definition = readable(conn, actor, key, action="import")
    columns, rows = template_columns(definition), [template_entry(definition)]
    if fmt == "csv":
        return definition, b"".join(csv_chunks(columns, rows, header))
    out = io.BytesIO()
    write_xlsx(columns, rows, out, definition.title, header)
    return definition, out.getvalue()


def download_name(definition: Definition, ext: str, suffix: str = "") -> str:
    """督查督办台帐-20261125.csv: the ledger's title and today's date."""
    safe = re.sub(r'[\\/:*?"<>|\r\n\t]', "_", definition.title).strip() or definition.key
    return f"{safe}{suffix}-{local_today():%Y%m%d}.{ext}"


def _local_naive(value: str | None) -> dt.datetime | None:
    """A stored UTC timestamp as the local wall-clock time an XLSX cell shows (cells have no zone)."""
    moment = to_local(value)
    return None if moment is None else moment.replace(tzinfo=None)
