"""Spreadsheet cells <-> field values, both ways, for exports and imports.

Spreadsheets hand us what people typed or what Excel stored: 2026/3/5, Excel date cells,
"1,234.50", 是/否, "'=SUM(...)" from our own neutralised export. `from_cell` turns one cell
into the field's JSON value or raises CellError with a Chinese message; `to_text` and
`to_typed` are the reverse, for CSV and XLSX. Child tables travel as readable lines
("时间：09:00；地点：会议室"), one line per row, with `\\` escaping so a round trip is lossless.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from .definition import Field

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PROTECT = "=+-@\t\r'"  # what `neutralise` prefixes: formula starts, and ' itself (lossless)
TRUE_WORDS = {"是", "true", "1", "y", "yes", "对", "√", "✓", "t"}
FALSE_WORDS = {"否", "false", "0", "n", "no", "错", "×", "✗", "f"}
LIST_SEPARATORS = re.compile(r"\s*[、,，;；|\n]\s*")
_DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                         r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER_NOISE = re.compile(r"[,，\s¥￥元]")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
LOCAL_TZ = dt.timezone(dt.timedelta(hours=8))  # Beijing time: naive spreadsheet times mean this
INT64 = 2**63 - 1


class CellError(ValueError):
    """A cell's content cannot be read as the field's type; the message is for people."""


# --- export ------------------------------------------------------------------------------

def neutralise(text: str) -> str:
    """Prefix ' to text a spreadsheet would run as a formula (and to text already starting with ')."""
    if text and text[0] in _PROTECT:
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo `neutralise`: only a ' followed by what it protects is ours to strip."""
    if len(text) > 1 and text[0] == "'" and text[1] in _PROTECT:
        return text[1:]
    return text


def to_text(f: Field | None, value: Any) -> str:
    """A field value as CSV text (not yet neutralised; numbers stay plain numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)) and f is not None and f.numeric:
        if isinstance(value, float) and f.kind == "money":
            return f"{value:.2f}"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, str):
        return value
    if f is not None and f.kind == "multichoice" and isinstance(value, list):
        return "、".join(str(v) for v in value)
    if f is not None and f.kind == "table" and isinstance(value, list):
        return table_text(f, value)
    return json.dumps(value, ensure_ascii=False)


def is_number_cell(f: Field | None, value: Any) -> bool:
    """True for a value written as a bare number (never neutralised: -5 stays -5)."""
    return (f is not None and f.numeric and isinstance(value, (int, float))
            and not isinstance(value, bool))


def to_typed(f: Field | None, value: Any) -> Any:
    """A field value as an XLSX cell value: dates as dates, numbers as numbers, else text."""
    if value is None:
        return None
    if is_number_cell(f, value):
        if isinstance(value, int) and abs(value) > 2**53:
            return str(value)  # Excel keeps 15 digits; a long integer must not be rounded
        return value
    if f is not None and f.kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return to_text(f, value)


def table_text(f: Field, rows: list) -> str:
    """Child-table rows as readable lines: '日期：2026-03-05；时间：09:00'."""
    lines = []
    children = [(c.key, c.title + "：", c) for c in f.children]
    for row in rows:
        if not isinstance(row, dict):
            lines.append(_escape(json.dumps(row, ensure_ascii=False)))
            continue
        parts = []
        for key, label, child in children:
            value = row.get(key)
            if value is not None:
                parts.append(label + _escape(value if isinstance(value, str) else to_text(child, value)))
        if len(parts) < len(row):
            known = {c.key for c in f.children}
            parts.extend(f"{k}：{_escape(to_text(None, v))}" for k, v in row.items() if k not in known)
        lines.append("；".join(parts))
    return "\n".join(lines)


_ESCAPED = re.compile(r"[\\\r\n；]")


def _escape(text: str) -> str:
    if not _ESCAPED.search(text):
        return text
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("；", "\\；")


# --- import ------------------------------------------------------------------------------

def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def from_cell(f: Field, value: Any, csv: bool = True) -> Any:
    """One cell as the field's JSON value; None for an empty cell; CellError when unreadable."""
    if is_blank(value):
        return None
    kind = f.kind
    if isinstance(value, str):
        if kind in ("text", "email", "uri", "choice"):
            value = value.strip(" \u3000")  # stray spaces; a leading tab is content (and neutralised)
        elif kind != "textarea":
            value = value.strip()
        if csv or kind not in ("text", "textarea"):
            value = unneutralise(value)
    if kind in ("text", "textarea", "email", "uri"):
        return _as_text(value)
    if kind == "choice":
        return _as_choice(f, _as_text(value))
    if kind == "date":
        return _as_date(f, value)
    if kind == "datetime":
        return _as_datetime(f, value)
    if kind == "integer":
        return _as_integer(f, value)
    if kind in ("number", "money"):
        return _as_number(f, value)
    if kind == "boolean":
        return _as_boolean(f, value)
    if kind == "multichoice":
        return _as_choices(f, value)
    if kind == "table":
        return _as_table(f, value, csv)
    if kind == "group" and isinstance(value, str) and value.startswith("{"):
        return _json(f, value, dict)
    raise CellError(f"{f.title}：无法从单元格读取")


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 123 typed into a text column comes back as 123.0
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _as_choice(f: Field, text: str) -> str:
    if text in f.choices:
        return text
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    for choice in f.choices:
        if unicodedata.normalize("NFKC", choice).casefold() == folded:
            return choice
    return text  # validation names the allowed choices


def _as_date(f: Field, value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _excel_serial(f, value).date().isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_PARTS.match(text) or _COMPACT_DATE.match(text)
    if match:
        year, month, day = (int(p) for p in match.groups()[:3])
        if match.re is _DATE_PARTS and match.group(4) and any(int(p or 0) for p in match.groups()[3:]):
            raise CellError(f"{f.title}：应为日期，不含时间（“{_short(text)}”）")
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            pass
    raise CellError(f"{f.title}：无法识别的日期“{_short(text)}”，应如 2026-03-05 或 2026/3/5")


def _as_datetime(f: Field, value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = _excel_serial(f, value)
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
        return moment.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), LOCAL_TZ).isoformat(timespec="seconds")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_PARTS.match(text)
    if match and not re.search(r"[zZ]|[+-]\d{2}:?\d{2}$", text[10:]):
        year, month, day, hour, minute, second = (int(p or 0) for p in match.groups())
        try:
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ).isoformat()
        except ValueError:
            pass
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CellError(f"{f.title}：无法识别的日期时间“{_short(text)}”，应如 2026-03-05 09:30") from None
    return text if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ).isoformat()


def _excel_serial(f: Field, number: float) -> dt.datetime:
    if not 1 <= number < 2958466:
        raise CellError(f"{f.title}：无法识别的日期“{number}”")
    return EXCEL_EPOCH + dt.timedelta(days=float(number))


def _decimal(f: Field, value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise CellError(f"{f.title}：应为{what}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    negative = text.startswith("(") and text.endswith(")")  # accounting style (1,234.00)
    cleaned = _NUMBER_NOISE.sub("", text.strip("()")).removesuffix("%")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"{f.title}：应为{what}，“{_short(text)}”无法识别") from None
    if not number.is_finite() or abs(number) > Decimal(10) ** 18:
        raise CellError(f"{f.title}：超出数字范围")
    return -number if negative else number


def _as_integer(f: Field, value: Any) -> int:
    number = _decimal(f, value, "整数")
    if number != number.to_integral_value():
        raise CellError(f"{f.title}：应为整数，不能有小数")
    return int(number)


def _as_number(f: Field, value: Any) -> int | float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    number = _decimal(f, value, "数字")
    if number == number.to_integral_value() and abs(number) < 2**53:
        return int(number)
    return float(number)


def _as_boolean(f: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"{f.title}：应填“是”或“否”，“{_short(str(value))}”无法识别")


def _as_choices(f: Field, value: Any) -> list[str]:
    text = _as_text(value).strip()
    if text.startswith("["):
        return _json(f, text, list)
    if text in f.choices:
        return [text]
    return [_as_choice(f, part) for part in LIST_SEPARATORS.split(text) if part]


def _as_table(f: Field, value: Any, csv: bool) -> list[dict]:
    text = _as_text(value)
    if text.lstrip().startswith("["):
        return _json(f, text.strip(), list)
    names = {}
    for child in f.children:
        names[child.title] = names[child.key] = child
    rows = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if not line.strip():
            continue
        row: dict[str, Any] = {}
        for part in _split_unescaped(line):
            label, sep, raw = part.partition("：")
            if not sep:
                label, sep, raw = part.partition(":")
            child = names.get(label.strip())
            if child is None or not sep:
                raise CellError(f"{f.title} 第{number}行：无法识别“{_short(part)}”，应为“列名：值”，以“；”分隔")
            try:
                cell = from_cell(child, _unescape(raw), csv=False)
            except CellError as exc:
                raise CellError(f"{f.title} 第{number}行 {exc}") from None
            if cell is not None:
                row[child.key] = cell
        rows.append(row)
    return rows


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


def _json(f: Field, text: str, kind: type) -> Any:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise CellError(f"{f.title}：内容无法识别") from None
    if not isinstance(value, kind):
        raise CellError(f"{f.title}：内容无法识别")
    return value


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
