"""The JSON API for ledger definitions: create, new versions, versions list, refusals, OpenAPI."""
import copy

import pytest

from api.openapi import openapi_document
from tests.core.conftest import SMALL


def test_create_a_new_ledger_without_code(api):
    response = api("admin").post("/ledgers", json=SMALL)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["key"], body["version"], body["title"]) == ("small", 1, "测试台帐")
    assert list(body["definition"]["properties"]) == list(SMALL["properties"]), "property order is kept"
    assert api("editor").post("/ledgers/small/entries", json={"name": "第一条"}).status_code == 201


def test_duplicate_key_is_409(api):
    api("admin").post("/ledgers", json=SMALL)
    assert api("admin").post("/ledgers", json=SMALL).status_code == 409


def test_a_bad_definition_is_422_with_pointers(api):
    bad = copy.deepcopy(SMALL)
    bad["properties"]["unit"]["enum"] = []
    bad["required"] = ["ghost"]
    response = api("admin").post("/ledgers", json=bad)
    assert response.status_code == 422
    paths = {e["path"] for e in response.get_json()["errors"]}
    assert paths == {"/properties/unit/enum", "/required"}
    assert api("admin").get("/ledgers/small").status_code == 404


def test_put_stores_a_new_version_and_old_entries_stay_readable(api):
    api("admin").post("/ledgers", json=SMALL)
    entry = api("editor").post("/ledgers/small/entries", json={"name": "旧", "score": 3}).get_json()
    changed = copy.deepcopy(SMALL)
    del changed["properties"]["score"]
    response = api("admin").put("/ledgers/small", json=changed)
    assert response.status_code == 200 and response.get_json()["version"] == 2
    versions = api("viewer").get("/ledgers/small/versions").get_json()["items"]
    assert [v["version"] for v in versions] == [1, 2] and versions[1]["created_by"] == "admin"
    assert "score" in api("viewer").get("/ledgers/small/versions/1").get_json()["definition"]["properties"]
    old = api("viewer").get(f"/ledgers/small/entries/{entry['id']}").get_json()
    assert old["data"] == {"name": "旧", "score": 3} and old["definition_version"] == 1


def test_put_with_another_key_is_400_and_unknown_ledger_404(api):
    api("admin").post("/ledgers", json=SMALL)
    other = copy.deepcopy(SMALL)
    other["x-ledger"]["key"] = "other"
    assert api("admin").put("/ledgers/small", json=other).status_code == 400
    assert api("admin").put("/ledgers/ghost", json=SMALL).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_define_ledgers(api, role):
    assert api(role).post("/ledgers", json=SMALL).status_code == 403
    assert api(role).put("/ledgers/supervision", json=SMALL).status_code == 403


def test_ledger_index_lists_counts(api):
    api("editor").post("/ledgers/repairs/entries", json={
        "location": "机关大院1号楼", "facility_type": "供水", "description": "水管漏水",
        "reported_on": "2026-07-01", "status": "待处理"})
    items = {l["key"]: l for l in api("viewer").get("/ledgers").get_json()["items"]}
    assert items["repairs"]["entry_count"] == 1 and items["repairs"]["title"] == "维修台帐"


def test_openapi_names_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document == openapi_document()
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)


@pytest.mark.parametrize("where", ["field", "ledger", "report"])
def test_a_key_with_a_trailing_newline_is_422_not_500(api, where):
    bad = copy.deepcopy(SMALL)
    if where == "field":
        bad["properties"]["name\n"] = {"type": "string", "title": "换行"}
    elif where == "ledger":
        bad["x-ledger"]["key"] = "small\n"
    else:
        bad["x-ledger"]["reports"] = [{"key": "r\n", "title": "R", "group_by": ["unit"], "measures": [{"fn": "count"}]}]
    response = api("admin").post("/ledgers", json=bad)
    assert response.status_code == 422 and response.is_json
    assert response.get_json()["errors"]
    assert api("admin").get("/ledgers/small").status_code == 404


def test_a_definition_whose_ref_loops_is_422_and_stores_nothing(api):
    bad = copy.deepcopy(SMALL)
    bad["properties"]["name"]["allOf"] = [{"$ref": "#/properties/name"}]
    response = api("admin").post("/ledgers", json=bad)
    assert response.status_code == 422
    assert [e["path"] for e in response.get_json()["errors"]] == ["/properties/name/allOf/0/$ref"]
    assert api("admin").get("/ledgers/small").status_code == 404
