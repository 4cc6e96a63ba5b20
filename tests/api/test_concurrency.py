"""The API under concurrent load on PostgreSQL: no 5xx, and kept counts equal to the live rows.

The two loads that used to answer 500 DeadlockDetected: 16 clients each flipping the status
of their own entry 15 times with a correct If-Match (36 of 240 PATCHes failed), and clients
posting entries while others import CSVs (1 of 20 imports, 9 of 100 creates failed).
"""
from __future__ import annotations

import io
from collections import Counter

import pytest

from app import create_app
from core.access import accounts
from core.entries import query
from core.entries import store
from core.access.policy import SYSTEM
from core.definition.loading import load_definition
from core.definition.examples import example_entry
from tests.concurrent import failures, together
from tests.conftest import shipped

STATUSES = ["办理中", "已办结"]  # 办结 and 退回 back again: steps an admin may take both ways


@pytest.fixture
def pg_app(pg_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": pg_url, "SECRET_KEY": "test-secret"})
    app.instance_path = str(tmp_path / "instance")
    db = app.extensions["ledger_db"]
    accounts.create_user(db, "admin", "admin", "admin-password")  # may take 退回 as well as 办结
    app.config["TOKEN"] = accounts.issue_token(db, "admin")
    yield app
    db.dispose()


def _headers(app, **extra) -> dict:
    return {"Authorization": f"Bearer {app.config['TOKEN']}", **extra}


def _together(workers) -> list[int]:
    """Run the workers at once; every HTTP status they saw (a worker that raised fails the test)."""
    outcomes = together(workers)
    assert not failures(outcomes), failures(outcomes)
    return [status for seen in outcomes for status in seen]


def _item(n: int, status: str) -> dict:
    """Complete (100 %, a completion date): the ledger's rules let it be 已办结 as well as 办理中."""
    return {**example_entry(load_definition(shipped("supervision"))), "content": f"事项{n}", "status": status,
            "progress": 100}


def _counts_match_live_rows(app) -> Counter:
    db = app.extensions["ledger_db"]
    live = Counter()
    params = {"_size": "500"}
    page = 1
    while True:
        items = query.list_entries(db, SYSTEM, "supervision", {**params, "_page": str(page)})["items"]
        live.update(e["data"]["status"] for e in items)
        if len(items) < 500:
            break
        page += 1
    for status, n in live.items():
        assert query.list_entries(db, SYSTEM, "supervision", {"status": status, "_size": "1"})["total"] == n
    assert query.list_entries(db, SYSTEM, "supervision")["total"] == sum(live.values())
    return live


@pytest.mark.postgres
def test_sixteen_clients_flipping_their_own_entry_never_see_a_5xx(pg_app):
    client = pg_app.test_client()
    made = store.create_entries(pg_app.extensions["ledger_db"], SYSTEM, "supervision",
                                [_item(n, "办理中") for n in range(16)])  # as data migrated in
    ids = [e["id"] for e in made]

    def flipper(entry_id):
        def work():
            own, seen, version = pg_app.test_client(), [], 1
            for turn in range(15):
                response = own.patch(f"/api/v1/ledgers/supervision/entries/{entry_id}",
                                     json={"status": STATUSES[(turn + 1) % 2]},
                                     headers=_headers(pg_app, **{"If-Match": str(version)}))
                seen.append(response.status_code)
                if response.status_code == 200:
                    version = response.get_json()["version"]
            return seen
        return work

    statuses = _together([flipper(i) for i in ids])
    assert Counter(statuses) == {200: 16 * 15}
    assert _counts_match_live_rows(pg_app) == {"已办结": 16}


@pytest.mark.postgres
def test_posts_and_imports_at_once_never_see_a_5xx(pg_app):
    rows = "\r\n".join(f"事项{i},区政府常务会议纪要,区财政局,2026-12-31,立项" for i in range(50))
    csv = f"工作内容,来源,承办单位,完成时限,状态\r\n{rows}\r\n".encode()

    def poster(n):
        def work():
            own = pg_app.test_client()
            return [own.post("/api/v1/ledgers/supervision/entries", json=_item(n * 100 + i, "立项"),
                             headers=_headers(pg_app)).status_code for i in range(20)]
        return work

    def importer():
        own = pg_app.test_client()
        return [own.post("/api/v1/ledgers/supervision/import", headers=_headers(pg_app),
                         data={"file": (io.BytesIO(csv), "items.csv")},
                         content_type="multipart/form-data").status_code for _ in range(4)]

    statuses = _together([poster(n) for n in range(5)] + [importer for _ in range(5)])
    assert Counter(statuses) == {201: 5 * 20 + 5 * 4}
    live = _counts_match_live_rows(pg_app)
    assert sum(live.values()) == 5 * 20 + 5 * 4 * 50
