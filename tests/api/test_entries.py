"""The JSON API contract for entries: statuses, envelopes, optimistic locking, nothing half-stored."""
import json

import pytest

from core.definition.loading import load_definition
from core.definition.examples import example_entry
from tests.conftest import shipped

SHIPPED = ["supervision", "emergency_plans", "fixed_assets", "repairs", "receptions"]
ITEM = {"content": "完成老旧小区改造方案", "source": "专题会议纪要", "unit": "区住建局",
        "deadline": "2026-12-31", "status": "立项"}


def post_item(api, data=ITEM, role="editor"):
    return api(role).post("/ledgers/supervision/entries", json=data)


@pytest.mark.parametrize("key", SHIPPED)
def test_generated_entries_are_stored_in_every_shipped_ledger(api, key):
    definition = load_definition(shipped(key))
    minimal = example_entry(definition, full=False)
    if definition.business_key:  # two entries may not share a business key
        minimal[definition.business_key] = minimal[definition.business_key][:-1] + "9"
    for entry in (example_entry(definition), minimal):
        response = api("editor").post(f"/ledgers/{key}/entries", json=entry)
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert body["data"] == entry and body["version"] == 1
        assert response.headers["Location"].endswith(f"/entries/{body['id']}")
        assert response.headers["ETag"] == '"1"'
    assert api("viewer").get(f"/ledgers/{key}/entries").get_json()["total"] == 2


@pytest.mark.parametrize("key", SHIPPED)
def test_invalid_entries_get_422_with_field_named_chinese_messages_and_nothing_stored(api, key):
    definition = load_definition(shipped(key))
    bad = example_entry(definition)
    first_required = next(f for f in definition.fields if f.required)
    del bad[first_required.key]
    date_field = next(f for f in definition.fields if f.kind == "date")
    bad[date_field.key] = "2026/3/5"
    bad["not_a_field"] = 1
    response = api("editor").post(f"/ledgers/{key}/entries", json=bad)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert errors[first_required.key] == f"{first_required.title}：必填"
    assert errors[date_field.key] == f"{date_field.title}：应为有效日期 YYYY-MM-DD"
    assert "not_a_field" in errors
    assert api("viewer").get(f"/ledgers/{key}/entries").get_json()["total"] == 0


def test_list_envelope_filters_sort_and_paging(api):
    for unit, deadline in [("区住建局", "2026-05-01"), ("区财政局", "2026-04-01"), ("区住建局", "2026-06-01")]:
        assert post_item(api, {**ITEM, "unit": unit, "deadline": deadline}).status_code == 201
    body = api("viewer").get("/ledgers/supervision/entries",
                             query_string={"unit": "区住建局", "_sort": "deadline", "_size": 1}).get_json()
    assert set(body) == {"items", "total", "page", "size"}
    assert (body["total"], body["page"], body["size"]) == (2, 1, 1)
    assert body["items"][0]["data"]["deadline"] == "2026-05-01"
    assert list(body["items"][0]["data"]) == list(ITEM), "data keeps the definition's field order"


def test_bad_list_parameters_are_400(api):
    for params in ({"ghost": "1"}, {"_sort": "ghost"}, {"progress": "many"}, {"_page": "-1"},
                   {"progress": str(2**64)}):
        response = api("viewer").get("/ledgers/supervision/entries", query_string=params)
        assert response.status_code == 400, params
        assert response.get_json()["error"]


def test_update_with_if_match_and_stale_write_is_412(api):
    entry = post_item(api).get_json()
    path = f"/ledgers/supervision/entries/{entry['id']}"
    ok = api("editor").put(path, json={**ITEM, "progress": 30}, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.get_json()["version"] == 2
    stale = api("editor").put(path, json={**ITEM, "progress": 99}, headers={"If-Match": "1"})
    assert stale.status_code == 412
    assert stale.get_json()["current"]["data"]["progress"] == 30
    assert api("viewer").get(path).get_json()["data"]["progress"] == 30


def test_version_in_body_and_patch(api):
    entry = post_item(api).get_json()
    path = f"/ledgers/supervision/entries/{entry['id']}"
    replaced = api("admin").put(path, json={"version": 1, "data": {**ITEM, "status": "交办"}})
    assert replaced.status_code == 200
    patched = api("editor").patch(path, json={"progress": 50}, headers={"If-Match": "2"})
    assert patched.get_json()["data"] == {**ITEM, "status": "交办", "progress": 50}
    missing = api("editor").patch(path, json={"progress": 60})
    assert missing.status_code == 400 and "版本" in missing.get_json()["error"]


def test_delete_needs_version_and_then_404(api):
    entry = post_item(api).get_json()
    path = f"/ledgers/supervision/entries/{entry['id']}"
    assert api("editor").delete(path, headers={"If-Match": "5"}).status_code == 412
    assert api("editor").delete(path, headers={"If-Match": "1"}).status_code == 204
    assert api("viewer").get(path).status_code == 404
    assert api("editor").delete(path, headers={"If-Match": "2"}).status_code == 404


def test_revisions_say_who_changed_what(api):
    entry = post_item(api).get_json()
    path = f"/ledgers/supervision/entries/{entry['id']}"
    api("admin").patch(path, json={"status": "交办"}, headers={"If-Match": "1"})
    revisions = api("viewer").get(path + "/revisions").get_json()["items"]
    assert [r["action"] for r in revisions] == ["create", "update"]
    assert revisions[1]["changes"] == {"status": ["立项", "交办"]} and revisions[1]["by"] == "admin"


def test_server_owned_attributes_are_never_taken_from_the_body(api):
    response = post_item(api, {**ITEM, "id": 999, "version": 7, "created_by": "mallory"})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"id", "version", "created_by"}


@pytest.mark.parametrize("role,status", [("viewer", 403), ("editor", 201), ("admin", 201)])
def test_roles_on_writes(api, role, status):
    assert post_item(api, role=role).status_code == status


def test_viewer_cannot_update_or_delete(api):
    entry = post_item(api).get_json()
    path = f"/ledgers/supervision/entries/{entry['id']}"
    assert api("viewer").put(path, json=ITEM, headers={"If-Match": "1"}).status_code == 403
    assert api("viewer").delete(path, headers={"If-Match": "1"}).status_code == 403


def test_authentication_errors_are_json_401(client):
    assert client.get("/api/v1/ledgers").status_code == 401
    response = client.get("/api/v1/ledgers", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.is_json


@pytest.mark.parametrize("path", ["/ledgers/ghost/entries", "/ledgers/supervision/entries/123",
                                  "/ledgers/supervision/entries/abc", "/ledgers/supervision/entries/" + "9" * 30,
                                  "/no/such/route"])
def test_not_found_is_json_404(api, path):
    response = api("viewer").get(path)
    assert response.status_code == 404 and response.is_json and response.get_json()["error"]


def test_malformed_bodies(api, client, tokens):
    headers = {"Authorization": f"Bearer {tokens['editor']}"}
    url = "/api/v1/ledgers/supervision/entries"
    bad_json = client.post(url, data='{"content": ', headers=headers, content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.is_json
    bad_utf8 = client.post(url, data=b'{"content": "\xff"}', headers=headers, content_type="application/json")
    assert bad_utf8.status_code == 400
    deep = client.post(url, data="[" * 100_000 + "]" * 100_000, headers=headers, content_type="application/json")
    assert deep.status_code in (400, 422) and deep.is_json
    not_json = client.post(url, data="content=x", headers=headers,
                           content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 415 and not_json.is_json
    huge = client.post(url, data=json.dumps({"content": "长" * 1_000_000}), headers=headers,
                       content_type="application/json")
    assert huge.status_code == 413 and huge.is_json
    assert api("viewer").get("/ledgers/supervision/entries").get_json()["total"] == 0


def test_errors_never_leak_html_tracebacks(api, app, monkeypatch):
    import core.entries.query

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(core.entries.query, "list_entries", explode)
    response = api("viewer").get("/ledgers/supervision/entries")
    assert response.status_code == 500 and response.is_json
    assert "boom" not in response.get_data(as_text=True)


def test_numbers_no_column_holds_are_422_not_500(client, tokens, api):
    headers = {"Authorization": f"Bearer {tokens['editor']}"}
    for raw in ('NaN', 'Infinity', '1e400', str(2**64)):
        body = json.dumps(ITEM)[:-1] + f', "progress": {raw}}}'
        response = client.post("/api/v1/ledgers/supervision/entries", data=body, headers=headers,
                               content_type="application/json")
        assert response.status_code == 422, raw
        assert response.get_json()["errors"][0]["field"] == "progress"
    assert api("viewer").get("/ledgers/supervision/entries").get_json()["total"] == 0


def test_an_entry_carries_its_ledger_number_and_the_callers_next_steps(api):
    entry = post_item(api).get_json()
    assert entry["seq"] == 1 and entry["number"].startswith("督〔") and entry["number"].endswith("〕1号")
    path = f"/ledgers/supervision/entries/{entry['id']}"
    assert api("admin").get(path).get_json()["next"] == [{"to": "交办", "label": "交办"}]
    assert api("editor").get(path).get_json()["next"] == []
    refused = api("editor").patch(path, json={"status": "交办"}, headers={"If-Match": "1"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0] == {"field": "status", "message": "状态：只有管理员可以“交办”"} or \
        refused.get_json()["errors"][0]["message"] == "状态：只有管理员可以“交办”"


def test_workflow_refusals_carry_the_same_json_pointer_as_validation_errors(api):
    entry = post_item(api).get_json()
    path = f"/ledgers/supervision/entries/{entry['id']}"
    refused = api("editor").patch(path, json={"status": "交办"}, headers={"If-Match": "1"})
    invalid = api("editor").patch(path, json={"status": "草稿"}, headers={"If-Match": "1"})
    created = api("editor").post("/ledgers/supervision/entries", json={**ITEM, "status": "办理中"})
    assert [r.status_code for r in (refused, invalid, created)] == [422, 422, 422]
    for response in (refused, invalid, created):
        assert [(e["field"], e["path"]) for e in response.get_json()["errors"]] == [("status", "/status")]


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def spellings(number: int) -> list[str]:
    """Texts int() would read as `number` that are not plain ASCII digits."""
    text = str(number)
    return [f"{text[0]}_{text[1:]}", f"+{text}", f" {text}", f"{text} ", f"{text}%0A", f"%20{text}", text.translate(ARABIC_INDIC),
            text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))]


def test_entry_ids_are_plain_ascii_digits(api):
    for i in range(12):
        entry = post_item(api, {**ITEM, "content": f"事项{i}"}).get_json()
    number = entry["id"]
    assert number >= 10
    base = f"/ledgers/supervision/entries/{number}"
    assert api("viewer").get(base).status_code == 200
    for text in spellings(number) + ["²", f"{number}.0", f"{number}e0", "-1", "0"]:
        path = f"/ledgers/supervision/entries/{text}"
        for method, kwargs in [("get", {}), ("patch", {"json": {"progress": 5}, "headers": {"If-Match": "1"}}),
                               ("put", {"json": ITEM, "headers": {"If-Match": "1"}}),
                               ("delete", {"headers": {"If-Match": "1"}})]:
            response = getattr(api("admin"), method)(path, **kwargs)
            assert response.status_code == 404 and response.is_json, (text, method, response.status_code)
        assert api("viewer").get(path + "/revisions").status_code == 404, text
    assert api("viewer").get(base).get_json()["version"] == 1, "nothing was changed through another spelling"


def test_versions_and_pages_are_plain_ascii_digits(api):
    entry = post_item(api).get_json()
    path = f"/ledgers/supervision/entries/{entry['id']}"
    for text in ["1_0", "+1", " 1", "١", "１", "²", "1.0", "true"]:
        response = api("editor").patch(path, json={"progress": 5}, headers={"If-Match": text})
        assert response.status_code == 400 and "版本" in response.get_json()["error"], text
        body = api("editor").put(path, json={"version": text, "data": ITEM})
        assert body.status_code == 400, text
        for name in ("_page", "_size"):
            listed = api("viewer").get("/ledgers/supervision/entries", query_string={name: text})
            assert listed.status_code == 400 and listed.get_json()["error"], (name, text)
        due = api("viewer").get("/ledgers/supervision/entries", query_string={"_due": "soon", "_due_days": text})
        assert due.status_code == 400, text
        audit = api("admin").get("/audit", query_string={"_page": text})
        assert audit.status_code == 400, text
    assert api("editor").put(path, json={"version": True, "data": ITEM}).status_code == 400
    assert api("editor").patch(path, json={"progress": 5}, headers={"If-Match": 'W/"1"'}).status_code == 200


@pytest.mark.parametrize("path", ["/ledgers/supervision/versions/١", "/ledgers/supervision/versions/１",
                                  "/ledgers/supervision/versions/١/diff/1", "/ledgers/supervision/versions/1/diff/١"])
def test_definition_versions_in_urls_are_plain_ascii_digits(api, path):
    assert api("admin").get(path.replace("١", "1").replace("１", "1")).status_code == 200
    response = api("admin").get(path)
    assert response.status_code == 404 and response.is_json, path
