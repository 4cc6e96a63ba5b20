"""Script in titles, descriptions, choices and values is shown as text on every page; server-owned
attributes cannot be set through a body (mass assignment)."""
import re

import pytest

from core.definition.loading import load_definition
from core.definition.examples import example_entry
from tests.conftest import shipped

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
UNESCAPED = re.compile(r"<script>alert|<img src=x onerror", re.I)

DOCUMENT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": f"台帐{SCRIPT}", "description": f"说明{IMG}", "type": "object",
    "properties": {
        "name": {"type": "string", "title": f"名称{SCRIPT}", "description": f"字段说明{IMG}"},
        "kind": {"type": "string", "title": f"类别{IMG}", "enum": [f"甲{SCRIPT}", f"乙{IMG}"]},
    },
    "required": ["name"],
    "x-ledger": {"key": "xss_probe"},
}


def _pages(key: str, entry_id) -> list[str]:
    return ["/", f"/ledgers/{key}", f"/ledgers/{key}?_q=%3Cscript%3Ealert", f"/ledgers/{key}/entries/{entry_id}",
            f"/ledgers/{key}/new", f"/ledgers/{key}/entries/{entry_id}/edit", f"/ledgers/{key}/import",
            f"/ledgers/{key}/reports", f"/ledgers/{key}/entries/{entry_id}/delete"]


def test_payloads_everywhere_are_escaped_on_every_page(api, login):
    created = api("admin").post("/ledgers", json=DOCUMENT)
    assert created.status_code == 201, created.get_json()
    entry = api("admin").post("/ledgers/xss_probe/entries", json={"name": SCRIPT + IMG, "kind": f"乙{IMG}"})
    assert entry.status_code == 201, entry.get_json()
    item = {**example_entry(load_definition(shipped("supervision"))), "content": SCRIPT, "remarks": IMG}
    supervised = api("admin").post("/ledgers/supervision/entries", json=item)
    assert supervised.status_code == 201, supervised.get_json()
    client = login("admin")
    pages = _pages("xss_probe", entry.get_json()["id"]) + _pages("supervision", supervised.get_json()["id"])
    pages += [f"/ledgers/supervision/reports/{r['key']}" for r in shipped("supervision")["x-ledger"].get("reports", [])]
    pages += ["/ledgers/supervision/bulletin"]
    seen = 0
    for page in pages:
        response = client.get(page)
        assert response.status_code < 500, (page, response.status_code)
        if response.status_code == 200:
            seen += 1
            assert not UNESCAPED.search(response.text), (page, UNESCAPED.search(response.text))
    assert seen >= 10


SERVER_OWNED = {"id": 999999, "version": 42, "created_by": "mallory", "ledger": "repairs", "ledger_id": 1,
                "seq": 777, "number": "伪-001", "created_at": "2000-01-01T00:00:00Z", "owner_unit": "别的单位"}


def _entry(api, body, method="post", path="/ledgers/fixed_assets/entries"):
    return getattr(api("editor"), method)(path, json=body)


@pytest.mark.parametrize("key,value", list(SERVER_OWNED.items()))
def test_server_owned_attributes_cannot_be_assigned(api, key, value):
    data = example_entry(load_definition(shipped("fixed_assets")))
    response = _entry(api, {**data, key: value})
    assert response.status_code == 422, response.get_json()
    original = _entry(api, data)
    assert original.status_code == 201
    body = original.get_json()
    path = f"/ledgers/fixed_assets/entries/{body['id']}"
    for method, payload in [("put", {"version": 1, "data": {**data, key: value}}),
                            ("put", {**data, key: value}),
                            ("patch", {key: value}),
                            ("put", {"version": 1, "data": data, key: value})]:
        response = _entry(api, payload, method, path)
        assert response.status_code in (400, 412, 422, 428) or response.status_code < 300, response.status_code
        after = api("viewer").get(path).get_json()
        assert after["id"] == body["id"] and after.get("created_by") == body.get("created_by")
        assert after.get(key, body.get(key)) == body.get(key) or key not in body
        assert key not in after["data"]
