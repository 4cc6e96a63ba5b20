"""The single-value kinds: text, dates, numbers, yes/no and one choice.

Their `parse` is the one reading of typed text, whether it came from a query string, a form
or a spreadsheet cell: "1,234.50", "¥8,300", "(1,000)", "2026/3/5", "2026年3月5日", 是/否/yes/√.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean as SqlBoolean, Numeric

from core.settings import MAX_NUMBER, local_iso, local_text, local_zone, stored_time, to_local
from core.definition.kinds.base import Kind, ParseError, Translate, is_blank, is_number, register, say, short

if TYPE_CHECKING:
    from core.definition.model import Field

TRUE_WORDS = {"是", "true", "1", "y", "yes", "对", "√", "✓", "t"}
FALSE_WORDS = {"否", "false", "0", "n", "no", "错", "×", "✗", "f"}
DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER_NOISE = re.compile(r"[,，\s¥￥元]")
_ZONE_SUFFIX = re.compile(r"[zZ]|[+-]\d{2}:?\d{2}$")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
SAMPLE_DATE = dt.date(2026, 3, 5)
MAX_QUERY_TEXT = 2000
ORDERED_RULE_OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "nin")


def _string(schema: dict, fmt: str | None) -> bool:
    return schema.get("type") == "string" and "enum" not in schema and schema.get("format") == fmt


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
    label = "文本"
    business_key = typed_text_cell = True

    def recognise(self, schema: dict) -> bool:
        return _string(schema, None) and schema.get("x-widget") != "textarea"

    def column_width(self, f: "Field") -> float:
        return min(max(f.schema.get("maxLength", 20), 8), 40)


class Textarea(_Line):
    name = "textarea"
    label = "多行文本"
    typed_text_cell = True
    widget = "textarea"
    width = 40

    def recognise(self, schema: dict) -> bool:
        return _string(schema, None) and schema.get("x-widget") == "textarea"

    def strip(self, text: str) -> str:
        """Lines keep their indent (paragraphs start with two full-width spaces); the end is trimmed."""
        return text.replace("\r\n", "\n").rstrip()


class Email(_Line):
    name = "email"
    label = "电子邮件"
    widget = "email"
    width = 24

    def recognise(self, schema: dict) -> bool:
        return _string(schema, "email")

    def sample(self, f: "Field", full: bool) -> Any:
        return "office@example.gov.cn"


class Uri(Email):
    name = "uri"
    label = "网址"
    widget = "uri"
    width = 30

    def recognise(self, schema: dict) -> bool:
        return _string(schema, "uri")

    def sample(self, f: "Field", full: bool) -> Any:
        return "https://example.gov.cn/"


class Choice(Kind):
    name = "choice"
    label = "单选"
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


class Date(Kind):
    name = "date"
    label = "日期"
    is_date = is_day = searchable = True
    widget = "date"
    width = 12
    number_format = "yyyy-mm-dd"
    rule_ops = ORDERED_RULE_OPS
    family = "date"

    def recognise(self, schema: dict) -> bool:
        return _string(schema, "date")

    def holds(self, f: "Field", value: Any) -> bool:
        return isinstance(value, str) and bool(_ISO_DATE.match(value))

    def parse(self, f: "Field", text: str) -> Any:
        text = text.strip()
        if not text:
            return None
        if _ISO_DATE.match(text):
            try:
                return dt.date.fromisoformat(text).isoformat()
            except ValueError:
                pass
        text = unicodedata.normalize("NFKC", text).strip()
        match = DATE_PARTS.match(text) or _COMPACT_DATE.match(text)
        if match:
            year, month, day = (int(p) for p in match.groups()[:3])
            if match.re is DATE_PARTS and match.group(4) and any(int(p or 0) for p in match.groups()[3:]):
                raise ParseError(f"{f.title}：应为日期，不含时间（“{short(text)}”）")
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                pass
        raise ParseError(f"{f.title}：无法识别的日期“{short(text)}”，应如 2026-03-05 或 2026/3/5")

    def from_native(self, f: "Field", value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if is_number(value):
            return excel_serial(f, value).date().isoformat()
        return super().from_native(f, value)

    def comparable(self, f: "Field", value: Any) -> Any:
        if is_blank(value):
            return None
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            raise ParseError(f"{f.title}：应为日期")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ParseError(f"{f.title}：应为日期") from None

    def export_typed(self, f: "Field | None", value: Any) -> Any:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        return super().export_typed(f, value)

    def sample(self, f: "Field", full: bool) -> Any:
        return SAMPLE_DATE.isoformat()


class DateTime(Kind):
    name = "datetime"
    label = "日期时间"
    is_date = searchable = True
    widget = "datetime"
    width = 20
    rule_ops = ORDERED_RULE_OPS
    family = "datetime"

    def recognise(self, schema: dict) -> bool:
        return _string(schema, "date-time")

    def parse(self, f: "Field", text: str) -> Any:
        """A moment as stored (`stored`); one typed without a zone is local time (the TIMEZONE
        setting), one with a zone is the same moment in local time."""
        text = unicodedata.normalize("NFKC", text).strip()
        if not text:
            return None
        match = DATE_PARTS.match(text)
        if match and not _ZONE_SUFFIX.search(text[10:]):
            year, month, day, hour, minute, second = (int(p or 0) for p in match.groups())
            try:
                return local_iso(dt.datetime(year, month, day, hour, minute, second))
            except ValueError:
                pass
        try:
            moment = dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        except ValueError:
            raise ParseError(f"{f.title}：无法识别的日期时间“{short(text)}”，应如 2026-03-05 09:30") from None
        return local_iso(moment)

    def stored(self, f: "Field", value: Any) -> Any:
        """'2026-03-31T23:00:00Z' -> '2026-04-01T07:00:00+08:00': one zone for every stored
        value, so the text order is the time order and its first 7 characters its local month."""
        if not isinstance(value, str):
            return value
        spelt = stored_time(value)
        return value if spelt == value else spelt

    def from_native(self, f: "Field", value: Any) -> Any:
        if is_number(value):
            value = excel_serial(f, value)
        if isinstance(value, dt.datetime):
            return local_iso(value.replace(microsecond=0))
        if isinstance(value, dt.date):
            return local_iso(dt.datetime.combine(value, dt.time()))
        return super().from_native(f, value)

    def comparable(self, f: "Field", value: Any) -> Any:
        """A moment (aware), so 09:30+08:00 equals 01:30Z."""
        if is_blank(value):
            return None
        moment = to_local(value) if isinstance(value, str) else None
        if moment is None:
            raise ParseError(f"{f.title}：应为日期时间")
        return moment

    def form_value(self, f: "Field", value: Any) -> Any:
        """'2026-03-05T01:30:00Z' -> '2026-03-05T09:30' in local time, what datetime-local shows."""
        if not isinstance(value, str):
            return value
        moment = to_local(value)
        return value if moment is None else moment.strftime("%Y-%m-%dT%H:%M")

    def display(self, f: "Field", value: Any, tr: Translate = say) -> str:
        return local_text(value, "%Y-%m-%d %H:%M") if isinstance(value, str) else str(value)

    def sample(self, f: "Field", full: bool) -> Any:
        return f"{SAMPLE_DATE.isoformat()}T09:30:00+08:00"


def excel_serial(f: "Field", number: float) -> dt.datetime:
    if not 1 <= number < 2958466:
        raise ParseError(f"{f.title}：无法识别的日期“{number}”")
    return EXCEL_EPOCH + dt.timedelta(days=float(number))


class Integer(Kind):
    name = "integer"
    label = "整数"
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
    label = "数字"
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
    label = "金额"
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


class Boolean(Kind):
    name = "boolean"
    label = "是否"
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


for _kind in (Text, Textarea, Email, Uri, Choice, Date, DateTime, Integer, Money, Number, Boolean):
    register(_kind)  # in recognition order: money before number
