"""The yes/no kind: a boolean, typed as 是/否, yes/no, true/false, 1/0, √/×."""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean as SqlBoolean

from core.definition.kinds.base import Kind, ParseError, Translate, is_number, register, say, short, msgid

if TYPE_CHECKING:
    from core.definition.model import Field

TRUE_WORDS = {"是", "true", "1", "y", "yes", "对", "√", "✓", "t"}
FALSE_WORDS = {"否", "false", "0", "n", "no", "错", "×", "✗", "f"}


class Boolean(Kind):
    name = "boolean"
    label = msgid("是否")
    locked_when_read_only = True
    sort_type = "b"
    pg_cast = SqlBoolean
    widget = "boolean"
    width = 8
    rule_ops = ("eq", "ne")
    family = "boolean"

    def recognise(self, schema: dict) -> bool:
        return schema.get("type") == "boolean"

    def holds(self, f: "Field", value: Any) -> bool:
        return isinstance(value, bool)

    def parse(self, f: "Field", text: str) -> Any:
        word = unicodedata.normalize("NFKC", text).strip().casefold()
        if not word:
            return None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ParseError(f"{f.title}：应填“是”或“否”，“{short(text.strip())}”无法识别")

    def query_value(self, f: "Field", text: str) -> Any:
        value = self.parse(f, text)
        if value is None:
            raise ParseError(f"{f.title}：应填“是”或“否”")
        return value

    def parse_form(self, f: "Field", raw: Any) -> Any:
        return super().parse_form(f, raw) if isinstance(raw, str) else bool(raw)

    def from_native(self, f: "Field", value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if is_number(value) and value in (0, 1):
            return bool(value)
        return super().from_native(f, value)

    def sql_value(self, dialect: str, value: Any) -> Any:
        return int(value) if dialect == "sqlite" else value

    def comparable(self, f: "Field", value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        raise ParseError(f"{f.title}：应填“是”或“否”")

    def display(self, f: "Field", value: Any, tr: Translate = say) -> str:
        return tr("是") if value is True else tr("否") if value is False else str(value)

    def sample(self, f: "Field", full: bool) -> Any:
        return True


register(Boolean)
