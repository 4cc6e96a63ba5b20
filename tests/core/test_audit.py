"""The audit trail: what is recorded, the hash chain, and verify naming the first broken record."""
import threading

import pytest
from sqlalchemy import select, text, update

import demo
from core.access import audit
from core.tabular import importer
from core.entries import query
from core.reports import run as reports
from core.entries import store
from core.ledgers import versions
from core.tabular import export as tabular
from core.access.policy import SYSTEM, Actor
from core.errors import Forbidden, QueryError
from core.db.models import audit_log
from tests.core.conftest import SMALL

ADMIN = Actor("管理员甲", "admin")
EDITOR = Actor("编辑乙", "editor")


@pytest.fixture
def small(edb):
    return versions.save_definition(edb, ADMIN, SMALL)


def trail(db):
    with db.read() as conn:
        return [dict(r._mapping) for r in conn.execute(select(audit_log).order_by(audit_log.c.id))]


def test_changes_are_recorded_in_their_transaction(edb, small):
    entry = store.create_entry(edb, EDITOR, "small", {"name": "甲"})
    store.update_entry(edb, EDITOR, "small", entry["id"], {"name": "乙"}, 1)
    store.delete_entry(edb, EDITOR, "small", entry["id"], 2)
    rows = trail(edb)
    assert [r["action"] for r in rows] == ["define", "create", "update", "delete"]
    assert rows[0]["user_name"] == "管理员甲" and rows[0]["filters"] == {"version": 1}
    assert all(r["ledger_key"] == "small" for r in rows)
    assert [r["entry_id"] for r in rows[1:]] == [entry["id"]] * 3
    assert rows[1]["user_name"] == "编辑乙" and rows[1]["row_count"] == 1
    # A refused write records nothing (its transaction rolled back).
    with pytest.raises(Exception):
        store.create_entry(edb, EDITOR, "small", {"name": 5})
    assert len(trail(edb)) == 4


def test_whole_ledger_downloads_are_recorded_with_filter_and_count_and_pages_are_not(edb, supervision):
    """Exports and report downloads take the ledger away: recorded. A list page or a report
    viewed on screen is not (so a read never waits for a write lock to record itself)."""
    demo_rows = demo.demo_entries("supervision")
    store.create_entries(edb, SYSTEM, "supervision", demo_rows)
    query.list_entries(edb, EDITOR, "supervision", {"_size": "2"})
    report_key = reports.list_reports(edb, EDITOR, "supervision")[0]["key"]
    reports.run_report(edb, EDITOR, "supervision", report_key)
    assert [r["action"] for r in trail(edb)][-1] == "create"
    _, chunks = tabular.export_csv(edb, EDITOR, "supervision", {"_q": "zzz-none"})
    b"".join(chunks)
    downloaded = reports.run_report(edb, EDITOR, "supervision", report_key, action="export")
    rows = trail(edb)
    assert [r["action"] for r in rows][-3:] == ["create", "export", "report"]
    create, exported, reported = rows[-3:]
    assert create["row_count"] == len(demo_rows) > 1 and create["entry_id"] is None
    assert create["user_name"] == "system" and create["filters"] == {"source": "api"}
    assert exported["filters"] == {"format": "csv", "_q": "zzz-none"} and exported["row_count"] == 0
    assert reported["filters"]["report"] == report_key and reported["user_name"] == "编辑乙"
    assert reported["row_count"] == len(downloaded["rows"])


def test_an_import_is_one_record(edb, small):
    import io
    report = importer.import_file(edb, EDITOR, "small", io.BytesIO("名称\n甲\n乙\n".encode()),
                                  importer.ImportOptions(filename="a.csv"))
    assert report.created == 2
    last = trail(edb)[-1]
    assert last["action"] == "import" and last["row_count"] == 2 and last["filters"]["file"] == "a.csv"


def test_the_chain_links_every_record(edb, small):
    for i in range(3):
        store.create_entry(edb, EDITOR, "small", {"name": str(i)})
    rows = trail(edb)
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:]))
    assert all(audit.digest(r) == r["hash"] for r in rows)
    verdict = audit.verify(edb)
    assert verdict.ok and verdict.count == 4


def _filled(edb):
    versions.save_definition(edb, ADMIN, SMALL)
    for i in range(4):
        store.create_entry(edb, EDITOR, "small", {"name": str(i)})
    return trail(edb)


def test_an_altered_row_is_named(edb):
    rows = _filled(edb)
    with edb.write() as conn:  # plain SQL, as someone with database access would
        conn.execute(text("UPDATE audit_log SET user_name = '别人' WHERE id = :id"), {"id": rows[2]["id"]})
    verdict = audit.verify(edb)
    assert not verdict.ok and verdict.broken["id"] == rows[2]["id"] and verdict.broken["action"] == "create"
    assert "改动" in verdict.reason


def test_a_deleted_middle_row_is_named(edb):
    rows = _filled(edb)
    with edb.write() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[2]["id"]})
    verdict = audit.verify(edb)
    assert not verdict.ok and verdict.broken["id"] == rows[3]["id"]


def test_an_inserted_row_is_named(edb):
    rows = _filled(edb)
    forged = dict(rows[1], id=rows[1]["id"] * 1000 + 1)  # not a link of the chain
    with edb.write() as conn:
        conn.execute(text("UPDATE audit_log SET id = id * 1000 + 500"))
        conn.execute(audit_log.insert().values(**forged))
    verdict = audit.verify(edb)
    assert not verdict.ok


def test_a_rehashed_row_breaks_the_next_link(edb):
    rows = _filled(edb)
    changed = dict(rows[1], user_name="别人")
    with edb.write() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == rows[1]["id"])
                     .values(user_name="别人", hash=audit.digest(changed)))
    verdict = audit.verify(edb)
    assert not verdict.ok and verdict.broken["id"] == rows[2]["id"] and "前一条" in verdict.reason


def test_concurrent_appends_keep_one_chain(edb, small):
    errors = []

    def work(n):
        try:
            for i in range(5):
                audit.record(edb, EDITOR, "list", "small", filters={"n": n, "i": i}, rows=0)
        except Exception as exc:  # pragma: no cover - shown on failure
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    verdict = audit.verify(edb)
    assert verdict.ok and verdict.count == 21


def test_hostile_filters_are_stored(edb, small):
    audit.record(edb, EDITOR, "list", "small", filters={"name__contains": "a\x00b", "_q": ["\ud800", "x"]})
    assert audit.verify(edb).ok
    assert trail(edb)[-1]["filters"] == {"name__contains": "ab", "_q": ["?", "x"]}


def test_listing_the_trail(edb, small):
    store.create_entry(edb, EDITOR, "small", {"name": "甲"})
    audit.record(edb, ADMIN, "list", "small")  # list pages recorded this before they stopped
    page = audit.list_records(edb, ADMIN, {})
    assert [r["action"] for r in page["items"]] == ["list", "create", "define"] and page["total"] == 3
    assert audit.list_records(edb, ADMIN, {"user": "编辑乙"})["total"] == 1
    assert audit.list_records(edb, ADMIN, {"action": "define", "ledger": "small"})["total"] == 1
    assert audit.list_records(edb, ADMIN, {"from": "2000-01-01", "to": "2999-01-01"})["total"] == 3
    assert audit.list_records(edb, ADMIN, {"to": "2000-01-01"})["total"] == 0
    two = audit.list_records(edb, ADMIN, {"_size": "2", "_page": "2"})
    assert [r["action"] for r in two["items"]] == ["define"]
    with pytest.raises(QueryError):
        audit.list_records(edb, ADMIN, {"from": "昨天"})
    with pytest.raises(QueryError):
        audit.list_records(edb, ADMIN, {"_page": "0"})
    with pytest.raises(Forbidden):
        audit.list_records(edb, EDITOR, {})
