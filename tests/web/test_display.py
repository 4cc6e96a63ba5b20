"""How values read on a page (web/display.py), function by function (mutation testing found the
page tests left these unpinned: docs/testing.md)."""
from types import SimpleNamespace

import pytest

from core.definition.loading import load_definition
from web import display
from tests.core.conftest import SMALL

DEFINITION = load_definition({
    **SMALL,
    "properties": {
        **SMALL["properties"],
        "note": {"type": "string", "title": "备注", "description": "写清来龙去脉"},
        "locked": {"type": "string", "title": "锁定", "enum": ["甲", "乙"], "readOnly": True},
        "code": {"type": "string", "title": "编号", "readOnly": True},
    },
})
F = DEFINITION.by_key


@pytest.fixture
def page(app):
    """Translations need a request; the Chinese source text is what they give here."""
    with app.test_request_context():
        yield


def test_local_time_is_minutes_in_the_configured_zone(page):
    assert display.local_time("2026-03-05T01:30:00Z") == "2026-03-05 09:30"
    assert display.local_time(None) == ""


@pytest.mark.parametrize("key,value,shown", [
    ("amount", 1234.5, "1,234.50"),
    ("done", True, "是"),
    ("done", False, "否"),
    ("tags", ["红", "蓝"], "红、蓝"),
    ("rows", [{"place": "甲地"}, {"place": "乙地"}], "2 行"),
    ("name", None, ""),
    ("name", "", ""),
    ("done", "", ""),
    ("car", {"seats": 4}, "座位：4"),       # a fieldset names its sub-fields
])
def test_text_lets_the_kind_format_its_value(page, key, value, shown):
    assert display.text(F[key], value) == shown


def test_a_value_whose_field_is_gone_shows_as_stored(page):
    assert display.text(None, 12) == "12"
    assert display.long_text(None, 12) == "12"
    assert display.long_text(None, None) == ""


def test_long_text_lists_the_rows_of_a_child_table(page):
    assert display.long_text(F["rows"], [{"place": "甲地"}, {"place": "乙地"}]) == "1. 甲地；2. 乙地"
    assert display.long_text(F["rows"], None) == ""
    assert display.long_text(F["rows"], "") == ""
    assert display.long_text(F["amount"], 3.0) == "3.00"


def test_changes_come_in_field_order_with_titles_and_both_sides(page):
    revision = {"changes": {"ghost": [1, 2], "done": [None, True], "name": ["旧", "新"],
                            "rows": [None, [{"place": "甲地"}]], "amount": [1.5, 5.0]}}
    assert display.changes(DEFINITION, revision) == [
        {"title": "名称", "before": "旧", "after": "新"},
        {"title": "金额", "before": "1.50", "after": "5.00"},
        {"title": "完成", "before": "", "after": "是"},
        {"title": "明细", "before": "", "after": "1. 甲地"},
        {"title": "ghost", "before": "1", "after": "2"},        # unknown fields last, by key
    ]
    assert display.changes(DEFINITION, {"changes": {"amount": 5.0}}) == [  # a bare value: what it became
        {"title": "金额", "before": "", "after": "5.00"}]
    assert display.changes(DEFINITION, {"changes": {"name": ["只有之前"]}}) == [
        {"title": "名称", "before": "只有之前", "after": ""}]
    assert display.changes(DEFINITION, {"changes": None}) == []
    assert display.changes(DEFINITION, {}) == []


def form_field(app, key):
    """What field_attrs reads of a bound form field: its id."""
    return SimpleNamespace(id=f"f-{key}")


def test_field_attrs_tie_an_input_to_its_help_and_error(app, page):
    note = form_field(app, "note")
    assert display.field_attrs(note, F["note"], []) == {"aria-describedby": f"{note.id}-help"}
    assert display.field_attrs(note, F["note"], ["错"]) == {
        "aria-describedby": f"{note.id}-help {note.id}-error", "aria-invalid": "true"}
    assert display.field_attrs(note, F["note"], [], with_help=False) == {}
    name = form_field(app, "name")
    assert display.field_attrs(name, F["name"], ["错"]) == {
        "aria-describedby": f"{name.id}-error", "aria-invalid": "true", "aria-required": "true"}


def test_read_only_choices_are_disabled_and_read_only_text_is_not(app, page):
    assert display.field_attrs(form_field(app, "locked"), F["locked"], []) == {"disabled": True}
    assert "disabled" not in display.field_attrs(form_field(app, "code"), F["code"], [])


def test_register_gives_templates_the_titles(app, page):
    env = app.jinja_env
    assert env.filters["value_text"](True, F["done"]) == "是"
    assert env.filters["local_time"]("2026-03-05T01:30:00Z") == "2026-03-05 09:30"
    assert (env.globals["role_title"]("editor"), env.globals["role_title"]("other")) == ("编辑", "other")
    assert (env.globals["action_title"]("delete"), env.globals["action_title"]("x")) == ("删除", "x")
    assert env.globals["source_title"]("import") == "导入"
    assert (env.globals["source_title"]("x"), env.globals["source_title"](None)) == ("x", "")
    assert env.globals["long_text"] is display.long_text
    assert env.globals["field_attrs"] is display.field_attrs
    assert env.globals["revision_changes"] is display.changes
    assert "short_message" in env.filters


def test_values_are_shown_in_the_page_language(app):
    with app.test_request_context("/?lang=en"):
        assert display.text(F["done"], True) == "Yes"
        assert display.text(F["rows"], [{"place": "甲地"}, {"place": "乙地"}]) == "2 rows"
        assert display.long_text(F["done"], False) == "No"
