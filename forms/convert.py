"""Between a submitted form and an entry's JSON, both ways, and engine errors back onto inputs.

Form -> JSON follows the API's conventions: an empty optional value is left out (never ""),
integers are ints, numbers and money are numbers, booleans true/false, multi-choices lists.
A value that does not parse is passed on as typed, so the engine's own Chinese message
("应为整数") is what the user reads, the same message the API gives.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from core.definition import Field

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
_INT_RE = re.compile(r"^[+-]?\d{1,40}$")
_LOCAL_DT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
MAX_NUMBER = Decimal(10) ** 15


# --- form -> entry JSON ------------------------------------------------------------------

def _text(raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    return raw.strip() or None


def _textarea(raw: Any) -> Any:
    return (raw or "").replace("\r\n", "\n").strip() or None


def _datetime(raw: Any) -> Any:
    value = _text(raw)
    if isinstance(value, str) and _LOCAL_DT_RE.match(value):
        return (value if len(value) == 19 else value + ":00") + "+08:00"
    return value


def _integer(raw: Any) -> Any:
    value = _text(raw)
    return int(value) if isinstance(value, str) and _INT_RE.match(value) else value


def _number(money: bool) -> Callable[[Any], Any]:
    def parse(raw: Any) -> Any:
        value = _text(raw)
        if not isinstance(value, str):
            return value
        cleaned = value.replace(",", "").replace("，", "").replace(" ", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            return value
        if not number.is_finite() or abs(number) > MAX_NUMBER:
            return value
        if not money and number == number.to_integral_value() and "." not in cleaned and "e" not in cleaned.lower():
            return int(number)
        return float(number)
    return parse


def _boolean(raw: Any) -> Any:
    return bool(raw)


def _choice(raw: Any) -> Any:
    return raw if raw not in (None, "") else None


def _multichoice(raw: Any) -> Any:
    values = [v for v in (raw or []) if v not in (None, "")]
    return values or None


PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": _text, "email": _text, "uri": _text, "date": _text,
    "textarea": _textarea, "datetime": _datetime,
    "integer": _integer, "number": _number(False), "money": _number(True),
    "boolean": _boolean, "choice": _choice, "multichoice": _multichoice,
}


def entry_data(form, fields: tuple[Field, ...], existing: dict | None = None,
               path: str = "") -> tuple[dict, dict[str, str]]:
    """(the entry's JSON, {JSON path like 'itinerary.0.time': input name}) from a bound form.

    readOnly fields are never taken from the request: they keep the stored value (or the default).
    Child-table rows left blank are dropped; the returned names follow the rows that were kept.
    """
    data: dict[str, Any] = {}
    names: dict[str, str] = {}
    existing = existing if isinstance(existing, dict) else {}
    for f in fields:
        bound = form[f.key]
        where = f"{path}{f.key}"
        names[where] = bound.name
        if f.read_only:
            value = existing.get(f.key, f.default)
        elif f.kind == "group":
            value, sub = entry_data(bound.form, f.children, existing.get(f.key), where + ".")
            names.update(sub)
            if not value and not f.required:
                value = None
        elif f.kind == "table":
            value = []
            for entry in bound.entries:
                row, sub = entry_data(entry.form, f.children, None, f"{where}.{len(value)}.")
                if _blank(row, f.children):
                    continue
                names[f"{where}.{len(value)}"] = entry.name
                names.update(sub)
                value.append(row)
            value = value or None
        else:
            value = PARSERS[f.kind](bound.data)
        if value is not None:
            data[f.key] = value
    return data, names


def _blank(row: dict, children: tuple[Field, ...]) -> bool:
    """A row with nothing typed in it (only defaults and unticked boxes) is not a row."""
    for c in children:
        if c.key in row and row[c.key] != c.default and not (c.kind == "boolean" and row[c.key] is False):
            return False
    return True


def field_errors(errors: list[dict], names: dict[str, str]) -> dict[str, list[str]]:
    """Engine errors keyed by input name ('' for the form as a whole), nearest field wins."""
    out: dict[str, list[str]] = defaultdict(list)
    for error in errors:
        parts = str(error.get("field") or "").split(".") if error.get("field") else []
        target = ""
        while parts:
            candidate = ".".join(parts)
            if candidate in names:
                target = names[candidate]
                break
            parts.pop()
        out[target].append(str(error.get("message", "")))
    return dict(out)


def short_message(message: str) -> str:
    """'行程安排 第1行 地点：必填' -> '必填', for showing right beside the field itself."""
    head, sep, tail = message.partition("：")
    return tail if sep and tail else message


# --- stored JSON -> what inputs show ----------------------------------------------------

def display_value(f: Field, value: Any) -> Any:
    """A stored JSON value as its form field holds it (strings for inputs, lists, dicts)."""
    if value is None:
        return [] if f.kind in ("multichoice", "table") else None
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if f.kind == "money" and number:
        return f"{value:.2f}"
    if f.kind in ("integer", "number") and number:
        return str(value)
    if f.kind == "datetime" and isinstance(value, str):
        return local_datetime_input(value)
    if f.kind == "group":
        value = value if isinstance(value, dict) else {}
        return {c.key: display_value(c, value.get(c.key)) for c in f.children}
    if f.kind == "table" and isinstance(value, list):
        return [display_value(_row_field(f), row) for row in value]
    return value


def form_values(fields: tuple[Field, ...], data: dict | None) -> dict:
    """An entry's data (or {} for a new one, which leaves defaults to the fields) as form data."""
    data = data or {}
    return {f.key: display_value(f, data[f.key]) for f in fields if f.key in data}


def _row_field(table: Field) -> Field:
    return Field(table.key, table.title, "group", {}, False, (), table.children)


def local_datetime_input(value: str) -> str:
    """'2026-03-05T01:30:00Z' -> '2026-03-05T09:30' in China time, what datetime-local shows."""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(CHINA)
    return moment.strftime("%Y-%m-%dT%H:%M")
