"""The base field kind: what every kind shares, and the registry `KINDS` they join by name.

A kind gets the Field it serves as an argument (for its title, choices, children and schema);
it keeps no state, so one instance per kind serves every ledger.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Callable, Iterator

from sqlalchemy import String, Text, cast, func, literal_column

if TYPE_CHECKING:  # the field model imports this package, not the other way round
    from core.definition.model import Field

OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "contains", "in", "nin")
ORDERED_RULE_OPS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "nin")  # the rules of kinds with an order
_PROTECT = "=+-@\t\r'"  # what `neutralise` prefixes: formula starts, and ' itself (lossless)
Translate = Callable[..., str]


class ParseError(ValueError):
    """Text that is no value of the field's kind; the message is Chinese and names the field."""


def msgid(text: str) -> str:
    """Marks a string for the translation catalogue (`pybabel extract -k msgid`); whoever shows
    it translates it (the designer's catalogue of kinds)."""
    return text


def say(message: str, **values: Any) -> str:
    """The default translator: Chinese as written (web passes flask_babel's gettext)."""
    return message % values if values else message


# Spreadsheets skip these before reading a formula, and read these full-width and small forms
# as = + - @: " =1+1", "\u3000=1+1", "＝1+1", "﹦1+1", "\u200b=1+1" all run.
_INVISIBLE = " \u00a0\u3000\u200b\u200c\u200d\u2060\ufeff"
_FORMULA = "=+-@＝＋－＠﹦﹢﹣"


def _needs_prefix(text: str) -> bool:
    if not text:
        return False
    if text[0] in _PROTECT:
        return True
    rest = text.lstrip(_INVISIBLE)
    return bool(rest) and rest[0] in _FORMULA


def neutralise(text: str) -> str:
    """Prefix ' to text a spreadsheet would run as a formula, looking past leading spaces,
    ideographic and zero-width spaces and a BOM (and to text already starting with ')."""
    return "'" + text if _needs_prefix(text) else text


def unneutralise(text: str) -> str:
    """Undo `neutralise`: only a ' followed by what it protects is ours to strip. Lossless: text
    `neutralise` leaves alone never starts with ', and text it prefixes comes back whole."""
    if len(text) > 1 and text[0] == "'" and _needs_prefix(text[1:]):
        return text[1:]
    return text


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def plain_string(schema: dict, fmt: str | None) -> bool:
    """A string property of format `fmt` (None: none) without choices: what the text and date kinds recognise."""
    return schema.get("type") == "string" and "enum" not in schema and schema.get("format") == fmt


class Kind:
    """A kind of field value. Subclasses override what differs; the defaults are plain text's."""

    name = ""
    label = ""               # what people call the kind (version diffs name it)
    scalar = True            # one value per entry: listable, filterable, sortable
    numeric = False          # sums and averages; sorts as a number
    is_date = False          # reports group it by month or year
    is_day = False           # a calendar day (overdue rules)
    searchable = False       # `_q` matches it with ILIKE
    indexed_text = False     # a filter or the sort on it needs a maxLength
    business_key = False     # may identify an entry on import
    counted = False          # per-value entry counts are kept when it is a filter
    multiple = False         # a list of choices
    fieldset = False         # a nested object shown inline (its sub-fields are columns)
    rows = False             # a child table (a list of objects)
    locked_when_read_only = False  # read-only inputs of this kind must be disabled, not readonly
    typed_text_cell = False  # an XLSX text cell is taken as typed (never un-neutralised)
    importable = True        # an import reads its column (attachments: left alone, with a warning)
    holds_files = False      # its values are ids of uploaded files (core/files/)
    sort_type = "t"          # letter in expression index names: t, n, b
    pg_cast: Any = None      # PostgreSQL type the ->> text is cast to
    widget = "text"          # key of the form field factory (forms.builder)
    width = 16               # XLSX column width
    number_format: str | None = None  # XLSX number format
    query_ops: tuple[str, ...] = OPS
    rule_ops: tuple[str, ...] = ("eq", "ne", "contains", "in", "nin")  # in x-ledger.rules and x-show-when
    family = "text"          # fields of one family compare with each other ("$field"); "" never

    # --- recognising itself in a definition ----------------------------------------------
    def recognise(self, schema: dict) -> bool:
        return False

    def choices(self, schema: dict) -> tuple[str, ...]:
        return ()

    def children_schema(self, schema: dict) -> dict | None:
        """The object schema whose properties are this field's sub-fields, if it has any."""
        return None

    def check_declaration(self, schema: dict, path: str, depth: int) -> Iterator[dict]:
        """Problems of the kind's own keywords in a field's schema at `path` (depth 1: the entry's)."""
        return iter(())

    def holds(self, f: "Field", value: Any) -> bool:
        """Whether a stored value has this kind's shape, so its SQL expression can read it: a
        field's kind may only change over values that pass (core/ledgers/evolution.py)."""
        return isinstance(value, str)

    # --- SQL ------------------------------------------------------------------------------
    def sql_expr(self, dialect: str, f: "Field", data: Any):
        """The field's value in SQL, read from the JSON column `data` (entries.data), typed so
        numbers sort as numbers. The JSON path is a literal (never a bound parameter) to match the
        expression index; keys are ^[a-z][a-z0-9_]*$."""
        assert f.key.isidentifier() and f.key.islower()
        if dialect == "sqlite":
            return func.json_extract(data, literal_column(f"'$.{f.key}'"))
        value = data.op("->>", return_type=Text())(literal_column(f"'{f.key}'"))
        return cast(value, self.pg_cast) if self.pg_cast is not None else value

    def sql_value(self, dialect: str, value: Any) -> Any:
        return value

    def condition(self, dialect: str, f: "Field", op: str, value: Any, data: Any):
        expr = self.sql_expr(dialect, f, data)
        if op == "contains":
            pattern = "%" + str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            return cast(expr, String).ilike(pattern, escape="\\")
        if op == "in":
            return expr.in_([self.sql_value(dialect, v) for v in value])
        if op == "nin":  # like ne: an entry without the field is "not in" too
            return expr.not_in([self.sql_value(dialect, v) for v in value]) | expr.is_(None)
        value = self.sql_value(dialect, value)
        if op == "ne":
            return (expr != value) | expr.is_(None)
        return {"eq": expr.__eq__, "lt": expr.__lt__, "lte": expr.__le__,
                "gt": expr.__gt__, "gte": expr.__ge__}[op](value)

    # --- text in: one parser, three surfaces ----------------------------------------------
    def strip(self, text: str) -> str:
        return text.strip()

    def parse(self, f: "Field", text: str) -> Any:
        """Text typed anywhere (query, form, cell) as the field's JSON value; None when blank."""
        text = self.strip(text)
        return text or None

    def query_value(self, f: "Field", text: str) -> Any:
        """A query-string value as what SQL compares with (Decimal for numbers)."""
        value = self.parse(f, text)
        if value is None:
            raise ParseError(f"{f.title}：缺少筛选值")
        return value

    def parse_query(self, f: "Field", op: str, text: str) -> Any:
        if op in ("in", "nin"):
            return [self.query_value(f, v.strip()) for v in text.split(",")]
        if op == "contains":
            return text
        return self.query_value(f, text.strip())

    def parse_form(self, f: "Field", raw: Any) -> Any:
        """A submitted value; text that does not parse is passed on as typed, so the engine's
        validation message (the API's) is what the user reads."""
        if not isinstance(raw, str):
            return raw
        try:
            return self.parse(f, raw)
        except ParseError:
            return raw.strip() or None

    def from_cell(self, f: "Field", value: Any, csv: bool = True) -> Any:
        """One spreadsheet cell (text, or what Excel stored: numbers, dates, booleans)."""
        if is_blank(value):
            return None
        if not isinstance(value, str):
            return self.from_native(f, value)
        value = self.strip(value)
        if csv or not self.typed_text_cell:
            value = unneutralise(value)
        return self.parse(f, value)

    def from_native(self, f: "Field", value: Any) -> Any:
        return self.parse(f, cell_text(value))

    def stored(self, f: "Field", value: Any) -> Any:
        """A valid value in the one spelling it is stored in (date-times in the local zone),
        so SQL comparing stored text compares values; `value` itself when nothing changes."""
        return value

    # --- values out -----------------------------------------------------------------------
    def comparable(self, f: "Field", value: Any) -> Any:
        """A stored value as rules compare it (dates as dates, numbers as Decimals); None when
        empty; ParseError when it is no value of the kind (validation reports that itself)."""
        if is_blank(value):
            return None
        if not isinstance(value, str):
            raise ParseError(f"{f.title}：应为文本")
        return value

    def form_value(self, f: "Field", value: Any) -> Any:
        """A stored value as its form input holds it."""
        return value

    def display(self, f: "Field", value: Any, tr: Translate = say) -> str:
        return str(value)

    def display_long(self, f: "Field", value: Any, tr: Translate = say) -> str:
        return self.display(f, value, tr)

    def export_text(self, f: "Field | None", value: Any) -> str:
        """A value as CSV text (not yet neutralised)."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def export_typed(self, f: "Field | None", value: Any) -> Any:
        """A value as an XLSX cell value: dates as dates, numbers as numbers, else text."""
        return None if value is None else self.export_text(f, value)

    def link(self, f: "Field | None", value: Any) -> str | None:
        """Where an XLSX cell of this value links to (attachments: the file), else None."""
        return None

    def example(self, f: "Field", full: bool = True) -> Any:
        """A value for an example entry: the schema's `examples`, its `default`, else `sample`."""
        if f.schema.get("examples"):
            return f.schema["examples"][0]
        if "default" in f.schema:
            return f.schema["default"]
        return self.sample(f, full)

    def column_width(self, f: "Field") -> float:
        return self.width

    def sample(self, f: "Field", full: bool) -> Any:
        """A valid value for an example entry, when the schema gives no example or default."""
        return None


def cell_text(value: Any) -> str:
    """What a non-text cell reads as text: 123.0 -> '123', True -> '是', dates in ISO."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 123 typed into a text column comes back as 123.0
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def show(f: "Field", value: Any, tr: Translate = say) -> str:
    """A value as one line of text; nothing for None or ''."""
    return "" if value is None or value == "" else f.type.display(f, value, tr)


def stored_object(fields: "tuple[Field, ...]", data: dict) -> dict:
    """`data` with each field's value in its stored spelling (`Kind.stored`), inside groups and
    child tables too; keys no field declares as they are; `data` itself when nothing changes."""
    out = data
    for f in fields:
        value = data.get(f.key)
        if value is None:
            continue
        spelt = f.type.stored(f, value)
        if spelt is not value:
            out = dict(data) if out is data else out
            out[f.key] = spelt
    return out


def example_object(fields: "tuple[Field, ...]", full: bool = True) -> dict:
    """A valid object of these fields: every field when `full`, else only the required ones."""
    out = {}
    for f in fields:
        if full or f.required:
            value = f.type.example(f, full)
            if value is not None:
                out[f.key] = value
    return out


KINDS: dict[str, Kind] = {}
UNKNOWN = Kind()  # a column whose field the definition no longer has


def register(cls: type[Kind]) -> type[Kind]:
    """Class decorator: one instance per kind, in recognition order."""
    KINDS[cls.name] = cls()
    return cls


def kind_of(schema: Any) -> str | None:
    """The name of the kind a property schema declares, or None when the engine has none for it."""
    if not isinstance(schema, dict):
        return None
    return next((name for name, kind in KINDS.items() if kind.recognise(schema)), None)



class ListedValues:
    """For kinds whose value is a list shown as one text (multi-choice, attachments): an empty
    form list for nothing stored, the items joined with 、 on pages and in exports."""

    def form_value(self, f: "Field", value: Any) -> Any:
        return [] if value is None else value

    def display(self, f: "Field", value: Any, tr: Translate = say) -> str:
        return "、".join(map(str, value)) if isinstance(value, list) else str(value)

    def export_text(self, f: "Field | None", value: Any) -> str:
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return super().export_text(f, value)
