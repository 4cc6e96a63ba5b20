"""The happy path of entry validation: a definition's strict schema compiled to Python code.

jsonschema walks the schema for every entry (~0.5 ms for a supervision entry); most entries
are valid, so fastjsonschema compiles the same schema once (~20 µs an entry). It only ever
*accepts*: an entry it refuses, or a schema using a keyword outside the small set both
libraries read alike, goes to jsonschema, which stays the authority and gives the errors.

fastjsonschema would run `pattern`s in Python's backtracking `re`: its compiled patterns are
swapped for RE2 ones (core/definition/patterns.py), the same the jsonschema validator runs.

`multipleOf` is left out of the compiled code (it divides binary floats, so 19.99 would fail
0.01) and checked in decimal afterwards, as validation does.
"""
from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import fastjsonschema

from core.definition.patterns import PatternError, compile_pattern

# Keywords both libraries read the same way (draft-07 semantics equal 2020-12 for these).
_SAFE_KEYWORDS = {
    "type", "properties", "required", "additionalProperties", "enum", "const", "format",
    "pattern", "maxLength", "minLength", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "items", "maxItems", "minItems", "uniqueItems",
    "title", "description", "default", "examples", "readOnly", "$schema", "$comment",
    "if", "then", "else", "allOf", "dependentRequired",  # conditional requirement (core/definition/rules.py)
}
_SUBSCHEMAS = ("items", "additionalProperties", "if", "then", "else")


def compile_quick_check(schema: dict, formats: dict[str, Callable[[Any], bool]]) -> Callable[[Any], bool] | None:
    """A predicate that is True only for instances valid against `schema`; None if it cannot be built."""
    if not _only_safe(schema, formats):
        return None
    schema = _as_draft7(copy.deepcopy(schema))
    schema.pop("$schema", None)
    steps = _pop_steps(schema)
    try:
        compiled = fastjsonschema.compile(schema, formats=formats, use_default=False)
    except Exception:  # noqa: BLE001 - anything it cannot compile is checked the slow way
        return None
    regexes = getattr(getattr(compiled, "func", compiled), "__globals__", {}).get("REGEX_PATTERNS")
    if regexes is None:
        return None  # a fastjsonschema that keeps them elsewhere: never run them in `re`
    try:
        for source in list(regexes):
            regexes[source] = compile_pattern(source)
    except PatternError:
        return None

    def check(data: Any) -> bool:
        try:
            compiled(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return _multiples_ok(steps, data)

    return check


def _only_safe(node: Any, formats: dict) -> bool:
    """True when every keyword in `node` is one both libraries treat alike."""
    if isinstance(node, list):
        return all(_only_safe(item, formats) for item in node)
    if not isinstance(node, dict):
        return True
    for key, value in node.items():
        if key.startswith("x-"):
            continue
        if key not in _SAFE_KEYWORDS or (key == "format" and value not in formats):
            return False
        if key == "properties" and not all(_only_safe(sub, formats) for sub in value.values()):
            return False
        if key in _SUBSCHEMAS and isinstance(value, dict) and not _only_safe(value, formats):
            return False
        if key == "allOf" and not (isinstance(value, list) and all(_only_safe(sub, formats) for sub in value)):
            return False
        if key == "enum" and not all(isinstance(v, str) for v in value):
            return False  # 1 == True == 1.0 differ between the two libraries
    return True


def _as_draft7(node: Any) -> Any:
    """fastjsonschema reads draft 7, where `dependentRequired` is the list form of `dependencies`."""
    if isinstance(node, list):
        return [_as_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {("dependencies" if key == "dependentRequired" else key): _as_draft7(value) for key, value in node.items()}


def _pop_steps(schema: dict) -> Any:
    """Remove every multipleOf and return where they were: a step, or {key: ...} / ("items", ...)."""
    if not isinstance(schema, dict):
        return None
    if "multipleOf" in schema:
        return Decimal(str(schema.pop("multipleOf")))
    if isinstance(schema.get("properties"), dict):
        nested = {k: _pop_steps(sub) for k, sub in schema["properties"].items()}
        nested = {k: v for k, v in nested.items() if v is not None}
        return nested or None
    if isinstance(schema.get("items"), dict):
        inner = _pop_steps(schema["items"])
        return ("items", inner) if inner is not None else None
    return None


def _multiples_ok(steps: Any, value: Any) -> bool:
    if steps is None:
        return True
    if isinstance(steps, Decimal):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return True
        try:
            return Decimal(str(value)) % steps == 0
        except (InvalidOperation, ValueError):
            return False
    if isinstance(steps, tuple):
        return not isinstance(value, list) or all(_multiples_ok(steps[1], item) for item in value)
    return not isinstance(value, dict) or all(_multiples_ok(step, value[k]) for k, step in steps.items()
                                                   if k in value)
