"""Between a submitted form and an entry's JSON, both ways, and engine errors back onto inputs.

Form -> JSON follows the API's conventions: an empty optional value is left out (never ""),
integers are ints, numbers and money are numbers, booleans true/false, multi-choices lists.
Each field kind reads its own input (the same reading as a query string or a spreadsheet
cell); a value that does not parse is passed on as typed, so the engine's own Chinese
message ("应为整数") is what the user reads, the same message the API gives.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from core.definition.model import Field


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
        elif f.type.fieldset:
            value, sub = entry_data(bound.form, f.children, existing.get(f.key), where + ".")
            names.update(sub)
            if not value and not f.required:
                value = None
        elif f.type.rows:
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
            value = f.type.parse_form(f, bound.data)
        if value is not None:
            data[f.key] = value
    return data, names


def _blank(row: dict, children: tuple[Field, ...]) -> bool:
    """A row with nothing typed in it (only defaults and unticked boxes) is not a row."""
    for c in children:
        if c.key in row and row[c.key] != c.default and row[c.key] is not False:
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
    return f.type.form_value(f, value)


def form_values(fields: tuple[Field, ...], data: dict | None) -> dict:
    """An entry's data (or {} for a new one, which leaves defaults to the fields) as form data."""
    data = data or {}
    return {f.key: display_value(f, data[f.key]) for f in fields if f.key in data}
