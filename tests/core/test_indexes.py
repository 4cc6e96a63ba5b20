"""Per-ledger partial indexes, the unique business key, and saves that skip the rebuild."""
from __future__ import annotations

import copy
import io

import pytest
from sqlalchemy import select, text

from core.db import counts
from core.db import indexes
from core.access.policy import SYSTEM, Actor
from core.errors import Conflict, DefinitionError
from core.tabular.importer import ImportOptions, import_file
from core.db.models import revisions
from core.entries.query import list_entries
from core.entries.store import create_entry, delete_entry, update_entry
from core.ledgers.versions import create_ledger, save_definition

from tests.concurrent import together

from .conftest import SMALL

EDITOR = Actor("editor", "editor")
ASSETS = {
    "title": "资产", "type": "object",
    "properties": {"asset_no": {"type": "string", "title": "资产编号", "maxLength": 20},
                   "name": {"type": "string", "title": "名称", "maxLength": 50}},
    "required": ["asset_no"],
    "x-ledger": {"key": "assets", "business_key": "asset_no"},
}


def index_names(edb) -> dict[str, str]:
    """{index name: its SQL} of the entries table."""
    with edb.read() as conn:
        if edb.dialect == "sqlite":
            rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type='index' "
                                     "AND tbl_name='entries' AND sql IS NOT NULL")).all()
        else:
            rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename='entries' "
                                     "AND schemaname = current_schema()")).all()
    return dict(rows)


def test_indexes_are_partial_to_their_ledger(edb):
    small = save_definition(edb, SYSTEM, SMALL)
    other = copy.deepcopy(SMALL)
    other["x-ledger"]["key"] = "other"
    save_definition(edb, SYSTEM, other)
    names = index_names(edb)
    mine = {n: sql for n, sql in names.items() if n.startswith("lx_1_")}
    theirs = {n for n in names if n.startswith("lx_2_")}
    assert set(mine) == {"lx_1_due_t", "lx_1_unit_t__due_t", "lx_1_done_b__due_t"}
    assert {n.replace("lx_2_", "lx_1_") for n in theirs} == set(mine)
    for sql in mine.values():
        assert "ledger_id = 1" in sql and "deleted_at IS NULL" in sql
    assert small.key == "small"


def test_the_list_query_uses_the_ledgers_own_index(edb):
    save_definition(edb, SYSTEM, SMALL)
    with edb.read() as conn:
        if edb.dialect == "sqlite":
            plan = " ".join(map(str, conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT id FROM entries WHERE entries.ledger_id = 1 AND deleted_at IS NULL "
                "AND json_extract(data, '$.unit') = '甲' ORDER BY json_extract(data, '$.due') DESC, id DESC "
                "LIMIT 50"))))
        else:
            conn.execute(text("SET enable_seqscan = off"))
            plan = " ".join(r[0] for r in conn.execute(text(
                "EXPLAIN SELECT id FROM entries WHERE entries.ledger_id = 1 AND deleted_at IS NULL "
                "AND (data ->> 'unit') = '甲' ORDER BY (data ->> 'due') DESC, id DESC LIMIT 50")))
    assert "lx_1_unit_t__due_t" in plan


def test_a_new_version_drops_the_indexes_it_no_longer_declares(edb):
    save_definition(edb, SYSTEM, SMALL)
    narrower = copy.deepcopy(SMALL)
    narrower["x-ledger"]["list"] = {"filters": ["unit"], "sort": "-due"}
    save_definition(edb, SYSTEM, narrower)
    assert {n for n in index_names(edb) if n.startswith("lx_")} == {"lx_1_due_t", "lx_1_unit_t__due_t"}


def test_a_title_only_change_skips_recounting_and_indexes(edb, monkeypatch):
    save_definition(edb, SYSTEM, SMALL)
    create_entry(edb, EDITOR, "small", {"name": "甲", "unit": "甲"})

    def refuse(*_args, **_kwargs):
        raise AssertionError("rebuilt for a change of titles only")

    monkeypatch.setattr(counts, "rebuild", refuse)
    monkeypatch.setattr(indexes, "ensure", refuse)
    retitled = copy.deepcopy(SMALL)
    retitled["title"] = "改名后的台帐"
    retitled["properties"]["unit"]["title"] = "承办单位"
    retitled["properties"]["name"]["description"] = "说明文字"
    assert save_definition(edb, SYSTEM, retitled).version == 2
    refiltered = copy.deepcopy(retitled)
    refiltered["x-ledger"]["list"]["filters"] = ["unit"]
    with pytest.raises(AssertionError, match="rebuilt"):
        save_definition(edb, SYSTEM, refiltered)


@pytest.fixture
def assets(edb):
    return save_definition(edb, SYSTEM, ASSETS)


def test_a_business_key_is_unique_on_create_and_update(edb, assets):
    first = create_entry(edb, EDITOR, "assets", {"asset_no": "CL-1", "name": "车"})
    with pytest.raises(Conflict) as caught:
        create_entry(edb, EDITOR, "assets", {"asset_no": "CL-1", "name": "另一辆车"})
    assert "资产编号" in caught.value.message and caught.value.errors[0]["field"] == "asset_no"
    second = create_entry(edb, EDITOR, "assets", {"asset_no": "CL-2"})
    with pytest.raises(Conflict):
        update_entry(edb, EDITOR, "assets", second["id"], {"asset_no": "CL-1"}, 1)
    assert list_entries(edb, EDITOR, "assets")["total"] == 2
    delete_entry(edb, EDITOR, "assets", first["id"], 1)
    assert create_entry(edb, EDITOR, "assets", {"asset_no": "CL-1"})["data"]["asset_no"] == "CL-1"


def test_simultaneous_posts_of_one_business_key_store_one(edb, assets):
    def post(n):
        return lambda: create_entry(edb, Actor(f"u{n}", "editor"), "assets", {"asset_no": "CL-9", "name": str(n)})

    outcomes = together([post(n) for n in range(4)])
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Conflict", "Conflict", "dict"]
    assert list_entries(edb, EDITOR, "assets")["total"] == 1


def test_an_import_cannot_repeat_an_existing_business_key(edb, assets):
    create_entry(edb, EDITOR, "assets", {"asset_no": "CL-1"})
    report = import_file(edb, EDITOR, "assets", io.BytesIO("资产编号,名称\r\nCL-1,车\r\n".encode()), ImportOptions())
    assert not report.ok and report.created == 0
    assert list_entries(edb, EDITOR, "assets")["total"] == 1


def test_declaring_a_business_key_over_repeated_values_is_refused_with_the_count(edb):
    loose = copy.deepcopy(ASSETS)
    del loose["x-ledger"]["business_key"]
    save_definition(edb, SYSTEM, loose)
    for _ in range(3):
        create_entry(edb, EDITOR, "assets", {"asset_no": "CL-1"})
    create_entry(edb, EDITOR, "assets", {"asset_no": "CL-2"})
    with pytest.raises(DefinitionError) as caught:
        save_definition(edb, SYSTEM, ASSETS)
    error = caught.value.errors[0]
    assert error["path"] == "/x-ledger/business_key" and "“CL-1”（3 条）" in error["message"]
    with edb.read() as conn:  # nothing was stored: still version 1, no unique index
        assert conn.execute(text("SELECT max(version) FROM ledger_versions")).scalar() == 1
    assert not [n for n in index_names(edb) if "_u" in n]


def test_simultaneous_creations_of_one_ledger_let_exactly_one_win(edb):
    def post(n):
        document = copy.deepcopy(SMALL)
        document["title"] = f"台帐{n}"
        return lambda: create_ledger(edb, SYSTEM, document).version

    outcomes = together([post(n) for n in range(4)])
    assert sorted((o if isinstance(o, int) else type(o).__name__ for o in outcomes), key=str) == \
        [1, "Conflict", "Conflict", "Conflict"]


@pytest.mark.parametrize("source", ["web", "api", "import"])
def test_a_delete_records_its_source(edb, source):
    save_definition(edb, SYSTEM, SMALL)
    entry = create_entry(edb, EDITOR, "small", {"name": "甲"})
    delete_entry(edb, EDITOR, "small", entry["id"], 1, source=source)
    with edb.read() as conn:
        recorded = conn.execute(select(revisions.c.source).where(revisions.c.action == "delete")).scalar_one()
    assert recorded == source
