"""The supervision bulletin (督查通报): SQL figures against figures counted here from the entries made."""
from __future__ import annotations

import copy
import datetime as dt
import random

import pytest

from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM, Actor
from core.reports.bulletin import bulletin
from core.definition.loading import load_definition
from core.errors import DefinitionError, Forbidden, NotFound, QueryError
from tests.conftest import shipped
from tests.core.conftest import SMALL

TODAY = dt.date(2026, 5, 20)
START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
UNITS = ["城关街道", "东城街道", "区财政局", "区住建局", "城南镇"]
STATUSES = ["立项", "交办", "办理中", "已办结"]


def _entries(seed: int = 7) -> list[dict]:
    """Items due before, in and after the period; done early, on the day, late, without a date."""
    rng = random.Random(seed)
    rows = []
    for i in range(90):
        deadline = dt.date(2025, 11, 1) + dt.timedelta(days=rng.randint(0, 300))
        status = rng.choice(STATUSES)
        data = {"content": f"事项{i:03d}", "source": "专题会议纪要", "unit": rng.choice(UNITS),
                "deadline": deadline.isoformat(), "status": status, "leader": f"领导{i % 4}"}
        if status == "已办结" and rng.random() < 0.85:
            data["completed_on"] = (deadline + dt.timedelta(days=rng.randint(-20, 15))).isoformat()
        rows.append(data)
    rows.append({"content": "恰在截止日办结", "source": "专题会议纪要", "unit": "区财政局",
                 "deadline": "2026-03-31", "status": "已办结", "completed_on": "2026-03-31"})
    rows.append({"content": "期间第一天到期", "source": "专题会议纪要", "unit": "城南镇",
                 "deadline": "2026-01-01", "status": "办理中"})
    rows.append({"content": "期间最后一天到期", "source": "专题会议纪要", "unit": "城南镇",
                 "deadline": "2026-06-30", "status": "交办"})
    rows.append({"content": "今天到期不算超期", "source": "专题会议纪要", "unit": "城关街道",
                 "deadline": TODAY.isoformat(), "status": "办理中"})
    return rows


def _expected(rows: list[dict]) -> tuple[dict, list[str]]:
    """Per unit {total, done, overdue, on_time}, and the overdue contents, most overdue first."""
    figures: dict[str, dict] = {}
    late = []
    for r in rows:
        if not START.isoformat() <= r["deadline"] <= END.isoformat():
            continue
        f = figures.setdefault(r["unit"], {"total": 0, "done": 0, "overdue": 0, "on_time": 0})
        f["total"] += 1
        done = r["status"] == "已办结"
        f["done"] += done
        if not done and r["deadline"] < TODAY.isoformat():
            f["overdue"] += 1
            late.append((r["deadline"], r["content"]))
        if done and r.get("completed_on") and r["completed_on"] <= r["deadline"]:
            f["on_time"] += 1
    return figures, [c for _, c in sorted(late)]


@pytest.fixture
def supervision_before_rules(edb):
    """The ledger as it was before it asked done items for 100 % and a completion date: older
    items closed without a date still count (as done, not on time)."""
    document = copy.deepcopy(shipped("supervision"))
    for part in ("if", "then"):
        document.pop(part)
    document["x-ledger"].pop("rules")
    return versions.save_definition(edb, SYSTEM, document)


def test_figures_per_unit_match_the_entries(edb, supervision_before_rules):
    rows = _entries()
    made = store.create_entries(edb, SYSTEM, "supervision", rows)
    gone = next(e for e, r in zip(made, rows) if START.isoformat() <= r["deadline"] <= END.isoformat())
    store.delete_entry(edb, SYSTEM, "supervision", gone["id"], gone["version"])
    rows = [r for e, r in zip(made, rows) if e["id"] != gone["id"]]
    expected, late = _expected(rows)

    result = bulletin(edb, SYSTEM, "supervision", START, END, TODAY)

    assert result["title"] == "督查通报" and result["ledger"]["title"] == "督查督办台帐"
    got = {u["unit"]: {k: u[k] for k in ("total", "done", "overdue", "on_time")} for u in result["units"]}
    assert got == expected
    # units come in the definition's choice order
    order = shipped("supervision")["properties"]["unit"]["enum"]
    assert [u["unit"] for u in result["units"]] == sorted(expected, key=order.index)
    for u in result["units"]:
        e = expected[u["unit"]]
        assert u["done_rate"] == pytest.approx(e["done"] / e["total"])
        assert u["on_time_rate"] == (pytest.approx(e["on_time"] / e["done"]) if e["done"] else None)
    totals = result["totals"]
    assert totals["total"] == sum(e["total"] for e in expected.values())
    assert totals["overdue"] == len(late) == sum(e["overdue"] for e in expected.values())
    assert totals["done_rate"] == pytest.approx(totals["done"] / totals["total"])
    assert [item["content"] for item in result["overdue"]] == late
    first = result["overdue"][0]
    assert first["days"] == (TODAY - dt.date.fromisoformat(first["deadline"])).days
    assert first["days"] >= result["overdue"][-1]["days"]
    assert "今天到期不算超期" not in late and "期间第一天到期" in late


def test_period_bounds_are_included_and_strings_accepted(edb, supervision):
    store.create_entries(edb, SYSTEM, "supervision", [
        {"content": c, "source": "专题会议纪要", "unit": "区财政局", "deadline": d, "status": "已办结",
         "completed_on": d, "progress": 100} for c, d in [("前一天", "2025-12-31"), ("首日", "2026-01-01"),
                                         ("末日", "2026-06-30"), ("后一天", "2026-07-01")]])
    result = bulletin(edb, SYSTEM, "supervision", "2026-01-01", "2026-06-30", TODAY)
    assert result["units"] == [{"unit": "区财政局", "total": 2, "done": 2, "overdue": 0, "on_time": 2,
                                "done_rate": 1.0, "on_time_rate": 1.0}]
    assert result["overdue"] == []


def test_empty_period(edb, supervision):
    result = bulletin(edb, SYSTEM, "supervision", "2001-01-01", "2001-12-31", TODAY)
    assert result["units"] == [] and result["overdue"] == []
    assert result["totals"]["total"] == 0 and result["totals"]["done_rate"] is None


@pytest.mark.parametrize("start, end, message", [
    ("2026-07-01", "2026-06-30", "开始日期不能晚于结束日期"),
    ("2026-13-01", "2026-06-30", "开始日期应为日期"),
    ("", "2026-06-30", "开始日期应为日期"),
    ("2026-01-01", "明天", "结束日期应为日期"),
    ("1990-01-01", "2026-06-30", "不能超过十年"),
])
def test_bad_periods_are_refused_in_chinese(edb, supervision, start, end, message):
    with pytest.raises(QueryError) as caught:
        bulletin(edb, SYSTEM, "supervision", start, end, TODAY)
    assert message in caught.value.message


def test_ledger_without_bulletin_is_not_found(edb):
    versions.save_definition(edb, SYSTEM, SMALL)
    with pytest.raises(NotFound, match="未设置督查通报"):
        bulletin(edb, SYSTEM, "small", START, END, TODAY)


def test_readers_only(edb, supervision):
    with pytest.raises(Forbidden):
        bulletin(edb, Actor("nobody", "guest"), "supervision", START, END, TODAY)


# --- the definition option ------------------------------------------------------------------

def _with(**changes) -> dict:
    document = copy.deepcopy(shipped("supervision"))
    document["x-ledger"]["bulletin"].update(changes)
    return document


@pytest.mark.parametrize("document, path, message", [
    (_with(unit="nothing"), "/x-ledger/bulletin/unit", "不是已定义的字段"),
    (_with(completed="content"), "/x-ledger/bulletin/completed", "日期字段"),
    (_with(leader="progress_notes"), "/x-ledger/bulletin/leader", "单值字段"),
    (_with(content="co_units"), "/x-ledger/bulletin/content", "单值字段"),
])
def test_option_names_fitting_fields(document, path, message):
    with pytest.raises(DefinitionError) as caught:
        load_definition(document)
    assert any(e["path"] == path and message in e["message"] for e in caught.value.errors), caught.value.errors


def test_option_needs_an_overdue_rule_with_status():
    document = copy.deepcopy(shipped("supervision"))
    del document["x-ledger"]["overdue"]["status"]
    with pytest.raises(DefinitionError) as caught:
        load_definition(document)
    assert any(e["path"] == "/x-ledger/bulletin" for e in caught.value.errors)


def test_option_shape_is_checked_by_the_metaschema():
    document = _with(colour="red")
    with pytest.raises(DefinitionError):
        load_definition(document)
    assert load_definition(shipped("supervision")).options["bulletin"]["unit"] == "unit"
