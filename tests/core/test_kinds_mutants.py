"""Field kinds at their edges: limits, cut-offs and the cells Excel stores.

Mutation testing (docs/testing.md) showed tests/core/test_kinds.py leaves these unpinned: a
wrong limit (the largest number, the Excel date range, 2**53), a message cut at the wrong
length, a sample that breaks its own schema would all pass it.
"""
import datetime as dt
from decimal import Decimal

import pytest

from core.definition.model import Field
from core.definition.kinds import KINDS, ParseError
from core.definition.kinds.base import cell_text, example_object, is_blank, neutralise, say, short, show, unneutralise
from tests.core.test_kinds import F


def field(kind, **schema):
    return Field("x", "字段", kind, schema)


def test_short_cuts_at_30_characters_and_says_so():
    assert short("甲" * 30) == "甲" * 30
    assert short("甲" * 31) == "甲" * 30 + "…"
    with pytest.raises(ParseError) as caught:
        KINDS["date"].parse(F["date"], "不" * 40)
    assert str(caught.value) == f"日期：无法识别的日期“{'不' * 30}…”，应如 2026-03-05 或 2026/3/5"


@pytest.mark.parametrize("text,kept", [("'", "'"), ("'a", "'a"), ("'=1", "=1"), ("''", "'"), ("", "")])
def test_unneutralise_strips_only_its_own_apostrophe(text, kept):
    assert unneutralise(text) == kept


def test_neutralise_leaves_plain_and_empty_text():
    assert neutralise("") == "" and neutralise("甲") == "甲" and neutralise("-1") == "'-1"


def test_blank_cells():
    assert is_blank(None) and is_blank(" \t") and is_blank("")
    assert not is_blank(0) and not is_blank("0")
    assert KINDS["integer"].from_cell(F["integer"], "   ") is None


@pytest.mark.parametrize("value,text", [
    (True, "是"), (False, "否"), (123.0, "123"), (1.5, "1.5"), (7, "7"),
    (dt.datetime(2026, 3, 5), "2026-03-05"), (dt.datetime(2026, 3, 5, 9, 30), "2026-03-05 09:30:00"),
    (dt.date(2026, 3, 5), "2026-03-05"), ("文字", "文字"),
])
def test_what_a_non_text_cell_reads_as(value, text):
    assert cell_text(value) == text
    assert KINDS["text"].from_cell(F["text"], value) == text


def test_a_date_refuses_a_time_of_day_but_takes_midnight():
    with pytest.raises(ParseError, match="日期：应为日期，不含时间（“2026/3/5 9:30”）"):
        KINDS["date"].parse(F["date"], "2026/3/5 9:30")
    assert KINDS["date"].parse(F["date"], "2026/3/5 00:00") == "2026-03-05"
    assert KINDS["date"].parse(F["date"], "  ") is None
    with pytest.raises(ParseError):
        KINDS["date"].parse(F["date"], "2026-02-30")


@pytest.mark.parametrize("serial,day", [(1, "1899-12-31"), (2958465, "9999-12-31"), (46086.75, "2026-03-05")])
def test_excel_date_serials_in_range(serial, day):
    assert KINDS["date"].from_cell(F["date"], serial) == day


@pytest.mark.parametrize("serial", [0, 0.5, 2958466, -1])
def test_excel_date_serials_out_of_range(serial):
    with pytest.raises(ParseError, match=f"日期：无法识别的日期“{serial}”"):
        KINDS["date"].from_cell(F["date"], serial)


def test_a_datetime_cell_is_local_time():
    kind, f = KINDS["datetime"], F["datetime"]
    assert kind.from_cell(f, dt.datetime(2026, 3, 5, 9, 30)) == "2026-03-05T09:30:00+08:00"
    assert kind.from_cell(f, dt.date(2026, 3, 5)) == "2026-03-05T00:00:00+08:00"
    assert kind.from_cell(f, 46086.5) == "2026-03-05T12:00:00+08:00"
    assert kind.parse(f, "2026-03-05T09:30:00+00:00") == "2026-03-05T17:30:00+08:00"
    assert kind.parse(f, " ") is None


@pytest.mark.parametrize("kind,text", [("integer", str(10**18)), ("number", str(-10**18))])
def test_the_largest_number_is_ten_to_the_eighteenth(kind, text):
    assert KINDS[kind].parse(F[kind], text) == int(text)
    with pytest.raises(ParseError, match="超出"):
        KINDS[kind].parse(F[kind], text + "1")


def test_numbers_become_json_numbers_at_the_right_edges():
    number = KINDS["number"]
    assert number.json_value(Decimal(2**53 - 1)) == 2**53 - 1
    assert isinstance(number.json_value(Decimal(2**53)), float)
    assert isinstance(number.json_value(Decimal("2.5")), float)
    assert number.parse(F["number"], "50%") == 50
    assert KINDS["integer"].from_cell(F["integer"], 12) == 12
    with pytest.raises(ParseError, match="数量：应为整数"):
        KINDS["integer"].from_cell(F["integer"], True)
    with pytest.raises(ParseError, match="数量：应为整数，不能有小数"):
        KINDS["integer"].from_cell(F["integer"], 1.5)
    with pytest.raises(ParseError, match="数量：应为整数$"):
        KINDS["integer"].parse_query(F["integer"], "eq", " ")


@pytest.mark.parametrize("kind,value,text,typed", [
    ("integer", 5.0, "5", 5.0),
    ("integer", 1e15, "1000000000000000.0", 1e15),
    ("integer", 2**53, str(2**53), 2**53),
    ("integer", 2**53 + 1, str(2**53 + 1), str(2**53 + 1)),
    ("integer", -(2**53 + 1), str(-(2**53 + 1)), str(-(2**53 + 1))),
    ("integer", "文字", "文字", "文字"),
    ("money", 5.0, "5.00", 5.0),
    ("money", 5, "5", 5),
    ("number", None, "", None),
    ("boolean", False, "否", "否"),
])
def test_number_export_text_and_cells(kind, value, text, typed):
    assert KINDS[kind].export_text(F[kind], value) == text
    assert KINDS[kind].export_typed(F[kind], value) == typed


def test_boolean_cells_and_sql_values():
    kind, f = KINDS["boolean"], F["boolean"]
    assert kind.from_cell(f, 1) is True and kind.from_cell(f, 0.0) is False and kind.from_cell(f, False) is False
    with pytest.raises(ParseError, match="是否：应填“是”或“否”，“2”无法识别"):
        kind.from_cell(f, 2)
    with pytest.raises(ParseError, match="是否：应填“是”或“否”$"):
        kind.parse_query(f, "eq", "")
    assert kind.sql_value("sqlite", True) == 1 and kind.sql_value("postgresql", True) is True
    assert kind.display(f, "x") == "x"
    assert KINDS["integer"].sql_value("sqlite", Decimal("1.5")) == 1.5
    assert KINDS["integer"].sql_value("postgresql", Decimal("1.5")) == Decimal("1.5")


def test_text_column_widths_follow_max_length_within_8_to_40():
    width = KINDS["text"].column_width
    assert (width(field("text")), width(field("text", maxLength=4)), width(field("text", maxLength=30)),
            width(field("text", maxLength=500))) == (20, 8, 30, 40)
    assert KINDS["date"].column_width(F["date"]) == 12


@pytest.mark.parametrize("f,sample", [
    (field("text"), "示例字段"),
    (field("text", minLength=6), "示例字段。。"),
    (field("text", maxLength=3), "示例字"),
    (field("text", pattern="^[A-Z]+$"), None),
    (field("text", examples=["CL-1"], default="D"), "CL-1"),
    (field("text", default="D"), "D"),
    (field("integer"), 1),
    (field("integer", minimum=5, maximum=9), 5),
    (field("integer", maximum=0, minimum=-3), 0),
    (field("integer", exclusiveMinimum=1), 2),
    (field("number", exclusiveMinimum=3, maximum=10), 4.5),
    (field("email"), "office@example.gov.cn"),
    (field("uri"), "https://example.gov.cn/"),
    (field("date"), "2026-03-05"),
    (field("datetime"), "2026-03-05T09:30:00+08:00"),
    (field("boolean"), True),
])
def test_examples_satisfy_their_schema(f, sample):
    assert f.type.example(f) == sample


def test_example_objects_hold_only_the_required_fields_unless_full():
    fields = (Field("a", "甲", "text", {}, required=True), Field("b", "乙", "integer", {}),
              Field("c", "丙", "text", {"pattern": "x"}, required=True))
    assert example_object(fields) == {"a": "示例甲", "b": 1}
    assert example_object(fields, full=False) == {"a": "示例甲"}


def test_sql_values_have_the_type_each_database_compares_with():
    sqlite_number = KINDS["integer"].sql_value("sqlite", Decimal("1.5"))
    pg_number = KINDS["integer"].sql_value("postgresql", Decimal("1.5"))
    assert type(sqlite_number) is float and type(pg_number) is Decimal
    assert type(KINDS["boolean"].sql_value("sqlite", True)) is int
    assert KINDS["boolean"].sql_value("postgresql", True) is True
    assert type(KINDS["integer"].parse_query(F["integer"], "eq", "5")) is int
    assert type(KINDS["number"].parse_query(F["number"], "eq", "5")) is Decimal


def test_datetime_text_keeps_seconds_and_gets_the_local_zone():
    kind, f = KINDS["datetime"], F["datetime"]
    assert kind.parse(f, "2026/3/5 9:30:15") == "2026-03-05T09:30:15+08:00"
    assert kind.parse(f, "2026-03-05T09:30:00.5") == "2026-03-05T09:30:00.500000+08:00"


def test_datetime_cells_that_are_not_moments():
    kind, f = KINDS["datetime"], F["datetime"]
    aware = dt.datetime(2026, 3, 5, 1, 30, tzinfo=dt.timezone.utc)
    assert kind.from_cell(f, aware) == "2026-03-05T09:30:00+08:00"  # the moment, in local time
    with pytest.raises(ParseError, match="时间：无法识别的日期“0”"):
        kind.from_cell(f, 0)
    with pytest.raises(ParseError, match="时间：无法识别的日期时间“是”"):
        kind.from_cell(f, True)


def test_values_that_are_not_the_kinds_show_as_stored():
    assert KINDS["datetime"].form_value(F["datetime"], "昨天") == "昨天"
    assert KINDS["datetime"].display(F["datetime"], 5) == "5"
    assert KINDS["money"].form_value(F["money"], "abc") == "abc"
    assert KINDS["money"].display(F["money"], "abc") == "abc"


def test_show_and_say():
    assert show(F["text"], None) == "" and show(F["text"], "") == "" and show(F["text"], 0) == "0"
    assert say("50%") == "50%" and say("%(n)s 行", n=3) == "3 行"


def test_query_text_is_trimmed_cut_at_2000_and_blank_means_empty():
    kind, f = KINDS["text"], F["text"]
    assert kind.parse_query(f, "eq", "  ") == ""
    assert kind.parse_query(f, "eq", "甲" * 2500) == "甲" * 2000


@pytest.mark.parametrize("kind,cell,message", [
    ("date", True, "日期：无法识别的日期“是”"),
    ("integer", dt.date(2026, 3, 5), "数量：应为整数，“2026-03-05”无法识别"),
    ("number", dt.date(2026, 3, 5), "数值：应为数字，“2026-03-05”无法识别"),
])
def test_a_cell_of_another_type_is_read_as_its_text_and_refused_by_name(kind, cell, message):
    with pytest.raises(ParseError, match=message):
        KINDS[kind].from_cell(F[kind], cell)


def test_a_choice_example_is_its_first_choice_and_groups_are_full_by_default():
    assert KINDS["choice"].example(F["choice"]) == "在用"
    group = Field("g", "车辆", "group", {}, children=(Field("plate", "车牌", "text", {}),
                                                      Field("seats", "座位", "integer", {})))
    assert group.type.example(group) == {"plate": "示例车牌", "seats": 1}
    assert group.type.example(group, full=False) == {}


def test_an_empty_number_input_stays_empty_and_a_missing_checkbox_is_no():
    assert KINDS["integer"].form_value(F["integer"], None) is None
    assert KINDS["integer"].form_value(F["integer"], "abc") == "abc"
    assert KINDS["boolean"].parse_form(F["boolean"], None) is False
    assert KINDS["date"].export_typed(F["date"], 5) == "5"   # not a day: written as stored
