"""Rounds (催报) through the API: open, list, show per unit, report, close, remind, repeat;
every bad input; the unit scope (a unit neither sees nor reports another unit's items)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from core.access import accounts
from core.access.policy import SYSTEM
from core.db.roundtables import round_items, round_reminders, rounds
from core.rounds import rounds as roundwork
from core.settings import local_today
from tests.scoping import A, A1, B, SECRET, UNIT_RULES, setup

TODAY = local_today()
DUE = (TODAY + dt.timedelta(days=10)).isoformat()


@pytest.fixture
def people(db, users):
    actors = setup(db, UNIT_RULES)
    return actors


@pytest.fixture
def call(client, db, people, tokens):
    """call(name).get/post(path, json=...) with that user's token (admin, a_editor, b_editor…)."""
    issued = dict(tokens)

    class Caller:
        def __init__(self, name):
            if name not in issued:
                issued[name] = accounts.issue_token(db, name)
            self.headers = {"Authorization": f"Bearer {issued[name]}"}

        def __getattr__(self, method):
            def run(path, headers=None, **kwargs):
                return getattr(client, method)("/api/v1" + path, headers={**self.headers, **(headers or {})}, **kwargs)
            return run
    return Caller


def body(**over):
    return {"title": "2026年12月进展填报", "due": DUE, "filter": {"status": "办理中"}, "fields": ["score"],
            "repeat": None, **over}


def open_one(call, **over):
    r = call("admin").post("/ledgers/scoped/rounds", json=body(**over))
    assert r.status_code == 201, r.text
    return r.get_json()


def entry_ids(db, codes):
    from core.db.models import entries
    with db.read() as conn:
        rows = conn.execute(select(entries.c.id, entries.c.data)).all()
    return {r.data["code"]: r.id for r in rows if r.data.get("code") in codes}


def test_open_fixes_the_matching_entries_grouped_by_unit(call, db):
    made = open_one(call)
    assert made["total"] == 3 and made["reported"] == 0 and made["open"] is True  # B-1 are 办理中
    shown = call("admin").get(f"/ledgers/scoped/rounds/{made['id']}").get_json()
    assert {u["unit"]: u["total"] for u in shown["units"]} == {A: 2, B: 1}
    assert shown["totals"] == {"total": 3, "reported": 0, "missing": 3, "late": 0}
    # An entry that matches later is not in this round: items are fixed when it opens.
    call("admin").post("/ledgers/scoped/entries", json={"code": "B-9", "name": "新事项", "unit": B, "status": "办理中"})
    again = call("admin").get(f"/ledgers/scoped/rounds/{made['id']}").get_json()
    assert again["totals"]["total"] == 3
    listed = call("admin").get("/ledgers/scoped/rounds").get_json()["items"]
    assert [r["id"] for r in listed] == [made["id"]] and listed[0]["missing"] == 3


@pytest.mark.parametrize("over, field", [
    ({"due": "2026-13-01"}, "due"), ({"due": "tomorrow"}, "due"), ({"due": None}, "due"),
    ({"title": ""}, "title"), ({"title": "x" * 201}, "title"),
    ({"fields": ["nope"]}, "fields"), ({"fields": "score"}, "fields"), ({"fields": ["unit"]}, "fields"),
    ({"filter": {"nope": "1"}}, "filter"), ({"filter": {"score__gt": "many"}}, "filter"),
    ({"filter": {"status": 1}}, "filter"), ({"filter": []}, "filter"),
    ({"repeat": {"every": "year"}}, "repeat"), ({"repeat": {"every": "month", "day": 32}}, "repeat"),
    ({"repeat": {"every": "week", "weekday": 0}}, "repeat"), ({"repeat": {"every": "month", "day": True}}, "repeat"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_is_a_422_naming_the_field(call, db, over, field):
    r = call("admin").post("/ledgers/scoped/rounds", json=body(**over))
    assert r.status_code == 422, r.text
    assert r.get_json()["errors"][0]["field"] == field
    with db.read() as conn:
        assert conn.execute(select(rounds)).first() is None


def test_a_ledger_without_a_unit_field_refuses_rounds(api, people):
    r = api("admin").post("/ledgers/fixed_assets/rounds", json=body(filter={}, fields=[]))
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "ledger"


def test_only_those_who_may_define_open_close_and_remind(call):
    assert call("a_editor").post("/ledgers/scoped/rounds", json=body()).status_code == 403
    made = open_one(call)
    assert call("a_editor").post(f"/ledgers/scoped/rounds/{made['id']}/close").status_code == 403
    assert call("a_editor").post(f"/ledgers/scoped/rounds/{made['id']}/remind").status_code == 403
    assert call("admin").post("/ledgers/nowhere/rounds", json=body()).status_code == 404
    assert call("admin").get("/ledgers/scoped/rounds/99999").status_code == 404
    assert call("admin").get("/ledgers/scoped/rounds/abc").status_code == 404
    assert call("admin").get("/ledgers/scoped/rounds/99999999999999999999999").status_code == 404


def test_a_unit_sees_and_reports_only_its_own_items(call, db):
    made = open_one(call)
    ids = entry_ids(db, {"A-1", "B-1"})
    seen = call("a_editor").get(f"/ledgers/scoped/rounds/{made['id']}").get_json()
    assert [u["unit"] for u in seen["units"]] == [A] and SECRET not in str(seen)
    assert call("a_editor").get("/ledgers/scoped/rounds").get_json()["items"][0]["total"] == 2
    other = call("a_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['B-1']}",
                                  json={"data": {"score": 5}})
    assert other.status_code == 404
    own = call("a_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-1']}",
                                json={"data": {"score": 7}, "note": "已完成过半"})
    assert own.status_code == 200, own.text
    out = own.get_json()
    assert out["reported_by"] == "a_editor" and out["late"] is False and out["entry"]["data"]["score"] == 7
    history = call("admin").get(f"/ledgers/scoped/entries/{ids['A-1']}/revisions").get_json()["items"]
    assert history[-1]["source"] == "round" and history[-1]["changes"]["score"] == [1, 7]
    shown = call("admin").get(f"/ledgers/scoped/rounds/{made['id']}").get_json()
    a = next(u for u in shown["units"] if u["unit"] == A)
    assert (a["reported"], a["missing"]) == (1, 1)
    item = next(i for i in a["items"] if i["entry_id"] == ids["A-1"])
    assert item["note"] == "已完成过半" and item["reported_by"] == "a_editor"
    # B's item unchanged
    assert call("admin").get(f"/ledgers/scoped/entries/{ids['B-1']}").get_json()["data"]["score"] == 100


def test_a_viewer_cannot_report_and_a_user_without_a_unit_reports_nothing(call, db):
    made = open_one(call)
    ids = entry_ids(db, {"A-1"})
    r = call("a_viewer").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-1']}", json={"data": {"score": 2}})
    assert r.status_code == 403
    r = call("nounit").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-1']}", json={"data": {"score": 2}})
    assert r.status_code == 404
    assert call("a_viewer").get(f"/ledgers/scoped/rounds/{made['id']}").status_code == 200


def test_plain_role_editors_of_another_unit_cannot_report_either(call, db, api):
    """Without rules an editor reads every unit's items, but reports only its own unit's."""
    from core.access import rules as permissions
    permissions.set_permissions(db, SYSTEM, "scoped", {"default": True})
    made = open_one(call)
    ids = entry_ids(db, {"A-1"})
    r = call("b_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-1']}", json={"data": {"score": 2}})
    assert r.status_code == 404
    assert call("a1_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-1']}",
                                  json={"data": {"score": 2}}).status_code == 404  # a sub-unit is not its parent


@pytest.mark.parametrize("sent, status, field", [
    ({"data": {"name": "改名"}}, 422, "name"),           # not a round field
    ({"data": {}}, 422, "score"),                        # the round's field is missing
    ({"data": {"score": "x"}}, 422, "score"),            # the ledger's validation
    ({"data": {"score": 1}, "note": 5}, 422, "note"),
    ({"data": {"score": 1}, "extra": 1}, 422, "body"),
    ({"data": []}, 422, "data"),
    ([], 422, "body"),
])
def test_bad_reports_are_refused_and_store_nothing(call, db, sent, status, field):
    made = open_one(call)
    ids = entry_ids(db, {"A-1"})
    r = call("a_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-1']}", json=sent)
    assert r.status_code == status, r.text
    assert r.get_json()["errors"][0]["field"] == field
    with db.read() as conn:
        assert conn.execute(select(round_items.c.reported_at).where(
            round_items.c.entry_id == ids["A-1"])).scalar() is None


def test_an_entry_not_in_the_round_and_a_stale_version(call, db):
    made = open_one(call)
    ids = entry_ids(db, {"A-1", "A-2", "B-2"})
    assert call("admin").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['B-2']}",
                              json={"data": {"score": 1}}).status_code == 404
    r = call("a_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-2']}",
                              json={"data": {"score": 1}}, headers={"If-Match": '"9"'})
    assert r.status_code == 412
    r = call("a_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-2']}",
                              json={"data": {"score": 1}, "version": 1})
    assert r.status_code == 200, r.text


def test_a_closed_round_refuses_reports_with_409(call, db):
    made = open_one(call)
    ids = entry_ids(db, {"A-1"})
    closed = call("admin").post(f"/ledgers/scoped/rounds/{made['id']}/close")
    assert closed.status_code == 200 and closed.get_json()["open"] is False
    assert call("admin").post(f"/ledgers/scoped/rounds/{made['id']}/close").status_code == 409
    assert call("admin").post(f"/ledgers/scoped/rounds/{made['id']}/remind").status_code == 409
    r = call("a_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-1']}", json={"data": {"score": 3}})
    assert r.status_code == 409
    assert call("admin").get(f"/ledgers/scoped/entries/{ids['A-1']}").get_json()["data"]["score"] == 1


def test_late_and_missing_figures(call, db):
    made = open_one(call, due=(TODAY - dt.timedelta(days=3)).isoformat())
    ids = entry_ids(db, {"A-1", "B-1"})
    call("a_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['A-1']}", json={"data": {"score": 3}})
    on_time = dt.datetime.combine(TODAY - dt.timedelta(days=4), dt.time(12), dt.timezone.utc)
    call("b_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['B-1']}", json={"data": {"score": 3}})
    with db.write() as conn:  # B reported before the due date
        conn.execute(update(round_items).where(round_items.c.entry_id == ids["B-1"]).values(reported_at=on_time))
    shown = call("admin").get(f"/ledgers/scoped/rounds/{made['id']}").get_json()
    by = {u["unit"]: u for u in shown["units"]}
    assert (by[A]["reported"], by[A]["late"], by[A]["missing"]) == (1, 1, 1)
    assert (by[B]["reported"], by[B]["late"], by[B]["missing"]) == (1, 0, 0)
    assert shown["totals"] == {"total": 3, "reported": 2, "missing": 1, "late": 1}


def test_remind_records_one_reminder_per_missing_unit(call, db):
    made = open_one(call)
    ids = entry_ids(db, {"B-1"})
    call("b_editor").post(f"/ledgers/scoped/rounds/{made['id']}/items/{ids['B-1']}", json={"data": {"score": 3}})
    r = call("admin").post(f"/ledgers/scoped/rounds/{made['id']}/remind")
    assert r.status_code == 200 and r.get_json()["units"] == [A]
    call("admin").post(f"/ledgers/scoped/rounds/{made['id']}/remind")
    shown = call("admin").get(f"/ledgers/scoped/rounds/{made['id']}").get_json()
    by = {u["unit"]: u for u in shown["units"]}
    assert by[A]["reminders"] == 2 and by[A]["reminded_at"] and by[B]["reminders"] == 0
    with db.read() as conn:
        assert conn.execute(select(round_reminders.c.unit)).scalars().all() == [A, A]


def test_a_monthly_round_opens_the_next_once_its_due_date_passes(call, db, runner):
    past = TODAY.replace(day=1) - dt.timedelta(days=1)  # last month's last day
    made = open_one(call, title=f"{past.year}年{past.month}月进展填报", due=past.isoformat(),
                    repeat={"every": "month", "day": 25})
    result = runner.invoke(args=["rounds", "tick"])
    assert result.exit_code == 0 and "已开启 1 轮" in result.output, result.output
    assert runner.invoke(args=["rounds", "tick"]).output.startswith("已开启 0 轮")  # once only
    listed = call("admin").get("/ledgers/scoped/rounds").get_json()["items"]
    assert len(listed) == 2
    new, old = listed
    assert new["follows"] == made["id"] and old["open"] is False and new["open"] is True
    due = dt.date.fromisoformat(new["due"])
    assert due.day == 25 and due > TODAY and new["total"] == 3 and new["repeat"] == {"every": "month", "day": 25}
    assert new["title"] == f"{due.year}年{due.month}月进展填报"


def test_a_repeat_opens_lazily_on_a_read_and_a_closed_series_stops(call, db):
    past = (TODAY - dt.timedelta(days=2)).isoformat()
    open_one(call, due=past, repeat={"every": "week", "weekday": 1})
    stopped = open_one(call, due=past, repeat={"every": "week", "weekday": 3})
    call("admin").post(f"/ledgers/scoped/rounds/{stopped['id']}/close")
    listed = call("a_editor").get("/ledgers/scoped/rounds").get_json()["items"]
    assert len(listed) == 3
    assert dt.date.fromisoformat(listed[0]["due"]).isoweekday() == 1
    assert roundwork.open_due_repeats(db) == []


def test_a_round_on_supervision_logs_the_note_in_the_progress_log(api, db):
    made = api("admin").post("/ledgers/supervision/entries", json={
        "content": "背街小巷整治", "source": "专题会议纪要", "unit": "区住建局", "deadline": DUE, "status": "立项"})
    entry = made.get_json()
    api("admin").patch(f"/ledgers/supervision/entries/{entry['id']}", json={"status": "交办"},
                       headers={"If-Match": str(entry["version"])})
    r = api("admin").post("/ledgers/supervision/rounds", json={
        "title": "2026年12月督查事项进展填报", "due": DUE, "filter": {"status__in": "交办,办理中"},
        "fields": ["progress"], "repeat": {"every": "month", "day": 25}})
    assert r.status_code == 201 and r.get_json()["total"] == 1, r.text
    rid = r.get_json()["id"]
    out = api("admin").post(f"/ledgers/supervision/rounds/{rid}/items/{entry['id']}",
                            json={"data": {"progress": 40}, "note": "已完成方案编制"})
    assert out.status_code == 200, out.text
    data = out.get_json()["entry"]["data"]
    assert data["progress"] == 40 and data["progress_notes"][-1]["note"] == "已完成方案编制"
    bad = api("admin").post(f"/ledgers/supervision/rounds/{rid}/items/{entry['id']}",
                            json={"data": {"progress": 140}})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "progress"


def test_openapi_names_the_round_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/ledgers/{key}/rounds", "/ledgers/{key}/rounds/{round_id}",
                 "/ledgers/{key}/rounds/{round_id}/items/{entry_id}", "/ledgers/{key}/rounds/{round_id}/close",
                 "/tasks"):
        assert path in paths
