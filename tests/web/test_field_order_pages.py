"""The designer keeps the order of `properties` (open, reorder, publish, export) and the form and
the list follow it."""
from __future__ import annotations

import json
import re

from core.ledgers import drafts
from core.entries import query
from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM
from tests.core.test_field_order import ORDER, duty
from tests.web.test_designer import designer  # noqa: F401 - the fixture


def embedded_state(html: str) -> dict:
    return json.loads(html.split('id="designer-state">')[1].split("</script>")[0])


def test_the_designer_opens_a_ledger_and_its_draft_in_their_order(designer, client, db, users):  # noqa: F811
    versions.create_ledger(db, SYSTEM, duty())
    state = embedded_state(client.get("/designer/duty").text)
    assert list(state["document"]["properties"]) == ORDER
    assert list(state["published"]["properties"]) == ORDER
    drafts.save_draft(db, users["admin"], "duty", duty(["notes", "duty_date", "person", "shift"]))
    state = embedded_state(client.get("/designer/duty").text)
    assert list(state["document"]["properties"]) == ["notes", "duty_date", "person", "shift"]


def test_a_reorder_published_from_the_designer_is_a_new_version(designer, client, db):  # noqa: F811
    r = designer.post("/designer/duty/publish", {"definition": duty()})
    assert r.status_code == 201
    reordered = ["person", "duty_date", "shift", "notes"]
    plan = designer.post("/designer/duty/plan", {"definition": duty(reordered)}).json
    assert [c["kind"] for c in plan["changes"]] == ["reordered"]
    r = designer.post("/designer/duty/publish", {"definition": duty(reordered)})
    assert r.status_code == 200 and r.json["version"] == 2
    assert [f.key for f in query.get_ledger(db, SYSTEM, "duty")[1].fields] == reordered
    exported = client.get("/designer/duty/export.json?source=current")
    assert list(json.loads(exported.data)["properties"]) == reordered
    designer.post("/designer/duty/draft", {"definition": duty(ORDER)})
    exported = client.get("/designer/duty/export.json?source=draft")
    assert list(json.loads(exported.data)["properties"]) == ORDER


def test_the_form_and_the_list_follow_the_order(designer, client, db):  # noqa: F811
    versions.create_ledger(db, SYSTEM, duty())
    store.create_entry(db, SYSTEM, "duty", {"duty_date": "2026-03-01", "person": "张三", "shift": "白班"})
    form = client.get("/ledgers/duty/new").text
    assert [m for m in re.findall(r'<label[^>]*for="([a-z_]+)"', form) if m in ORDER] == ORDER
    page = client.get("/ledgers/duty").text
    heads = page.split("<thead")[1].split("</thead>")[0]
    titles = ["值班日期", "值班人", "班次", "备注"]
    assert sorted(titles, key=heads.index) == titles
