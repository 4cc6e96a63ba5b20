"""Which exported values stay bare numbers, and columns whose field is gone (mutation testing
found these unpinned: docs/testing.md). A value wrongly taken for a number escapes neutralising."""
import pytest

from core.tabular.cells import is_number_cell, to_text, to_typed
from tests.tabular.test_coerce import INT, MONEY, MULTI, TABLE, TEXT


@pytest.mark.parametrize("f,value,bare", [
    (MONEY, -5.5, True),
    (INT, -5, True),
    (INT, True, False),         # a bool is an int to Python, never a number cell
    (INT, "-5", False),
    (TEXT, -5, False),          # a number kept in a text field is written as text
    (None, -5, False),          # so is one in a column the definition no longer has
    (MULTI, ["=1+1"], False),
    (MONEY, {"=": 1}, False),
])
def test_only_numbers_of_numeric_fields_are_bare_number_cells(f, value, bare):
    assert is_number_cell(f, value) is bare


def test_a_column_without_a_field_exports_what_is_stored():
    assert to_text(None, True) == "是"
    assert to_text(None, 5) == "5"
    assert to_text(None, {"a": "甲"}) == '{"a": "甲"}'
    assert to_typed(None, "=1") == "=1" and to_typed(None, None) is None


def test_a_child_table_cell_names_its_columns_in_text_and_xlsx():
    rows = [{"place": "甲地"}, {"time": "09:00", "place": "乙地"}]
    assert to_text(TABLE, rows) == to_typed(TABLE, rows) == "地点：甲地\n时间：09:00；地点：乙地"
