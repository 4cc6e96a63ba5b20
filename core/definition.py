"""Ledger definitions: check a JSON Schema + x-ledger document and turn it into a field model.

A definition is user data. It is checked here, once, before it is stored: against the
meta-schema of what the engine supports (`metaschema.json`), then for the things a
meta-schema cannot say (references between parts, regexes, nesting). Every problem is
reported with a JSON pointer and a Chinese message, all at once.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field as dc_field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import MAX_REPEAT, MIN_REPEAT, SUBPATTERN, BRANCH  # type: ignore
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore
    from sre_constants import MAX_REPEAT, MIN_REPEAT, SUBPATTERN, BRANCH  # type: ignore

from jsonschema import Draft202012Validator

from .errors import DefinitionError, QueryError
from .kinds import KINDS, Kind, kind_of
from .numbering import check_numbering
from .workflow import check_workflow

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MAX_DEPTH = 4            # object nesting inside an entry (entry > table row > ...)
MAX_FIELDS = 300         # properties over the whole document
MAX_DOCUMENT_BYTES = 512 * 1024
MAX_PATTERN_LENGTH = 500
MAX_CHOICE_LENGTH = 200  # choices are counted and indexed: a btree entry has a size limit
MAX_INDEXED_LENGTH = 500  # 500 Chinese characters are 1,500 bytes in UTF-8
MONTH, YEAR = "month", "year"

META_SCHEMA = json.loads((Path(__file__).with_name("metaschema.json")).read_text("utf-8"))
_META_VALIDATOR = Draft202012Validator(META_SCHEMA)
_SCHEMA_VALIDATOR = Draft202012Validator(Draft202012Validator.META_SCHEMA,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)

@dataclass(frozen=True)
class Field:
    """One field of a ledger: what kind of value it holds and how people see it."""

    key: str
    title: str
    kind: str
    schema: dict = dc_field(repr=False, compare=False)
    required: bool = False
    choices: tuple[str, ...] = ()
    children: tuple["Field", ...] = ()

    @property
    def type(self) -> Kind:
        """The kind object: everything that depends on the kind goes through it."""
        return KINDS[self.kind]

    @property
    def scalar(self) -> bool:
        return self.type.scalar

    @property
    def numeric(self) -> bool:
        return self.type.numeric

    @property
    def is_date(self) -> bool:
        return self.type.is_date

    @property
    def widget(self) -> str | None:
        return self.schema.get("x-widget")

    @property
    def description(self) -> str:
        return self.schema.get("description", "")

    @property
    def default(self) -> Any:
        return self.schema.get("default")

    @property
    def read_only(self) -> bool:
        return bool(self.schema.get("readOnly"))


@dataclass(frozen=True)
class Definition:
    """A checked, immutable ledger definition (one version of one ledger)."""

    key: str
    title: str
    schema: dict = dc_field(repr=False)
    fields: tuple[Field, ...] = dc_field(repr=False)
    version: int = 0

    @cached_property
    def by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @property
    def options(self) -> dict:
        return self.schema["x-ledger"]

    @property
    def description(self) -> str:
        return self.options.get("description", "")

    def field(self, key: str) -> Field:
        """The field named `key`, or a QueryError: a caller may only name declared fields."""
        try:
            return self.by_key[key]
        except KeyError:
            raise QueryError(f"未知字段：{key}", [{"field": key, "message": f"未知字段：{key}"}]) from None

    @property
    def list_columns(self) -> list[Field]:
        keys = self.options.get("list", {}).get("columns") or [f.key for f in self.fields if f.scalar][:6]
        return [self.by_key[k] for k in keys]

    @property
    def filters(self) -> list[Field]:
        return [self.by_key[k] for k in self.options.get("list", {}).get("filters", [])]

    @property
    def search_fields(self) -> list[Field]:
        return [self.by_key[k] for k in self.options.get("list", {}).get("search", [])]

    @property
    def default_sort(self) -> str | None:
        return self.options.get("list", {}).get("sort")

    @property
    def reports(self) -> list[dict]:
        return self.options.get("reports", [])

    @property
    def business_key(self) -> str | None:
        return self.options.get("business_key")

    @property
    def overdue(self) -> dict | None:
        return self.options.get("overdue")

    def with_version(self, version: int) -> "Definition":
        return Definition(self.key, self.title, self.schema, self.fields, version)


# --- checking ---------------------------------------------------------------------------

def load_definition(document: Any, version: int = 0) -> Definition:
    """Check a definition document and return its field model, or raise DefinitionError."""
    errors = list(check_definition(document))
    if errors:
        raise DefinitionError("台帐定义有误", errors)
    document = copy.deepcopy(document)
    fields = tuple(_fields(document, document, "", 1))
    return Definition(document["x-ledger"]["key"], document["title"], document, fields, version)


def load_definition_file(path: str | Path) -> Definition:
    try:
        document = json.loads(Path(path).read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DefinitionError("台帐定义不是有效的 UTF-8 JSON", [{"path": "", "message": f"无法解析：{exc}"}])
    return load_definition(document)


def check_definition(document: Any) -> Iterator[dict]:
    """Yield every problem of a definition as {path, message}; nothing means it is usable."""
    if not isinstance(document, dict):
        yield _err("", "台帐定义应为 JSON 对象")
        return
    try:
        size = len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError, RecursionError):
        yield _err("", "台帐定义无法序列化为 JSON")
        return
    if size > MAX_DOCUMENT_BYTES:
        yield _err("", f"台帐定义过大（{size} 字节，上限 {MAX_DOCUMENT_BYTES} 字节）")
        return
    if _depth(document) > 4 * MAX_DEPTH + 8:
        yield _err("", f"嵌套层级过深（最多 {MAX_DEPTH} 层对象）")
        return
    structural = sorted(_META_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path))
    if structural:
        for error in structural:
            yield _err(_pointer(error.absolute_path), _meta_message(error))
        return
    problems = list(_check_refs(document, document, ""))
    if _count_fields(document) > MAX_FIELDS:
        problems.append(_err("/properties", f"字段过多（上限 {MAX_FIELDS} 个）"))
    if not problems:
        problems = list(_check_object(document, document, "", 1))
    if not problems:
        problems = [_err(_pointer(e.absolute_path), f"不是有效的 JSON Schema：{e.message}")
                    for e in _SCHEMA_VALIDATOR.iter_errors(document)]
    if not problems:
        problems = list(_check_ledger_options(document))
    yield from problems


def _check_object(root: dict, schema: dict, path: str, depth: int) -> Iterator[dict]:
    if depth > MAX_DEPTH:
        yield _err(path, f"嵌套层级过深（最多 {MAX_DEPTH} 层对象）")
        return
    properties = schema.get("properties", {})
    if not properties:
        yield _err(path + "/properties", "至少需要一个字段")
    for name in schema.get("required", []):
        if name not in properties:
            yield _err(path + "/required", f"必填项“{name}”不是已定义的字段")
    for key, sub in properties.items():
        sub_path = f"{path}/properties/{key}"
        if not KEY_RE.match(key):
            yield _err(sub_path, f"字段名“{key}”无效：应以小写字母开头，只含小写字母、数字和下划线")
            continue
        target, _ = _resolve(root, sub)
        kind = kind_of(target)
        if kind is None:
            yield _err(sub_path, f"不支持的字段类型：{_describe(target)}")
            continue
        yield from _check_field(root, target, KINDS[kind], sub_path, depth)


def _check_field(root: dict, schema: dict, kind: Kind, path: str, depth: int) -> Iterator[dict]:
    if "enum" in schema or kind.multiple:
        values = schema.get("enum") if "enum" in schema else schema["items"].get("enum")
        where = path + ("/enum" if "enum" in schema else "/items/enum")
        if not values:
            yield _err(where, "选项列表不能为空")
        elif len(set(map(str, values))) != len(values):
            yield _err(where, "选项不能重复")
        elif any(len(str(v)) > MAX_CHOICE_LENGTH for v in values):
            yield _err(where, f"选项过长（每项上限 {MAX_CHOICE_LENGTH} 个字符）")
    if "pattern" in schema:
        yield from _check_pattern(schema["pattern"], path + "/pattern")
    children = kind.children_schema(schema)
    if children is not None:
        yield from _check_object(root, children, path + ("/items" if kind.rows else ""), depth + 1)


def _check_pattern(pattern: str, path: str) -> Iterator[dict]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        yield _err(path, f"正则表达式过长（上限 {MAX_PATTERN_LENGTH} 个字符）")
        return
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        yield _err(path, f"正则表达式无法编译：{exc}")
        return
    if _nested_repeat(parsed, inside_repeat=False):
        yield _err(path, "正则表达式含嵌套重复（如 (a+)+），可能导致灾难性回溯")


def _nested_repeat(parsed, inside_repeat: bool) -> bool:
    """True when an unbounded repeat sits inside another repeat: the shape that backtracks badly."""
    for op, arg in parsed:
        if op in (MAX_REPEAT, MIN_REPEAT):
            low, high, sub = arg
            unbounded = high is sre_parse.MAXREPEAT or high > 10
            if inside_repeat and unbounded:
                return True
            if _nested_repeat(sub, inside_repeat or unbounded):
                return True
        elif op is SUBPATTERN:
            if _nested_repeat(arg[-1], inside_repeat):
                return True
        elif op is BRANCH:
            if any(_nested_repeat(branch, inside_repeat) for branch in arg[1]):
                return True
    return False


def _check_refs(root: dict, node: Any, path: str, depth: int = 0) -> Iterator[dict]:
    if depth > 64:
        return
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None:
            if not isinstance(ref, str) or not ref.startswith("#/"):
                yield _err(path + "/$ref", f"只允许引用本文档内的定义（如 #/$defs/名称），不能引用“{ref}”")
            elif _follow(root, ref) is None:
                yield _err(path + "/$ref", f"引用“{ref}”在本文档中不存在")
        for key in ("$id", "$dynamicRef", "$recursiveRef"):
            if key in node and path:
                yield _err(f"{path}/{key}", f"不支持 {key}")
        for key, value in node.items():
            yield from _check_refs(root, value, f"{path}/{_escape(key)}", depth + 1)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _check_refs(root, value, f"{path}/{i}", depth + 1)


def _check_ledger_options(document: dict) -> Iterator[dict]:
    options = document["x-ledger"]
    fields = {f.key: f for f in _fields(document, document, "", 1)}
    listing = options.get("list", {})

    def known(key: str, where: str, want_scalar: bool = True) -> Field | None:
        f = fields.get(key)
        if f is None:
            errors.append(_err(where, f"“{key}”不是已定义的字段"))
        elif want_scalar and not f.scalar and not f.type.multiple:
            errors.append(_err(where, f"字段“{f.title}”是子表或分组，不能用在这里"))
            return None
        return f

    errors: list[dict] = []
    for i, key in enumerate(listing.get("columns", [])):
        known(key, f"/x-ledger/list/columns/{i}", want_scalar=False)
    def indexable(f: Field | None, where: str) -> None:
        """Filters and the sort are indexed; a btree entry holds about 2,700 bytes on PostgreSQL."""
        if f is not None and f.type.indexed_text and \
                f.schema.get("maxLength", MAX_INDEXED_LENGTH + 1) > MAX_INDEXED_LENGTH:
            errors.append(_err(where, f"用于筛选或排序的文本字段“{f.title}”需设置 maxLength（不超过 {MAX_INDEXED_LENGTH}）"))

    for i, key in enumerate(listing.get("filters", [])):
        indexable(known(key, f"/x-ledger/list/filters/{i}"), f"/x-ledger/list/filters/{i}")
    for i, key in enumerate(listing.get("search", [])):
        f = known(key, f"/x-ledger/list/search/{i}")
        if f is not None and not f.type.searchable:
            errors.append(_err(f"/x-ledger/list/search/{i}", f"字段“{f.title}”不是文本，不能用于搜索"))
    if "sort" in listing:
        f = known(listing["sort"].lstrip("-"), "/x-ledger/list/sort")
        if f is not None and not f.scalar:
            errors.append(_err("/x-ledger/list/sort", f"字段“{f.title}”不能用于排序"))
        indexable(f, "/x-ledger/list/sort")
    if "business_key" in options:
        f = known(options["business_key"], "/x-ledger/business_key")
        if f is not None and not f.type.business_key:
            errors.append(_err("/x-ledger/business_key", "业务主键应为文本或整数字段"))
    if "overdue" in options:
        od = options["overdue"]
        f = known(od["date"], "/x-ledger/overdue/date")
        if f is not None and not f.type.is_day:
            errors.append(_err("/x-ledger/overdue/date", "超期判断应使用日期字段"))
        if "status" in od:
            known(od["status"], "/x-ledger/overdue/status")
    seen = set()
    for r, report in enumerate(options.get("reports", [])):
        where = f"/x-ledger/reports/{r}"
        if report["key"] in seen:
            errors.append(_err(where + "/key", f"报表标识“{report['key']}”重复"))
        seen.add(report["key"])
        for g, group in enumerate(report["group_by"]):
            key, _, part = group.partition(":")
            f = known(key, f"{where}/group_by/{g}")
            if f is not None and part and not f.is_date:
                errors.append(_err(f"{where}/group_by/{g}", f"字段“{f.title}”不是日期，不能按{part}分组"))
        for m, measure in enumerate(report.get("measures", [])):
            if measure["fn"] == "count":
                continue
            if "field" not in measure:
                errors.append(_err(f"{where}/measures/{m}", f"统计函数 {measure['fn']} 需要指定字段"))
                continue
            f = known(measure["field"], f"{where}/measures/{m}/field")
            if f is not None and measure["fn"] in ("sum", "avg") and not f.numeric:
                errors.append(_err(f"{where}/measures/{m}/field", f"字段“{f.title}”不是数字，不能求和或平均"))
        for name in report.get("filter", {}):
            known(name.split("__")[0], f"{where}/filter/{_escape(name)}")
    yield from [*errors, *check_workflow(document, fields), *check_numbering(document)]


# --- the field model ---------------------------------------------------------------------

def field_kind(schema: dict) -> str | None:
    """Classify a property schema into one of the field kinds the engine supports."""
    return kind_of(schema)


def _fields(root: dict, schema: dict, path: str, depth: int) -> Iterator[Field]:
    required = set(schema.get("required", []))
    for key, sub in schema.get("properties", {}).items():
        target, _ = _resolve(root, sub)
        merged = {**target, **{k: v for k, v in sub.items() if k != "$ref"}}
        kind = kind_of(merged)
        if kind is None or depth > MAX_DEPTH:
            continue
        sub_schema = KINDS[kind].children_schema(merged)
        choices = KINDS[kind].choices(merged)
        children = tuple(_fields(root, sub_schema, f"{path}/{key}", depth + 1)) if sub_schema is not None else ()
        yield Field(key, merged.get("title") or key, kind, merged, key in required, choices, children)


def _resolve(root: dict, schema: Any) -> tuple[Any, str | None]:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    for _ in range(8):
        if not isinstance(ref, str):
            return schema, None
        target = _follow(root, ref)
        if target is None:
            return schema, ref
        schema = target
        ref = schema.get("$ref") if isinstance(schema, dict) else None
    return {}, ref


def _follow(root: dict, ref: str) -> Any:
    node: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


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
    return "".join("/" + _escape(str(p)) for p in parts)


def _escape(part: str) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _err(path: str, message: str) -> dict:
    return {"path": path, "message": message}
