"""The order of `properties` is the form's, the list's and the export's: it survives storing a
definition and a draft on both databases, and a reorder alone is a new version."""
from __future__ import annotations

import copy

import pytest

from core.ledgers import drafts
from core.ledgers import evolution
from core.entries import query
from core.entries import store
from core.ledgers import versions
from core.definition import loading
from core.tabular import export as tabular
from core.access.policy import SYSTEM
from core.definition.diff import changes

ORDER = ["duty_date", "person", "shift", "notes"]  # deliberately not alphabetical


def duty(order: list[str] = ORDER, key: str = "duty") -> dict:
    fields = {"duty_date": {"type": "string", "title": "值班日期", "format": "date"},
              "person": {"type": "string", "title": "值班人", "maxLength": 50},
              "shift": {"type": "string", "title": "班次", "enum": ["白班", "夜班"]},
              "notes": {"type": "string", "title": "备注", "maxLength": 200}}
    return {"title": "值班台帐", "type": "object", "additionalProperties": False,
            "properties": {k: fields[k] for k in order}, "required": ["duty_date", "person"],
            "x-ledger": {"key": key}}


def test_stored_definitions_and_drafts_keep_the_order(edb):
    versions.create_ledger(edb, SYSTEM, duty())
    _, definition = query.get_ledger(edb, SYSTEM, "duty")
    assert list(definition.schema["properties"]) == ORDER
    assert [f.key for f in definition.fields] == ORDER
    assert [f.key for f in definition.list_columns] == ORDER
    drafts.save_draft(edb, SYSTEM, "duty", duty(["notes", "shift", "person", "duty_date"]))
    assert list(drafts.get_draft(edb, SYSTEM, "duty")["document"]["properties"]) == ["notes", "shift", "person", "duty_date"]


def test_a_reorder_alone_is_a_new_version(edb):
    versions.create_ledger(edb, SYSTEM, duty())
    store.create_entry(edb, SYSTEM, "duty", {"duty_date": "2026-03-01", "person": "张三", "shift": "白班"})
    reordered = ["person", "duty_date", "shift", "notes"]
    assert versions.save_definition(edb, SYSTEM, duty(reordered)).version == 2
    _, definition = query.get_ledger(edb, SYSTEM, "duty")
    assert definition.version == 2 and [f.key for f in definition.fields] == reordered
    assert versions.save_definition(edb, SYSTEM, duty(reordered)).version == 2  # the same again: no version
    text = b"".join(tabular.export_csv(edb, SYSTEM, "duty")[1]).decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[2:6] == ["值班人", "值班日期", "班次", "备注"]


def test_a_reorder_inside_a_table_is_a_new_version_too(edb):
    document = duty()
    document["properties"]["helpers"] = {"type": "array", "title": "协助人员", "items": {
        "type": "object", "properties": {"name": {"type": "string", "title": "姓名"},
                                         "phone": {"type": "string", "title": "电话"}}}}
    versions.create_ledger(edb, SYSTEM, document)
    swapped = copy.deepcopy(document)
    inner = swapped["properties"]["helpers"]["items"]
    inner["properties"] = {"phone": inner["properties"]["phone"], "name": inner["properties"]["name"]}
    assert versions.save_definition(edb, SYSTEM, swapped).version == 2


def test_the_plan_and_the_diff_name_a_reorder(edb):
    versions.create_ledger(edb, SYSTEM, duty())
    plan = evolution.plan_change(edb, SYSTEM, "duty", duty(["person", "duty_date", "shift", "notes"]))
    assert [c["kind"] for c in plan["changes"]] == ["reordered"]
    assert "值班人、值班日期、班次、备注" in plan["changes"][0]["message"]
    assert changes(loading.load_definition(duty()), loading.load_definition(duty())) == []
