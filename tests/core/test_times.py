"""Times compare as times: a date-time is stored in the office's zone whatever offset it was sent
in, so filters, sorting and month reports (which compare and cut the stored text) agree with
the clock, on SQLite and PostgreSQL."""
from __future__ import annotations

import io

import pytest

from core import settings
from core.tabular import importer
from core.reports import run as reports
from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM
from core.definition.loading import load_definition
from core.entries.query import get_entry, list_entries

DUTY = {
    "title": "值班记录", "type": "object",
    "properties": {
        "name": {"type": "string", "title": "事项", "maxLength": 50},
        "at": {"type": "string", "title": "时间", "format": "date-time"},
        "calls": {"type": "array", "title": "来电", "items": {"type": "object", "properties": {
            "who": {"type": "string", "title": "来电人"},
            "when": {"type": "string", "title": "来电时间", "format": "date-time"}}}},
        "trip": {"type": "object", "title": "出车", "properties": {
            "left": {"type": "string", "title": "出发时间", "format": "date-time"}}},
    },
    "required": ["name"],
    "x-ledger": {"key": "duty", "list": {"filters": ["at"], "sort": "at"},
                 "reports": [{"key": "by_month", "title": "按月", "group_by": ["at:month"],
                              "measures": [{"fn": "count", "key": "n"}]}]},
}

# 07:00 on 1 April in Beijing, sent in UTC; 23:30 on 31 March in Beijing, sent as Beijing time.
APRIL = {"name": "四月一日早班", "at": "2026-03-31T23:00:00Z",
         "calls": [{"who": "甲", "when": "2026-03-31T23:05:00Z"}], "trip": {"left": "2026-04-01T00:10:00+01:00"}}
MARCH = {"name": "三月末夜班", "at": "2026-03-31T23:30:00+08:00"}


@pytest.fixture
def shanghai():
    settings.set_timezone("Asia/Shanghai")
    yield
    settings.set_timezone(settings.DEFAULT_TIMEZONE)


@pytest.fixture
def duty(edb, shanghai):
    versions.save_definition(edb, SYSTEM, DUTY)
    store.create_entries(edb, SYSTEM, "duty", [APRIL, MARCH])
    return edb


def names(db, **params) -> list[str]:
    return [e["data"]["name"] for e in list_entries(db, SYSTEM, "duty", params)["items"]]


def test_date_times_are_stored_in_the_office_zone_at_every_depth(duty):
    stored = list_entries(duty, SYSTEM, "duty", {"name": "四月一日早班"})["items"][0]["data"]
    assert stored["at"] == "2026-04-01T07:00:00+08:00"
    assert stored["calls"] == [{"who": "甲", "when": "2026-04-01T07:05:00+08:00"}]
    assert stored["trip"] == {"left": "2026-04-01T07:10:00+08:00"}


def test_an_update_is_stored_in_the_office_zone_too(duty):
    entry = list_entries(duty, SYSTEM, "duty", {"name": "三月末夜班"})["items"][0]
    updated = store.update_entry(duty, SYSTEM, "duty", entry["id"], {"at": "2026-04-02T01:00:00.5-02:00"},
                                 entry["version"], partial=True)
    assert updated["data"]["at"] == "2026-04-02T11:00:00.500000+08:00"
    assert get_entry(duty, SYSTEM, "duty", entry["id"])["data"]["at"] == "2026-04-02T11:00:00.500000+08:00"


@pytest.mark.parametrize("params,expected", [
    ({"at__gte": "2026-04-01T00:00+08:00"}, ["四月一日早班"]),
    ({"at__gte": "2026-03-31T16:00:00Z"}, ["四月一日早班"]),
    ({"at__lt": "2026-04-01"}, ["三月末夜班"]),              # a day is local midnight
    ({"at": "2026-03-31T23:00:00Z"}, ["四月一日早班"]),       # equal moments, however spelt
    ({"at__in": "2026-03-31T15:30:00Z,2026-01-01T00:00Z"}, ["三月末夜班"]),
    ({"_sort": "at"}, ["三月末夜班", "四月一日早班"]),
    ({"_sort": "-at"}, ["四月一日早班", "三月末夜班"]),
])
def test_filters_and_sorting_compare_moments(duty, params, expected):
    assert names(duty, **params) == expected


def test_a_month_report_counts_the_local_month(duty):
    rows = reports.run_report(duty, SYSTEM, "duty", "by_month")["rows"]
    assert {row["at:month"]: row["n"] for row in rows} == {"2026-03": 1, "2026-04": 1}


def test_an_import_stores_the_office_zone(edb, shanghai):
    versions.save_definition(edb, SYSTEM, DUTY)
    body = "事项,时间\n早班,2026-03-31T23:00:00Z\n晚班,2026-04-01 20:00\n".encode("utf-8")
    report = importer.import_file(edb, SYSTEM, "duty", io.BytesIO(body), importer.ImportOptions(filename="duty.csv"))
    assert report.ok, report.errors
    assert {e["data"]["name"]: e["data"]["at"] for e in list_entries(edb, SYSTEM, "duty")["items"]} == {
        "早班": "2026-04-01T07:00:00+08:00", "晚班": "2026-04-01T20:00:00+08:00"}


def test_the_zone_setting_decides_the_stored_offset(edb):
    try:
        settings.set_timezone("UTC")
        versions.save_definition(edb, SYSTEM, DUTY)
        made = store.create_entry(edb, SYSTEM, "duty", {"name": "甲", "at": "2026-04-01T07:00:00+08:00"})
        assert made["data"]["at"] == "2026-03-31T23:00:00+00:00"
    finally:
        settings.set_timezone(settings.DEFAULT_TIMEZONE)


def test_the_stored_spelling_is_one_per_moment(shanghai):
    f = load_definition(DUTY).by_key["at"]
    for typed in ("2026-03-31T23:00:00Z", "2026-03-31t23:00:00z", "2026-04-01T07:00:00+08:00",
                  "2026-04-01 07:00", "2026/4/1 7:00", "2026-04-01T07:00"):
        assert f.type.parse(f, typed) == "2026-04-01T07:00:00+08:00", typed
    assert f.type.stored(f, "2026-03-31T23:00:00Z") == "2026-04-01T07:00:00+08:00"
    assert f.type.stored(f, "不是时间") == "不是时间"          # validation names it; never guessed
    assert f.type.stored(f, "2026-12-31T23:59:60Z") == "2026-12-31T23:59:60Z"  # a leap second stays


def test_a_text_field_made_a_date_time_is_respelt_on_publish(edb, shanghai):
    """Its values were text, compared as typed; as date-times they are stored in local time."""
    as_text = {**DUTY, "properties": {**DUTY["properties"], "at": {"type": "string", "title": "时间", "maxLength": 40}},
               "x-ledger": {**DUTY["x-ledger"], "reports": []}}
    versions.save_definition(edb, SYSTEM, as_text)
    made = store.create_entry(edb, SYSTEM, "duty", {"name": "早班", "at": "2026-03-31T23:00:00Z"})
    assert made["data"]["at"] == "2026-03-31T23:00:00Z"  # text is kept as typed
    versions.save_definition(edb, SYSTEM, DUTY)
    assert get_entry(edb, SYSTEM, "duty", made["id"])["data"]["at"] == "2026-04-01T07:00:00+08:00"
    assert names(edb, at__gte="2026-04-01T00:00+08:00") == ["早班"]
