"""Import CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) and XLSX into a ledger: all or nothing.

The file is read row by row by core/tabular/sheets.py (the header found among the first rows, title and
totals rows skipped, merged cells filled); headers match by title or key (width-normalised);
every cell is coerced from what spreadsheets produce and every row validated like a form
entry, all in a read transaction: a file with a bad row is reported whole (every bad row) and
nothing is stored, without ever taking the write lock. A good file is then written in one
transaction, after the definition version and the business keys are checked again; a dry run
only checks.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import select

from core.access import audit
from core.access import policy as access
from core.access.guarded import with_rules
from core.access.policy import Actor, require
from core.db.counts import Tally, field_expr
from core.db.models import Database, entries
from core.definition import workflow
from core.definition.model import Definition
from core.definition.tree import along
from core.entries.definitions import definition_of
from core.entries.scope import out_of_scope, scope_condition
from core.entries.store import insert_valid, lock_ledger, unique_keys, update_valid
from core.entries.validation import validate_entry
from core.errors import EntryInvalid, QueryError
from core.tabular.cells import CellError, from_cell, is_blank
from core.tabular.export import (EXAMPLE_ID, ID_KEY, ID_TITLE, META, NUMBER_KEY, NUMBER_TITLE, RETIRED_SUFFIX,
                                 TITLE_SEPARATOR, Column, field_columns)
from core.tabular.report import ImportReport, reject
from core.tabular.sheets import HEADER_ROWS, MAX_ROWS, Pick, Sheet, first_filled, open_sheet

CHUNK = 2_000


@dataclass
class ImportOptions:
    dry_run: bool = False
    upsert: bool = False
    filename: str = ""
    max_rows: int = MAX_ROWS
    scope: access.Scope = access.ALL  # set by import_file from the importer's permissions


class _Rollback(Exception):
    """Raised inside the write transaction when a row is bad: nothing is kept."""


# --- headers -----------------------------------------------------------------------------

def normal(name: str) -> str:
    """A header (or sheet name) as it is matched: width-normalised (NFKC: 进度（%） is 进度(%)),
    spaces collapsed; core/ledgers/proposal.py matches the titles it proposes alike."""
    name = unicodedata.normalize("NFKC", name.replace("\ufeff", "")).strip()
    if name.startswith("'") and len(name) > 1:
        name = name[1:]
    return " ".join(name.split()).casefold()


def header_pick(definition: Definition) -> Pick:
    """Which of the first rows is the header: the one naming the most fields (the first of
    equals); when none names any, the first row with text, for map_headers to refuse."""
    names = _header_names(definition)

    def pick(head: list[tuple[int, list[str]]]) -> int:
        scores = [len({c.key for c in (names.get(normal(h)) for h in cells) if c is not None and c.key != ID_KEY})
                  for _, cells in head]
        best = max(scores, default=0)
        return scores.index(best) if best else first_filled(head)
    return pick


def _header_names(definition: Definition) -> dict[str, Column | None]:
    """Every normalised header text the ledger's columns answer to: None for a column to ignore."""
    names: dict[str, Column | None] = {}
    leaf_titles: dict[str, list[Column]] = {}
    for column in field_columns(definition.fields):
        for name in (column.key, column.title, column.title.replace(TITLE_SEPARATOR, "."),
                     column.title.replace(TITLE_SEPARATOR, "-")):
            names.setdefault(normal(name), column)
        if column.field is not None:
            leaf_titles.setdefault(normal(column.field.title), []).append(column)
    for name, matches in leaf_titles.items():
        if len(matches) == 1:
            names.setdefault(name, matches[0])
    id_column = Column(ID_KEY, ID_TITLE, path=("id",))
    names[normal(ID_KEY)] = names[normal(ID_TITLE)] = id_column
    for key, title in META:
        names[normal(key)] = names[normal(title)] = None
    for name in (NUMBER_KEY, NUMBER_TITLE):  # assigned by the server; a field of that title wins
        names.setdefault(normal(name), None)
    return names


def map_headers(definition: Definition, headers: list[str], report: ImportReport) -> list[Column | None]:
    """The column each header names (by title or key), or None for one to ignore."""
    columns = list(field_columns(definition.fields))
    names = _header_names(definition)

    mapped: list[Column | None] = []
    seen: dict[str, str] = {}
    ignored, retired, attachments = [], [], []
    for header in headers:
        column = names.get(normal(header), "unknown")
        if column not in (None, "unknown") and column.field is not None and not column.field.type.importable:
            attachments.append(header.strip())  # its entries keep what they hold (core/files/)
            column = None
        if column == "unknown":
            if header.strip().endswith(RETIRED_SUFFIX):  # an export's earlier-version column
                retired.append(header.strip())
            elif header.strip():
                ignored.append(header.strip())
            mapped.append(None)
            continue
        if column is not None and column.key in seen:
            raise QueryError(f"列“{header}”与“{seen[column.key]}”重复，指向同一字段")
        if column is not None:
            seen[column.key] = header
        mapped.append(column)
    if not any(c is not None and c.key != ID_KEY for c in mapped):
        raise QueryError(f"未找到表头：前 {HEADER_ROWS} 行中没有一行的列标题与台帐字段的标题或字段名相符")
    if ignored:
        report.warnings.append("以下列不是当前台帐的字段，已忽略：" + "、".join(ignored[:20]))
    if retired:
        report.warnings.append("以下列是旧版字段，不导入（记录中已有的旧版值保持不变）：" + "、".join(retired[:20]))
    if attachments:
        report.warnings.append("以下列是附件字段，导入时不处理（记录中已有的附件保持不变，附件请在记录页面上传）："
                               + "、".join(attachments[:20]))
    missing = [c.title for c in columns if c.field.required and len(c.path) == 1 and c.key not in seen]
    if missing:
        report.warnings.append("文件中缺少必填字段的列：" + "、".join(missing))
    return mapped


# --- rows -> entries ---------------------------------------------------------------------

def _row_entry(mapped: list[Column | None], cells: list, csv_mode: bool,
               row_no: int, report_errors: list[dict]) -> tuple[dict, Any, set[str]]:
    """(data, 记录ID cell, fields whose cells were unreadable) for one row."""
    data: dict[str, Any] = {}
    bad: set[str] = set()
    ref = None
    for column, cell in zip(mapped, cells):
        if column is None:
            continue
        if column.key == ID_KEY:
            ref = None if is_blank(cell) else _ref(cell)
            continue
        try:
            value = from_cell(column.field, cell, csv=csv_mode)
        except CellError as exc:
            bad.add(column.path[0])
            report_errors.append({"row": row_no, "field": column.key, "column": column.title,
                                  "message": str(exc)})
            continue
        if value is None:
            continue
        target = data
        for part in column.path[:-1]:
            target = target.setdefault(part, {})
        target[column.path[-1]] = value
    return data, ref, bad


def _ref(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _child_rows(definition: Definition, sheet: Sheet, report: ImportReport) -> dict[str, dict[str, list]]:
    """XLSX child-table sheets read into {table field key: {记录ID: [rows]}}."""
    out: dict[str, dict[str, list]] = {}
    tables = {f.key: f for f in definition.fields if f.type.rows}
    for f in tables.values():
        child_sheet = next((s for name, s in sheet.children.items()
                            if normal(name) in (normal(f.title), normal(f.key))), None)
        if child_sheet is None:
            continue
        heads = [normal(h) for h in child_sheet.headers]
        if not heads or heads[0] not in (normal(ID_TITLE), normal(ID_KEY)):
            continue
        columns = {}
        for c in field_columns(f.children):
            columns[normal(c.title)] = columns[normal(c.key)] = c
        mapped = [columns.get(h) for h in heads]
        by_ref: dict[str, list] = {}
        for row_no, cells in child_sheet.rows:
            if all(is_blank(c) for c in cells) or is_blank(cells[0]):
                continue
            row, errors = {}, []
            for column, cell in zip(mapped, cells):
                if column is None:
                    continue
                try:
                    value = from_cell(column.field, cell, csv=False)
                except CellError as exc:
                    errors.append(str(exc))
                    continue
                if value is not None:
                    row[column.path[-1]] = value
            if errors:
                report.warnings.append(f"工作表“{f.title}”第 {row_no} 行：" + "；".join(errors))
            by_ref.setdefault(_ref(cells[0]), []).append(row)
        out[f.key] = by_ref
        report.warnings.extend(f"工作表“{f.title}”：{note}" for note in child_sheet.notes())
        report.warnings.append(f"子表“{f.title}”取自同名工作表（按{ID_TITLE}对应）")
    return out


# --- the import --------------------------------------------------------------------------

def import_file(db: Database, actor: Actor, key: str, stream: IO[bytes],
                options: ImportOptions | None = None) -> ImportReport:
    """Check (and unless dry_run, store) every row of a CSV/XLSX file; all or nothing.

    Every row is read and validated in a read transaction first, so a long file never holds the
    write lock while it is checked (lists and reports go on answering); only good files then
    take the lock, re-check the definition version and the business keys, and write."""
    options = options or ImportOptions()
    with db.read() as conn:
        ledger_row_, definition = definition_of(conn, key)
        ledger_row_ = with_rules(conn, ledger_row_)
    require(actor, "import", ledger_row_)
    # Upserts see only the rows in the importer's scope; new rows must fall inside it.
    options.scope = access.scope(actor, ledger_row_, "import")
    if options.upsert and not definition.business_key:
        raise QueryError("该台帐未声明业务主键（x-ledger.business_key），不能按主键更新")
    sheet = open_sheet(stream, options.filename, options.max_rows, header_pick(definition))
    report = ImportReport(dry_run=options.dry_run, headers=list(sheet.headers))
    mapped = map_headers(definition, sheet.headers, report)
    children = _child_rows(definition, sheet, report) if not sheet.csv else {}
    with db.read() as conn:
        rows = _check(conn, definition, sheet, mapped, children, options, report)
    if options.dry_run:
        return report
    report.created = report.updated = 0
    if not report.ok:
        return report
    keep = {f.key for f in definition.fields} - {c.path[0] for c in mapped if c is not None}
    try:
        with unique_keys(db, key), db.write() as conn:
            ledger = lock_ledger(conn, key)  # first, as on every write path (docs/design.md)
            if ledger.current_version != definition.version:
                raise QueryError("导入期间台帐定义已更新，请重新导入")
            tally = Tally(definition)
            _apply(conn, actor, definition, ledger.id, rows, keep, options, report, tally)
            if not report.ok:
                raise _Rollback
            tally.apply(conn, ledger.id)
            audit.record(conn, actor, "import", key, rows=report.created + report.updated,
                         filters={"file": options.filename, "upsert": bool(options.upsert),
                                  "created": report.created, "updated": report.updated})
    except _Rollback:
        report.created = report.updated = 0
    return report


@dataclass
class _Good:
    """A row that passed every check: what the write pass stores."""

    row_no: int
    cells: list
    data: dict
    key: str | None  # the business key's value, as compared


def _check(conn, definition: Definition, sheet: Sheet, mapped: list, children: dict,
           options: ImportOptions, report: ImportReport) -> list[_Good]:
    """Read and validate every row (no write lock held): the bad ones go to the report with
    all their errors, the good ones are returned. The counts say what a write would do."""
    bkey = definition.business_key
    sc = options.scope
    existing = _existing_keys(conn, definition, sc) if bkey else {}
    seen_keys: dict[Any, int] = {}
    good: list[_Good] = []
    for row_no, cells in sheet.rows:
        if all(is_blank(c) for c in cells):
            continue
        errors: list[dict] = []
        data, ref, bad = _row_entry(mapped, cells, sheet.csv, row_no, errors)
        if ref is not None and ref.startswith(EXAMPLE_ID):
            report.warnings.append(f"第 {row_no} 行是模板的示例行（{ID_TITLE}为“{ref}”），已跳过，未导入")
            continue
        report.total += 1
        for field_key, by_ref in children.items():
            if ref is not None and ref in by_ref:
                data[field_key] = by_ref[ref]
        try:
            validate_entry(definition, {k: v for k, v in data.items() if k not in bad})
        except EntryInvalid as exc:
            errors += [{"row": row_no, "field": e["field"], "column": _column_title(definition, e["field"]),
                        "message": e["message"]} for e in exc.errors if e["field"].split(".")[0] not in bad]
        value = None
        if bkey and not errors and data.get(bkey) is not None:
            value = _key_form(data[bkey])
            if value in seen_keys:
                errors.append(_key_error(definition, row_no, f"与第 {seen_keys[value]} 行重复"))
            seen_keys[value] = row_no
            if value in existing and not options.upsert and not errors:
                errors.append(_key_error(definition, row_no, "已存在（可选择“按业务主键更新”）"))
        if not errors:
            outside = out_of_scope(definition, sc, data)
            if outside:
                errors.append({"row": row_no, "field": definition.unit_field.key,
                               "column": definition.unit_field.title, "message": outside})
        if errors:
            reject(report, row_no, cells, errors)
            continue
        if value is not None and value in existing:
            report.updated += 1
        else:
            report.created += 1
        good.append(_Good(row_no, cells, data, value))
    report.warnings.extend(sheet.notes())  # title rows above the header, totals rows below
    return good


def _apply(conn, actor: Actor, definition: Definition, ledger_id: int, rows: list[_Good], keep: set[str],
           options: ImportOptions, report: ImportReport, tally: Tally) -> None:
    """Write the checked rows under the ledger lock. The business keys are read again here: a
    key stored by someone else since the check is refused as it would have been then."""
    existing = _existing_keys(conn, definition, options.scope) if definition.business_key else {}
    pending: list[dict] = []
    for row in rows:
        target = existing.get(row.key) if row.key is not None else None
        if target is not None and not options.upsert:
            reject(report, row.row_no, row.cells,
                   [_key_error(definition, row.row_no, "已存在（可选择“按业务主键更新”）")])
        if not report.ok:
            continue
        if target is not None:
            try:
                update_valid(conn, actor, definition, target[0], target[1], row.data, keep, workflow.IMPORTED,
                             tally, options.scope)
            except EntryInvalid as exc:
                reject(report, row.row_no, row.cells, _row_errors(definition, row.row_no, exc))
                continue
            report.updated += 1
        else:
            pending.append(row.data)
            if len(pending) >= CHUNK:
                insert_valid(conn, actor, ledger_id, definition, pending, workflow.IMPORTED, CHUNK, tally)
                report.created += len(pending)
                pending = []
    if report.ok and pending:
        insert_valid(conn, actor, ledger_id, definition, pending, workflow.IMPORTED, CHUNK, tally)
        report.created += len(pending)


def _row_errors(definition: Definition, row_no: int, exc: EntryInvalid) -> list[dict]:
    return [{"row": row_no, "field": e["field"], "column": _column_title(definition, e["field"]),
             "message": e["message"]} for e in exc.errors]


def _existing_keys(conn, definition: Definition, sc: access.Scope = access.ALL) -> dict[Any, tuple[int, int]]:
    """{business key value: (entry id, row version)} of the ledger's live entries in scope `sc`
    (an upsert never sees, so never touches, a row outside the importer's scope)."""
    f = definition.by_key[definition.business_key]
    from_ledger, _ = definition_of(conn, definition.key)
    limit = scope_condition(conn.dialect.name, definition, sc)
    rows = conn.execute(select(entries.c.id, entries.c.version, field_expr(conn.dialect.name, f))
                        .where(entries.c.ledger_id == from_ledger.id, entries.c.deleted_at.is_(None),
                               *([limit] if limit is not None else [])))
    return {_key_form(value): (entry_id, version) for entry_id, version, value in rows if value is not None}


def _key_form(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _key_error(definition: Definition, row_no: int, message: str) -> dict:
    f = definition.by_key[definition.business_key]
    return {"row": row_no, "field": f.key, "column": f.title, "message": f"{f.title}：{message}"}


def _column_title(definition: Definition, field: str) -> str:
    return TITLE_SEPARATOR.join(f.title for f in along(definition.fields, field.split(".")))
