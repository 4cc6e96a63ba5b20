"""The number kinds: integer, number and money (a number shown with two decimals).

Their `parse` is the one reading of typed numbers, whether from a query string, a form or a
spreadsheet cell: "1,234.50", "¥8,300", "１２", "(1,000)"; all within settings.MAX_NUMBER.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import Numeric

from core.settings import MAX_NUMBER
from core.definition.kinds.base import msgid
from core.definition.kinds.base import ORDERED_RULE_OPS, Kind, ParseError, Translate, is_number, register, say, short

if TYPE_CHECKING:
    from core.definition.model import Field

_NUMBER_NOISE = re.compile(r"[,，\s¥￥元]")


class Integer(Kind):
    name = "integer"
    label = msgid("整数")
    numeric = business_key = True
    sort_type = "n"
    pg_cast = Numeric
    widget = "integer"
    width = 10
    number_format = "0"
    integral = True
    what, too_large = "整数", "超出整数范围"
    rule_ops = ORDERED_RULE_OPS
    family = "number"

    def recognise(self, schema: dict) -> bool:
        return schema.get("type") == "integer"

    def decimal(self, f: "Field", text: str) -> Decimal | None:
        """'1,234.50', '¥8,300', '１２', '(1,000)' (accounting negative) as a Decimal; None when blank."""
        text = unicodedata.normalize("NFKC", text).strip()
        if not text:
            return None
        negative = text.startswith("(") and text.endswith(")")
        cleaned = _NUMBER_NOISE.sub("", text.strip("()")).removesuffix("%")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ParseError(f"{f.title}：应为{self.what}，“{short(text)}”无法识别") from None
        return self.checked(f, -number if negative else number)

    def checked(self, f: "Field", number: Decimal) -> Decimal:
        if not number.is_finite() or abs(number) > MAX_NUMBER:
            raise ParseError(f"{f.title}：{self.too_large}")
        if self.integral and number != number.to_integral_value():
            raise ParseError(f"{f.title}：应为整数，不能有小数")
        return number

    def json_value(self, number: Decimal) -> int | float:
        return int(number)

    def holds(self, f: "Field", value: Any) -> bool:
        return is_number(value) and (not self.integral or float(value).is_integer())

    def parse(self, f: "Field", text: str) -> Any:
        number = self.decimal(f, text)
        return None if number is None else self.json_value(number)

    def query_value(self, f: "Field", text: str) -> Any:
        number = self.decimal(f, text)
        if number is None:
            raise ParseError(f"{f.title}：应为{self.what}")
        return int(number) if self.integral else number

    def from_native(self, f: "Field", value: Any) -> Any:
        if isinstance(value, bool):
            raise ParseError(f"{f.title}：应为{self.what}")
        if isinstance(value, (int, float)):
            return self.json_value(self.checked(f, Decimal(value if isinstance(value, int) else repr(value))))
        return super().from_native(f, value)

    def sql_value(self, dialect: str, value: Any) -> Any:
        return float(value) if dialect == "sqlite" and isinstance(value, Decimal) else value

    def comparable(self, f: "Field", value: Any) -> Any:
        """A Decimal, so 0.1 + 0.2 compares as people count."""
        if value is None:
            return None
        if isinstance(value, Decimal) or is_number(value):
            try:
                return Decimal(str(value))
            except InvalidOperation:
                pass
        raise ParseError(f"{f.title}：应为{self.what}")

    def form_value(self, f: "Field", value: Any) -> Any:
        return str(value) if is_number(value) else value

    def export_text(self, f: "Field | None", value: Any) -> str:
        if not is_number(value):
            return super().export_text(f, value)
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)

    def export_typed(self, f: "Field | None", value: Any) -> Any:
        if is_number(value):
            return str(value) if isinstance(value, int) and abs(value) > 2**53 else value
        return super().export_typed(f, value)

    def bounds_sample(self, f: "Field") -> float:
        schema = f.schema
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        high = schema.get("maximum", schema.get("exclusiveMaximum", low + 100))
        value = min(max(low, 1), high)
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            value = schema["exclusiveMinimum"] + 1
        return value

    def sample(self, f: "Field", full: bool) -> Any:
        return int(self.bounds_sample(f))


class Number(Integer):
    name = "number"
    label = msgid("数字")
    business_key = integral = False
    widget = "number"
    width = 12
    number_format = None
    what, too_large = "数字", "超出数字范围"

    def recognise(self, schema: dict) -> bool:
        return schema.get("type") == "number"

    def json_value(self, number: Decimal) -> int | float:
        if number == number.to_integral_value() and abs(number) < 2**53:
            return int(number)
        return float(number)

    def from_native(self, f: "Field", value: Any) -> Any:
        return value if is_number(value) else super().from_native(f, value)

    def sample(self, f: "Field", full: bool) -> Any:
        return round(float(self.bounds_sample(f)) + 0.5, 2)


class Money(Number):
    name = "money"
    label = msgid("金额")
    widget = "money"
    width = 14
    number_format = "#,##0.00"

    def recognise(self, schema: dict) -> bool:
        return schema.get("type") == "number" and (
            schema.get("x-widget") == "money" or schema.get("multipleOf") == 0.01)

    def form_value(self, f: "Field", value: Any) -> Any:
        return f"{value:.2f}" if is_number(value) else value

    def display(self, f: "Field", value: Any, tr: Translate = say) -> str:
        return f"{value:,.2f}" if is_number(value) else str(value)

    def export_text(self, f: "Field | None", value: Any) -> str:
        return f"{value:.2f}" if isinstance(value, float) else super().export_text(f, value)


for _kind in (Integer, Money, Number):
    register(_kind)  # in recognition order: money before number
