"""Row scoping (unit / own) obeyed by every engine read and write, on both databases."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from core.reports import bulletin
from core.tabular import importer
from core.access import rules as permissions
from core.entries import query
from core.reports import run as reports
from core.entries import store
from core.ledgers import versions
from core.tabular import export as tabular
from core.access.policy import SYSTEM
from core.errors import Forbidden, NotFound
from tests.scoping import A, A1, B, SECRET, UNIT_RULES, setup


@pytest.fixture
def actors(edb):
    return setup(edb, UNIT_RULES)


def ids_of(db, actor, key="scoped", params=None):
    return {e["data"]["code"] for e in query.list_entries(db, actor, key, params)["items"]}


def entry_id(db, code):
    return next(e["id"] for e in query.list_entries(db, SYSTEM, "scoped", {"code": code})["items"])


def test_unit_scope_lists_own_unit_and_below(edb, actors):
    assert ids_of(edb, actors["a_editor"]) == {"A-1", "A-2", "A1-1"}
    assert ids_of(edb, actors["a1_editor"]) == {"A1-1"}
    assert ids_of(edb, actors["b_editor"]) == {"B-1", "B-2"}
    assert ids_of(edb, actors["nounit"]) == set()  # a unit scope without a unit reaches nothing
    assert ids_of(edb, SYSTEM) == {"A-1", "A-2", "A1-1", "B-1", "B-2"}


def test_totals_count_only_the_scope_even_for_kept_counts(edb, actors):
    a = actors["a_editor"]
    assert query.list_entries(edb, a, "scoped", {"_size": 1})["total"] == 3
    # one equality filter on a counted choice: entry_counts would say 3; under a scope: counted
    assert query.list_entries(edb, a, "scoped", {"status": "办理中", "_size": 1})["total"] == 2
    assert query.list_entries(edb, a, "scoped", {"unit": B})["total"] == 0
    assert query.list_entries(edb, a, "scoped", {"_q": "乙"})["total"] == 0
    summary, _ = query.get_ledger(edb, a, "scoped")
    assert summary["entry_count"] == 3
    listed = {l["key"]: l for l in query.list_ledgers(edb, a, deadlines_counted=True)}
    assert listed["scoped"]["entry_count"] == 3
    assert listed["scoped"]["deadlines"]["overdue"] == 2  # A-1 and A1-1, not B-1


def test_entry_revisions_edit_delete_out_of_scope_are_404(edb, actors):
    a, secret = actors["a_editor"], entry_id(edb, "B-1")
    with pytest.raises(NotFound):
        query.get_entry(edb, a, "scoped", secret)
    with pytest.raises(NotFound):
        query.list_revisions(edb, a, "scoped", secret)
    with pytest.raises(NotFound):
        store.update_entry(edb, a, "scoped", secret, {"score": 0}, 1, partial=True)
    with pytest.raises(NotFound):
        store.delete_entry(edb, a, "scoped", secret, 1)
    assert query.get_entry(edb, SYSTEM, "scoped", secret)["data"]["score"] == 100  # untouched


def test_writes_cannot_leave_or_enter_another_units_rows(edb, actors):
    a = actors["a_editor"]
    with pytest.raises(Forbidden):
        store.create_entry(edb, a, "scoped", {"code": "X", "name": "x", "unit": B})
    mine = entry_id(edb, "A-2")
    with pytest.raises(Forbidden):
        store.update_entry(edb, a, "scoped", mine, {"unit": B}, 1, partial=True)
    created = store.create_entry(edb, a, "scoped", {"code": "A-3", "name": "x", "unit": A1})
    assert created["data"]["unit"] == A1
    store.delete_entry(edb, a, "scoped", mine, 1)


def test_reports_exports_and_bulletin_see_only_the_scope(edb, actors):
    a = actors["a_viewer"]
    report = reports.run_report(edb, a, "scoped", "by_unit")
    text = repr(report)
    assert B not in text and "300" not in text and "100" not in text
    _, chunks = tabular.export_csv(edb, a, "scoped")
    csv_text = b"".join(chunks).decode("utf-8-sig")
    assert SECRET not in csv_text and "A1-1" in csv_text
    out = io.BytesIO()
    tabular.export_xlsx(edb, a, "scoped", out)
    assert SECRET.encode() not in out.getvalue()
    _, rows = query.iter_entries(edb, a, "scoped", {"_sort": "-score"})
    assert {r["data"]["unit"] for r in rows} <= {A, A1}


def test_the_supervision_bulletin_obeys_the_scope(edb):
    from core.access import units
    from core.access import accounts
    from tests.conftest import shipped
    import demo
    versions.save_definition(edb, SYSTEM, shipped("supervision"))
    store.create_entries(edb, SYSTEM, "supervision", demo.demo_entries("supervision")[:40])
    every = {e["data"]["unit"] for e in query.list_entries(edb, SYSTEM, "supervision", {"_size": 500})["items"]}
    mine = sorted(every)[0]
    units.create_unit(edb, SYSTEM, "u1", mine)
    actor = accounts.create_user(edb, "u1user", "viewer", "password-u", unit="u1")
    permissions.set_permissions(edb, SYSTEM, "supervision",
                                {"rules": [{"role": "viewer", "actions": ["read"], "scope": "unit"}]})
    result = bulletin.bulletin(edb, actor, "supervision", "2020-01-01", "2029-12-31", dt.date(2026, 11, 25))
    assert {u["unit"] for u in result["units"]} <= {mine}
    everything = bulletin.bulletin(edb, SYSTEM, "supervision", "2020-01-01", "2029-12-31", dt.date(2026, 11, 25))
    assert len(everything["units"]) > 1


def _csv(rows):
    return io.BytesIO(("编号,事项,承办单位,分数\n" + "\n".join(rows) + "\n").encode("utf-8"))


def test_an_upsert_never_touches_a_row_out_of_scope(edb, actors):
    a = actors["a_editor"]
    # B-1 is not seen: it is a "new" row whose unit is outside the scope, refused
    report = importer.import_file(edb, a, "scoped", _csv([f"B-1,改写,{B},0"]),
                                  importer.ImportOptions(upsert=True, filename="x.csv"))
    assert not report.ok and "不在您的权限范围内" in report.errors[0]["message"]
    # B-1 claimed for unit A: the business key exists outside the scope, so it is refused too
    with pytest.raises(Exception):
        report = importer.import_file(edb, a, "scoped", _csv([f"B-1,改写,{A},0"]),
                                      importer.ImportOptions(upsert=True, filename="x.csv"))
        assert not report.ok
        raise RuntimeError("refused")
    assert query.get_entry(edb, SYSTEM, "scoped", entry_id(edb, "B-1"))["data"]["name"] == SECRET
    # within the scope: updated
    report = importer.import_file(edb, a, "scoped", _csv([f"A-1,改过,{A},9"]),
                                  importer.ImportOptions(upsert=True, filename="x.csv"))
    assert report.ok and report.updated == 1


def test_own_scope_and_ledgers_without_rules(edb, actors):
    permissions.set_permissions(edb, SYSTEM, "scoped", {"rules": [
        {"role": "editor", "actions": ["read", "create", "edit"], "scope": "own"}]})
    a = actors["a_editor"]
    assert ids_of(edb, a) == set()
    store.create_entry(edb, a, "scoped", {"code": "O-1", "name": "mine", "unit": B})
    assert ids_of(edb, a) == {"O-1"}
    with pytest.raises(Forbidden):  # no delete in the rules
        store.delete_entry(edb, a, "scoped", entry_id(edb, "O-1"), 1)
    permissions.set_permissions(edb, SYSTEM, "scoped", {"default": True})
    assert len(ids_of(edb, a)) == 6  # plain role behaviour again: everything
