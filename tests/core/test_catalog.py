"""Archive, restore and order of ledgers in the engine, on SQLite and PostgreSQL: an archived
ledger is missing for staff on every read and write, read-only for admins, and keeps its data."""
import copy
import io

import pytest

from core.access import audit
from core.ledgers import catalog
from core.ledgers import drafts
from core.tabular import importer
from core.entries import query
from core.reports import run as reports
from core.entries import store
from core.ledgers import versions
from core.tabular import export as tabular
from core.access.policy import SYSTEM, Actor
from core.errors import Conflict, Forbidden, NotFound
from tests.core.conftest import SMALL

ADMIN, EDITOR, VIEWER = Actor("admin", "admin"), Actor("editor", "editor"), Actor("viewer", "viewer")


def small(edb, key="small", title="测试台帐"):
    document = copy.deepcopy(SMALL)
    document["x-ledger"]["key"], document["title"] = key, title
    document["x-ledger"]["reports"] = [{"key": "by_unit", "title": "按单位", "group_by": ["unit"],
                                        "measures": [{"fn": "count"}]}]
    return versions.save_definition(edb, SYSTEM, document)


def keys(edb, actor, **kw):
    return [l["key"] for l in query.list_ledgers(edb, actor, **kw)]


def test_archived_ledger_is_missing_for_staff_everywhere_and_keeps_its_data(edb):
    small(edb)
    entry = store.create_entry(edb, EDITOR, "small", {"name": "甲", "unit": "甲"})
    catalog.archive(edb, ADMIN, "small")
    for actor in (EDITOR, VIEWER):
        assert "small" not in keys(edb, actor)
        for read in (lambda: query.get_ledger(edb, actor, "small"),
                     lambda: query.list_entries(edb, actor, "small"),
                     lambda: query.get_entry(edb, actor, "small", entry["id"]),
                     lambda: query.list_versions(edb, actor, "small"),
                     lambda: tabular.export_csv(edb, actor, "small"),
                     lambda: tabular.template(edb, actor, "small", "csv"),
                     lambda: reports.run_report(edb, actor, "small", "by_unit"),
                     lambda: store.create_entry(edb, actor, "small", {"name": "乙"}),
                     lambda: store.update_entry(edb, actor, "small", entry["id"], {"name": "丙"}, 1),
                     lambda: store.delete_entry(edb, actor, "small", entry["id"], 1),
                     lambda: importer.import_file(edb, actor, "small", io.BytesIO("名称\r\n丁".encode()),
                                                  importer.ImportOptions(filename="a.csv"))):
            with pytest.raises(NotFound):
                read()
    assert query.get_entry(edb, ADMIN, "small", entry["id"])["data"] == {"name": "甲", "unit": "甲"}
    summary, _ = query.get_ledger(edb, ADMIN, "small")
    assert summary["archived"] and summary["entry_count"] == 1
    assert summary["actions"] == ["read", "export"]


def test_admins_may_read_but_not_change_an_archived_ledger(edb):
    small(edb)
    entry = store.create_entry(edb, ADMIN, "small", {"name": "甲"})
    catalog.archive(edb, ADMIN, "small")
    tabular.export_csv(edb, ADMIN, "small")[1].__next__()
    with pytest.raises(Conflict, match="已归档"):
        store.create_entry(edb, ADMIN, "small", {"name": "乙"})
    with pytest.raises(Conflict, match="已归档"):
        store.update_entry(edb, ADMIN, "small", entry["id"], {"name": "丙"}, 1)
    with pytest.raises(Conflict, match="已归档"):
        versions.save_definition(edb, ADMIN, {**copy.deepcopy(SMALL), "title": "新标题"})
    assert query.get_entry(edb, ADMIN, "small", entry["id"])["data"] == {"name": "甲"}
    assert "small" not in keys(edb, ADMIN), "the index leaves it out for admins too"
    assert "small" in keys(edb, ADMIN, archived=True)
    assert "small" not in keys(edb, EDITOR, archived=True)


def test_restore_brings_it_back_as_it_was(edb):
    small(edb)
    store.create_entry(edb, EDITOR, "small", {"name": "甲"})
    catalog.archive(edb, ADMIN, "small")
    with pytest.raises(Conflict):
        catalog.archive(edb, ADMIN, "small")
    catalog.restore(edb, ADMIN, "small")
    with pytest.raises(Conflict, match="未归档"):
        catalog.restore(edb, ADMIN, "small")
    assert "small" in keys(edb, EDITOR)
    assert query.list_entries(edb, EDITOR, "small")["total"] == 1
    store.create_entry(edb, EDITOR, "small", {"name": "乙"})
    actions = [r["action"] for r in audit.list_records(edb, ADMIN, {"ledger": "small"})["items"]]
    assert "archive" in actions and "restore" in actions


@pytest.mark.parametrize("actor", [EDITOR, VIEWER])
def test_only_definers_archive_restore_and_order(edb, actor):
    small(edb)
    with pytest.raises(Forbidden):
        catalog.archive(edb, actor, "small")
    catalog.archive(edb, ADMIN, "small")
    with pytest.raises(NotFound):
        catalog.restore(edb, actor, "small")
    with pytest.raises(Forbidden):
        catalog.reorder(edb, actor, ["small"])


def test_unknown_ledger_is_404(edb):
    with pytest.raises(NotFound):
        catalog.archive(edb, ADMIN, "ghost")


def test_order_by_position_then_title_and_unlisted_keep_their_order(edb):
    small(edb, "c_one", "丙台帐")
    small(edb, "a_one", "甲台帐")
    small(edb, "b_one", "乙台帐")
    before = keys(edb, EDITOR)
    assert before == sorted(before, key=lambda k: {"c_one": "丙台帐", "a_one": "甲台帐", "b_one": "乙台帐"}[k])
    order = catalog.reorder(edb, ADMIN, ["b_one"])
    assert order[0] == "b_one" and order[1:] == [k for k in before if k != "b_one"]
    assert keys(edb, EDITOR) == order and keys(edb, VIEWER) == order
    small(edb, "d_new", "丁台帐")
    assert keys(edb, EDITOR) == order + ["d_new"], "a ledger never placed comes after the placed ones"
    catalog.move(edb, ADMIN, "d_new", -1)
    assert keys(edb, EDITOR) == order[:-1] + ["d_new", order[-1]]


@pytest.mark.parametrize("bad", [["ghost"], ["small", "small"], "small", [1]])
def test_a_bad_order_is_422_and_changes_nothing(edb, bad):
    small(edb)
    small(edb, "other", "另一个")
    before = keys(edb, ADMIN)
    with pytest.raises(catalog.UnknownLedgers) as caught:
        catalog.reorder(edb, ADMIN, bad)
    assert caught.value.status == 422
    assert keys(edb, ADMIN) == before


def test_key_taken_by_a_ledger_or_a_draft(edb):
    small(edb)
    drafts.save_draft(edb, ADMIN, "drafted", {"title": "草稿"})
    assert "测试台帐" in catalog.key_taken(edb, "small")
    assert "草稿" in catalog.key_taken(edb, "drafted")
    assert catalog.key_taken(edb, "free") is None
