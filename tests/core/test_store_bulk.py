"""Bulk and single creates: ids in the caller's order, one creation revision each, long text stored."""
import random

from sqlalchemy import select

from core.access.policy import SYSTEM
from demo import demo_entries
from core.db.models import revisions
from core.entries.query import get_entry, list_revisions
from core.entries.store import create_entries, create_entry


def test_bulk_ids_follow_the_rows_and_each_has_its_revision(edb, supervision):
    rows = demo_entries("supervision") * 3
    made = create_entries(edb, SYSTEM, "supervision", rows)
    ids = [m["id"] for m in made]
    assert ids == sorted(ids) and len(set(ids)) == len(rows)
    for entry, row in zip(made, rows):
        assert entry["data"] == {k: row[k] for k in entry["data"]}
        assert get_entry(edb, SYSTEM, "supervision", entry["id"])["data"]["doc_no"] == row["doc_no"]
    with edb.read() as conn:
        actions = conn.execute(select(revisions.c.entry_id, revisions.c.action)).all()
    assert sorted(actions) == [(i, "create") for i in ids]
    for m, r in list(zip(made, rows))[:5]:
        history = list_revisions(edb, SYSTEM, "supervision", m["id"])
        assert history[0]["changes"]["doc_no"] == [None, r["doc_no"]]
    single = create_entry(edb, SYSTEM, "supervision", rows[0])
    assert single["id"] > ids[-1]


def test_the_longest_allowed_chinese_text_is_stored(edb, supervision):
    """2,000 random CJK characters (6,000 bytes) are more than a PostgreSQL btree entry may hold."""
    rng = random.Random(5)
    text = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(2000))
    entry = create_entry(edb, SYSTEM, "supervision", {**demo_entries("supervision")[0], "content": text,
                                                      "standard": text, "remarks": text[:1000]})
    assert get_entry(edb, SYSTEM, "supervision", entry["id"])["data"]["content"] == text
