"""Field kinds: one text parser per kind, shared by query strings, forms and spreadsheet cells."""
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from core import settings
from core.db.models import entries
from core.definition.model import Field
from core.definition.kinds import KINDS, ParseError, kind_of

F = {
    "text": Field("t", "文本", "text", {}),
    "textarea": Field("a", "说明", "textarea", {}),
    "email": Field("e", "邮箱", "email", {}),
    "uri": Field("u", "网址", "uri", {}),
    "date": Field("d", "日期", "date", {}),
    "datetime": Field("s", "时间", "datetime", {}),
    "integer": Field("i", "数量", "integer", {}),
    "number": Field("n", "数值", "number", {}),
    "money": Field("m", "金额", "money", {}),
    "boolean": Field("b", "是否", "boolean", {}),
    "choice": Field("c", "状态", "choice", {}, choices=("在用", "闲置", "Open")),
    "multichoice": Field("mc", "协办", "multichoice", {}, choices=("区财政局", "区住建局")),
    "group": Field("g", "车辆", "group", {}, children=(Field("plate", "车牌", "text", {}),)),
    "table": Field("tb", "行程", "table", {}, children=(Field("place", "地点", "text", {}),)),
}


def test_every_kind_is_registered_and_recognised():
    schemas = {
        "text": {"type": "string"}, "textarea": {"type": "string", "x-widget": "textarea"},
        "email": {"type": "string", "format": "email"}, "uri": {"type": "string", "format": "uri"},
        "date": {"type": "string", "format": "date"}, "datetime": {"type": "string", "format": "date-time"},
        "integer": {"type": "integer"}, "number": {"type": "number"},
        "money": {"type": "number", "multipleOf": 0.01}, "boolean": {"type": "boolean"},
        "choice": {"type": "string", "enum": ["a"]},
        "multichoice": {"type": "array", "items": {"type": "string", "enum": ["a"]}},
        "group": {"type": "object", "properties": {}},
        "table": {"type": "array", "items": {"type": "object", "properties": {}}},
        "file": {"type": "array", "items": {"type": "string"}, "x-file": {"types": ["application/pdf"]}},
    }
    assert set(KINDS) == set(schemas)
    for name, schema in schemas.items():
        assert kind_of(schema) == name and KINDS[name].name == name
    assert kind_of({"type": "string", "enum": [1, 2]}) is None
    assert kind_of({"type": "string", "format": "ipv4"}) is None


# (kind, text, value): what the one text parser makes of typed text, on every surface
AGREED = [
    ("text", "  CL-2020-0001 ", "CL-2020-0001"),
    ("email", " a@b.cn ", "a@b.cn"),
    ("date", "2026/3/5", "2026-03-05"),
    ("date", "2026年3月5日", "2026-03-05"),
    ("date", "20260305", "2026-03-05"),
    ("datetime", "2026/3/5 9:30", "2026-03-05T09:30:00+08:00"),
    ("datetime", "2026-03-05T09:30", "2026-03-05T09:30:00+08:00"),
    ("datetime", "2026-03-05T09:30:00Z", "2026-03-05T17:30:00+08:00"),  # stored in the office zone
    ("integer", "1,234", 1234),
    ("integer", "１２", 12),
    ("integer", "(1,000)", -1000),
    ("integer", str(10**16), 10**16),
    ("number", "1.5", 1.5),
    ("number", str(10**16), 10**16),
    ("money", "¥1,234.50", 1234.5),
    ("boolean", "是", True), ("boolean", "yes", True), ("boolean", "Y", True), ("boolean", "对", True),
    ("boolean", "√", True), ("boolean", "true", True), ("boolean", "1", True),
    ("boolean", "否", False), ("boolean", "no", False), ("boolean", "n", False), ("boolean", "错", False),
    ("boolean", "×", False), ("boolean", "false", False), ("boolean", "0", False),
    ("choice", " 在用 ", "在用"),
    ("choice", "open", "Open"),
]

# (kind, text, message): refused the same way everywhere
REFUSED = [
    ("date", "2026/13/5", "无法识别的日期"),
    ("date", "明天", "无法识别的日期"),
    ("datetime", "昨天", "无法识别的日期时间"),
    ("integer", "1.5", "应为整数"),
    ("integer", "十", "应为整数"),
    ("integer", str(10**19), "超出整数范围"),
    ("number", "abc", "应为数字"),
    ("number", str(10**19), "超出数字范围"),
    ("money", "NaN", "超出数字范围"),
    ("boolean", "也许", "应填“是”或“否”"),
]


def _query(kind, text):
    value = KINDS[kind].parse_query(F[kind], "eq", text)
    return float(value) if isinstance(value, Decimal) else value


@pytest.mark.parametrize("kind, text, value", AGREED)
def test_query_form_and_cell_read_text_alike(kind, text, value):
    f = F[kind]
    assert f.type.from_cell(f, text) == value
    assert f.type.parse_form(f, text) == value
    assert _query(kind, text) == value


@pytest.mark.parametrize("kind, text, message", REFUSED)
def test_query_and_cell_refuse_alike_and_the_form_passes_it_on(kind, text, message):
    f = F[kind]
    with pytest.raises(ParseError, match=message):
        f.type.from_cell(f, text)
    with pytest.raises(ParseError, match=message):
        f.type.parse_query(f, "eq", text)
    assert f.type.parse_form(f, text) == text  # validation then says what is wrong


def test_query_numbers_stay_exact_and_lists_split():
    assert KINDS["money"].parse_query(F["money"], "gt", "0.10") == Decimal("0.10")
    assert KINDS["integer"].parse_query(F["integer"], "in", "1, 2") == [1, 2]
    assert KINDS["text"].parse_query(F["text"], "contains", " 50% ") == " 50% "


def test_surface_specific_shapes():
    assert KINDS["boolean"].parse_form(F["boolean"], False) is False  # a checkbox gives a bool
    assert KINDS["multichoice"].parse_form(F["multichoice"], ["区财政局", ""]) == ["区财政局"]
    assert KINDS["multichoice"].from_cell(F["multichoice"], "区财政局、区住建局") == ["区财政局", "区住建局"]
    assert KINDS["textarea"].parse_form(F["textarea"], "　　第一段\r\n第二段  ") == "　　第一段\n第二段"
    assert KINDS["date"].from_cell(F["date"], dt.datetime(2026, 3, 5)) == "2026-03-05"
    assert KINDS["date"].from_cell(F["date"], 46086) == "2026-03-05"
    assert KINDS["integer"].from_cell(F["integer"], 7.0) == 7
    assert KINDS["text"].from_cell(F["text"], "'=SUM(A1)") == "=SUM(A1)"
    assert KINDS["text"].from_cell(F["text"], "'=1+1", csv=False) == "'=1+1"


@pytest.mark.parametrize("kind, value, shown, csv_text, typed", [
    ("text", "甲", "甲", "甲", "甲"),
    ("date", "2026-03-05", "2026-03-05", "2026-03-05", dt.date(2026, 3, 5)),
    ("datetime", "2026-03-05T01:30:00Z", "2026-03-05 09:30", "2026-03-05T01:30:00Z", "2026-03-05T01:30:00Z"),
    ("integer", 2**60, str(2**60), str(2**60), str(2**60)),
    ("number", 3.0, "3.0", "3", 3.0),
    ("money", 1234.5, "1,234.50", "1234.50", 1234.5),
    ("boolean", True, "是", "是", "是"),
    ("choice", "在用", "在用", "在用", "在用"),
    ("multichoice", ["区财政局", "区住建局"], "区财政局、区住建局", "区财政局、区住建局", "区财政局、区住建局"),
    ("group", {"plate": "京A"}, "车牌：京A", '{"plate": "京A"}', '{"plate": "京A"}'),
    ("table", [{"place": "甲"}, {"place": "乙"}], "2 行", "地点：甲\n地点：乙", "地点：甲\n地点：乙"),
])
def test_display_and_export_of_every_kind(kind, value, shown, csv_text, typed):
    f = F[kind]
    assert f.type.display(f, value) == shown
    assert f.type.export_text(f, value) == csv_text
    assert f.type.export_typed(f, value) == typed


def test_form_values():
    assert KINDS["money"].form_value(F["money"], 5) == "5.00"
    assert KINDS["integer"].form_value(F["integer"], 5) == "5"
    assert KINDS["datetime"].form_value(F["datetime"], "2026-03-05T01:30:00Z") == "2026-03-05T09:30"
    assert KINDS["table"].form_value(F["table"], None) == []
    assert KINDS["group"].form_value(F["group"], {"plate": "京A"}) == {"plate": "京A"}


@pytest.mark.parametrize("kind, pg_type", [
    ("text", "->>"), ("date", "->>"), ("integer", "AS NUMERIC"), ("money", "AS NUMERIC"), ("boolean", "AS BOOLEAN"),
])
def test_sql_expression_types(kind, pg_type):
    f = F[kind]
    pg = str(f.type.sql_expr("postgresql", f, entries.c.data).compile(dialect=postgresql.dialect()))
    lite = str(f.type.sql_expr("sqlite", f, entries.c.data).compile(dialect=sqlite.dialect()))
    assert pg_type in pg and f"'{f.key}'" in pg
    assert lite == f"json_extract(entries.data, '$.{f.key}')"
    assert f.type.sort_type == {"integer": "n", "money": "n", "boolean": "b"}.get(kind, "t")


def test_time_zone_is_one_setting():
    f = F["datetime"]
    try:
        settings.set_timezone("UTC")
        assert f.type.parse(f, "2026-03-05 09:30") == "2026-03-05T09:30:00+00:00"
        assert f.type.display(f, "2026-03-05T01:30:00Z") == "2026-03-05 01:30"
        settings.set_timezone("Asia/Shanghai")
        assert settings.local_text("2026-11-25T17:57:30Z") == "2026-11-26 01:57:30"
        with pytest.raises(ValueError):
            settings.set_timezone("Mars/Olympus")
    finally:
        settings.set_timezone(settings.DEFAULT_TIMEZONE)


ROOT = Path(__file__).resolve().parents[2]
BRANCH = re.compile(r"\bkind\s*(==|!=|in\s*\(|not in\s*\()|kind in (TEXT|NUMBER|SCALAR)")


def test_no_kind_branches_outside_the_kinds_package():
    """Behaviour per kind lives in core/definition/kinds: a new `kind ==` elsewhere is a kind leaking out."""
    found = []
    for folder in ("core", "forms", "web", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            if "kinds" in path.parts or path.name == "demo.py":  # demo's `kind` is a letter type
                continue
            for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if BRANCH.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []
