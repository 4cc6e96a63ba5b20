"""Rules between fields (x-ledger.rules), conditional requirement (if/then, dependentRequired) and
x-show-when: every operator and kind accepted and refused by the one validator, and every problem
of a definition's rules reported at its pointer, all at once."""
from __future__ import annotations

import copy
import json

import pytest

from core.definition.checks import check_definition
from core.definition.loading import load_definition
from core.errors import DefinitionError, EntryInvalid
from core.definition.rules import rule_errors, show_when
from core.entries.validation import _quick_check, validate_entry
from tests.conftest import shipped

BASE = {
    "title": "规则测试",
    "type": "object",
    "properties": {
        "status": {"type": "string", "title": "状态", "enum": ["办理中", "已办结"]},
        "progress": {"type": "integer", "title": "进度", "minimum": 0, "maximum": 100},
        "assigned_on": {"type": "string", "title": "交办日期", "format": "date"},
        "deadline": {"type": "string", "title": "完成时限", "format": "date"},
        "amount": {"type": "number", "title": "金额"},
        "budget": {"type": "number", "title": "预算", "multipleOf": 0.01, "x-widget": "money"},
        "note": {"type": "string", "title": "说明", "maxLength": 100},
        "urgent": {"type": "boolean", "title": "紧急"},
        "tags": {"type": "array", "title": "标签", "uniqueItems": True,
                 "items": {"type": "string", "enum": ["红", "蓝"]}},
        "arrived_at": {"type": "string", "title": "到达时间", "format": "date-time"},
        "left_at": {"type": "string", "title": "离开时间", "format": "date-time"},
        "stops": {"type": "array", "title": "行程", "items": {"type": "object", "properties": {
            "place": {"type": "string", "title": "地点", "maxLength": 50}}}},
    },
    "x-ledger": {"key": "ruled"},
}


def ruled(*rules: dict, **extra) -> object:
    document = copy.deepcopy(BASE)
    document["x-ledger"]["rules"] = list(rules)
    document.update(extra)
    return load_definition(document)


def refused(definition, entry: dict) -> list[dict]:
    with pytest.raises(EntryInvalid) as caught:
        validate_entry(definition, entry)
    return caught.value.errors


# (check, entry, holds): each operator with a constant, per kind, and empty fields.
CONSTANT = [
    ({"progress": 100}, {"progress": 100}, True),
    ({"progress": 100}, {"progress": 40}, False),
    ({"progress": 100}, {}, False),                      # a rule asking for a value fails when it is missing
    ({"status__ne": "已办结"}, {"status": "办理中"}, True),
    ({"status__ne": "已办结"}, {}, True),                  # as the list's filter: empty "is not" 已办结
    ({"status__ne": "已办结"}, {"status": "已办结"}, False),
    ({"amount__lt": 10}, {"amount": 9.99}, True),
    ({"amount__lt": 10}, {"amount": 10}, False),
    ({"amount__lt": 10}, {}, True),                      # a bound says nothing of an empty field
    ({"amount__lte": 10}, {"amount": 10}, True),
    ({"amount__lte": 10}, {"amount": 10.01}, False),
    ({"amount__gt": 9}, {"amount": 10}, True),           # numbers as numbers ("10" < "9" as text)
    ({"amount__gt": 9}, {"amount": 9}, False),
    ({"amount__gte": "1,000"}, {"amount": 1000}, True),  # the constant is read as the list reads it
    ({"amount__gte": 1000}, {"amount": 999.99}, False),
    ({"budget__lte": 0.3}, {"budget": 0.3}, True),       # decimals: 0.1 + 0.2 is 0.3
    ({"deadline__gt": "2026-03-01"}, {"deadline": "2026-03-02"}, True),
    ({"deadline__gt": "2026/3/1"}, {"deadline": "2026-03-01"}, False),
    ({"deadline__lt": "2026-03-01"}, {"deadline": "2026-02-28"}, True),
    ({"deadline__lte": "2026-03-01"}, {"deadline": "2026-03-02"}, False),
    ({"deadline__gte": "2026-03-01"}, {"deadline": "2026-03-01"}, True),
    ({"deadline": "2026-03-01"}, {"deadline": "2026-03-01"}, True),
    ({"note__contains": "批示"}, {"note": "领导批示件"}, True),
    ({"note__contains": "abc"}, {"note": "xABCx"}, True),   # like the list's search: case ignored
    ({"note__contains": "批示"}, {"note": "会议纪要"}, False),
    ({"note__contains": "批示"}, {}, False),
    ({"note": "甲"}, {"note": "甲"}, True),
    ({"note__ne": "甲"}, {"note": "乙"}, True),
    ({"tags__contains": "红"}, {"tags": ["蓝", "红"]}, True),
    ({"tags__contains": "红"}, {"tags": ["蓝"]}, False),
    ({"tags__contains": "红"}, {}, False),
    ({"status__in": ["办理中"]}, {"status": "办理中"}, True),
    ({"status__in": ["办理中"]}, {"status": "已办结"}, False),
    ({"status__in": ["办理中"]}, {}, False),
    ({"status__nin": ["已办结"]}, {"status": "办理中"}, True),
    ({"status__nin": ["已办结"]}, {}, True),
    ({"status__nin": ["已办结"]}, {"status": "已办结"}, False),
    ({"status__in": "已办结"}, {"status": "已办结"}, True),  # one value for in
    ({"progress__in": [0, 100]}, {"progress": 100}, True),
    ({"progress__in": [0, 100]}, {"progress": 50}, False),
    ({"urgent": True}, {"urgent": True}, True),
    ({"urgent": True}, {"urgent": False}, False),
    ({"urgent": True}, {}, False),
    ({"urgent__ne": True}, {"urgent": False}, True),
    ({"arrived_at__gte": "2026-03-05 09:00"}, {"arrived_at": "2026-03-05T01:30:00Z"}, True),  # 09:30 local
    ({"arrived_at__gte": "2026-03-05 10:00"}, {"arrived_at": "2026-03-05T01:30:00Z"}, False),
]

# (check, entry, holds) with "$field": either side empty is skipped; values compare by kind.
BETWEEN = [
    ({"deadline__gte": "$assigned_on"}, {"assigned_on": "2026-03-05", "deadline": "2026-03-05"}, True),
    ({"deadline__gte": "$assigned_on"}, {"assigned_on": "2026-03-05", "deadline": "2026-04-01"}, True),
    ({"deadline__gte": "$assigned_on"}, {"assigned_on": "2026-03-05", "deadline": "2026-03-04"}, False),
    ({"deadline__gte": "$assigned_on"}, {"assigned_on": "2026-03-05"}, True),
    ({"deadline__gte": "$assigned_on"}, {"deadline": "2026-03-04"}, True),
    ({"deadline__gt": "$assigned_on"}, {"assigned_on": "2026-03-05", "deadline": "2026-03-05"}, False),
    ({"deadline__lt": "$assigned_on"}, {"assigned_on": "2026-03-05", "deadline": "2026-03-04"}, True),
    ({"deadline__lte": "$assigned_on"}, {"assigned_on": "2026-03-05", "deadline": "2026-03-06"}, False),
    ({"deadline": "$assigned_on"}, {"assigned_on": "2026-03-05", "deadline": "2026-03-05"}, True),
    ({"deadline__ne": "$assigned_on"}, {"assigned_on": "2026-03-05", "deadline": "2026-03-05"}, False),
    ({"amount__lte": "$budget"}, {"amount": 10, "budget": 9.5}, False),   # number vs money
    ({"amount__lte": "$budget"}, {"amount": 9, "budget": 10}, True),      # "9" > "10" as text
    ({"left_at__gt": "$arrived_at"},                                          # moments, not text
     {"arrived_at": "2026-03-05T09:30:00+08:00", "left_at": "2026-03-05T02:00:00Z"}, True),
    ({"left_at__gt": "$arrived_at"},
     {"arrived_at": "2026-03-05T09:30:00+08:00", "left_at": "2026-03-05T01:00:00Z"}, False),
]


@pytest.mark.parametrize("check, entry, holds", CONSTANT + BETWEEN)
def test_each_operator_accepts_and_refuses(check, entry, holds):
    definition = ruled({"check": check, "message": "不符合规则"})
    if holds:
        assert validate_entry(definition, entry) == entry
    else:
        errors = refused(definition, entry)
        key = next(iter(check)).partition("__")[0]
        assert errors == [{"field": key, "path": f"/{key}", "keyword": "rule", "message": "不符合规则"}]


WHEN = {"when": {"status": "已办结"}, "check": {"progress": 100}, "message": "状态为“已办结”时，进度应为 100%"}


@pytest.mark.parametrize("entry, holds", [
    ({"status": "办理中", "progress": 40}, True),    # the rule does not apply
    ({"progress": 40}, True),
    ({"status": "已办结", "progress": 100}, True),
    ({"status": "已办结", "progress": 40}, False),
    ({"status": "已办结"}, False),                   # applies, and the check needs a value
])
def test_a_rule_applies_only_when_its_when_holds(entry, holds):
    definition = ruled(WHEN)
    if holds:
        validate_entry(definition, entry)
    else:
        assert [e["message"] for e in refused(definition, entry)] == [WHEN["message"]]


@pytest.mark.parametrize("entry, holds", [
    ({"status": "已办结", "assigned_on": "2026-03-05"}, True),        # `when` side empty: not applied
    ({"status": "已办结", "deadline": "2026-03-05"}, True),
    ({"assigned_on": "2026-03-05", "deadline": "2026-03-01"}, False),
    ({"assigned_on": "2026-03-01", "deadline": "2026-03-05"}, True),
])
def test_a_field_comparison_in_when_applies_only_with_both_sides(entry, holds):
    rule = {"when": {"deadline__lt": "$assigned_on"}, "check": {"status": "已办结"}, "message": "时限早于交办只能是已办结"}
    definition = ruled(rule)
    assert (not rule_errors(definition, entry)) is holds


@pytest.mark.parametrize("entry, holds", [
    ({"status": "已办结"}, True),                       # a bound on an empty field: the rule does not apply
    ({"status": "已办结", "amount": 5}, True),
    ({"status": "已办结", "amount": 6}, False),
    ({"status": "办理中", "amount": 6}, True),
])
def test_a_bound_in_when_applies_only_to_a_value(entry, holds):
    definition = ruled({"when": {"amount__gt": 5}, "check": {"status": "办理中"}, "message": "金额大于 5 的只能办理中"})
    assert (not rule_errors(definition, entry)) is holds


def test_all_broken_rules_come_back_at_once_with_schema_errors_in_field_order():
    definition = ruled(WHEN, {"check": {"deadline__gte": "$assigned_on"}, "message": "完成时限不能早于交办日期"})
    errors = refused(definition, {"status": "已办结", "progress": 40, "assigned_on": "2026-03-05",
                                  "deadline": "2026-03-01", "note": 5})
    assert [(e["field"], e["keyword"]) for e in errors] == [("progress", "rule"), ("deadline", "rule"), ("note", "type")]


def test_a_value_validation_refuses_is_not_also_judged_by_a_rule():
    definition = ruled(WHEN, {"check": {"deadline__gte": "$assigned_on"}, "message": "完成时限不能早于交办日期"})
    errors = refused(definition, {"status": "已办结", "progress": "很多", "assigned_on": "2026-03-05", "deadline": "明天"})
    assert [(e["field"], e["keyword"]) for e in errors] == [("progress", "type"), ("deadline", "format")]


def test_rules_run_on_the_fast_path_too():
    """An entry the compiled schema check accepts still goes through the rules."""
    definition = ruled({"check": {"progress": 100}, "message": "进度应为 100"})
    assert _quick_check(definition) is not None and _quick_check(definition)({"progress": 40})
    assert refused(definition, {"progress": 40})[0]["message"] == "进度应为 100"


# --- conditional requirement (JSON Schema) -------------------------------------------------

IF_THEN = {"if": {"properties": {"status": {"const": "已办结"}}, "required": ["status"]},
           "then": {"required": ["deadline"]}}


def test_if_then_required_names_the_condition_on_the_missing_field():
    definition = ruled(**IF_THEN)
    validate_entry(definition, {"status": "办理中"})
    validate_entry(definition, {"status": "已办结", "deadline": "2026-03-05"})
    assert refused(definition, {"status": "已办结"}) == [
        {"field": "deadline", "path": "/deadline", "keyword": "required", "message": "状态为“已办结”时，完成时限必填"}]


def test_else_enum_and_all_of_read_as_words():
    definition = ruled(allOf=[
        {"if": {"properties": {"status": {"enum": ["已办结"]}}, "required": ["status"]},
         "then": {"required": ["deadline"]}, "else": {"required": ["note"]}},
        {"if": {"properties": {"urgent": {"const": True}}, "required": ["urgent"]}, "then": {"required": ["amount"]}},
        {"if": {"required": ["budget"]}, "then": {"required": ["amount"]}}])
    messages = [e["message"] for e in refused(definition, {"status": "办理中", "urgent": True, "budget": 1.5})]
    assert messages == ["紧急为“是”时，金额必填", "填写了预算时，金额必填", "状态不为“已办结”时，说明必填"]


def test_an_if_saying_more_than_values_falls_back_to_the_plain_message():
    definition = ruled(**{"if": {"properties": {"progress": {"minimum": 50}}, "required": ["progress"]},
                          "then": {"required": ["deadline"]}})
    assert refused(definition, {"progress": 60})[0]["message"] == "完成时限：必填"


def test_dependent_required():
    definition = ruled(dependentRequired={"budget": ["amount", "note"]})
    validate_entry(definition, {"amount": 1})
    errors = refused(definition, {"budget": 1.5})
    assert [(e["field"], e["path"], e["message"]) for e in errors] == [
        ("amount", "/amount", "填写了预算时，金额必填"), ("note", "/note", "填写了预算时，说明必填")]


def test_a_condition_inside_a_table_row_names_the_row_fields():
    document = copy.deepcopy(BASE)
    row = document["properties"]["stops"]["items"]
    row["properties"]["kind"] = {"type": "string", "title": "类型", "enum": ["参观", "用餐"]}
    row["if"] = {"properties": {"kind": {"const": "用餐"}}, "required": ["kind"]}
    row["then"] = {"required": ["place"]}
    definition = load_definition(document)
    errors = refused(definition, {"stops": [{"kind": "参观"}, {"kind": "用餐"}]})
    assert [(e["field"], e["message"]) for e in errors] == [("stops.1.place", "类型为“用餐”时，地点必填")]


# --- the shipped ledgers ---------------------------------------------------------------------

ITEM = {"content": "整治农贸市场", "source": "专题会议纪要", "unit": "区市场监管局", "status": "办理中",
        "assigned_on": "2026-03-01", "deadline": "2026-06-30", "progress": 40}


def test_supervision_refuses_done_at_40_percent_without_a_date_and_a_deadline_before_assignment():
    definition = load_definition(shipped("supervision"))
    validate_entry(definition, ITEM)
    errors = refused(definition, {**ITEM, "status": "已办结"})
    assert {e["field"]: e["message"] for e in errors} == {
        "progress": "状态为“已办结”时，进度应为 100%", "completed_on": "状态为“已办结”时，办结日期必填"}
    errors = refused(definition, {**ITEM, "deadline": "2026-02-28"})
    assert [(e["field"], e["message"]) for e in errors] == [("deadline", "完成时限不能早于交办日期")]
    errors = refused(definition, {**ITEM, "status": "已办结", "progress": 100, "completed_on": "2026-02-01"})
    assert [(e["field"], e["message"]) for e in errors] == [("completed_on", "办结日期不能早于交办日期")]
    validate_entry(definition, {**ITEM, "status": "已办结", "progress": 100, "completed_on": "2026-03-01"})


def test_receptions_refuse_leaving_before_arriving():
    definition = load_definition(shipped("receptions"))
    visit = {"guest": "某集团考察团", "visit_type": "考察", "arrival_on": "2026-05-10", "status": "筹备中",
             "itinerary": [{"time": "09:00", "place": "区政府", "content": "座谈"}]}
    validate_entry(definition, {**visit, "departure_on": "2026-05-10"})
    errors = refused(definition, {**visit, "departure_on": "2026-05-09"})
    assert [(e["field"], e["message"]) for e in errors] == [("departure_on", "离开日期不能早于来访日期")]


def test_repairs_assets_and_plans_get_the_rules_a_clerk_expects():
    repairs = load_definition(shipped("repairs"))
    job = {"location": "1号楼", "facility_type": "供水", "description": "漏水", "reported_on": "2026-05-10",
           "status": "已完成"}
    assert [e["message"] for e in refused(repairs, job)] == ["处理状态为“已完成”时，完成日期必填"]
    assert [e["message"] for e in refused(repairs, {**job, "completed_on": "2026-05-09"})] == ["完成日期不能早于报修日期"]
    assets = load_definition(shipped("fixed_assets"))
    asset = {"asset_no": "DZ-2026-0001", "name": "电脑", "asset_class": "电子设备", "purchased_on": "2026-01-05"}
    assert [e["message"] for e in refused(assets, {**asset, "last_inventory_on": "2025-12-31"})] == [
        "最近盘点日期不能早于购置日期"]
    plans = load_definition(shipped("emergency_plans"))
    plan = {"name": "防汛预案", "level": "区级专项", "category": "自然灾害", "status": "已印发", "doc_no": "区政办〔2026〕1号",
            "drilled": True}
    assert [e["message"] for e in refused(plans, plan)] == [
        "编制状态为“已印发”时，印发日期必填", "填写了文号时，印发日期必填", "是否已演练为“是”时，最近演练日期必填"]
    plan.update(issued_on="2026-03-01", last_drill_on="2026-04-01", revised_on="2026-02-01")
    assert [e["message"] for e in refused(plans, plan)] == ["最近修订日期不能早于印发日期"]


def test_supervision_shows_the_completion_date_only_when_done():
    definition = load_definition(shipped("supervision"))
    assert json.loads(show_when(definition, definition.by_key["completed_on"])) == [
        {"field": "status", "op": "eq", "family": "text", "value": "已办结"}]
    assert show_when(definition, definition.by_key["deadline"]) is None


def test_show_when_carries_field_comparisons_and_typed_values():
    document = copy.deepcopy(BASE)
    document["properties"]["note"]["x-show-when"] = {"amount__gt": "$budget", "deadline__gte": "2026/3/5",
                                                     "status__in": ["已办结"], "urgent": True, "progress__lt": 50}
    definition = load_definition(document)
    assert json.loads(show_when(definition, definition.by_key["note"])) == [
        {"field": "amount", "op": "gt", "family": "number", "other": "budget"},
        {"field": "deadline", "op": "gte", "family": "date", "value": "2026-03-05"},
        {"field": "status", "op": "in", "family": "text", "value": ["已办结"]},
        {"field": "urgent", "op": "eq", "family": "boolean", "value": True},
        {"field": "progress", "op": "lt", "family": "number", "value": 50.0}]


# --- definition problems ---------------------------------------------------------------------

BAD_RULES = [
    ({"check": {"nosuch": 1}, "message": "x"}, "/x-ledger/rules/0/check/nosuch", "“nosuch”不是已定义的字段"),
    ({"check": {"status__lt": "办理中"}, "message": "x"}, "/x-ledger/rules/1/check/status__lt",
     "字段“状态”不能用“lt”比较，可用：eq、ne、in、nin"),
    ({"check": {"deadline__gte": "$nosuch"}, "message": "x"}, "/x-ledger/rules/2/check/deadline__gte",
     "“$nosuch”不是已定义的字段"),
    ({"check": {"deadline__gte": "$progress"}, "message": "x"}, "/x-ledger/rules/3/check/deadline__gte",
     "字段“完成时限”与“进度”类型不同，不能比较"),
    ({"check": {"progress": "很多"}, "message": "x"}, "/x-ledger/rules/4/check/progress", "进度：应为整数，“很多”无法识别"),
    ({"check": {"status": "已完成"}, "message": "x"}, "/x-ledger/rules/5/check/status", "“已完成”不是字段“状态”的选项"),
    ({"check": {"progress": 100}}, "/x-ledger/rules/6/message", "规则需要提示文字（message），说明哪里不对"),
    ({"check": {"progress": 100}, "message": "  "}, "/x-ledger/rules/7/message", "规则需要提示文字（message），说明哪里不对"),
    ({"when": "已办结", "check": {"progress": 100}, "message": "x"}, "/x-ledger/rules/8/when",
     "适用条件（when）应为非空对象，如 {\"status\": \"已办结\"}"),
    ({"check": {}, "message": "x"}, "/x-ledger/rules/9/check", "检查条件（check）应为非空对象，如 {\"status\": \"已办结\"}"),
    ({"message": "x"}, "/x-ledger/rules/10/check", "规则需要检查条件（check）"),
    ({"check": {"progress__between": 1}, "message": "x"}, "/x-ledger/rules/11/check/progress__between",
     "字段“进度”不能用“between”比较，可用：eq、ne、lt、lte、gt、gte、in、nin"),
    ({"check": {"deadline__in": "$assigned_on"}, "message": "x"}, "/x-ledger/rules/12/check/deadline__in",
     "与其他字段比较只能用 eq、ne、lt、lte、gt、gte"),
    ({"check": {"stops": 1}, "message": "x"}, "/x-ledger/rules/13/check/stops", "字段“行程”是子表或分组，不能用于条件"),
    ({"check": {"progress": 1}, "message": "x", "level": "error"}, "/x-ledger/rules/14/level",
     "规则不支持属性“level”，可用：when、check、message"),
    ({"check": {"deadline": "today"}, "message": "x"}, "/x-ledger/rules/15/check/deadline",
     "完成时限：无法识别的日期“today”，应如 2026-03-05 或 2026/3/5"),
    ({"check": {"progress": None}, "message": "x"}, "/x-ledger/rules/16/check/progress",
     "条件的值应为文字、数字或是/否（in、nin 可用列表）"),
    ({"check": {"deadline__gte": "$deadline"}, "message": "x"}, "/x-ledger/rules/17/check/deadline__gte",
     "字段“完成时限”不能与自身比较"),
    ({"check": {"note": ""}, "message": "x"}, "/x-ledger/rules/18/check/note", "条件的值不能为空"),
    ({"check": {"tags__contains": "绿"}, "message": "x"}, "/x-ledger/rules/19/check/tags__contains",
     "“绿”不是字段“标签”的选项"),
    ({"check": {"status__in": []}, "message": "x"}, "/x-ledger/rules/20/check/status__in", "“in”需要至少一个值"),
]


def test_every_problem_of_rules_comes_back_at_its_pointer_at_once():
    document = copy.deepcopy(BASE)
    document["x-ledger"]["rules"] = [rule for rule, _, _ in BAD_RULES]
    problems = list(check_definition(document))
    expected = [{"path": path, "message": message if message.startswith("规则") or message.startswith("适用")
                 or message.startswith("检查") else f"条件无法识别：{message}"} for _, path, message in BAD_RULES]
    for problem in expected:
        assert problem in problems
    assert len(problems) == len(expected), problems
    with pytest.raises(DefinitionError):
        load_definition(document)


def test_show_when_and_conditional_requirement_name_existing_fields():
    document = copy.deepcopy(BASE)
    document["properties"]["note"]["x-show-when"] = {"statu": "已办结", "note__ne": "甲"}
    document["properties"]["amount"]["x-show-when"] = "已办结"
    document["properties"]["stops"]["items"]["properties"]["place"]["x-show-when"] = {"status": "已办结"}
    document["if"] = {"properties": {"statu": {"const": "已办结"}, "status": {"const": "已完成"}}, "required": ["statu"]}
    document["then"] = {"required": ["done_on"]}
    document["allOf"] = [{"then": {"required": ["note"]}}]
    document["dependentRequired"] = {"budgt": ["amount"], "budget": ["amout"]}
    problems = [(p["path"], p["message"]) for p in check_definition(document)]
    assert problems == [
        ("/allOf/0/then", "then/else 需要与 if 一起使用"),
        ("/dependentRequired/budget/0", "必填项“amout”不是已定义的字段"),
        ("/dependentRequired/budgt", "“budgt”不是已定义的字段"),
        ("/if/properties/statu", "“statu”不是已定义的字段"),
        ("/if/properties/status/const", "“已完成”不是字段“状态”的选项"),
        ("/if/required/0", "“statu”不是已定义的字段"),
        ("/properties/amount/x-show-when", "显示条件（x-show-when）应为非空对象，如 {\"status\": \"已办结\"}"),
        ("/properties/note/x-show-when/note__ne", "字段不能以自身的值为显示条件"),
        ("/properties/note/x-show-when/statu", "条件无法识别：“statu”不是已定义的字段"),
        ("/properties/stops/items/properties/place/x-show-when", "显示条件只能用于顶层字段（不能用于分组或子表中的字段）"),
        ("/then/required/0", "“done_on”不是已定义的字段"),
    ]


def test_rules_and_conditions_that_read_are_accepted():
    definition = ruled(WHEN, {"when": {"urgent": True, "tags__contains": "红"}, "check": {"amount__gte": "$budget"},
                              "message": "紧急的红色事项金额不低于预算"},
                       allOf=[IF_THEN], dependentRequired={"budget": ["amount"]})
    assert len(definition.options["rules"]) == 2


def test_a_message_and_conditions_have_limits():
    many = {"status": "已办结", "progress": 1, "assigned_on": "2026-01-01", "deadline": "2026-01-01", "amount": 1,
            "budget": 1, "note": "a", "urgent": True, "tags__contains": "红", "arrived_at__gte": "2026-01-01 09:00",
            "left_at__gte": "2026-01-01 09:00"}
    document = copy.deepcopy(BASE)
    document["x-ledger"]["rules"] = [{"check": {"progress": 1}, "message": "长" * 201},
                                     {"check": many, "message": "x"},
                                     {"check": dict(list(many.items())[:10]), "message": "长" * 200}]
    assert [(p["path"], p["message"]) for p in check_definition(document)] == [
        ("/x-ledger/rules/0/message", "提示文字过长（上限 200 个字符）"),
        ("/x-ledger/rules/1/check", "条件过多（上限 10 个）")]
