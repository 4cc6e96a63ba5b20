"""The API keeps the order of `properties`: GET → PUT round trips, drafts, and a reorder by PUT
is a new version."""
from __future__ import annotations

from core.ledgers import versions
from core.access.policy import SYSTEM
from tests.core.test_field_order import ORDER, duty


def test_get_put_round_trip_keeps_the_order_and_a_reorder_is_a_version(api, db):
    admin = api("admin")
    assert admin.post("/ledgers", json=duty()).status_code == 201
    got = admin.get("/ledgers/duty").json
    assert list(got["definition"]["properties"]) == ORDER
    r = admin.put("/ledgers/duty", json=got["definition"])  # unchanged: no new version
    assert r.status_code == 200 and r.json["version"] == 1
    reordered = ["notes", "shift", "person", "duty_date"]
    r = admin.put("/ledgers/duty", json=duty(reordered))
    assert r.status_code == 200 and r.json["version"] == 2
    assert list(r.json["definition"]["properties"]) == reordered
    assert list(admin.get("/ledgers/duty/versions/1").json["definition"]["properties"]) == ORDER
    assert [c["kind"] for c in admin.get("/ledgers/duty/versions/1/diff/2").json["changes"]] == ["reordered"]


def test_drafts_keep_the_order(api, db):
    versions.create_ledger(db, SYSTEM, duty())
    admin = api("admin")
    reordered = ["shift", "notes", "duty_date", "person"]
    assert admin.put("/ledgers/duty/draft", json=duty(reordered)).status_code == 200
    assert list(admin.get("/ledgers/duty/draft").json["document"]["properties"]) == reordered
    r = admin.post("/ledgers/duty/draft/publish")
    assert r.status_code == 200 and r.json["version"] == 2
    assert list(admin.get("/ledgers/duty").json["definition"]["properties"]) == reordered
