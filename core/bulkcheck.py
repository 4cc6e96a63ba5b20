"""Validation for many rows at once: a compiled fast path in front of validate_entry.

validate_entry (jsonschema) checks ~3,000 entries a second; an import of 100,000 rows needs
more. fastjsonschema compiles the same strict schema to Python code (~30x faster). It only
ever *accepts* quickly: a row it rejects, or any schema using a keyword outside the small set
both libraries read alike, goes to validate_entry, which stays the authority and writes the
Chinese messages. Formats use validate_entry's own checkers; numbers beyond 64 bits, NaN and
infinities are sent to validate_entry too.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import fastjsonschema

from .definition import Definition
from .validation import FORMAT_CHECKER, strict_schema, validate_entry

INT64 = 2**63 - 1
# Keywords both validators read the same way (draft-07 semantics equal 2020-12 for these).
_SAFE_KEYWORDS = {
    "type", "properties", "required", "additionalProperties", "enum", "const", "format",
    "pattern", "maxLength", "minLength", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "items", "maxItems", "minItems", "uniqueItems",
    "title", "description", "default", "examples", "readOnly", "$schema", "$comment",
}
_FORMATS = ("date", "date-time", "email", "uri")
_CHECKERS: dict[int, tuple[Definition, Callable | None]] = {}


def entry_checker(definition: Definition) -> Callable[[Any], dict]:
    """A function that returns a valid entry or raises EntryInvalid, exactly like validate_entry."""
    fast = _fast_validator(definition)
    if fast is None:
        return lambda data: validate_entry(definition, data)

    def check(data: Any) -> dict:
        try:
            fast(data)
        except Exception:  # noqa: BLE001 - a rejection, or NaN tripping its arithmetic: ask jsonschema
            return validate_entry(definition, data)
        if _too_big(data):
            return validate_entry(definition, data)
        return data

    return check


def _fast_validator(definition: Definition) -> Callable | None:
    cached = _CHECKERS.get(id(definition))
    if cached is not None and cached[0] is definition:
        return cached[1]
    schema = strict_schema(definition.schema)
    fast = None
    if _only_safe(schema, top=True):
        schema.pop("$schema", None)
        formats = {name: _format(name) for name in _FORMATS}
        try:
            fast = fastjsonschema.compile(schema, formats=formats, use_default=False)
        except Exception:  # noqa: BLE001 - anything it cannot compile is checked the slow way
            fast = None
    if len(_CHECKERS) > 256:
        _CHECKERS.clear()
    _CHECKERS[id(definition)] = (definition, fast)
    return fast


def _format(name: str) -> Callable[[str], bool]:
    checker = FORMAT_CHECKER.checkers[name][0]

    def check(value: str) -> bool:
        try:
            return bool(checker(value))
        except Exception:  # noqa: BLE001 - a checker that raises means "not this format"
            return False
    return check


def _only_safe(node: Any, top: bool = False) -> bool:
    """True when every schema keyword in `node` is one both libraries treat alike."""
    if isinstance(node, list):
        return all(_only_safe(item) for item in node)
    if not isinstance(node, dict):
        return True
    for key, value in node.items():
        if key.startswith("x-"):
            continue
        if key not in _SAFE_KEYWORDS:
            return False
        if key == "properties":
            if not all(_only_safe(sub) for sub in value.values()):
                return False
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            if not _only_safe(value):
                return False
        elif key == "format" and value not in _FORMATS:
            return False
    return True


def _too_big(value: Any) -> bool:
    """Numbers no database column holds: beyond 64 bits, NaN, infinities (validate_entry refuses them)."""
    if isinstance(value, float):
        return not math.isfinite(value) or abs(value) > INT64
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) > INT64
    if isinstance(value, dict):
        return any(_too_big(v) for v in value.values())
    if isinstance(value, list):
        return any(_too_big(v) for v in value)
    return False
