"""The kinds that hold more than one value: several choices, a fieldset, a child table.

A child table travels through one spreadsheet cell as readable lines ("时间：09:00；地点：会议室"),
one line per row, with `\\` escaping so an export imports back unchanged.
"""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import JSONB

from core.definition.textcheck import MAX_NESTING, nesting_depth_exceeds
from core.definition.kinds.base import msgid
from core.definition.kinds.base import (Kind, ListedValues, ParseError, Translate, example_object, register, say, short,
                                        show, stored_object)
from core.definition.kinds.text import canonical_choice

if TYPE_CHECKING:
    from core.definition.model import Field

# Choices in one cell: '区财政局、区住建局', 'a, b'. Split by str methods, not `\s*[、,…]\s*`, which
# backtracks over a run of spaces (10,000 spaces took 2 s, a full XLSX cell 20 s).
LIST_SEPARATORS = "、,，;；|\n"
_TO_NEWLINE = str.maketrans({separator: "\n" for separator in LIST_SEPARATORS})
_ESCAPED = re.compile(r"[\\\r\n；]")


def _json(f: "Field", text: str, shape: type) -> Any:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise ParseError(f"{f.title}：内容无法识别") from None
    if not isinstance(value, shape):
        raise ParseError(f"{f.title}：内容无法识别")
    if nesting_depth_exceeds(value, MAX_NESTING):
        raise ParseError(f"{f.title}：嵌套层级过深（上限 {MAX_NESTING} 层）")
    return value


class _Nested(Kind):
    """Not one value: never a list column by default, a filter, the sort or a search target."""

    scalar = False
    query_ops: tuple[str, ...] = ()
    rule_ops: tuple[str, ...] = ()
    family = ""


class MultiChoice(ListedValues, _Nested):
    name = "multichoice"
    label = msgid("多选")
    multiple = locked_when_read_only = True
    widget = "multichoice"
    width = 24
    query_ops = ("eq", "contains")
    rule_ops = ("contains",)  # "holds this choice"

    def comparable(self, f: "Field", value: Any) -> Any:
        if value is None or value == []:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return frozenset(value)
        raise ParseError(f"{f.title}：应为选项列表")

    def recognise(self, schema: dict) -> bool:
        items = schema.get("items")
        return (schema.get("type") == "array" and isinstance(items, dict) and items.get("type") == "string"
                and isinstance(items.get("enum"), list) and all(isinstance(v, str) for v in items["enum"]))

    def choices(self, schema: dict) -> tuple[str, ...]:
        return tuple(schema["items"]["enum"])

    def holds(self, f: "Field", value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def parse(self, f: "Field", text: str) -> Any:
        """'区财政局、区住建局', 'a,b', '["a"]': the list of choices."""
        text = text.strip()
        if not text:
            return None
        if text.startswith("["):
            return _json(f, text, list)
        if text in f.choices:
            return [text]
        parts = (part.strip() for part in text.translate(_TO_NEWLINE).split("\n"))
        return [canonical_choice(f, part) for part in parts if part]

    def query_value(self, f: "Field", text: str) -> Any:
        return canonical_choice(f, text.strip())  # one choice the list must hold

    def parse_query(self, f: "Field", op: str, text: str) -> Any:
        return self.query_value(f, text)

    def condition(self, dialect: str, f: "Field", op: str, value: Any, data: Any):
        if dialect == "sqlite":
            each = func.json_each(data, literal_column(f"'$.{f.key}'")).table_valued("value")
            return exists(select(literal(1)).select_from(each).where(each.c.value == value))
        column = data.op("->", return_type=JSONB())(literal_column(f"'{f.key}'"))
        return column.op("@>")(literal([value], JSONB()))

    def parse_form(self, f: "Field", raw: Any) -> Any:
        if isinstance(raw, str):
            return super().parse_form(f, raw)
        return [v for v in (raw or []) if v not in (None, "")] or None

    def sample(self, f: "Field", full: bool) -> Any:
        return list(f.choices[:1])


class Group(_Nested):
    name = "group"
    label = msgid("分组")
    fieldset = True
    widget = "group"

    def recognise(self, schema: dict) -> bool:
        return schema.get("type") == "object" and isinstance(schema.get("properties"), dict)

    def children_schema(self, schema: dict) -> dict | None:
        return schema

    def holds(self, f: "Field", value: Any) -> bool:
        return isinstance(value, dict)

    def parse(self, f: "Field", text: str) -> Any:
        text = text.strip()
        if not text:
            return None
        if text.startswith("{"):
            return _json(f, text, dict)
        raise ParseError(f"{f.title}：无法从单元格读取")

    def stored(self, f: "Field", value: Any) -> Any:
        return stored_object(f.children, value) if isinstance(value, dict) else value

    def form_value(self, f: "Field", value: Any) -> Any:
        if value is None:
            return None
        value = value if isinstance(value, dict) else {}
        return {c.key: c.type.form_value(c, value.get(c.key)) for c in f.children}

    def display(self, f: "Field", value: Any, tr: Translate = say) -> str:
        if not isinstance(value, dict):
            return str(value)
        return "；".join(f"{c.title}：{show(c, value[c.key], tr)}" for c in f.children
                        if value.get(c.key) is not None)

    def sample(self, f: "Field", full: bool) -> Any:
        return example_object(f.children, full)


class Table(_Nested):
    name = "table"
    label = msgid("子表")
    rows = True
    widget = "table"
    width = 48

    def recognise(self, schema: dict) -> bool:
        items = schema.get("items")
        return (schema.get("type") == "array" and isinstance(items, dict) and items.get("type") == "object"
                and isinstance(items.get("properties"), dict))

    def children_schema(self, schema: dict) -> dict | None:
        return schema["items"]

    def holds(self, f: "Field", value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(row, dict) for row in value)

    def parse(self, f: "Field", text: str) -> Any:
        """Rows as JSON, or one readable line per row: '时间：09:00；地点：会议室'."""
        if text.lstrip().startswith("["):
            return _json(f, text.strip(), list)
        if not text.strip():
            return None
        names = {}
        for child in f.children:
            names[child.title] = names[child.key] = child
        rows = []
        for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
            if line.strip():
                rows.append(self._row(f, names, number, line))
        return rows

    def _row(self, f: "Field", names: dict, number: int, line: str) -> dict:
        row: dict[str, Any] = {}
        for part in _split_unescaped(line):
            label, sep, raw = part.partition("：")
            if not sep:
                label, sep, raw = part.partition(":")
            child = names.get(label.strip())
            if child is None or not sep:
                raise ParseError(f"{f.title} 第{number}行：无法识别“{short(part)}”，应为“列名：值”，以“；”分隔")
            try:
                cell = child.type.from_cell(child, _unescape(raw), csv=False)
            except ParseError as exc:
                raise ParseError(f"{f.title} 第{number}行 {exc}") from None
            if cell is not None:
                row[child.key] = cell
        return row

    def stored(self, f: "Field", value: Any) -> Any:
        if not isinstance(value, list):
            return value
        rows = [stored_object(f.children, row) if isinstance(row, dict) else row for row in value]
        return value if all(a is b for a, b in zip(rows, value)) else rows

    def form_value(self, f: "Field", value: Any) -> Any:
        if value is None:
            return []
        if not isinstance(value, list):
            return value
        return [GROUP.form_value(f, row) if isinstance(row, dict) else row for row in value]

    def display(self, f: "Field", value: Any, tr: Translate = say) -> str:
        return tr("%(n)s 行", n=len(value)) if isinstance(value, list) else str(value)

    def display_long(self, f: "Field", value: Any, tr: Translate = say) -> str:
        """Every row on one line (for history, where '3 行' says too little)."""
        if not isinstance(value, list):
            return self.display(f, value, tr)
        rows = [" ".join(show(c, row.get(c.key), tr) for c in f.children
                         if row.get(c.key) not in (None, ""))
                for row in value if isinstance(row, dict)]
        return "；".join(f"{i}. {r}" for i, r in enumerate(rows, 1)) or tr("（无）")

    def export_text(self, f: "Field | None", value: Any) -> str:
        if f is not None and isinstance(value, list):
            return table_text(f, value)
        return super().export_text(f, value)

    def sample(self, f: "Field", full: bool) -> Any:
        return [example_object(f.children, full)]


def table_text(f: "Field", rows: list) -> str:
    """Child-table rows as readable lines: '日期：2026-03-05；时间：09:00'."""
    lines = []
    children = [(c.key, c.title + "：", c) for c in f.children]
    known = {c.key for c in f.children}
    for row in rows:
        if not isinstance(row, dict):
            lines.append(_escape(json.dumps(row, ensure_ascii=False)))
            continue
        parts = [label + _escape(value if isinstance(value, str) else child.type.export_text(child, value))
                 for key, label, child in children if (value := row.get(key)) is not None]
        if len(parts) < len(row):
            parts.extend(f"{k}：{_escape(Kind().export_text(None, v))}" for k, v in row.items() if k not in known)
        lines.append("；".join(parts))
    return "\n".join(lines)


def _escape(text: str) -> str:
    if not _ESCAPED.search(text):
        return text
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("；", "\\；")


def _split_unescaped(line: str) -> list[str]:
    if "\\" not in line:
        return [p for p in line.split("；") if p.strip()]
    parts, current, i = [], [], 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            current.append(line[i:i + 2])
            i += 2
            continue
        if ch == "；":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append({"n": "\n", "r": "\r"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


for _kind in (MultiChoice, Table, Group):
    register(_kind)
GROUP = Group()
