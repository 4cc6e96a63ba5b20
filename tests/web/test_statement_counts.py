"""What one page costs the database: statements and transactions per request, counted on the
engine (issue 16: the entry page ran 21 statements in 7 transactions, the list page read the
ledger and its rules twice). A request's reads share one transaction and one memo
(core/db/models.py Database.request, core/entries/opened.py)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from core.access import accounts
from core.access import rules as permissions
from core.access import units
from core.access.policy import SYSTEM


@contextmanager
def counted(db):
    """Statements (without SQLite's own BEGIN, which the engine issues) and transactions begun."""
    seen = {"statements": [], "transactions": 0}

    def on_statement(_conn, _cursor, statement, _params, _context, _many):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            seen["statements"].append(statement)

    def on_begin(_conn):
        seen["transactions"] += 1

    event.listen(db.engine, "before_cursor_execute", on_statement)
    event.listen(db.engine, "begin", on_begin)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", on_statement)
        event.remove(db.engine, "begin", on_begin)


def cost(client, db, url: str) -> tuple[int, int]:
    client.get(url)  # the worker's definition cache is warm, as it is after a page or two
    with counted(db) as seen:
        response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return len(seen["statements"]), seen["transactions"]


@pytest.fixture
def unit_editor(db, client):
    """An editor of 区住建局 whose rules reach only that unit's items (a limited scope: the list
    page then counts the entries it may see)."""
    units.create_unit(db, SYSTEM, "zj", "区住建局")
    accounts.create_user(db, "zhang", "editor", "zhang-password", unit="zj")
    permissions.set_permissions(db, SYSTEM, "supervision", {"rules": [
        {"role": "editor", "actions": ["read", "create", "edit"], "scope": "unit"}]})
    return "zhang"


def sign_in(client, csrf, name: str) -> None:
    token = csrf(client.get("/login").text)
    response = client.post("/login", data={"name": name, "password": f"{name}-password", "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["admin", "editor", "unit editor"])
def test_the_entry_page_reads_in_one_transaction(who, client, db, users, csrf, supervision_entry, request):
    name = request.getfixturevalue("unit_editor") if who == "unit editor" else who
    entry = supervision_entry(unit="区住建局")
    sign_in(client, csrf, name)
    statements, transactions = cost(client, db, f"/ledgers/supervision/entries/{entry['id']}")
    assert statements <= 6 and transactions <= 2, (statements, transactions)


@pytest.mark.parametrize("who", ["admin", "editor", "unit editor"])
def test_the_list_page_reads_in_one_transaction(who, client, db, users, csrf, supervision_entry, request):
    name = request.getfixturevalue("unit_editor") if who == "unit editor" else who
    supervision_entry(unit="区住建局")
    supervision_entry(unit="区教育局")
    sign_in(client, csrf, name)
    statements, transactions = cost(client, db, "/ledgers/supervision?status=立项")
    assert statements <= 5 and transactions == 1, (statements, transactions)


def test_the_ledger_and_its_rules_are_read_once_per_request(client, db, users, csrf, supervision_entry):
    entry = supervision_entry()
    sign_in(client, csrf, "editor")
    client.get(f"/ledgers/supervision/entries/{entry['id']}")
    with counted(db) as seen:
        client.get(f"/ledgers/supervision/entries/{entry['id']}")
    ledger_reads = [s for s in seen["statements"] if "FROM ledgers" in s]
    assert len(ledger_reads) == 1 and "ledger_permissions" in ledger_reads[0]


def test_a_write_ends_the_shared_read_so_the_page_after_it_sees_the_write(client, db, users, csrf,
                                                                          supervision_entry, post_form):
    """Saving ends the request's read transaction: the redirect target and a read in the same
    request after the write see the new data, never the snapshot from before it."""
    entry = supervision_entry()
    sign_in(client, csrf, "editor")
    page = f"/ledgers/supervision/entries/{entry['id']}/edit"
    form = client.get(page).text
    assert "完成老旧小区改造立项" in form
    response = post_form(page, {"content": "改造立项已批复", "source": "专题会议纪要", "unit": "区住建局",
                                "deadline": "2030-06-30", "status": "立项", "progress": "30",
                                "_version": str(entry["version"])}, follow_redirects=True)
    assert response.status_code == 200 and "改造立项已批复" in response.text


def test_reads_outside_a_request_take_a_connection_each(db):
    """Engine callers (the CLI, benchmarks, tests) keep plain connections: no memo outside a request."""
    from core.db.reads import request_memo
    with db.read() as first:
        assert request_memo(first) is None
    with db.request() as reads:
        with db.read() as conn:
            assert request_memo(conn) is reads.memo
            with db.read(own=True) as own:
                assert own is not conn and request_memo(own) is None
        with db.write() as writing:
            assert request_memo(writing) is None



def test_a_failed_read_does_not_spoil_the_next_read_of_the_request(db):
    """On PostgreSQL a failed statement aborts its transaction; the shared read is rolled back
    when an error leaves its block, so the request's error page can still read."""
    from sqlalchemy import text
    with db.request():
        with pytest.raises(Exception):
            with db.read() as conn:
                conn.execute(text("SELECT * FROM no_such_table"))
        with db.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM ledgers")).scalar() > 0
