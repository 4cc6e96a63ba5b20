"""Storage: versions kept, optimistic locking, soft deletion, revisions, retired fields, indexes."""
import copy

import pytest
from sqlalchemy import func, select, text

from core.access.policy import SYSTEM, Actor
from core.errors import EntryInvalid, Forbidden, NotFound, QueryError, StaleEntry
from core.db.models import entries, entry_counts, ledgers, revisions
from core.entries.query import get_entry, list_entries, list_revisions
from core.entries.store import create_entries, create_entry, delete_entry, update_entry
from core.ledgers.versions import save_definition
from tests.concurrent import together
from tests.core.conftest import SMALL

EDITOR = Actor("editor1", "editor")


@pytest.fixture
def small(edb):
    return save_definition(edb, SYSTEM, SMALL)


def count_rows(edb, table):
    with edb.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_create_keeps_definition_version_row_version_and_author(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲", "score": 3})
    assert entry["version"] == 1 and entry["definition_version"] == 1
    assert entry["created_by"] == entry["updated_by"] == "editor1"
    assert entry["created_at"].endswith("Z")
    assert list_revisions(edb, EDITOR, "small", entry["id"])[0] | {"at": None, "id": None} == {
        "id": None, "action": "create", "version": 1, "at": None, "by": "editor1", "source": "api",
        "changes": {"name": [None, "甲"], "score": [None, 3]}}


def test_invalid_entry_stores_nothing(edb, small):
    with pytest.raises(EntryInvalid):
        create_entries(edb, EDITOR, "small", [{"name": "ok"}, {"name": "ok"}, {"score": "bad"}])
    assert count_rows(edb, entries) == 0 and count_rows(edb, revisions) == 0


def test_update_needs_the_current_version_and_never_overwrites(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "原名"})
    first = update_entry(edb, EDITOR, "small", entry["id"], {"name": "甲改"}, 1)
    assert first["version"] == 2
    with pytest.raises(StaleEntry) as stale:
        update_entry(edb, Actor("other", "editor"), "small", entry["id"], {"name": "乙改"}, 1)
    assert stale.value.current["data"] == {"name": "甲改"} and stale.value.current["version"] == 2
    assert get_entry(edb, SYSTEM, "small", entry["id"])["data"] == {"name": "甲改"}


def test_patch_merges_and_null_removes(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲", "score": 1, "unit": "甲"})
    patched = update_entry(edb, EDITOR, "small", entry["id"], {"score": 2, "unit": None}, 1, partial=True)
    assert patched["data"] == {"name": "甲", "score": 2}
    changes = list_revisions(edb, EDITOR, "small", entry["id"])[-1]["changes"]
    assert changes == {"score": [1, 2], "unit": ["甲", None]}


def test_invalid_update_changes_nothing(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲"})
    with pytest.raises(EntryInvalid):
        update_entry(edb, EDITOR, "small", entry["id"], {"name": "甲", "due": "明天"}, 1)
    assert get_entry(edb, EDITOR, "small", entry["id"])["version"] == 1
    assert len(list_revisions(edb, EDITOR, "small", entry["id"])) == 1


def test_delete_is_soft_and_recorded(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲"})
    with pytest.raises(StaleEntry):
        delete_entry(edb, EDITOR, "small", entry["id"], 7)
    delete_entry(edb, EDITOR, "small", entry["id"], 1)
    with pytest.raises(NotFound):
        get_entry(edb, EDITOR, "small", entry["id"])
    assert list_entries(edb, EDITOR, "small")["total"] == 0
    with edb.read() as conn:
        row = conn.execute(select(entries)).one()
        actions = conn.execute(select(revisions.c.action).order_by(revisions.c.id)).scalars().all()
    assert row.deleted_at is not None and row.data == {"name": "甲"}
    assert actions == ["create", "delete"]


def test_viewers_cannot_write(edb, small):
    viewer = Actor("v", "viewer")
    entry = create_entry(edb, EDITOR, "small", {"name": "甲"})
    for attempt in (lambda: create_entry(edb, viewer, "small", {"name": "x"}),
                    lambda: update_entry(edb, viewer, "small", entry["id"], {"name": "x"}, 1),
                    lambda: delete_entry(edb, viewer, "small", entry["id"], 1)):
        with pytest.raises(Forbidden):
            attempt()
    assert get_entry(edb, viewer, "small", entry["id"])["data"] == {"name": "甲"}


@pytest.mark.parametrize("entry_id", ["abc", "0", "-1", str(2**63), "99999999999999999999999"])
def test_ids_that_cannot_exist_are_not_found(edb, small, entry_id):
    with pytest.raises(NotFound):
        get_entry(edb, EDITOR, "small", entry_id)


@pytest.mark.parametrize("version", [None, "abc", "0", str(2**64)])
def test_bad_versions_are_refused(edb, small, version):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲"})
    with pytest.raises(QueryError):
        update_entry(edb, EDITOR, "small", entry["id"], {"name": "乙"}, version)


def test_unknown_ledger_is_not_found(edb, small):
    with pytest.raises(NotFound):
        create_entry(edb, EDITOR, "nothing", {"name": "甲"})


def test_old_entries_stay_readable_after_a_field_is_retired(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲", "score": 5})
    reshaped = copy.deepcopy(SMALL)
    del reshaped["properties"]["score"]
    reshaped["properties"]["owner"] = {"type": "string", "title": "负责人"}
    save_definition(edb, SYSTEM, reshaped)
    old = get_entry(edb, EDITOR, "small", entry["id"])
    assert old["data"] == {"name": "甲", "score": 5} and old["definition_version"] == 1
    # an edit under the new version keeps the retired value and may not introduce unknown fields
    edited = update_entry(edb, EDITOR, "small", entry["id"], {"name": "甲", "score": 5, "owner": "王"}, 1)
    assert edited["data"] == {"name": "甲", "owner": "王", "score": 5} and edited["definition_version"] == 2
    with pytest.raises(EntryInvalid):
        update_entry(edb, EDITOR, "small", entry["id"], {"name": "甲", "score": 6}, 2)


def test_entry_count_follows_creates_and_deletes(edb, small):
    made = create_entries(edb, EDITOR, "small", [{"name": str(i)} for i in range(5)])
    delete_entry(edb, EDITOR, "small", made[0]["id"], 1)
    with edb.read() as conn:
        assert conn.execute(select(ledgers.c.entry_count)).scalar_one() == 4


def test_filter_and_sort_fields_get_expression_indexes(edb, small):
    with edb.read() as conn:
        if edb.dialect == "sqlite":
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type='index'")).scalars().all()
            plan = " ".join(str(r) for r in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT id FROM entries WHERE ledger_id = 1 AND deleted_at IS NULL "
                "AND json_extract(data, '$.unit') = '甲' ORDER BY json_extract(data, '$.due') DESC, id DESC LIMIT 50")))
            assert "lx_1_unit_t__due_t" in plan and "TEMP B-TREE" not in plan
        else:
            names = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'entries'")).scalars().all()
    assert {"lx_1_due_t", "lx_1_unit_t__due_t", "lx_1_done_b__due_t"} <= set(names)
    assert not [n for n in names if "name_t" in n]  # a search field: ILIKE '%q%' cannot use a btree


def test_concurrent_edits_of_one_version_let_exactly_one_win(edb, small):
    """Real threads, real connections: the row-version check is in the UPDATE, not a prior read."""
    entry = create_entry(edb, EDITOR, "small", {"name": "原"})

    def edit(n):
        return lambda: update_entry(edb, Actor(f"u{n}", "editor"), "small", entry["id"], {"name": f"改{n}"}, 1)

    outcomes = ["stale" if isinstance(o, StaleEntry) else o if isinstance(o, BaseException) else "saved"
                for o in together([edit(n) for n in range(4)])]
    assert sorted(outcomes) == ["saved", "stale", "stale", "stale"]
    final = get_entry(edb, EDITOR, "small", entry["id"])
    assert final["version"] == 2
    assert len(list_revisions(edb, EDITOR, "small", entry["id"])) == 2


def test_data_comes_back_in_form_order_at_every_level(edb, small):
    written = {"car": {"seats": 5}, "rows": [{"place": "会议室"}], "tags": ["红"], "name": "甲", "due": "2026-01-01"}
    entry = create_entry(edb, EDITOR, "small", written)
    stored = get_entry(edb, EDITOR, "small", entry["id"])["data"]
    assert list(stored) == ["name", "due", "tags", "rows", "car"]


def test_creation_values_are_shown_after_later_edits(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲", "score": 1, "unit": "甲"})
    update_entry(edb, EDITOR, "small", entry["id"], {"score": 2, "unit": None, "due": "2026-01-01"}, 1, partial=True)
    update_entry(edb, EDITOR, "small", entry["id"], {"name": "乙"}, 2, partial=True)
    history = list_revisions(edb, EDITOR, "small", entry["id"])
    assert history[0]["changes"] == {"name": [None, "甲"], "score": [None, 1], "unit": [None, "甲"]}
    assert history[1]["changes"] == {"score": [1, 2], "unit": ["甲", None], "due": [None, "2026-01-01"]}
    assert history[2]["changes"] == {"name": ["甲", "乙"]}


def test_filtered_totals_from_kept_counts_follow_every_write(edb, small):
    made = create_entries(edb, EDITOR, "small", [{"name": str(i), "unit": "甲乙丙"[i % 3]} for i in range(120)])
    def total(unit):
        return list_entries(edb, EDITOR, "small", {"unit": unit, "_size": "10"})["total"]
    assert (total("甲"), total("乙"), total("丙"), total("丁")) == (40, 40, 40, 0)
    update_entry(edb, EDITOR, "small", made[0]["id"], {"name": "0", "unit": "乙"}, 1)
    delete_entry(edb, EDITOR, "small", made[1]["id"], 1)
    update_entry(edb, EDITOR, "small", made[3]["id"], {"name": "3"}, 1)
    assert (total("甲"), total("乙"), total("丙")) == (38, 40, 40)
    with edb.read() as conn:
        kept = dict(conn.execute(select(entry_counts.c.value, entry_counts.c.n)).all())
    assert kept == {"甲": 38, "乙": 40, "丙": 40}
    # a new version that no longer filters by unit, then one that does again, recounts from the entries
    reshaped = copy.deepcopy(SMALL)
    reshaped["x-ledger"]["list"]["filters"] = ["due"]
    save_definition(edb, SYSTEM, reshaped)
    save_definition(edb, SYSTEM, SMALL)
    assert (total("甲"), total("乙"), total("丙")) == (38, 40, 40)


def test_an_edit_that_omits_a_retired_field_keeps_its_value(edb, small):
    entry = create_entry(edb, EDITOR, "small", {"name": "甲", "score": 5})
    reshaped = copy.deepcopy(SMALL)
    del reshaped["properties"]["score"]
    save_definition(edb, SYSTEM, reshaped)
    edited = update_entry(edb, EDITOR, "small", entry["id"], {"name": "乙"}, 1)
    assert edited["data"] == {"name": "乙", "score": 5}
    assert list_revisions(edb, EDITOR, "small", entry["id"])[-1]["changes"] == {"name": ["甲", "乙"]}


def test_an_edit_keeps_a_removed_sub_field_of_a_group_that_remains(edb, small):
    """The form and a PUT send the group with its current sub-fields only: the removed one's
    value stays stored (shown as an earlier version's field), and repeating it unchanged is no error."""
    grown = copy.deepcopy(SMALL)
    grown["properties"]["car"]["properties"]["plate"] = {"type": "string", "title": "车牌"}
    save_definition(edb, SYSTEM, grown)
    entry = create_entry(edb, EDITOR, "small", {"name": "甲", "car": {"seats": 5, "plate": "晋A12345"}})
    save_definition(edb, SYSTEM, SMALL)  # 车牌 removed, 车辆 remains
    edited = update_entry(edb, EDITOR, "small", entry["id"], {"name": "甲", "car": {"seats": 7}}, 1)
    assert edited["data"]["car"] == {"seats": 7, "plate": "晋A12345"}
    again = update_entry(edb, EDITOR, "small", entry["id"], {"name": "乙", "car": {"seats": 7, "plate": "晋A12345"}}, 2)
    assert again["data"] == {"name": "乙", "car": {"seats": 7, "plate": "晋A12345"}}
    with pytest.raises(EntryInvalid):  # but not changed: it is no field of this version
        update_entry(edb, EDITOR, "small", entry["id"], {"name": "乙", "car": {"seats": 7, "plate": "晋B1"}}, 3)
