"""The attachment kind: a list of file ids, with the limits its `x-file` declares.

`{"type": "array", "items": {"type": "string"}, "x-file": {"types": ["application/pdf",
"image/*"], "max_bytes": 10485760, "max_files": 5}}`. The ids name rows of the `files` table
(core/files/); this module only knows the declaration and the ids, never a database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from core.definition.kinds.base import Kind, ListedValues, ParseError, msgid, register
from core.errors import problem

if TYPE_CHECKING:
    from core.definition.model import Field

FILE = "x-file"
MAX_FILE_BYTES = 100 * 1024 * 1024   # the most a declaration may allow per file
MAX_FILES = 50                       # the most a declaration may allow per field
MAX_TYPES = 30
ID_LENGTH = 32
# type/subtype, or type/* for a family; what browsers and `filetype` name.
_MEDIA = re.compile(r"[a-z]+/(\*|[a-z0-9][a-z0-9.+-]{0,80})")
_FAMILIES = ("application", "image", "text", "audio", "video")
_KEYS = {"types", "max_bytes", "max_files"}
# Markup a browser runs: never taken as one of a family ("image/*", "text/*"), only when named.
NAMED_ONLY = frozenset({"image/svg+xml", "text/html", "application/xhtml+xml", "application/xml", "text/xml",
                        "text/javascript", "application/javascript"})


@dataclass(frozen=True)
class FileLimits:
    """What a file field accepts: media types (`image/*` for a family), bytes per file, files."""

    types: tuple[str, ...]
    max_bytes: int
    max_files: int

    def accepts(self, media: str) -> bool:
        family = media.split("/", 1)[0] + "/*"
        return media in self.types or (family in self.types and media not in NAMED_ONLY)


def limits(f: "Field") -> FileLimits:
    """A checked file field's limits (the checks refused anything else before it was stored)."""
    spec = f.schema[FILE]
    return FileLimits(tuple(spec["types"]), int(spec.get("max_bytes", MAX_FILE_BYTES)),
                      int(spec.get("max_files", MAX_FILES)))


def _plain_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def declaration_problems(schema: dict, path: str, depth: int) -> Iterator[dict]:
    """What is wrong with a file field's declaration, each at its own pointer, in Chinese."""
    at = f"{path}/{FILE}"
    if depth > 1:
        yield problem(path, "附件字段只能放在台帐的第一层（不能放在分组或子表中）")
    items = schema.get("items")
    if not isinstance(items, dict) or items.get("type") != "string" or set(items) - {"type"}:
        yield problem(path + "/items", "附件字段的 items 应为 {\"type\": \"string\"}（保存文件编号）")
    for keyword in ("default", "examples", "enum", "const"):
        if keyword in schema:
            yield problem(f"{path}/{keyword}", f"附件字段不能声明 {keyword}")
    spec = schema.get(FILE)
    if not isinstance(spec, dict):
        yield problem(at, "x-file 应为对象：{\"types\": [...], \"max_bytes\": 字节数, \"max_files\": 个数}")
        return
    unknown = sorted(str(k) for k in spec if k not in _KEYS)
    if unknown:
        yield problem(at, "x-file 含有不支持的属性：" + "、".join(unknown))
    yield from _types_problems(spec.get("types"), at + "/types")
    if "max_bytes" in spec and not _plain_int(spec["max_bytes"], 1, MAX_FILE_BYTES):
        yield problem(at + "/max_bytes", f"单个文件大小上限应为 1 至 {MAX_FILE_BYTES} 之间的整数（字节）")
    if "max_files" in spec and not _plain_int(spec["max_files"], 1, MAX_FILES):
        yield problem(at + "/max_files", f"文件个数上限应为 1 至 {MAX_FILES} 之间的整数")


def _types_problems(types: Any, at: str) -> Iterator[dict]:
    if not isinstance(types, list) or not types:
        yield problem(at, "应列出可接受的文件类型，如 [\"application/pdf\", \"image/*\"]")
        return
    if len(types) > MAX_TYPES:
        yield problem(at, f"文件类型过多（上限 {MAX_TYPES} 种）")
    for i, media in enumerate(types):
        if not isinstance(media, str) or not _MEDIA.fullmatch(media) or media.split("/")[0] not in _FAMILIES:
            shown = media if isinstance(media, str) else repr(media)
            yield problem(f"{at}/{i}", f"“{shown[:60]}”不是可接受的文件类型（应如 application/pdf 或 image/*）")
    if len(set(map(str, types))) != len(types):
        yield problem(at, "文件类型不能重复")


class Attachment(ListedValues, Kind):
    """Not one value: never a list column by default, a filter, the sort, a rule or a search target."""

    name = "file"
    label = msgid("附件")
    scalar = False
    importable = False
    holds_files = True
    query_ops: tuple[str, ...] = ()
    rule_ops: tuple[str, ...] = ()
    family = ""
    widget = "file"
    width = 30

    def recognise(self, schema: dict) -> bool:
        return schema.get("type") == "array" and FILE in schema

    def holds(self, f: "Field", value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def check_declaration(self, schema: dict, path: str, depth: int) -> Iterator[dict]:
        return declaration_problems(schema, path, depth)

    def parse(self, f: "Field", text: str) -> Any:
        raise ParseError(f"{f.title}：附件不能以文字填写，请上传文件")

    def parse_form(self, f: "Field", raw: Any) -> Any:
        if isinstance(raw, str):
            raw = [raw]
        return [v for v in (raw or []) if isinstance(v, str) and v] or None

    def comparable(self, f: "Field", value: Any) -> Any:
        if value is None or value == []:
            return None
        if self.holds(f, value):
            return frozenset(value)
        raise ParseError(f"{f.title}：应为文件编号列表")

    def link(self, f: "Field | None", value: Any) -> str | None:
        """The first file's address, when an export named the ids (core/files/records.py FileName)."""
        first = value[0] if isinstance(value, list) and value else None
        return getattr(first, "url", None)

    def example(self, f: "Field", full: bool = True) -> Any:
        return None  # an example entry holds no file


register(Attachment)
