"""The sample entries: data files whose dates move with the day they are loaded on."""
import datetime as dt
import json

import pytest

import demo

AS_OF = dt.date(2026, 11, 25)


def stored(key):
    return json.loads((demo.HERE / f"{key}.json").read_text("utf-8"))


@pytest.mark.parametrize("key", demo.LEDGER_KEYS)
def test_on_their_own_day_the_entries_are_the_file(key):
    document = stored(key)
    assert document["as_of"] == AS_OF.isoformat()
    assert demo.demo_entries(key, today=AS_OF) == document["entries"]


def test_every_date_moves_by_the_days_since_and_nothing_else_changes():
    later = demo.demo_entries("supervision", today=AS_OF + dt.timedelta(days=40))
    for before, after in zip(stored("supervision")["entries"], later):
        assert before["content"] == after["content"] and before["doc_no"] == after["doc_no"]
        assert dt.date.fromisoformat(after["deadline"]) - dt.date.fromisoformat(before["deadline"]) \
            == dt.timedelta(days=40)
        for old, new in zip(before.get("progress_notes") or [], after.get("progress_notes") or []):
            assert dt.date.fromisoformat(new["date"]) == dt.date.fromisoformat(old["date"]) + dt.timedelta(days=40)


def test_a_date_time_keeps_its_time_and_offset():
    assert demo._shifted({"at": ["2026-11-25T09:30:00+08:00"]}, 7) == {"at": ["2026-12-02T09:30:00+08:00"]}
    assert demo._shifted("2026-11-25号", 7) == "2026-11-25号"


def test_each_call_hands_out_fresh_dicts():
    demo.demo_entries("repairs", today=AS_OF)[0]["location"] = "改过"
    assert demo.demo_entries("repairs", today=AS_OF)[0] == stored("repairs")["entries"][0]


def test_an_unknown_ledger_has_no_sample():
    with pytest.raises(KeyError):
        demo.demo_entries("nope")
