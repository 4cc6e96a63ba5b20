"""Reads never wait on writes: while another connection holds SQLite's only write lock (a long
import, say), lists, reports and the checking of an import still answer.

Each request runs in a thread given a generous bound: a read that waited for the lock would sit
out SQLite's 30 s busy timeout and miss it.
"""
from __future__ import annotations

import io
import sqlite3
import threading

import pytest

from tests.api.test_entries import ITEM, post_item

BOUND = 15  # seconds; the busy timeout a waiting read would sit out is 30

@pytest.fixture
def write_lock(api, db):
    """One entry stored, then SQLite's write lock taken by another connection until the test ends."""
    if db.dialect != "sqlite":
        pytest.skip("the write lock held by another connection is SQLite's (PostgreSQL reads never wait)")
    assert post_item(api, {**ITEM, "content": "锁前的事项"}).status_code == 201
    holder = sqlite3.connect(db.engine.url.database, timeout=1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    holder.execute("ROLLBACK")
    holder.close()


def answered(call):
    """The response of `call()` run in a thread, or None when it did not answer within BOUND."""
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("response", call()), daemon=True)
    worker.start()
    worker.join(BOUND)
    return out.get("response")


def bad_rows_csv() -> io.BytesIO:
    text = "工作内容,来源,承办单位,完成时限,状态\r\n甲,不存在的来源,区财政局,2026-13-01,立项\r\n"
    return io.BytesIO(("\ufeff" + text).encode("utf-8"))


def test_lists_and_reports_answer_while_a_write_holds_the_lock(api, write_lock):
    for path in ("/ledgers/supervision/entries", "/ledgers/supervision/entries?status=办理中&_sort=-deadline",
                 "/ledgers/supervision/reports/by_unit", "/ledgers"):
        response = answered(lambda: api("viewer").get(path))
        assert response is not None, f"{path} waited for the write lock"
        assert response.status_code == 200, (path, response.get_json())


@pytest.mark.parametrize("dry_run", ["1", "0"])
def test_an_import_is_checked_without_the_write_lock(api, write_lock, dry_run):
    """A file with bad rows is reported whole without waiting; nothing was stored."""
    response = answered(lambda: api("editor").post(
        "/ledgers/supervision/import", data={"file": (bad_rows_csv(), "bad.csv"), "dry_run": dry_run},
        content_type="multipart/form-data"))
    assert response is not None, "the import's check waited for the write lock"
    body = response.get_json()
    assert body["created"] == 0 and [e["row"] for e in body["errors"]] == [2, 2], body
    assert response.status_code == (200 if dry_run == "1" else 422)
