"""Units and per-ledger permissions through the CLI and the API."""
from __future__ import annotations

from core.access import accounts
from core.entries import query
from core.access import units
from core.access.policy import SYSTEM


def test_cli_units_and_users_with_a_unit(runner, db):
    assert runner.invoke(args=["units", "create", "office", "--title", "区政府办公室"]).exit_code == 0
    result = runner.invoke(args=["units", "create", "secretary", "--title", "秘书科", "--parent", "office"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["units", "create", "x", "--title", "某科", "--parent", "nowhere"])
    assert bad.exit_code == 1 and "不存在" in bad.output
    dup = runner.invoke(args=["units", "create", "secretary", "--title", "另一个"])
    assert dup.exit_code == 1 and "已存在" in dup.output
    listed = runner.invoke(args=["units", "list"]).output
    assert "office\t区政府办公室" in listed and "  secretary\t秘书科" in listed
    made = runner.invoke(args=["users", "create", "zhang", "--role", "editor", "--password", "zhang-password",
                               "--unit", "secretary"])
    assert made.exit_code == 0, made.output
    actor = accounts.authenticate(db, "zhang", "zhang-password")
    assert actor.unit_key == "secretary" and actor.unit_titles == {"秘书科"}
    assert runner.invoke(args=["users", "create", "li", "--role", "editor", "--password", "li-password",
                               "--unit", "nowhere"]).exit_code == 1
    assert [d["title"] for d in units.descendants(db, "office")] == ["区政府办公室", "秘书科"]


def test_api_units(api, db, users):
    r = api("admin").post("/units", json={"key": "office", "title": "区政府办公室"})
    assert r.status_code == 201, r.text
    r = api("admin").post("/units", json={"key": "duty", "title": "应急科", "parent": "office"})
    assert r.status_code == 201 and r.get_json()["parent"] == "office"
    assert api("editor").post("/units", json={"key": "z", "title": "z"}).status_code == 403
    r = api("admin").post("/units", json={"key": "bad key", "title": ""})
    assert r.status_code == 422 and {e["path"] for e in r.get_json()["errors"]} == {"/key", "/title"}
    assert api("admin").post("/units", json={"key": "duty", "title": "又一个"}).status_code == 409
    assert api("admin").post("/units", json=[1]).status_code == 400
    items = api("viewer").get("/units").get_json()["items"]
    assert [(u["key"], u["parent"], u["depth"]) for u in items] == [("office", None, 0), ("duty", "office", 1)]


def test_api_permissions(api, db, users):
    from tests.conftest import shipped
    from core.ledgers import versions
    versions.save_definition(db, SYSTEM, shipped("supervision"))
    units.create_unit(db, SYSTEM, "office", "区政府办公室")
    assert api("admin").get("/ledgers/supervision/permissions").get_json() == {"rules": [], "default": True}
    assert api("editor").get("/ledgers/supervision/permissions").status_code == 403
    rules = {"rules": [{"role": "viewer", "actions": ["read"], "scope": "unit", "unit": "office"}]}
    assert api("editor").put("/ledgers/supervision/permissions", json=rules).status_code == 403
    r = api("admin").put("/ledgers/supervision/permissions", json=rules)
    assert r.status_code == 200 and r.get_json()["rules"][0]["unit"] == "office"
    bad = api("admin").put("/ledgers/supervision/permissions", json={"rules": [{"role": "x", "actions": ["y"]}]})
    assert bad.status_code == 422 and len(bad.get_json()["errors"]) == 2
    assert api("admin").put("/ledgers/nothing/permissions", json=rules).status_code == 404
    # editors have no rule any more: the ledger is hidden and closed to them
    assert api("editor").get("/ledgers/supervision/entries").status_code == 403
    assert "supervision" not in {l["key"] for l in api("editor").get("/ledgers").get_json()["items"]}
    r = api("admin").put("/ledgers/supervision/permissions", json={"default": True})
    assert r.get_json() == {"rules": [], "default": True}
    assert api("editor").get("/ledgers/supervision/entries").status_code == 200


def test_unit_field_must_be_a_single_text_or_choice(api):
    doc = {"title": "t", "type": "object", "properties": {
        "d": {"type": "string", "title": "日期", "format": "date"},
        "tags": {"type": "array", "title": "标签", "items": {"type": "string", "enum": ["a"]}, "uniqueItems": True}},
        "x-ledger": {"key": "t", "unit_field": "d"}}
    r = api("admin").post("/ledgers", json=doc)
    assert r.status_code == 422 and "/x-ledger/unit_field" in {e["path"] for e in r.get_json()["errors"]}
    doc["x-ledger"]["unit_field"] = "tags"
    assert api("admin").post("/ledgers", json=doc).status_code == 422
    doc["x-ledger"]["unit_field"] = "nope"
    assert api("admin").post("/ledgers", json=doc).status_code == 422
