"""Entry validation: formats really checked, unknown fields refused, messages name the field in Chinese."""
import pytest

from core.definition.loading import load_definition
from core.definition.model import Definition
from demo import demo_entries
from core.errors import EntryInvalid
from core.definition.examples import example_entry
from core.entries.validation import validate_entry
from tests.conftest import shipped
from tests.core.conftest import SMALL

DEFINITION = load_definition({
    **SMALL,
    "properties": {
        **SMALL["properties"],
        "at": {"type": "string", "title": "时间", "format": "date-time"},
        "mail": {"type": "string", "title": "邮箱", "format": "email"},
        "site": {"type": "string", "title": "网址", "format": "uri"},
        "code": {"type": "string", "title": "编号", "pattern": "^[A-Z]{2}-\\d{4}$", "examples": ["BG-2026"]},
        "note": {"type": "string", "title": "备注"},
    },
})


def errors_of(data):
    with pytest.raises(EntryInvalid) as caught:
        validate_entry(DEFINITION, {"name": "x", **data})
    return caught.value.errors


def test_a_valid_entry_passes_unchanged():
    data = {"name": "甲事项", "unit": "甲", "due": "2026-03-05", "score": 5, "amount": 19.99, "done": True,
            "tags": ["红"], "rows": [{"place": "会议室"}], "car": {"seats": 5},
            "at": "2026-03-05T09:30:00+08:00", "mail": "a@b.cn", "site": "https://x.gov.cn/", "code": "BG-2026"}
    assert validate_entry(DEFINITION, data) == data


@pytest.mark.parametrize("field,value,expected", [
    ("due", "2026-02-30", "时限：应为有效日期 YYYY-MM-DD"),
    ("due", "20260305", "时限：应为有效日期 YYYY-MM-DD"),
    ("due", "2026/3/5", "时限：应为有效日期 YYYY-MM-DD"),
    ("due", "2026-W10-1", "时限：应为有效日期 YYYY-MM-DD"),
    ("at", "2026-03-05 09:30", "时间：应为有效日期时间"),
    ("at", "yesterday", "时间：应为有效日期时间"),
    ("mail", "not-an-address", "邮箱：应为有效的电子邮件地址"),
    ("site", "not a uri", "网址：应为完整网址"),
    ("site", "www.example.com", "网址：应为完整网址"),
])
def test_every_supported_format_is_really_checked(field, value, expected):
    assert errors_of({field: value})[0]["message"].startswith(expected)


@pytest.mark.parametrize("data,field,expected", [
    ({"unit": "丁"}, "unit", "单位：应为以下选项之一：甲、乙、丙"),
    ({"score": -1}, "score", "分数：不能小于 0"),
    ({"score": 1001}, "score", "分数：不能大于 1000"),
    ({"score": 1.5}, "score", "分数：应为整数"),
    ({"score": "5"}, "score", "分数：应为整数"),
    ({"score": 2**64}, "score", "分数：超出数值范围"),
    ({"amount": float("nan")}, "amount", "金额：超出数值范围"),
    ({"amount": float("inf")}, "amount", "金额：超出数值范围"),
    ({"rows": [{"place": "a"}], "car": {"seats": -2**70}}, "car.seats", "车辆 座位：超出数值范围"),
    ({"amount": 19.999}, "amount", "金额：最多保留两位小数"),
    ({"done": "是"}, "done", "完成：应为是或否"),
    ({"tags": ["红", "红"]}, "tags", "标签：选项不能重复"),
    ({"tags": ["绿"]}, "tags.0", "标签 第1行：应为以下选项之一"),
    ({"rows": [{"place": "a"}, {}]}, "rows.1.place", "明细 第2行 地点：必填"),
    ({"rows": [{"place": "a", "extra": 1}]}, "rows.0.extra", "明细 第1行：未知字段“extra”"),
    ({"car": {"seats": "五"}}, "car.seats", "车辆 座位：应为整数"),
    ({"code": "bg-1"}, "code", "编号：格式不正确，例如 BG-2026"),
    ({"note": "长" * 10_001}, "note", "备注：长度不能超过 10000 个字符"),
    ({"id": 7}, "id", "未知字段“id”"),
    ({"created_by": "mallory"}, "created_by", "未知字段“created_by”"),
])
def test_messages_name_the_field_and_say_what_is_expected(data, field, expected):
    errors = errors_of(data)
    match = [e for e in errors if e["field"] == field]
    assert match, errors
    assert match[0]["message"].startswith(expected), match


def test_required_error_points_at_the_missing_field():
    with pytest.raises(EntryInvalid) as caught:
        validate_entry(DEFINITION, {})
    assert caught.value.errors == [{"field": "name", "path": "/name", "keyword": "required", "message": "名称：必填"}]


def test_all_errors_come_back_in_form_order():
    errors = errors_of({"name": 5, "due": "x", "score": "y"})
    assert [e["field"] for e in errors] == ["name", "due", "score"]


@pytest.mark.parametrize("body", [None, [], "text", 5])
def test_a_non_object_is_refused(body):
    with pytest.raises(EntryInvalid) as caught:
        validate_entry(DEFINITION, body)
    assert caught.value.errors[0]["message"] == "数据应为 JSON 对象"


@pytest.mark.parametrize("key", ["supervision", "emergency_plans", "fixed_assets", "repairs", "receptions"])
def test_entries_generated_from_each_shipped_schema_are_accepted(key):
    definition = load_definition(shipped(key))
    validate_entry(definition, example_entry(definition))
    validate_entry(definition, example_entry(definition, full=False))


@pytest.mark.parametrize("key", ["supervision", "emergency_plans", "fixed_assets", "repairs", "receptions"])
def test_demo_entries_are_valid(key):
    definition = load_definition(shipped(key))
    for entry in demo_entries(key):
        validate_entry(definition, entry)


def test_a_stored_definition_whose_refs_loop_gives_entry_invalid_not_recursion_error():
    """Definitions with cyclic $refs are refused now; one stored before must still answer 422."""
    schema = {"type": "object", "properties": {"a": {"type": "string", "allOf": [{"$ref": "#/properties/a"}]}},
              "x-ledger": {"key": "loop"}}
    definition = Definition("loop", "循环", schema, (), 1)
    with pytest.raises(EntryInvalid) as caught:
        validate_entry(definition, {"a": "x"})
    assert "循环引用" in caught.value.errors[0]["message"]
