"""Entry numbers: 1, 2, 3 … per ledger, or a declared pattern reset every year; never reused;
distinct under concurrent creates."""
from __future__ import annotations

import copy
import datetime as dt
import threading

import pytest

from core.entries import numbering
from core.access.policy import SYSTEM
from core.definition.checks import check_definition
from core.entries.store import create_entries, create_entry, delete_entry
from core.ledgers.versions import save_definition
from tests.conftest import pg_url_or_skip, drop_pg_schema, shipped
from core.db.models import Database

from .conftest import SMALL

ITEM = {"content": "事项", "source": "专题会议纪要", "unit": "区住建局", "deadline": "2030-12-31", "status": "立项"}


def small(key: str, numbering_spec: dict | None = None) -> dict:
    document = copy.deepcopy(SMALL)
    document["x-ledger"]["key"] = key
    if numbering_spec:
        document["x-ledger"]["numbering"] = numbering_spec
    return document


def test_each_ledger_counts_its_own_entries(edb):
    save_definition(edb, SYSTEM, small("one"))
    save_definition(edb, SYSTEM, small("two"))
    a = create_entries(edb, SYSTEM, "one", [{"name": "甲"}, {"name": "乙"}])
    b = create_entry(edb, SYSTEM, "two", {"name": "丙"})
    c = create_entry(edb, SYSTEM, "one", {"name": "丁"})
    assert [(e["seq"], e["number"]) for e in a + [c]] == [(1, "1"), (2, "2"), (3, "3")]
    assert (b["seq"], b["number"]) == (1, "1")


def test_a_deleted_number_is_never_reused(edb):
    save_definition(edb, SYSTEM, small("one"))
    first, second = create_entries(edb, SYSTEM, "one", [{"name": "甲"}, {"name": "乙"}])
    delete_entry(edb, SYSTEM, "one", second["id"], 1)
    assert create_entry(edb, SYSTEM, "one", {"name": "丙"})["seq"] == 3


def test_the_pattern_with_a_yearly_reset(edb, monkeypatch):
    save_definition(edb, SYSTEM, shipped("supervision"))  # 督〔{year}〕{n}号, reset every year
    monkeypatch.setattr(numbering, "local_today", lambda: dt.date(2026, 12, 31))
    late = create_entries(edb, SYSTEM, "supervision", [ITEM, ITEM])
    monkeypatch.setattr(numbering, "local_today", lambda: dt.date(2027, 1, 1))
    early = create_entry(edb, SYSTEM, "supervision", ITEM)
    assert [e["number"] for e in late + [early]] == ["督〔2026〕1号", "督〔2026〕2号", "督〔2027〕1号"]
    assert [e["seq"] for e in late + [early]] == [1, 2, 3], "seq never resets: unique per ledger"


def test_zero_padding_and_no_reset(edb):
    save_definition(edb, SYSTEM, small("padded", {"pattern": "ZC-{n:4}"}))
    assert create_entry(edb, SYSTEM, "padded", {"name": "甲"})["number"] == "ZC-0001"


@pytest.mark.parametrize("spec,fragment", [
    ({"pattern": "督〔{year}〕号"}, "一个 {n}"),
    ({"pattern": "{n}-{n}"}, "一个 {n}"),
    ({"pattern": "第{n}号", "reset": "year"}, "应含 {year}"),
    ({"pattern": "{n}{month}"}, "只能含"),
])
def test_bad_patterns_are_refused(spec, fragment):
    errors = list(check_definition(small("bad", spec)))
    assert any(e["path"] == "/x-ledger/numbering/pattern" and fragment in e["message"] for e in errors), errors


def test_concurrent_creates_on_postgresql_get_distinct_numbers():
    url, schema, base = pg_url_or_skip()
    db = Database(url)
    try:
        db.create_all()
        save_definition(db, SYSTEM, small("busy"))
        made, barrier, lock = [], threading.Barrier(8), threading.Lock()

        def worker(n: int) -> None:
            barrier.wait()
            for i in range(10):
                entry = create_entry(db, SYSTEM, "busy", {"name": f"{n}-{i}"})
                with lock:
                    made.append(entry["seq"])

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(made) == list(range(1, 81))
    finally:
        db.dispose()
        drop_pg_schema(base, schema)
