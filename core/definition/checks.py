"""Checking a definition document, once, before it is stored: every problem, all at once.

Against the meta-schema of what the engine supports (`metaschema.json`), then for the things a
meta-schema cannot say (references between parts, regexes, nesting). Every problem is
reported with a JSON pointer and a Chinese message.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from jsonschema import Draft202012Validator

from core.definition.formats import FORMAT_CHECKER
from core.ids import plain_int
from core.definition.kinds import KINDS, Kind, kind_of
from core.definition.model import KEY_RE, MAX_DEPTH, RENAMED_FROM, field_model, property_schema
from core.definition.options import check_options
from core.definition.patterns import every_pattern, pattern_problem
from core.definition.textcheck import value_problem
from core.definition.refs import check_refs, escape
from core.definition.rules import check_conditional, check_rules, check_show_when
from core.definition.numbering import check_numbering
from core.definition.workflow import check_workflow
from core.errors import problem

MAX_FIELDS = 300         # properties over the whole document
MAX_DOCUMENT_BYTES = 512 * 1024
MAX_CHOICE_LENGTH = 200  # choices are counted and indexed: a btree entry has a size limit

META_SCHEMA = json.loads((Path(__file__).with_name("metaschema.json")).read_text("utf-8"))
_META_VALIDATOR = Draft202012Validator(META_SCHEMA)
# The formats of entries (core/definition/formats.py), linear; its `regex` is RE2's judgement, where jsonschema's
# would compile patterns in Python's `re`, which refuses valid ECMA-262 (`[^]`, `\u{…}`, `\cA`).
_SCHEMA_VALIDATOR = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=FORMAT_CHECKER)


def check_definition(document: Any) -> Iterator[dict]:
    """Yield every problem of a definition as {path, message}, ordered by path; none means usable.

    Every stage runs, so an administrator fixing a definition sees all its problems in one
    answer; only a document too odd to walk at all (not an object, too big, too deep) stops
    at its first problem.
    """
    stop = _unwalkable(document)
    if stop is not None:
        yield stop
        return
    meta = [problem(_pointer(e.absolute_path), _meta_message(e)) for e in _META_VALIDATOR.iter_errors(document)]
    refs, cyclic = check_refs(document)
    problems = meta + refs + _reserved_key(document.get("x-ledger"))
    problems += [problem(path, refused) for path, pattern in every_pattern(document)  # under allOf, not, $defs too
                 if (refused := pattern_problem(pattern))]
    if _count_fields(document) > MAX_FIELDS or _expands_past(document, cyclic, MAX_FIELDS):
        problems.append(problem("/properties", f"字段过多（上限 {MAX_FIELDS} 个）"))
    elif isinstance(document.get("properties"), dict):  # else no field exists to check anything against
        problems += _check_object(document, document, "", 1, cyclic)  # these walks expand $refs: bounded now
        fields = {f.key: f for f in field_model(document, document, 1, cyclic)}
        problems += check_options(document.get("x-ledger"), fields)
        problems += check_workflow(_well_formed(document, meta, "workflow", "timeline"), fields)
        problems += check_numbering(_well_formed(document, meta, "numbering"))
        options = document.get("x-ledger")
        problems += check_rules(options.get("rules") if isinstance(options, dict) else None, fields)
        problems += check_show_when(document, fields)
        problems += check_conditional(document, fields)
    reported = {p["path"] for p in problems}  # a place is explained once, in our own words
    problems += [problem(path, f"不是有效的 JSON Schema：{e.message}") for e in _SCHEMA_VALIDATOR.iter_errors(document)
                 if (path := _pointer(e.absolute_path)) not in reported]
    yield from _in_order(problems)


# Paths the app itself uses where a ledger key would go (/ledgers/manage, PUT /api/v1/ledgers/order).
RESERVED_KEYS = frozenset({"manage", "order"})


def _reserved_key(options: Any) -> list[dict]:
    key = options.get("key") if isinstance(options, dict) else None
    if key in RESERVED_KEYS:
        return [problem("/x-ledger/key", f"标识“{key}”为系统保留（已用于管理页面的地址），请换一个")]
    return []


def _well_formed(document: dict, meta: list[dict], *parts: str) -> dict:
    """A document holding only those `x-ledger` parts the meta-schema found nothing wrong with:
    what the workflow and numbering checks read (a malformed part is reported by the meta-schema)."""
    options = document.get("x-ledger")
    if not isinstance(options, dict):
        return {"x-ledger": {}}
    def sound(part: str) -> bool:
        return not any(p["path"] == f"/x-ledger/{part}" or p["path"].startswith(f"/x-ledger/{part}/") for p in meta)
    return {"x-ledger": {part: options[part] for part in parts if part in options and sound(part)}}


def _unwalkable(document: Any) -> dict | None:
    """The one problem that stops checking early: no later check can walk such a document."""
    if not isinstance(document, dict):
        return problem("", "台帐定义应为 JSON 对象")
    unstorable = value_problem(document, limit=4 * MAX_DEPTH + 8)  # NUL, lone surrogates, runaway nesting
    if unstorable is not None:
        return _too_deep_field(document) or problem(*unstorable)
    try:
        size = len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError, RecursionError):
        return problem("", "台帐定义无法序列化为 JSON")
    if size > MAX_DOCUMENT_BYTES:
        return problem("", f"台帐定义过大（{size} 字节，上限 {MAX_DOCUMENT_BYTES} 字节）")
    if _depth(document) > 4 * MAX_DEPTH + 8:
        return problem("", f"嵌套层级过深（最多 {MAX_DEPTH} 层对象）")
    return None


def _too_deep_field(document: dict) -> dict | None:
    """The first field whose sub-fields nest deeper than MAX_DEPTH objects (groups, table rows),
    named by its titles: what a document too deep to walk usually is. Iterative, `$ref`s not
    followed (those are counted once walkable); None when the depth lies elsewhere."""
    stack: list[tuple[Any, str, int, tuple[str, ...]]] = [(document, "", 1, ())]
    while stack:
        node, path, depth, titles = stack.pop()
        properties = node.get("properties")
        for key, sub in properties.items() if isinstance(properties, dict) else ():
            if not isinstance(sub, dict):
                continue
            sub_path = f"{path}/properties/{escape(str(key))}"
            named = titles + (sub["title"] if isinstance(sub.get("title"), str) and sub["title"] else str(key),)
            rows = sub.get("items") if sub.get("type") == "array" else None
            inner, inner_path = (rows, sub_path + "/items") if isinstance(rows, dict) else (sub, sub_path)
            if not isinstance(inner.get("properties"), dict):
                continue
            if depth + 1 > MAX_DEPTH:
                return problem(sub_path, _too_deep(named))
            stack.append((inner, inner_path, depth + 1, named))
    return None


def _too_deep(titles: tuple[str, ...]) -> str:
    """'字段“甲 › 乙 › … › 戊”嵌套层级过深…', long chains shortened in the middle."""
    shown = titles if len(titles) <= 6 else titles[:3] + ("…",) + titles[-2:]
    return f"字段“{' › '.join(shown)}”嵌套层级过深（对象最多 {MAX_DEPTH} 层，台帐本身算一层）"


def _in_order(problems: list[dict]) -> list[dict]:
    """Each (path, message) once, ordered by path (list indexes as numbers), else as found."""
    unique = list({(p["path"], p["message"]): p for p in problems}.values())
    return sorted(unique, key=lambda p: [(0, index, "") if (index := plain_int(part)) is not None else (1, 0, part)
                                         for part in p["path"].split("/")])


def _check_object(root: dict, schema: dict, path: str, depth: int, cyclic: frozenset) -> Iterator[dict]:
    """The fields of one object (the entry, a group, a table row): keys, kinds, and their own checks."""
    if depth > MAX_DEPTH:
        yield problem(path, f"嵌套层级过深（最多 {MAX_DEPTH} 层对象）")
        return
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return  # the meta-schema and the JSON Schema check say what is wrong
    if not properties and depth > 1:  # the entry's own are the meta-schema's to report
        yield problem(path + "/properties", "至少需要一个字段")
    required = schema.get("required")
    for name in required if isinstance(required, list) else []:
        if isinstance(name, str) and name not in properties:
            yield problem(path + "/required", f"必填项“{name}”不是已定义的字段")
    renamed: dict[str, str] = {}  # old key -> the field that declares it
    for key, sub in properties.items():
        sub_path = f"{path}/properties/{escape(key)}"
        if not isinstance(key, str) or not KEY_RE.fullmatch(key):
            yield problem(sub_path, f"字段名“{key}”无效：应以小写字母开头，只含小写字母、数字和下划线")
            continue
        if isinstance(sub, dict) and RENAMED_FROM in sub:
            refused = _rename_problem(sub[RENAMED_FROM], key, properties, renamed)
            if refused:
                yield problem(f"{sub_path}/{RENAMED_FROM}", refused)
        target, broken = property_schema(root, sub, cyclic)
        if broken is not None:
            if target is None:  # dangling, outside and cyclic references are reported by check_refs
                yield problem(sub_path + "/$ref", f"引用链过长（最多 8 层），止于“{broken}”")
            continue
        kind = kind_of(target)
        if kind is None:
            yield problem(sub_path, f"不支持的字段类型：{_describe(target)}")
            continue
        yield from _check_field(root, target, KINDS[kind], sub_path, depth, cyclic)


def _rename_problem(old: Any, key: str, properties: dict, renamed: dict[str, str]) -> str | None:
    """What is wrong with a field's `x-renamed-from` (its siblings are the new version's keys)."""
    if not isinstance(old, str) or not KEY_RE.fullmatch(old):
        return f"“{RENAMED_FROM}”应为原字段名：以小写字母开头，只含小写字母、数字和下划线"
    if old in properties:
        return f"原字段名“{old}”仍是本版本的字段，不能再改名为“{key}”"
    if old in renamed:
        return f"字段“{renamed[old]}”已声明由“{old}”改名而来：一个原字段只能改名为一个字段"
    renamed[old] = key
    return None


def _check_field(root: dict, schema: dict, kind: Kind, path: str, depth: int, cyclic: frozenset) -> Iterator[dict]:
    """One field: its choices, its pattern, and its sub-fields."""
    if "enum" in schema or kind.multiple:
        values = schema.get("enum") if "enum" in schema else schema["items"].get("enum")
        refused = _choices_problem(values)
        if refused:
            yield problem(path + ("/enum" if "enum" in schema else "/items/enum"), refused)
    yield from kind.check_declaration(schema, path, depth)
    children = kind.children_schema(schema)
    if children is not None and depth + 1 > MAX_DEPTH:
        yield problem(path, _too_deep((schema.get("title") or path.rsplit("/", 1)[-1],)))
    elif children is not None:
        yield from _check_object(root, children, path + ("/items" if kind.rows else ""), depth + 1, cyclic)


def _choices_problem(values: Any) -> str | None:
    """Choices are counted and indexed: none, repeated or overlong ones are refused."""
    if not isinstance(values, list):
        return None  # the JSON Schema check reports it
    if not values:
        return "选项列表不能为空"
    if len(set(map(str, values))) != len(values):
        return "选项不能重复"
    if any(len(str(v)) > MAX_CHOICE_LENGTH for v in values):
        return f"选项过长（每项上限 {MAX_CHOICE_LENGTH} 个字符）"
    return None


def _expands_past(root: dict, cyclic: frozenset, limit: int) -> bool:
    """More than `limit` fields once `$ref`s are expanded? A few $defs used many times over could
    otherwise make millions of fields out of a small document. Counting stops at the limit."""
    count, stack = 0, [(root, 1)]
    while stack:
        schema, depth = stack.pop()
        properties = schema.get("properties")
        if depth > MAX_DEPTH or not isinstance(properties, dict):
            continue
        for sub in properties.values():
            count += 1
            if count > limit:
                return True
            target, broken = property_schema(root, sub, cyclic)
            kind = kind_of(target) if broken is None else None
            children = KINDS[kind].children_schema(target) if kind is not None else None
            if children is not None:
                stack.append((children, depth + 1))
    return False


def _count_fields(node: Any, depth: int = 0) -> int:
    if depth > 64 or not isinstance(node, (dict, list)):
        return 0
    values = node.values() if isinstance(node, dict) else node
    own = len(node["properties"]) if isinstance(node, dict) and isinstance(node.get("properties"), dict) else 0
    return own + sum(_count_fields(v, depth + 1) for v in values)


def _depth(node: Any) -> int:
    """Depth of a JSON value, iteratively (a hostile document must not blow the stack)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        value, d = stack.pop()
        deepest = max(deepest, d)
        if d > 200:
            return d
        if isinstance(value, dict):
            stack.extend((v, d + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, d + 1) for v in value)
    return deepest


def _describe(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "不是对象"
    parts = [f"type={schema.get('type')!r}"]
    if "format" in schema:
        parts.append(f"format={schema['format']!r}")
    return ", ".join(parts)


def _meta_message(error) -> str:
    kw, value = error.validator, error.validator_value
    if kw == "required":
        missing = [m for m in value if isinstance(error.instance, dict) and m not in error.instance]
        return f"缺少必需的属性：{'、'.join(missing)}"
    if kw == "type":
        return f"类型错误：应为 {value}"
    if kw == "pattern":
        return f"“{error.instance}”格式不正确"
    if kw == "enum":
        return f"应为以下之一：{'、'.join(map(str, value))}"
    if kw == "additionalProperties":
        return "含有不支持的属性：" + "、".join(k for k in error.instance if k not in error.schema.get("properties", {}))
    if kw in ("minItems", "minLength", "minProperties"):
        return "不能为空"
    if kw in ("maxItems", "maxLength"):
        return f"过长（上限 {value}）"
    if kw == "const":
        return f"应为 {value!r}"
    return f"不符合要求（{kw}）"


def _pointer(parts) -> str:
    return "".join("/" + escape(str(p)) for p in parts)
