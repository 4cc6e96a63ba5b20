"""The one walk over entry data along a definition's field tree (core/definition/tree.py), and
the callers rebuilt on it keeping their edge cases."""
from __future__ import annotations

from core.definition.loading import load_definition
from core.definition.tree import along, inside, keys_of, walk
from core.entries.retired import retired_parts, with_retired, without_retired
from core.entries.view import in_field_order

TEXT = {"type": "string", "title": "文字"}
DEFINITION = load_definition({
    "title": "树", "type": "object", "x-ledger": {"key": "tree"},
    "properties": {
        "name": {**TEXT, "title": "名称"},
        "car": {"type": "object", "title": "车辆", "properties": {
            "plate": {**TEXT, "title": "车牌"}, "owner": {"type": "object", "title": "车主",
                                                        "properties": {"tel": {**TEXT, "title": "电话"}}}}},
        "trips": {"type": "array", "title": "行程", "items": {"type": "object", "properties": {
            "city": {**TEXT, "title": "城市"}, "stay": {"type": "object", "title": "住宿",
                                                      "properties": {"hotel": {**TEXT, "title": "酒店"}}}}}}}})
FIELDS = DEFINITION.fields


def test_walk_yields_each_declared_value_with_its_path_a_value_before_what_it_holds():
    data = {"trips": [{"city": "京", "stay": {"hotel": "甲"}}, "not a row", {"city": None}],
            "name": "n", "car": {"plate": "A1", "owner": {"tel": "1"}}}
    got = [(path, f.key, value) for path, f, value in walk(FIELDS, data)]
    assert got == [
        (("trips",), "trips", data["trips"]),
        (("trips", 0, "city"), "city", "京"), (("trips", 0, "stay"), "stay", {"hotel": "甲"}),
        (("trips", 0, "stay", "hotel"), "hotel", "甲"),
        (("trips", 2, "city"), "city", None),
        (("name",), "name", "n"),
        (("car",), "car", data["car"]), (("car", "plate"), "plate", "A1"),
        (("car", "owner"), "owner", {"tel": "1"}), (("car", "owner", "tel"), "tel", "1")]


def test_walk_passes_over_undeclared_keys_unless_asked_and_never_enters_them():
    data = {"old": {"name": "x"}, "car": {"gone": 1, "plate": "A1"}, "name": "n"}
    assert [p for p, _, _ in walk(FIELDS, data)] == [("car",), ("car", "plate"), ("name",)]
    got = [(p, f and f.key) for p, f, _ in walk(FIELDS, data, undeclared=True)]
    assert got == [(("old",), None), (("car",), "car"), (("car", "gone"), None),
                   (("car", "plate"), "plate"), (("name",), "name")]


def test_walk_enters_a_value_by_its_shape_not_its_kind():
    """An earlier version's shape (a group holding rows, a table holding one object) is entered too."""
    data = {"car": [{"plate": "A1"}, [{"plate": "nested lists are not rows"}]], "trips": {"city": "京"}}
    assert [p for p, _, _ in walk(FIELDS, data)] == [("car",), ("car", 0, "plate"), ("trips",), ("trips", "city")]


def test_walk_of_what_is_no_object_yields_nothing():
    for data in (None, [], "text", 3):
        assert list(walk(FIELDS, data, undeclared=True)) == []
    assert list(walk((), {"a": 1})) == []


def test_inside_rebuilds_the_object_or_each_object_row_and_leaves_the_rest():
    car, trips, name = (DEFINITION.by_key[k] for k in ("car", "trips", "name"))
    mark = lambda children, obj: {"seen": [c.key for c in children], **obj}  # noqa: E731
    assert inside(car, {"plate": "A"}, mark) == {"seen": ["plate", "owner"], "plate": "A"}
    assert inside(trips, [{"city": "京"}, None, 3], mark) == [{"seen": ["city", "stay"], "city": "京"}, None, 3]
    assert inside(car, None, mark) is None and inside(trips, "x", mark) == "x"
    assert inside(name, {"not": "entered"}, mark) == {"not": "entered"}  # no sub-fields


def test_along_names_the_fields_of_a_path_skipping_row_indexes_and_stopping_at_an_unknown_key():
    assert [f.key for f in along(FIELDS, ["trips", 3, "stay", "hotel"])] == ["trips", "stay", "hotel"]
    assert [f.key for f in along(FIELDS, ["car", "nope", "plate"])] == ["car"]
    assert along(FIELDS, []) == [] and along(FIELDS, ["nope"]) == []
    assert keys_of(("trips", 3, "city")) == ("trips", "city")


# --- the callers' edge cases, as they were before the walk was shared -------------------------

def test_retired_parts_look_into_groups_only():
    old = {"gone": 1, "car": {"plate": "A", "colour": "红", "owner": {"fax": "2"}},
           "trips": [{"city": "京", "old_col": 1}], "name": None}
    assert retired_parts(FIELDS, old) == {"gone": 1, "car": {"colour": "红", "owner": {"fax": "2"}}}
    assert retired_parts(FIELDS, {"car": {"plate": "A"}, "trips": {"old_col": 1}}) == {}  # nothing: no key
    assert retired_parts(FIELDS, {"car": "not an object", "x": None}) == {"x": None}


def test_without_retired_drops_only_what_is_repeated_unchanged_and_leaves_new_alone():
    retired = {"gone": 1, "car": {"colour": "红"}, "absent": 3}
    new = {"gone": 1, "car": {"plate": "B", "colour": "红"}, "name": "n"}
    assert without_retired(FIELDS, new, retired) == {"car": {"plate": "B"}, "name": "n"}
    assert new == {"gone": 1, "car": {"plate": "B", "colour": "红"}, "name": "n"}
    changed = {"gone": 2, "car": {"colour": "蓝"}}
    assert without_retired(FIELDS, changed, retired) == changed
    assert without_retired(FIELDS, {"car": None}, retired) == {"car": None}


def test_with_retired_puts_values_back_making_or_replacing_their_group():
    retired = {"gone": 1, "car": {"colour": "红", "owner": {"fax": "2"}}}
    assert with_retired(FIELDS, {"name": "n"}, retired) == {
        "name": "n", "gone": 1, "car": {"colour": "红", "owner": {"fax": "2"}}}
    checked = {"car": {"plate": "B"}}
    assert with_retired(FIELDS, checked, retired) == {"car": {"plate": "B", "colour": "红", "owner": {"fax": "2"}},
                                                      "gone": 1}
    assert checked == {"car": {"plate": "B"}}
    assert with_retired(FIELDS, {"car": "x"}, {"car": {"colour": "红"}}) == {"car": {"colour": "红"}}


def test_in_field_order_reorders_declared_shapes_only_and_keeps_extra_keys_last():
    data = {"extra": 1, "trips": [{"stay": {"hotel": "h"}, "city": "c", "z": 0}, "row"],
            "car": {"owner": {"tel": "1"}, "plate": "A"}, "name": "n"}
    out = in_field_order(FIELDS, data)
    assert list(out) == ["name", "car", "trips", "extra"]
    assert list(out["car"]) == ["plate", "owner"] and list(out["trips"][0]) == ["city", "stay", "z"]
    assert out["trips"][1] == "row"
    wrong = {"car": [{"owner": 1, "plate": 2}], "trips": {"stay": 1, "city": 2}}  # an earlier version's shapes
    assert list(in_field_order(FIELDS, wrong)["car"][0]) == ["owner", "plate"]
    assert list(in_field_order(FIELDS, wrong)["trips"]) == ["stay", "city"]
