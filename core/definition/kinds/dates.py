"""The date kinds: a calendar day and a moment (date and time, stored in the TIMEZONE setting).

Their `parse` is the one reading of typed dates, whether from a query string, a form or a
spreadsheet cell: "2026-03-05", "2026/3/5", "2026年3月5日", "20260305", an Excel serial number.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from core.settings import local_iso, local_text, stored_time, to_local
from core.definition.kinds.base import (ORDERED_RULE_OPS, Kind, ParseError, Translate, is_blank, is_number, msgid,
                                        plain_string, register, say, short)

if TYPE_CHECKING:
    from core.definition.model import Field

DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ZONE_SUFFIX = re.compile(r"[zZ]|[+-]\d{2}:?\d{2}$")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
SAMPLE_DATE = dt.date(2026, 3, 5)


class Date(Kind):
    name = "date"
    label = msgid("日期")
    is_date = is_day = searchable = True
    widget = "date"
    width = 12
    number_format = "yyyy-mm-dd"
    rule_ops = ORDERED_RULE_OPS
    family = "date"

    def recognise(self, schema: dict) -> bool:
        return plain_string(schema, "date")

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
    label = msgid("日期时间")
    is_date = searchable = True
    widget = "datetime"
    width = 20
    rule_ops = ORDERED_RULE_OPS
    family = "datetime"

    def recognise(self, schema: dict) -> bool:
        return plain_string(schema, "date-time")

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


for _kind in (Date, DateTime):
    register(_kind)
