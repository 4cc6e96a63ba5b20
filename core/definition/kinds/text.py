"""The text kinds: one line, several lines, e-mail, web address, and one of a declared list of choices.

Text is trimmed and searched with ILIKE; a choice is read ignoring width and case.
"""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from core.definition.kinds.base import Kind, plain_string, register, msgid

if TYPE_CHECKING:
    from core.definition.model import Field

MAX_QUERY_TEXT = 2000


class _Line(Kind):
    """What the free-text kinds share: trimmed text, searched with ILIKE, indexed when short."""

    searchable = indexed_text = True

    def strip(self, text: str) -> str:
        return text.strip(" \u3000")  # a leading tab is content (and neutralised on export)

    def query_value(self, f: "Field", text: str) -> Any:
        return (self.parse(f, text) or "")[:MAX_QUERY_TEXT]

    def sample(self, f: "Field", full: bool) -> Any:
        if "pattern" in f.schema:
            return None
        low, high = f.schema.get("minLength", 0), f.schema.get("maxLength", 200)
        return f"示例{f.title}".ljust(low, "。")[:high]


class Text(_Line):
    name = "text"
    label = msgid("文本")
    business_key = typed_text_cell = True

    def recognise(self, schema: dict) -> bool:
        return plain_string(schema, None) and schema.get("x-widget") != "textarea"

    def column_width(self, f: "Field") -> float:
        return min(max(f.schema.get("maxLength", 20), 8), 40)


class Textarea(_Line):
    name = "textarea"
    label = msgid("多行文本")
    typed_text_cell = True
    widget = "textarea"
    width = 40

    def recognise(self, schema: dict) -> bool:
        return plain_string(schema, None) and schema.get("x-widget") == "textarea"

    def strip(self, text: str) -> str:
        """Lines keep their indent (paragraphs start with two full-width spaces); the end is trimmed."""
        return text.replace("\r\n", "\n").rstrip()


class Email(_Line):
    name = "email"
    label = msgid("电子邮件")
    widget = "email"
    width = 24

    def recognise(self, schema: dict) -> bool:
        return plain_string(schema, "email")

    def sample(self, f: "Field", full: bool) -> Any:
        return "office@example.gov.cn"


class Uri(Email):
    name = "uri"
    label = msgid("网址")
    widget = "uri"
    width = 30

    def recognise(self, schema: dict) -> bool:
        return plain_string(schema, "uri")

    def sample(self, f: "Field", full: bool) -> Any:
        return "https://example.gov.cn/"


class Choice(Kind):
    name = "choice"
    label = msgid("单选")
    searchable = counted = locked_when_read_only = True
    widget = "choice"
    width = 14
    rule_ops = ("eq", "ne", "in", "nin")

    def recognise(self, schema: dict) -> bool:
        return (schema.get("type") == "string" and isinstance(schema.get("enum"), list)
                and all(isinstance(v, str) for v in schema["enum"]))

    def choices(self, schema: dict) -> tuple[str, ...]:
        return tuple(schema["enum"])

    def strip(self, text: str) -> str:
        return text.strip(" \u3000")

    def parse(self, f: "Field", text: str) -> Any:
        return canonical_choice(f, self.strip(text)) or None

    def query_value(self, f: "Field", text: str) -> Any:
        return self.parse(f, text) or ""

    def sample(self, f: "Field", full: bool) -> Any:
        return f.choices[0]


def canonical_choice(f: "Field", text: str) -> str:
    """The declared choice `text` means, ignoring width and case; unknown text as is
    (validation names the allowed choices)."""
    if not text or text in f.choices:
        return text
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    return next((c for c in f.choices if unicodedata.normalize("NFKC", c).casefold() == folded), text)


for _kind in (Text, Textarea, Email, Uri, Choice):
    register(_kind)  # in recognition order, as core/definition/kinds/__init__.py imports the modules
