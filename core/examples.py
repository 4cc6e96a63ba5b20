"""An example entry for any definition, made from its own schema (templates, tests, docs).

Values come from the schema itself: `examples`, then `default`, then the first choice, then a
value of the field's kind within its bounds. A text field with a `pattern` and no `examples`
cannot be invented, so it is left out when optional.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from .definition import Definition, Field

_SAMPLE_DATE = dt.date(2026, 3, 5)


def example_entry(definition: Definition, full: bool = True) -> dict:
    """A valid entry: every field when `full`, else only the required ones."""
    return _example_object(definition.fields, full)


def _example_object(fields: tuple[Field, ...], full: bool) -> dict:
    out = {}
    for f in fields:
        if not (full or f.required):
            continue
        value = example_value(f, full)
        if value is not None:
            out[f.key] = value
    return out


def example_value(f: Field, full: bool = True) -> Any:
    schema = f.schema
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    if f.kind == "choice":
        return f.choices[0]
    if f.kind == "multichoice":
        return list(f.choices[:1])
    if f.kind == "table":
        return [_example_object(f.children, full)]
    if f.kind == "group":
        return _example_object(f.children, full)
    if f.kind == "boolean":
        return True
    if f.kind in ("integer", "number", "money"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        high = schema.get("maximum", schema.get("exclusiveMaximum", low + 100))
        value = min(max(low, 1), high)
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            value = schema["exclusiveMinimum"] + 1
        return int(value) if f.kind == "integer" else round(float(value) + 0.5, 2)
    if f.kind == "date":
        return _SAMPLE_DATE.isoformat()
    if f.kind == "datetime":
        return f"{_SAMPLE_DATE.isoformat()}T09:30:00+08:00"
    if f.kind == "email":
        return "office@example.gov.cn"
    if f.kind == "uri":
        return "https://example.gov.cn/"
    if "pattern" in schema:
        return None
    text = f"示例{f.title}"
    low, high = schema.get("minLength", 0), schema.get("maxLength", 200)
    text = text.ljust(low, "。")[:high]
    return text
