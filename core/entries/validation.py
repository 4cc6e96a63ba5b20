"""Entry validation: one function for the API, the web forms and imports, messages in Chinese.

The definition's schema is tightened before use: every object rejects unknown keys and every
string has a length limit, whatever the administrator wrote. Format checking is on, with a
stricter `date` than Python's `fromisoformat` (which accepts 20260305 and 2026-W10-1), and each
format check linear in the value (core/definition/formats.py).
"""
from __future__ import annotations

import copy
import math
import re
from typing import Any

from decimal import Decimal, InvalidOperation

from jsonschema import Draft202012Validator, ValidationError, validators

from core.definition import formats
from core.definition.model import Definition, Field
from core.definition.tree import along, keys_of
from core.errors import EntryInvalid
from core.definition.patterns import PatternError, pattern_matches
from core.entries.quickcheck import compile_quick_check
from core.definition.rules import rule_errors
from core.definition.textcheck import value_problem
from core.settings import INT64

DEFAULT_MAX_LENGTH = 10_000
DEFAULT_MAX_ITEMS = 500
# Subschemas that test an entry rather than declare fields: `"if": {"type": "object", "properties":
# {"status": ...}}` must not be tightened into "no other keys", or it would never hold.
CONDITION_KEYWORDS = ("if", "then", "else", "not", "dependentSchemas")

# Every format check is linear in the value (core/definition/formats.py): no backtracking regex on entry data.
FORMAT_CHECKER = formats.FORMAT_CHECKER


def _multiple_of(validator, step, instance, schema):
    """multipleOf in decimal: binary floats make 19.99 "not a multiple of" 0.01."""
    if not validator.is_type(instance, "number"):
        return
    try:
        ok = (Decimal(str(instance)) % Decimal(str(step))) == 0
    except (InvalidOperation, ValueError):
        ok = False
    if not ok:
        yield ValidationError(f"{instance!r} is not a multiple of {step}")


def _pattern(validator, pattern, instance, schema):
    """`pattern` in RE2 (linear time, see core/definition/patterns.py), never Python's backtracking `re`."""
    if not validator.is_type(instance, "string"):
        return
    try:
        matched = pattern_matches(pattern, instance)
    except PatternError:  # a stored older definition may hold one: the entry cannot be checked
        yield ValidationError("台帐定义的正则表达式无法使用，请联系管理员修正台帐定义")
        return
    if not matched:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator, patterns, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            try:
                matched = pattern_matches(pattern, key)
            except PatternError:
                yield ValidationError("台帐定义的正则表达式无法使用，请联系管理员修正台帐定义")
                return
            if matched:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


EntryValidator = validators.extend(Draft202012Validator, {"multipleOf": _multiple_of, "pattern": _pattern,
                                                          "patternProperties": _pattern_properties})

FORMAT_HINTS = {
    "date": "应为有效日期 YYYY-MM-DD",
    "date-time": "应为有效日期时间，如 2026-03-05T09:30:00+08:00",
    "email": "应为有效的电子邮件地址",
    "uri": "应为完整网址，如 https://example.gov.cn/",
}
TYPE_NAMES = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "是或否",
              "array": "列表", "object": "对象", "null": "空值"}


def validate_entry(definition: Definition, data: Any) -> dict:
    """Return `data` if it is a valid entry of `definition`, else raise EntryInvalid (all errors)."""
    if not isinstance(data, dict):
        raise EntryInvalid([{"field": "", "path": "", "keyword": "type", "message": "数据应为 JSON 对象"}])
    unstorable = value_problem(data)  # NUL, lone surrogates, nesting no walk survives: before any walk
    if unstorable is not None:
        path, message = unstorable
        key = path.split("/")[1] if path.count("/") else ""
        title = definition.by_key[key].title if key in definition.by_key else key
        raise EntryInvalid([{"field": key, "path": path, "keyword": "text",
                             "message": f"{title}：{message}" if title else message}])
    quick = _quick_check(definition)
    if quick is not None and quick(data):
        errors = []  # the compiled check accepts only what jsonschema accepts
    else:
        errors = _schema_errors(definition, data)
    out_of_range = _range_errors(definition, data, []) if _has_bad_number(data) else []
    if out_of_range:  # say "out of range" once, not also "greater than the maximum"
        fields = {e["field"] for e in out_of_range}
        errors = [e for e in errors if e["field"] not in fields] + out_of_range
    errors += rule_errors(definition, data)  # after the schema: the fast path above never skips rules
    if errors:
        errors.sort(key=lambda e: _field_order(definition, e["field"]))
        raise EntryInvalid(errors)
    return data


def _schema_errors(definition: Definition, data: dict) -> list[dict]:
    """jsonschema's errors, normalised. A definition whose `$ref`s loop (refused when checked, but a
    stored older one may have them) makes the validator recurse without end: a 422, never a 500."""
    try:
        return [normalised for e in _validator(definition).iter_errors(data)
                for normalised in _normalise(definition, e)]
    except RecursionError:
        raise EntryInvalid([{"field": "", "path": "", "keyword": "$ref",
                             "message": "台帐定义含循环引用（或数据嵌套过深），无法校验，请联系管理员修正台帐定义"}]) from None


def strict_schema(schema: dict) -> dict:
    """The definition's schema with unknown keys rejected and string/array sizes bounded."""
    schema = copy.deepcopy(schema)
    schema.pop("x-ledger", None)

    def tighten(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
            if node.get("type") == "string" and "enum" not in node:
                node["maxLength"] = min(node.get("maxLength", DEFAULT_MAX_LENGTH), DEFAULT_MAX_LENGTH)
            if node.get("type") == "array":
                node["maxItems"] = min(node.get("maxItems", DEFAULT_MAX_ITEMS), DEFAULT_MAX_ITEMS)
            for key, value in node.items():
                if key not in CONDITION_KEYWORDS:
                    tighten(value)
        elif isinstance(node, list):
            for value in node:
                tighten(value)

    tighten(schema)
    return schema


_COMPILED: dict[int, tuple] = {}


def _compiled(definition: Definition) -> tuple:
    """(jsonschema validator, quick check or None), built once per Definition (they are immutable)."""
    cached = _COMPILED.get(id(definition))
    if cached is not None and cached[0] is definition:
        return cached[1]
    schema = strict_schema(definition.schema)
    built = (EntryValidator(schema, format_checker=FORMAT_CHECKER),
             compile_quick_check(schema, _QUICK_FORMATS))
    if len(_COMPILED) > 512:
        _COMPILED.clear()
    _COMPILED[id(definition)] = (definition, built)
    return built


def _validator(definition: Definition):
    return _compiled(definition)[0]


def _quick_check(definition: Definition):
    """The compiled accept-only check for a definition (see core/entries/quickcheck.py), or None."""
    return _compiled(definition)[1]


def _conforms(name: str):
    return lambda value: formats.conforms(name, value)


_QUICK_FORMATS = {name: _conforms(name) for name in ("date", "date-time", "email", "uri")}


def _normalise(definition: Definition, error) -> list[dict]:
    """Turn a jsonschema error into {field, path, keyword, message}s, naming fields by title.

    A `required` error points at the parent object and an `additionalProperties` error lists
    every extra key at once: both are split into one error per field they concern.
    """
    path = list(error.absolute_path)
    keyword = error.validator
    if keyword == "dependentRequired":
        missing = re.match(r"'(.+?)' is a dependency of '(.+?)'", error.message)
        if missing:
            return [_conditional(definition, path, missing.group(1), f"填写了{_title_in(definition, path, missing.group(2))}")]
    if keyword == "required":
        missing = re.match(r"'(.+?)' is a required property", error.message)
        when = _branch_condition(definition, path, list(error.absolute_schema_path))
        if missing and when:
            return [_conditional(definition, path, missing.group(1), when)]
        targets = [path + [missing.group(1) if missing else ""]]
    elif keyword == "additionalProperties":
        allowed = error.schema.get("properties", {})
        targets = [path + [k] for k in error.instance if k not in allowed]
    else:
        targets = [path]
    out = []
    for target in targets:
        titles = _titles(definition.fields, target)
        message = _message(keyword, error, target)
        out.append({"field": ".".join(str(p) for p in target),
                    "path": "/" + "/".join(str(p) for p in target),
                    "keyword": keyword, "message": f"{titles}：{message}" if titles else message})
    return out


def _conditional(definition: Definition, path: list, key: str, when: str) -> dict:
    """'状态为“已办结”时，办结日期必填', on the missing field."""
    target = path + [key]
    return {"field": ".".join(str(p) for p in target), "path": "/" + "/".join(str(p) for p in target),
            "keyword": "required", "message": f"{when}时，{_title_in(definition, path, key)}必填"}


def _branch_condition(definition: Definition, path: list, schema_path: list) -> str | None:
    """For a `required` under `then`/`else`, its `if` in words ('状态为“已办结”'); None elsewhere
    or when the `if` says more than field values and presence (the plain '必填' then)."""
    branches = [i for i, part in enumerate(schema_path) if part in ("then", "else")]
    if not branches:
        return None
    node: Any = _validator(definition).schema
    for part in schema_path[:branches[-1]]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    condition = node.get("if") if isinstance(node, dict) else None
    if not isinstance(condition, dict) or set(condition) - {"properties", "required"}:
        return None
    holds = schema_path[branches[-1]] == "then"
    parts = []
    for key, sub in (condition.get("properties") or {}).items():
        title = _title_in(definition, path, key)
        values = [sub["const"]] if isinstance(sub, dict) and "const" in sub else \
            sub.get("enum") if isinstance(sub, dict) and isinstance(sub.get("enum"), list) else None
        if not values or set(sub) - {"const", "enum"}:
            return None
        shown = "或".join(f"“{_word(v)}”" for v in values)
        parts.append(f"{title}为{shown}" if holds else f"{title}不为{shown}")
    named = set(condition.get("properties") or {})
    for key in condition.get("required") or []:
        if key not in named:
            title = _title_in(definition, path, key)
            parts.append(f"填写了{title}" if holds else f"未填写{title}")
    return ("且" if holds else "或").join(parts) or None


def _word(value: Any) -> str:
    return ("是" if value else "否") if isinstance(value, bool) else str(value)


def _title_in(definition: Definition, path: list, key: str) -> str:
    """The title of field `key` of the object at `path` (the entry, a group, a table row)."""
    found = along(definition.fields, [*path, key])
    return found[-1].title if len(found) == len(keys_of(path)) + 1 else key


def _message(keyword: str, error, path: list) -> str:
    value, schema = error.validator_value, error.schema
    if keyword == "required":
        return "必填"
    if keyword == "additionalProperties":
        return f"未知字段“{path[-1]}”"
    if keyword == "type":
        kinds = value if isinstance(value, list) else [value]
        return "应为" + "或".join(TYPE_NAMES.get(k, k) for k in kinds)
    if keyword == "format":
        return FORMAT_HINTS.get(value, f"格式应为 {value}")
    if keyword == "enum":
        shown = "、".join(map(str, value[:10])) + ("等" if len(value) > 10 else "")
        return f"应为以下选项之一：{shown}"
    if keyword == "minimum":
        return f"不能小于 {value}"
    if keyword == "maximum":
        return f"不能大于 {value}"
    if keyword == "exclusiveMinimum":
        return f"应大于 {value}"
    if keyword == "exclusiveMaximum":
        return f"应小于 {value}"
    if keyword == "multipleOf":
        return "最多保留两位小数" if value == 0.01 else f"应为 {value} 的整数倍"
    if keyword == "minLength":
        return "不能为空" if value == 1 else f"长度不能少于 {value} 个字符"
    if keyword == "maxLength":
        return f"长度不能超过 {value} 个字符"
    if keyword == "pattern":
        examples = schema.get("examples")
        return "格式不正确" + (f"，例如 {examples[0]}" if examples else "")
    if keyword == "minItems":
        return f"至少需要 {value} 项"
    if keyword == "maxItems":
        return f"最多 {value} 项"
    if keyword == "uniqueItems":
        return "选项不能重复"
    return "取值不符合要求"


def _titles(fields: tuple[Field, ...], path: list) -> str:
    """'行程安排 第2行 地点' for ['itinerary', 1, 'place']."""
    names, found = [], iter(along(fields, path))
    for part in path:
        if isinstance(part, int):
            names.append(f"第{part + 1}行")
        elif (f := next(found, None)) is not None:
            names.append(f.title)
        else:
            break
    return " ".join(names)


def _has_bad_number(value: Any) -> bool:
    """A quick yes/no before _range_errors builds messages: the walk every entry pays for."""
    if isinstance(value, str) or value is None or value is True or value is False:
        return False
    if isinstance(value, dict):
        return any(_has_bad_number(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_bad_number(v) for v in value)
    if isinstance(value, int):
        return abs(value) > INT64
    return isinstance(value, float) and not math.isfinite(value)


def _range_errors(definition: Definition, value: Any, path: list) -> list[dict]:
    """Numbers no database column holds: integers beyond 64 bits, NaN and infinities.

    JSON Schema accepts them (NaN even passes minimum and maximum), so they are checked here.
    """
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in _range_errors(definition, v, path + [k])]
    if isinstance(value, list):
        return [e for i, v in enumerate(value) for e in _range_errors(definition, v, path + [i])]
    bad = (isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT64) or \
        (isinstance(value, float) and not math.isfinite(value))
    if not bad:
        return []
    titles = _titles(definition.fields, path)
    return [{"field": ".".join(map(str, path)), "path": "/" + "/".join(map(str, path)),
             "keyword": "maximum", "message": f"{titles}：超出数值范围" if titles else "超出数值范围"}]


def _field_order(definition: Definition, field: str) -> int:
    head = field.split(".")[0]
    keys = [f.key for f in definition.fields]
    return keys.index(head) if head in keys else len(keys)


def entry_errors(definition: Definition, data: Any) -> list[dict]:
    """The problems `data` has under `definition` as [{field, message}] ([] when it is valid)."""
    return [{"field": e["field"], "message": e["message"]} for e in entry_problems(definition, data)]


def entry_problems(definition: Definition, data: Any) -> list[dict]:
    """The problems `data` has under `definition`, with each error's keyword ([] when it is
    valid). Values of fields the definition no longer has are kept, not judged: they are an
    earlier version's."""
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k in definition.by_key}
    try:
        validate_entry(definition, data)
    except EntryInvalid as invalid:
        return [{"field": e["field"], "message": e["message"], "keyword": e.get("keyword")}
                for e in invalid.errors]
    return []
