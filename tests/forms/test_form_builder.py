"""forms/: one form class per ledger version, a widget for every field kind, form <-> JSON."""
from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from core.definition.loading import load_definition
from core.errors import EntryInvalid
from core.entries.validation import validate_entry
from forms import FACTORIES, entry_data, field_errors, form_class, form_values
from forms.builder import DefinedForm, template_row

KINDS = {"text", "textarea", "date", "datetime", "email", "uri", "integer", "number", "money", "boolean",
         "choice", "multichoice", "table", "group", "file"}

DOCUMENT = {
    "title": "全部字段", "type": "object",
    "properties": {
        "data": {"type": "string", "title": "与表单属性同名"},
        "note": {"type": "string", "title": "说明", "x-widget": "textarea"},
        "on": {"type": "string", "title": "日期", "format": "date"},
        "at": {"type": "string", "title": "时间", "format": "date-time"},
        "mail": {"type": "string", "title": "邮箱", "format": "email"},
        "site": {"type": "string", "title": "网址", "format": "uri"},
        "count": {"type": "integer", "title": "数量", "default": 1},
        "ratio": {"type": "number", "title": "比例"},
        "cost": {"type": "number", "title": "金额", "multipleOf": 0.01},
        "ok": {"type": "boolean", "title": "是否"},
        "kind": {"type": "string", "title": "类别", "enum": ["甲", "乙"], "x-widget": "radio"},
        "tags": {"type": "array", "title": "标签", "items": {"type": "string", "enum": ["红", "绿"]}},
        "code": {"type": "string", "title": "编号", "readOnly": True, "default": "A-1"},
        "car": {"type": "object", "title": "车辆",
                "properties": {"plate": {"type": "string", "title": "车牌"},
                               "seats": {"type": "integer", "title": "座位"}}},
        "rows": {"type": "array", "title": "明细", "items": {
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string", "title": "名称"}, "qty": {"type": "integer", "title": "数"}}}},
    },
    "required": ["data"],
    "x-ledger": {"key": "everything"},
}


@pytest.fixture(scope="module")
def definition():
    return load_definition(DOCUMENT, version=3)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def test_every_kind_has_a_factory():
    assert set(FACTORIES) == KINDS


def test_form_class_is_cached_per_version_and_never_rebuilt(definition):
    cls = form_class(definition)
    assert form_class(definition) is cls
    assert issubclass(cls, DefinedForm) and [key for key, _ in cls.pairs] == list(definition.by_key)
    assert form_class(definition.with_version(4)) is not cls


def test_field_named_like_a_form_attribute_does_not_clash(definition, ctx):
    form = form_class(definition)(MultiDict({"data": "x"}))
    assert form["data"].data == "x" and isinstance(form.data, dict)


def test_round_trip_json_to_form_to_json(definition, ctx):
    stored = {"data": "甲", "note": "第一行\n第二行", "on": "2030-01-02", "at": "2030-01-02T01:30:00Z",
              "mail": "a@b.cn", "site": "https://x.gov.cn/", "count": 3, "ratio": 0.5, "cost": 12.5,
              "ok": True, "kind": "乙", "tags": ["绿"], "code": "A-9",
              "car": {"plate": "区A1", "seats": 5}, "rows": [{"name": "桌", "qty": 2}]}
    form = form_class(definition)(data=form_values(definition.fields, stored))
    assert form["cost"].data == "12.50" and form["at"].data == "2030-01-02T09:30"
    posted = MultiDict()
    for bound in _leaves(form):
        value = bound.data
        if isinstance(value, list):
            for v in value:
                posted.add(bound.name, v)
        elif value is True:
            posted.add(bound.name, "y")
        elif value not in (None, False):
            posted.add(bound.name, str(value))
    posted["code"] = "forged"  # readOnly: never taken from the request
    data, _ = entry_data(form_class(definition)(posted), definition.fields, existing=stored)
    assert data == {**stored, "at": "2030-01-02T09:30:00+08:00"}
    validate_entry(definition, data)


def _leaves(form):
    for bound in form:
        if hasattr(bound, "entries"):
            for entry in bound.entries:
                yield from _leaves(entry.form)
        elif hasattr(bound, "form"):
            yield from _leaves(bound.form)
        else:
            yield bound


def test_empty_optional_values_are_left_out(definition, ctx):
    posted = MultiDict({"data": "x", "note": "  ", "on": "", "count": "", "cost": "", "car-plate": "",
                        "rows-0-name": "", "rows-0-qty": ""})
    data, _ = entry_data(form_class(definition)(posted), definition.fields)
    assert data == {"data": "x", "ok": False, "code": "A-1"}


def test_unparseable_numbers_reach_the_engine_as_typed(definition, ctx):
    posted = MultiDict({"data": "x", "count": "三", "cost": "1,234.5", "ratio": "2"})
    data, names = entry_data(form_class(definition)(posted), definition.fields)
    assert data["count"] == "三" and data["cost"] == 1234.5 and data["ratio"] == 2
    with pytest.raises(EntryInvalid) as caught:
        validate_entry(definition, data)
    assert field_errors(caught.value.errors, names) == {"count": ["数量：应为整数"]}


def test_errors_map_onto_kept_rows_and_nested_fields(definition, ctx):
    posted = MultiDict({"data": "x", "rows-0-name": "甲", "rows-4-qty": "", "rows-9-qty": "x",
                        "car-seats": "多"})
    data, names = entry_data(form_class(definition)(posted), definition.fields)
    assert data["rows"] == [{"name": "甲"}, {"qty": "x"}]
    with pytest.raises(EntryInvalid) as caught:
        validate_entry(definition, data)
    errors = field_errors(caught.value.errors, names)
    assert set(errors) == {"rows-2-name", "rows-2-qty", "car-seats"}
    assert field_errors([{"field": "", "message": "整体"}, {"field": "rows.7.name", "message": "m"}],
                        names) == {"": ["整体"], "rows": ["m"]}


def test_template_row_names_use_a_placeholder(definition, ctx):
    form = form_class(definition)()
    row = template_row(form["rows"])
    assert [f.name for f in row.form] == ["rows-__index__-name", "rows-__index__-qty"]


def test_an_example_is_a_placeholder_marked_as_an_example(ctx):
    document = {"title": "示例", "type": "object", "x-ledger": {"key": "examples"},
                "properties": {"phone": {"type": "string", "title": "电话", "examples": ["0571-88886666"]},
                               "plain": {"type": "string", "title": "无示例"}}}
    form = form_class(load_definition(document))()
    html = str(form["phone"]())
    assert 'placeholder="例：0571-88886666"' in html
    assert "placeholder" not in str(form["plain"]())


def test_offered_choices_limit_one_requests_field_and_never_the_shared_class(app):
    """The workflow's states this user may choose: a select keeps 请选择 and shows only those."""
    from forms import offer_choices
    document = {"title": "流程", "type": "object", "required": ["state"],
                "properties": {"state": {"type": "string", "title": "状态", "enum": ["立项", "交办", "办结"]}},
                "x-ledger": {"key": "flow_select"}}
    cls = form_class(load_definition(document))
    with app.test_request_context():
        limited, untouched = cls(data={"state": "交办"}), cls()
        offer_choices(limited["state"], ["交办", "办结"])
        html = limited["state"]()
        assert [v for v in ("立项", "交办", "办结") if f'value="{v}"' in html] == ["交办", "办结"]
        assert 'value=""' in html and re.search(r'<option (selected value="交办"|value="交办" selected)', html)
        assert all(f'value="{v}"' in untouched["state"]() for v in ("立项", "交办", "办结"))
