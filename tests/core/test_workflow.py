"""The declared workflow of supervision items (立项 → 交办 → 办理中 → 已办结, 退回 back to 办理中):
checked when a definition is saved, enforced on every write path, per role, on both databases."""
from __future__ import annotations

import copy
import gc
import datetime as dt
import io

import pytest

from core.definition import workflow
from core.access.policy import SYSTEM, Actor
from core.definition.checks import check_definition
from core.definition.loading import load_definition
from core.errors import EntryInvalid
from core.tabular.importer import ImportOptions, import_file
from core.entries.query import get_entry
from core.entries.store import create_entries, create_entry, update_entry
from core.ledgers.versions import save_definition
from tests.conftest import shipped

ADMIN, EDITOR, VIEWER = Actor("wang", "admin"), Actor("li", "editor"), Actor("zhao", "viewer")
STATES = ["立项", "交办", "办理中", "已办结"]
ALLOWED = {("立项", "交办"): {"admin"}, ("交办", "办理中"): {"admin", "editor"},
           ("办理中", "已办结"): {"admin", "editor"}, ("已办结", "办理中"): {"admin"}}
ITEM = {"content": "完成老旧小区改造方案", "source": "专题会议纪要", "unit": "区住建局",
        "deadline": "2030-12-31", "status": "立项"}


DONE = {"progress": 100, "completed_on": "2030-12-01"}  # what the ledger's rules ask of a 已办结 item


def item(status: str, **more) -> dict:
    return {**ITEM, "status": status, **(DONE if status == "已办结" else {}), **more}


# --- definitions -------------------------------------------------------------------------

def with_workflow(change) -> dict:
    document = copy.deepcopy(shipped("supervision"))
    change(document["x-ledger"]["workflow"], document)
    return document


BAD = [
    ("unknown field", lambda w, d: w.update(field="stage"), "/x-ledger/workflow/field", "不是已定义的字段"),
    ("not a choice", lambda w, d: w.update(field="leader"), "/x-ledger/workflow/field", "单选字段"),
    ("not required", lambda w, d: d["required"].remove("status"), "/x-ledger/workflow/field", "必填"),
    ("initial not a state", lambda w, d: w.update(initial=["草稿"]), "/x-ledger/workflow/initial/0", "“草稿”"),
    ("target not a state", lambda w, d: w["transitions"][0].update(to="已撤销"),
     "/x-ledger/workflow/transitions/0/to", "“已撤销”"),
    ("unknown role", lambda w, d: w["transitions"][1]["roles"].append("leader"),
     "/x-ledger/workflow/transitions/1/roles/2", "未知角色“leader”"),
    ("unreachable state", lambda w, d: w["transitions"].pop(0), "/x-ledger/workflow/transitions",
     "“交办”无法从初始状态到达"),
    ("same from and to", lambda w, d: w["transitions"].append({"from": "交办", "to": "交办", "roles": ["admin"]}),
     "/x-ledger/workflow/transitions/4/to", "起止状态相同"),
    ("repeated step", lambda w, d: w["transitions"].append({"from": "立项", "to": "交办", "roles": ["editor"]}),
     "/x-ledger/workflow/transitions/4", "重复"),
    ("no roles", lambda w, d: w["transitions"][0].update(roles=[]), "/x-ledger/workflow/transitions/0/roles", "不能为空"),
    ("sets an unknown field", lambda w, d: w["transitions"][2]["set"].update(score=1),
     "/x-ledger/workflow/transitions/2/set/score", "不是可由流转填写的字段"),
    ("sets the state itself", lambda w, d: w["transitions"][2]["set"].update(status="已办结"),
     "/x-ledger/workflow/transitions/2/set/status", "不是可由流转填写的字段"),
    ("today into a number", lambda w, d: w["transitions"][2]["set"].update(progress="$today"),
     "/x-ledger/workflow/transitions/2/set/progress", "只能填入日期字段"),
    ("a value the field refuses", lambda w, d: w["transitions"][2]["set"].update(progress=101),
     "/x-ledger/workflow/transitions/2/set/progress", "不是字段“进度(%)”可取的值"),
    ("set not an object", lambda w, d: w["transitions"][2].update(set=["progress"]),
     "/x-ledger/workflow/transitions/2/set", ""),
]


@pytest.mark.parametrize("name,change,path,fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_workflows_are_refused_at_their_pointer(name, change, path, fragment):
    errors = list(check_definition(with_workflow(change)))
    assert any(e["path"] == path and fragment in e["message"] for e in errors), errors


@pytest.mark.parametrize("change,path,fragment", [
    (lambda t: t.update(field="remarks"), "/x-ledger/timeline/field", "子表"),
    (lambda t: t.update(date="note"), "/x-ledger/timeline/date", "应为日期"),
    (lambda t: t.update(by="who"), "/x-ledger/timeline/by", "不是子表"),
])
def test_bad_timelines_are_refused(change, path, fragment):
    document = copy.deepcopy(shipped("supervision"))
    change(document["x-ledger"]["timeline"])
    assert any(e["path"] == path and fragment in e["message"] for e in check_definition(document))


def test_the_shipped_workflow_is_valid_and_read_as_declared():
    flow = workflow.workflow_of(load_definition(shipped("supervision")))
    assert flow.field == "status" and flow.initial == ("立项",)
    assert {(s.source, s.target): set(s.roles) for s in flow.steps} == ALLOWED
    assert [s.label for s in flow.steps] == ["交办", "开始办理", "办结", "退回"]
    day = dt.date(2026, 11, 25)
    assert flow.step("办理中", "已办结").values(day) == {"progress": 100, "completed_on": "2026-11-25"}
    assert flow.step("已办结", "办理中").values(day) == {"completed_on": None}
    assert flow.step("交办", "办理中").values(day) == {}


# --- writes ------------------------------------------------------------------------------

def at(edb, status: str) -> dict:
    """An entry already in `status` (the system may create any state: migrated data), complete
    enough for the ledger's rules to let it become 已办结: the workflow alone judges each step."""
    return create_entry(edb, SYSTEM, "supervision", item(status, **DONE))


@pytest.mark.parametrize("actor", [ADMIN, EDITOR], ids=["admin", "editor"])
@pytest.mark.parametrize("status", STATES)
def test_people_create_only_in_the_initial_state(edb, supervision, actor, status):
    if status == "立项":
        assert create_entry(edb, actor, "supervision", item(status))["data"]["status"] == "立项"
        return
    with pytest.raises(EntryInvalid) as caught:
        create_entry(edb, actor, "supervision", item(status))
    assert caught.value.errors[0]["field"] == "status"
    assert caught.value.errors[0]["message"] == f"状态：新建记录的状态只能是“立项”，不能直接设为“{status}”"


def test_the_system_may_create_any_state_and_a_bulk_create_is_refused_whole(edb, supervision):
    assert [e["data"]["status"] for e in create_entries(edb, SYSTEM, "supervision", [item(s) for s in STATES])] == STATES
    with pytest.raises(EntryInvalid):
        create_entries(edb, EDITOR, "supervision", [item("立项"), item("已办结")])
    assert len(create_entries(edb, EDITOR, "supervision", [item("立项")] * 2)) == 2


@pytest.mark.parametrize("actor", [ADMIN, EDITOR], ids=["admin", "editor"])
@pytest.mark.parametrize("before", STATES)
@pytest.mark.parametrize("after", STATES)
def test_every_change_of_state_per_role(edb, supervision, actor, before, after):
    entry = at(edb, before)
    allowed = before == after or actor.role in ALLOWED.get((before, after), set())
    if allowed:
        saved = update_entry(edb, actor, "supervision", entry["id"], {"status": after}, 1, partial=True)
        assert saved["data"]["status"] == after and saved["version"] == 2
        return
    with pytest.raises(EntryInvalid) as caught:
        update_entry(edb, actor, "supervision", entry["id"], {"status": after}, 1, partial=True)
    message = caught.value.errors[0]["message"]
    if (before, after) in ALLOWED:
        assert message == "状态：只有管理员可以“退回”" if after == "办理中" else "只有管理员可以“交办”" in message
    else:
        assert message == f"状态：不能从“{before}”直接改为“{after}”"
    assert get_entry(edb, SYSTEM, "supervision", entry["id"])["version"] == 1, "nothing written"


def test_a_full_replacement_follows_the_same_rules_and_other_edits_pass(edb, supervision):
    entry = at(edb, "交办")
    with pytest.raises(EntryInvalid, match="数据校验未通过"):
        update_entry(edb, EDITOR, "supervision", entry["id"], item("已办结"), 1)
    edited = update_entry(edb, EDITOR, "supervision", entry["id"], item("交办", progress=40), 1)
    assert edited["data"]["progress"] == 40  # an unchanged status is always allowed
    assert update_entry(edb, EDITOR, "supervision", entry["id"], item("办理中"), 2)["data"]["status"] == "办理中"


def csv_of(*rows: tuple[str, str]) -> io.BytesIO:
    lines = ["文号/编号,工作内容,来源,承办单位,完成时限,状态,进度(%),办结日期"]
    lines += [f"{no},事项{no},专题会议纪要,区住建局,2030-12-31,{status}," + (",".join(map(str, DONE.values()))
              if status == "已办结" else ",") for no, status in rows]
    return io.BytesIO("\r\n".join(lines).encode())


def test_an_import_brings_any_declared_state_and_the_rules_still_apply(edb, supervision):
    """An office moving in brings its items in their states (issue 15, item 2); after the import
    the workflow governs."""
    report = import_file(edb, EDITOR, "supervision", csv_of(("A1", "立项"), ("A2", "已办结")))
    assert report.ok and report.created == 2
    dry = import_file(edb, EDITOR, "supervision", csv_of(("A3", "办理中")), ImportOptions(dry_run=True))
    assert dry.ok
    undone = "文号/编号,工作内容,来源,承办单位,完成时限,状态\r\nA4,事项,专题会议纪要,区住建局,2030-12-31,已办结\r\n"
    refused = import_file(edb, EDITOR, "supervision", io.BytesIO(undone.encode()))  # no 100 %, no date
    assert [e["field"] for e in refused.errors] == ["progress", "completed_on"]
    with pytest.raises(EntryInvalid):
        create_entry(edb, EDITOR, "supervision", item("已办结"))


def test_an_upsert_changes_stored_states_only_by_the_importers_steps(edb):
    document = copy.deepcopy(shipped("supervision"))
    document["x-ledger"]["business_key"] = "doc_no"
    save_definition(edb, SYSTEM, document)
    import_file(edb, SYSTEM, "supervision", csv_of(("A1", "交办"), ("A2", "已办结")))
    upsert = ImportOptions(upsert=True)
    report = import_file(edb, EDITOR, "supervision", csv_of(("A1", "办理中"), ("A2", "办理中")), upsert)
    assert not report.ok and report.updated == 0  # 已办结 -> 办理中 is 退回: administrators only
    assert [(e["row"], e["field"]) for e in report.errors] == [(3, "status")]
    assert "只有管理员可以“退回”" in report.errors[0]["message"]
    report = import_file(edb, EDITOR, "supervision", csv_of(("A1", "办理中"), ("A2", "已办结")), upsert)
    assert report.ok  # 交办 -> 办理中 is 开始办理, an editor's step; A2 keeps its state


def test_next_steps_per_role_and_the_history_label(supervision):
    assert workflow.next_steps(supervision, ADMIN, item("立项")) == [{"to": "交办", "label": "交办"}]
    assert workflow.next_steps(supervision, EDITOR, item("立项")) == []
    assert workflow.next_steps(supervision, EDITOR, item("已办结")) == []
    assert workflow.next_steps(supervision, ADMIN, item("已办结")) == [{"to": "办理中", "label": "退回"}]
    assert workflow.step_label(supervision, {"status": ["交办", "办理中"]}) == "交办 → 办理中（开始办理）"
    assert workflow.step_label(supervision, {"status": ["立项", "交办"]}) == "立项 → 交办"
    assert workflow.step_label(supervision, {"progress": [0, 10]}) is None


def test_the_progress_log_reads_newest_first_and_appends_in_stored_order(supervision):
    data = {"progress_notes": [{"date": "2030-01-05", "note": "甲"}, {"date": "2030-01-02", "note": "乙"},
                               {"date": "2030-01-05", "note": "丙", "reporter": "li"}]}
    assert [n["note"] for n in workflow.timeline_rows(supervision, data)] == ["丙", "甲", "乙"]
    added = workflow.with_note(supervision, data, "2030-01-01", "丁", "wang")["progress_notes"]
    assert added[:3] == data["progress_notes"]
    assert added[3] == {"date": "2030-01-01", "note": "丁", "reporter": "wang"}


@pytest.mark.parametrize("write", ["create", "skip", "role", "no state yet"])
def test_workflow_errors_point_at_the_field_as_every_other_error_does(edb, supervision, write):
    """`path` is a JSON pointer ("/status") in workflow refusals, as in validation errors."""
    with pytest.raises(EntryInvalid) as caught:
        if write == "create":
            create_entry(edb, EDITOR, "supervision", item("交办"))
        elif write == "no state yet":  # an entry saved before the workflow was declared
            workflow.check_change(supervision, EDITOR, {}, item("交办"))
        else:
            entry = at(edb, "立项")
            update_entry(edb, EDITOR, "supervision", entry["id"], {"status": "已办结" if write == "skip" else "交办"},
                         1, partial=True)
    assert [(e["field"], e["path"], e["keyword"]) for e in caught.value.errors] == [("status", "/status", "workflow")]
    with pytest.raises(EntryInvalid) as invalid:
        create_entry(edb, EDITOR, "supervision", {**item("立项"), "status": "草稿"})
    assert {e["path"] for e in invalid.value.errors} == {"/status"}  # the same field, the same pointer


# --- what the forms offer and say --------------------------------------------------------

@pytest.mark.parametrize("actor,state,offered", [
    (EDITOR, None, ["立项"]), (ADMIN, None, ["立项"]), (SYSTEM, None, STATES),
    (EDITOR, "立项", ["立项"]), (ADMIN, "立项", ["立项", "交办"]),
    (EDITOR, "交办", ["交办", "办理中"]), (EDITOR, "办理中", ["办理中", "已办结"]),
    (EDITOR, "已办结", ["已办结"]), (ADMIN, "已办结", ["办理中", "已办结"]), (VIEWER, "交办", ["交办"]),
])
def test_a_form_offers_the_current_state_and_the_steps_its_user_may_take(supervision, actor, state, offered):
    data = None if state is None else item(state)
    assert workflow.offered_states(supervision, actor, data) == offered
    for target in offered:  # exactly what the store will accept
        if data is None:
            workflow.check_create(supervision, actor, item(target))
        else:
            workflow.check_change(supervision, actor, data, item(target))


def test_who_takes_the_next_step_and_which_steps_ask_first(supervision):
    assert workflow.waiting_for(supervision, None) == "待管理员交办"
    assert workflow.waiting_for(supervision, item("立项")) == "待管理员交办"
    assert workflow.waiting_for(supervision, item("交办")) == "待管理员或编辑开始办理"
    assert workflow.waiting_for(supervision, item("办理中")) == "待管理员或编辑办结"
    assert workflow.waiting_for(supervision, item("已办结")) is None  # only 退回 leads out: no next step
    steps = {s.label: (s.back, s.confirm) for s in workflow.workflow_of(supervision).steps}
    assert steps == {"交办": (False, False), "开始办理": (False, False), "办结": (False, True), "退回": (True, True)}
    assert workflow.confirmation(supervision, item("办理中"), item("已办结")).label == "办结"
    assert workflow.confirmation(supervision, item("交办"), item("办理中")) is None
    assert workflow.confirmation(supervision, item("已办结"), item("已办结")) is None


def test_a_step_chosen_in_a_form_fills_in_what_its_button_does_unless_typed(supervision):
    today = dt.date(2030, 5, 6)
    old = item("办理中", progress=40)
    done = workflow.with_step(supervision, old, {**old, "status": "已办结"}, today)
    assert (done["progress"], done["completed_on"]) == (100, "2030-05-06")
    typed = workflow.with_step(supervision, old, {**old, "status": "已办结", "completed_on": "2030-05-01"}, today)
    assert typed["completed_on"] == "2030-05-01"
    back = workflow.with_step(supervision, item("已办结"), {**item("已办结"), "status": "办理中"}, today)
    assert "completed_on" not in back and back["progress"] == 100
    assert workflow.with_step(supervision, old, {**old, "content": "改"}, today) == {**old, "content": "改"}


def test_a_workflow_is_built_once_per_definition_and_goes_with_it():
    """Imports ask for it on every row; definitions made per request (previews) must not pile up."""
    definition = load_definition(shipped("supervision"))
    assert workflow.workflow_of(definition) is workflow.workflow_of(definition)
    gc.collect()  # definitions other tests left for the collector go first, not during the count
    before = len(workflow._FLOWS)
    del definition
    gc.collect()
    assert len(workflow._FLOWS) == before - 1
