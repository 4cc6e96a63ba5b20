"""Imports meet the same rules as forms and the API: the row report names the row, the column and
the rule's message, and nothing is stored."""
from __future__ import annotations

import io
import json

from core.tabular import importer
from core.entries import query
from core.ledgers import versions
from core.definition import workflow
from core.access.policy import SYSTEM
from tests.api.test_rules_api import RULED

RECEPTIONS = "来访单位/客人,接待类型,来访日期,离开日期,行程安排,状态"
ITINERARY = "时间：09:00；地点：区政府；内容：座谈"


def upload(api, key: str, text: str, **form):
    data = {"file": (io.BytesIO(("\ufeff" + text).encode("utf-8")), "data.csv"), **form}
    return api("editor").post(f"/ledgers/{key}/import", data=data, content_type="multipart/form-data")


def test_a_reception_leaving_before_it_arrives_is_reported_and_nothing_stored(api, db):
    text = "\r\n".join([RECEPTIONS,
                        f"某集团考察团,考察,2026-05-10,2026-05-11,{ITINERARY},筹备中",
                        f"某市代表团,会议,2026-05-10,2026-05-09,{ITINERARY},筹备中"]) + "\r\n"
    response = upload(api, "receptions", text)
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"] == [{"row": 3, "field": "departure_on", "column": "离开日期",
                               "message": "离开日期不能早于来访日期"}]
    assert body["created"] == 0
    assert query.get_ledger(db, SYSTEM, "receptions")[0]["entry_count"] == 0


def test_conditional_requirement_and_constants_in_an_import_dry_run(api, db):
    header = "工作内容,来源,承办单位,交办日期,完成时限,状态,进度(%),办结日期"
    text = "\r\n".join([header,
                        "甲,专题会议纪要,区财政局,2026-03-01,2026-02-01,立项,0,",
                        "乙,专题会议纪要,区财政局,2026-03-01,2026-06-01,立项,0,"]) + "\r\n"
    body = upload(api, "supervision", text, dry_run="1").get_json()
    assert [(e["row"], e["column"], e["message"]) for e in body["errors"]] == [(2, "完成时限", "完成时限不能早于交办日期")]
    assert body["rejected"]["rows"][0][-1] == "完成时限不能早于交办日期"
    assert query.get_ledger(db, SYSTEM, "supervision")[0]["entry_count"] == 0


def test_the_system_importing_old_items_meets_the_done_rules(db):
    """Migrated data may be created in any state (the workflow allows the system), never against the rules."""
    header = "工作内容,来源,承办单位,交办日期,完成时限,状态,进度(%),办结日期"
    text = "\r\n".join([header,
                        "甲,专题会议纪要,区财政局,2026-03-01,2026-06-01,已办结,40,",
                        "乙,专题会议纪要,区财政局,2026-03-01,2026-06-01,已办结,100,2026-05-30"]) + "\r\n"
    report = importer.import_file(db, SYSTEM, "supervision", io.BytesIO(text.encode()),
                                  importer.ImportOptions(filename="old.csv"))
    assert not report.ok and report.created == 0
    assert [(e["row"], e["field"], e["message"]) for e in report.errors] == [
        (2, "progress", "状态为“已办结”时，进度应为 100%"), (2, "completed_on", "状态为“已办结”时，办结日期必填")]
    assert query.get_ledger(db, SYSTEM, "supervision")[0]["entry_count"] == 0


def test_every_rule_kind_in_one_import_report(api, db):
    versions.save_definition(db, SYSTEM, RULED)
    text = "\r\n".join([
        "车牌号,用途,出车日期,归队日期,出车里程,归队里程,费用,发票号,审批人",
        "粤A1,公务,2026-05-10,2026-05-10,100,150,,,",
        "粤A2,公务,2026-05-10,2026-05-09,,,,,",
        "粤A3,公务,2026-05-10,,100,90,,,",
        "粤A4,维修,2026-05-10,,,,0,1,",
        "粤A5,公务,2026-05-10,,,,800,1,",
        "粤A6,公务,2026-05-10,,,,80,,",
        "粤A7,接待,2026-05-10,,,,,,"]) + "\r\n"
    response = upload(api, "car_trips", text)
    assert response.status_code == 422
    assert [(e["row"], e["column"], e["message"]) for e in response.get_json()["errors"]] == [
        (3, "归队日期", "归队日期不能早于出车日期"),
        (4, "归队里程", "归队里程应大于出车里程"),
        (5, "费用", "维修用车须填写费用"),
        (6, "费用", "非维修用车费用不超过 500 元"),
        (7, "发票号", "填写了费用时，发票号必填"),
        (8, "审批人", "用途为“接待”时，审批人必填")]
    assert query.get_ledger(db, SYSTEM, "car_trips")[0]["entry_count"] == 0


SUPERVISION = "工作内容,来源,文号/编号,承办单位,交办日期,完成时限,状态,进度(%),办结日期"


def supervision_csv(*rows: str) -> str:
    return "\r\n".join([SUPERVISION, *rows]) + "\r\n"


def test_an_editor_brings_last_years_items_in_their_states(api, db):
    """An import may bring any declared state; the rules still apply; the history says so; the
    workflow governs every change after that."""
    text = supervision_csv("甲,专题会议纪要,督1,区财政局,2025-03-01,2025-06-01,立项,0,",
                           "乙,专题会议纪要,督2,区财政局,2025-03-01,2025-06-01,办理中,40,",
                           "丙,专题会议纪要,督3,区财政局,2025-03-01,2025-06-01,已办结,100,2025-05-30")
    response = upload(api, "supervision", text)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["created"] == 3
    items = {e["data"]["content"]: e for e in query.list_entries(db, SYSTEM, "supervision")["items"]}
    assert {k: e["data"]["status"] for k, e in items.items()} == {"甲": "立项", "乙": "办理中", "丙": "已办结"}
    done = items["丙"]
    history = api("editor").get(f"/ledgers/supervision/entries/{done['id']}/revisions").get_json()["items"]
    assert [(r["action"], r["source"], r["changes"]["status"]) for r in history] == [("create", "import", [None, "已办结"])]
    _, definition = query.get_ledger(db, SYSTEM, "supervision")
    assert workflow.step_label(definition, history[0]["changes"], history[0]["source"]) == "状态“已办结”随导入带入"
    # after the import, the workflow governs: an editor may not reopen a closed item
    refused = api("editor").patch(f"/ledgers/supervision/entries/{done['id']}", json={"status": "立项"},
                                  headers={"If-Match": str(done["version"])})
    assert refused.status_code == 422
    assert "不能从“已办结”直接改为“立项”" in refused.get_json()["errors"][0]["message"]


def test_an_imported_closed_item_still_meets_the_done_rules(api, db):
    text = supervision_csv("甲,专题会议纪要,督1,区财政局,2025-03-01,2025-06-01,已办结,40,",
                           "乙,专题会议纪要,督2,区财政局,2025-03-01,2025-06-01,结案,100,2025-05-30")
    response = upload(api, "supervision", text)
    assert response.status_code == 422
    assert [(e["row"], e["field"]) for e in response.get_json()["errors"]] == [
        (2, "progress"), (2, "completed_on"), (3, "status")]  # 结案 is no declared state
    assert query.get_ledger(db, SYSTEM, "supervision")[0]["entry_count"] == 0


def test_an_upsert_moves_a_stored_entry_only_by_a_step(api, db):
    """New rows bring their states; a row that updates a stored entry changes its state by a
    step the importer may take, and the history names the step."""
    document = json.loads(json.dumps(query.get_ledger(db, SYSTEM, "supervision")[1].schema))
    document["x-ledger"].update(key="supervision_keyed", business_key="doc_no")
    document["required"] = [*document["required"], "doc_no"]
    versions.save_definition(db, SYSTEM, document)
    first = upload(api, "supervision_keyed", supervision_csv(
        "甲,专题会议纪要,督1,区财政局,2025-03-01,2025-06-01,交办,0,"))
    assert first.status_code == 201, first.get_json()
    jump = upload(api, "supervision_keyed", supervision_csv(
        "甲,专题会议纪要,督1,区财政局,2025-03-01,2025-06-01,已办结,100,2025-05-30"), upsert="1")
    assert jump.status_code == 422
    assert [(e["row"], e["field"]) for e in jump.get_json()["errors"]] == [(2, "status")]
    assert "不能从“交办”直接改为“已办结”" in jump.get_json()["errors"][0]["message"]
    again = upload(api, "supervision_keyed", supervision_csv(
        "甲,专题会议纪要,督1,区财政局,2025-03-01,2025-06-01,办理中,30,"), upsert="1")
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["updated"] == 1
    entry = query.list_entries(db, SYSTEM, "supervision_keyed")["items"][0]
    assert entry["data"]["status"] == "办理中"
    history = query.list_revisions(db, SYSTEM, "supervision_keyed", entry["id"])
    _, definition = query.get_ledger(db, SYSTEM, "supervision_keyed")
    assert [workflow.step_label(definition, r["changes"], r["source"]) for r in history] == [
        "状态“交办”随导入带入", "交办 → 办理中（开始办理）"]
