"""The API of versions: dry runs store nothing, renames, migrations, type changes, the diff, flagged entries."""
import copy

import pytest
from sqlalchemy import func, select

from core.db.models import audit_log, entries, ledger_versions, revisions
from tests.core.conftest import SMALL


@pytest.fixture
def small(api):
    assert api("admin").post("/ledgers", json=SMALL).status_code == 201
    for data in ({"name": "甲", "unit": "甲", "score": 600}, {"name": "乙", "unit": "丙"}, {"name": "丙", "score": 5}):
        assert api("editor").post("/ledgers/small/entries", json=data).status_code == 201
    return api


def changed(change) -> dict:
    document = copy.deepcopy(SMALL)
    change(document)
    return document


def stored(db) -> tuple:
    with db.read() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (ledger_versions, entries, revisions, audit_log)) + \
            (conn.execute(select(entries.c.data, entries.c.version).order_by(entries.c.id)).all(),)


def narrowed(d):
    d["properties"]["unit"]["enum"] = ["甲", "乙"]
    d["properties"]["score"]["maximum"] = 100
    d["required"].append("unit")


def test_dry_run_answers_the_plan_and_stores_nothing(small, db):
    before = stored(db)
    response = small("admin").put("/ledgers/small?dry_run=1", json=changed(narrowed))
    assert response.status_code == 200
    plan = response.get_json()
    assert plan["affected"] == 3 and len(plan["examples"]) == 3
    assert [e["errors"][0]["field"] for e in plan["examples"]] == ["score", "unit", "unit"]
    assert {c["kind"] for c in plan["changes"]} == {"choices", "limits", "required"}
    assert stored(db) == before
    assert small("admin").get("/ledgers/small").get_json()["version"] == 1


def test_dry_run_with_a_migration_counts_what_would_be_left(small, db):
    body = changed(narrowed) | {"x-migrate": {"unit": {"map": {"丙": "乙"}, "default": "甲"}}}
    plan = small("admin").put("/ledgers/small?dry_run=1", json=body).get_json()
    assert plan["affected"] == 1  # 600 is still over the new maximum
    assert plan["examples"][0]["errors"][0]["field"] == "score"


def test_keep_publishes_and_flags_the_entries_it_would_refuse(small):
    assert small("admin").put("/ledgers/small", json=changed(narrowed)).status_code == 200
    items = small("editor").get("/ledgers/small/entries?_sort=name").get_json()["items"]
    flagged = {e["data"]["name"]: [p["field"] for p in e.get("problems", [])] for e in items}
    assert flagged == {"甲": ["score"], "乙": ["unit"], "丙": ["unit"]}
    first = next(e for e in items if e["data"]["name"] == "甲")
    one = small("editor").get(f"/ledgers/small/entries/{first['id']}").get_json()
    assert one["problems"] and one["data"]["score"] == 600  # nothing changed


def test_migrate_applies_to_all_or_none(small, db):
    before = stored(db)
    body = changed(narrowed) | {"x-migrate": {"unit": {"map": {"丙": "乙"}, "default": "甲"}}}
    refused = small("admin").put("/ledgers/small?affected=migrate", json=body)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "score" and "记录" in refused.get_json()["errors"][0]["message"]
    assert stored(db) == before
    body["x-migrate"]["score"] = {"map": {"600": 100}}
    assert small("admin").put("/ledgers/small?affected=migrate", json=body).status_code == 200
    items = small("editor").get("/ledgers/small/entries?_sort=-name").get_json()["items"]  # 甲 乙 丙
    assert [(e["data"].get("unit"), e["data"].get("score")) for e in items] == [("甲", 100), ("乙", None), ("甲", 5)]
    assert all("problems" not in e for e in items)
    revisions_of = small("editor").get(f"/ledgers/small/entries/{items[0]['id']}/revisions").get_json()["items"]
    assert revisions_of[-1]["action"] == "migrate" and revisions_of[-1]["changes"] == {"score": [600, 100]}
    definition = small("admin").get("/ledgers/small").get_json()["definition"]
    assert "x-migrate" not in definition


@pytest.mark.parametrize("body_migrate, query, status, path", [
    ({"ghost": {"default": 1}}, "affected=migrate", 422, "/x-migrate/ghost"),
    ({"unit": "甲"}, "affected=migrate", 422, "/x-migrate/unit"),
    ({"unit": {"map": {}}}, "dry_run=1", 422, "/x-migrate/unit/map"),
])
def test_bad_migrations_are_refused_in_chinese_at_their_place(small, db, body_migrate, query, status, path):
    before = stored(db)
    response = small("admin").put(f"/ledgers/small?{query}", json=changed(narrowed) | {"x-migrate": body_migrate})
    assert response.status_code == status
    assert response.get_json()["errors"][0]["path"] == path
    assert stored(db) == before


def test_a_migration_without_affected_migrate_is_400(small, db):
    before = stored(db)
    response = small("admin").put("/ledgers/small", json=SMALL | {"x-migrate": {"unit": {"default": "甲"}}})
    assert response.status_code == 400 and "affected=migrate" in response.get_json()["error"]
    assert small("admin").put("/ledgers/small?affected=everything", json=SMALL).status_code == 400
    assert stored(db) == before


def test_a_type_change_is_refused_with_the_plan_unless_migrated(small, db):
    def retyped(d):
        d["properties"]["unit"] = {"type": "integer", "title": "单位"}
        d["x-ledger"]["list"]["filters"] = ["due", "done"]
    before = stored(db)
    refused = small("admin").put("/ledgers/small", json=changed(retyped))
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["plan"]["broken"] == 2 and body["errors"][0]["field"] == "unit"
    assert stored(db) == before
    migrated = changed(retyped) | {"x-migrate": {"unit": {"map": {"甲": 1, "丙": 3}}}}
    assert small("admin").put("/ledgers/small?affected=migrate", json=migrated).status_code == 200
    assert small("editor").get("/ledgers/small/entries?unit__gte=2").get_json()["total"] == 1


def test_a_rename_through_the_api_keeps_every_value(small):
    def renamed(d):
        d["properties"]["grade"] = {**d["properties"].pop("score"), "x-renamed-from": "score"}
    assert small("admin").put("/ledgers/small", json=changed(renamed)).status_code == 200
    items = small("editor").get("/ledgers/small/entries?_sort=-name").get_json()["items"]  # 甲 乙 丙
    assert [e["data"].get("grade") for e in items] == [600, None, 5]
    assert all("score" not in e["data"] for e in items)


def test_a_bad_rename_is_refused_in_chinese(small, db):
    before = stored(db)
    bad = changed(lambda d: d["properties"]["name"].update({"x-renamed-from": "score"}))
    response = small("admin").put("/ledgers/small", json=bad)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"path": "/properties/name/x-renamed-from",
                                              "message": "原字段名“score”仍是本版本的字段，不能再改名为“name”"}]
    assert stored(db) == before


def test_the_diff_between_two_versions(small):
    small("admin").put("/ledgers/small", json=changed(narrowed))
    small("admin").put("/ledgers/small", json=changed(lambda d: (narrowed(d), d["properties"].pop("done"),
                                                                 d["x-ledger"]["list"].update(filters=["unit", "due"]))))
    body = small("admin").get("/ledgers/small/versions/1/diff/3").get_json()
    assert body["from"] == 1 and body["to"] == 3
    assert {(c["kind"], c["field"]) for c in body["changes"]} == {
        ("choices", "unit"), ("limits", "score"), ("required", "unit"), ("removed", "done")}
    back = small("admin").get("/ledgers/small/versions/3/diff/2").get_json()["changes"]
    assert [(c["kind"], c["field"]) for c in back] == [("added", "done")]
    assert small("admin").get("/ledgers/small/versions/1/diff/9").status_code == 404
    assert small("editor").get("/ledgers/small/versions/1/diff/2").status_code == 403


def test_openapi_names_the_new_shapes():
    from api.openapi import openapi_document
    document = openapi_document()
    assert "/ledgers/{key}/versions/{a}/diff/{b}" in document["paths"]
    names = [p["name"] for p in document["paths"]["/ledgers/{key}"]["put"]["parameters"]]
    assert {"dry_run", "affected"} <= set(names)
    assert "problems" in document["components"]["schemas"]["Entry"]["properties"]
