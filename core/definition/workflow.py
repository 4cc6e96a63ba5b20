"""A ledger's declared workflow: which states a status field may take, which steps lead between
them, and which roles may take each step.

The definition declares it in `x-ledger.workflow`; it is checked once when the definition is
saved (`check_workflow`) and enforced by the store on every write (`check_create`,
`check_change`): a form, the API, an import and an upsert all pass through the same two calls.
An unchanged status is always allowed. The system actor (the CLI's demo data and imports run
without --user: data migrated from an older register) may set any state, and so may an
import's new entries (`imported`): an office moving in brings its items in the states they had;
the ledger's rules still apply, and the history says the state came with the import
(`step_label`). Once stored, an entry's state changes only by steps, through an upsert too.
"""
from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from jsonschema import Draft202012Validator

from core.access.policy import ROLE_TITLES, ROLES, Actor
from core.errors import EntryInvalid, problem


@dataclass(frozen=True)
class Step:
    """One allowed transition: from a state to another, named, for some roles."""

    source: str
    target: str
    label: str
    roles: tuple[str, ...]
    sets: tuple[tuple[str, Any], ...] = ()  # values the step fills in: `"$today"`, or None to clear
    back: bool = False     # to a state nearer the start (退回)
    confirm: bool = False  # back, or into a final state (办结): the pages ask before taking it

    def values(self, today: dt.date) -> dict:
        """What taking the step writes besides the state (办结: 进度 100, 办结日期 today)."""
        return {k: today.isoformat() if v == TODAY else v for k, v in self.sets}


TODAY = "$today"
IMPORTED = "import"  # the revision source of an import's writes: they may bring any declared state


@dataclass(frozen=True)
class Workflow:
    field: str
    initial: tuple[str, ...]
    steps: tuple[Step, ...]

    def step(self, source: Any, target: Any) -> Step | None:
        return next((s for s in self.steps if s.source == source and s.target == target), None)


_FLOWS: dict[int, Workflow] = {}  # id of a live definition -> its Workflow (dropped with it)


def workflow_of(definition) -> Workflow | None:
    """The definition's workflow (already checked when the definition was saved), or None.
    Built once per definition, which every write of an import asks; the entry goes when the
    definition does (a definition is immutable, so it never goes stale)."""
    declared = definition.options.get("workflow")
    if not declared:
        return None
    flow = _FLOWS.get(id(definition))
    if flow is None:
        flow = _FLOWS[id(definition)] = _workflow(declared)
        weakref.finalize(definition, _FLOWS.pop, id(definition), None)
    return flow


def _workflow(declared: dict) -> Workflow:
    transitions = declared["transitions"]
    rank = _ranks(declared["initial"], transitions)
    steps = tuple(Step(t["from"], t["to"], t.get("label") or t["to"], tuple(t["roles"]),
                       tuple((t.get("set") or {}).items()), _back(t, rank), _asks(t, transitions, rank))
                  for t in transitions)
    return Workflow(declared["field"], tuple(declared["initial"]), steps)


def _ranks(initial: list, transitions: list) -> dict:
    """Each state's distance from an initial state (breadth first): what "back" means."""
    rank, frontier = {s: 0 for s in initial}, list(initial)
    while frontier:
        state = frontier.pop(0)
        for t in transitions:
            if t["from"] == state and t["to"] not in rank:
                rank[t["to"]] = rank[state] + 1
                frontier.append(t["to"])
    return rank


def _back(step: dict, rank: dict) -> bool:
    return rank.get(step["to"], 0) <= rank.get(step["from"], 0)


def _asks(step: dict, transitions: list, rank: dict) -> bool:
    """A step back or into a final state (one left only by going back, as 已办结 is by 退回) is
    confirmed before it is taken."""
    return _back(step, rank) or all(_back(t, rank) for t in transitions if t["from"] == step["to"])


# --- checking a definition ---------------------------------------------------------------

def check_workflow(document: dict, fields: Mapping[str, Any]) -> Iterator[dict]:
    """Problems of `x-ledger.workflow` and `x-ledger.timeline` as {path, message}: `fields` maps
    keys to top-level Fields."""
    yield from _check_timeline(document["x-ledger"].get("timeline"), fields)
    declared = document["x-ledger"].get("workflow")
    if declared is None:
        return
    where = "/x-ledger/workflow"
    f = fields.get(declared["field"])
    if f is None:
        yield problem(where + "/field", f"“{declared['field']}”不是已定义的字段")
        return
    if not f.choices or not f.scalar or f.type.multiple:
        yield problem(where + "/field", f"流程字段“{f.title}”应为单选字段（enum）")
        return
    if not f.required:
        yield problem(where + "/field", f"流程字段“{f.title}”应为必填项（在 required 中列出）")
    states = set(f.choices)
    for i, state in enumerate(declared["initial"]):
        if state not in states:
            yield problem(f"{where}/initial/{i}", f"初始状态“{state}”不是字段“{f.title}”的选项")
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(declared["transitions"]):
        at = f"{where}/transitions/{i}"
        for end in ("from", "to"):
            if t[end] not in states:
                yield problem(f"{at}/{end}", f"状态“{t[end]}”不是字段“{f.title}”的选项")
        if t["from"] == t["to"]:
            yield problem(at + "/to", f"流转的起止状态相同（“{t['to']}”）")
        if (t["from"], t["to"]) in seen:
            yield problem(at, f"从“{t['from']}”到“{t['to']}”的流转重复")
        seen.add((t["from"], t["to"]))
        for j, role in enumerate(t["roles"]):
            if role not in ROLES:
                yield problem(f"{at}/roles/{j}", f"未知角色“{role}”（可用：{'、'.join(ROLES)}）")
        yield from _check_sets(t.get("set") or {}, fields, f.key, at + "/set")
    reached = _reachable(declared["initial"], declared["transitions"])
    for state in f.choices:
        if state not in reached:
            yield problem(where + "/transitions", f"状态“{state}”无法从初始状态到达")


def _check_sets(sets: dict, fields: Mapping[str, Any], state_field: str, where: str) -> Iterator[dict]:
    """A step's `set`: top-level fields other than the state, each given a value it accepts,
    `"$today"` (a date field) or null (cleared)."""
    for key, value in sets.items():
        target = fields.get(key)
        if target is None or key == state_field:
            yield problem(f"{where}/{key}", f"“{key}”不是可由流转填写的字段")
        elif value == TODAY:
            if not target.type.is_day:
                yield problem(f"{where}/{key}", f"“{TODAY}”（当天）只能填入日期字段，“{target.title}”不是")
        elif value is not None and not Draft202012Validator(target.schema).is_valid(value):
            yield problem(f"{where}/{key}", f"{value!r} 不是字段“{target.title}”可取的值")


def _check_timeline(declared: dict | None, fields: Mapping[str, Any]) -> Iterator[dict]:
    """The progress log: a child table with a date column and a text column (and who, optional)."""
    if declared is None:
        return
    where = "/x-ledger/timeline"
    f = fields.get(declared["field"])
    if f is None:
        yield problem(where + "/field", f"“{declared['field']}”不是已定义的字段")
        return
    if not f.type.rows:
        yield problem(where + "/field", f"进展记录字段“{f.title}”应为子表")
        return
    columns = {c.key: c for c in f.children}
    wants = {"date": lambda c: c.type.is_day, "note": lambda c: c.type.searchable,
             "by": lambda c: c.type.searchable}
    for part, fits in wants.items():
        key = declared.get(part)
        if key is None:
            continue
        c = columns.get(key)
        if c is None:
            yield problem(f"{where}/{part}", f"“{key}”不是子表“{f.title}”的列")
        elif not fits(c):
            kind = "日期" if part == "date" else "文本"
            yield problem(f"{where}/{part}", f"子表“{f.title}”的列“{c.title}”应为{kind}")


def _reachable(initial: list, transitions: list) -> set:
    reached, frontier = set(initial), list(initial)
    while frontier:
        state = frontier.pop()
        for t in transitions:
            if t["from"] == state and t["to"] not in reached:
                reached.add(t["to"])
                frontier.append(t["to"])
    return reached


# --- enforcing it on writes --------------------------------------------------------------

def check_create(definition, actor: Actor, data: Any, imported: bool = False) -> None:
    """A new entry starts in an initial state (the system actor and an import may set any
    declared state; the validator has checked that it is one)."""
    flow = workflow_of(definition)
    if flow is None or actor.system or imported or not isinstance(data, dict):
        return
    state = data.get(flow.field)
    if state is not None and state not in flow.initial:
        starts = "、".join(f"“{s}”" for s in flow.initial)
        _refuse(definition, flow, f"新建记录的状态只能是{starts}，不能直接设为“{state}”")


def check_change(definition, actor: Actor, old: dict, new: Any) -> None:
    """A changed state must be a declared step the actor's role may take, whichever path the
    change comes by (an upsert's rows that update stored entries included)."""
    flow = workflow_of(definition)
    if flow is None or actor.system or not isinstance(new, dict):
        return
    before, after = old.get(flow.field), new.get(flow.field)
    if before == after:
        return
    if before is None:  # an entry saved before the workflow was declared, with no state
        if after in flow.initial:
            return
        _refuse(definition, flow, f"不能直接设为“{after}”")
    step = flow.step(before, after)
    if step is None:
        _refuse(definition, flow, f"不能从“{before}”直接改为“{after}”")
    if actor.role not in step.roles:
        who = "、".join(ROLE_TITLES.get(r, r) for r in step.roles)
        _refuse(definition, flow, f"只有{who}可以“{step.label}”")


def next_steps(definition, actor: Actor | None, data: dict) -> list[dict]:
    """The steps `actor` may take from the entry's current state: [{"to", "label"}]."""
    flow = workflow_of(definition)
    if flow is None or actor is None:
        return []
    state = data.get(flow.field)
    return [{"to": s.target, "label": s.label} for s in flow.steps
            if s.source == state and (actor.system or actor.role in s.roles)]


def offered_states(definition, actor: Actor, data: dict | None) -> list[str] | None:
    """The states a form offers `actor` for the workflow field: an initial state for a new
    entry (`data` None), else the current state and the targets of the steps `actor` may take
    (what `check_create` and `check_change` will accept). None without a workflow."""
    flow = workflow_of(definition)
    if flow is None:
        return None
    choices = definition.by_key[flow.field].choices
    state = None if data is None else data.get(flow.field)
    if actor.system:
        return list(choices)
    if state is None or state not in choices:
        return [s for s in choices if s in flow.initial] + ([state] if state is not None else [])
    targets = {s["to"] for s in next_steps(definition, actor, data)}
    return [s for s in choices if s == state or s in targets]


def waiting_for(definition, data: dict | None) -> str | None:
    """Who takes the entry's next step, e.g. 「待管理员交办」 (steps back are not next steps);
    None without a workflow or once no step leads on."""
    flow = workflow_of(definition)
    if flow is None:
        return None
    state = flow.initial[0] if data is None or data.get(flow.field) is None else data.get(flow.field)
    ahead = [s for s in flow.steps if s.source == state and not s.back]
    if not ahead:
        return None
    return "，或".join("待" + "或".join(ROLE_TITLES.get(r, r) for r in s.roles) + s.label for s in ahead)


def confirmation(definition, old: dict, new: dict) -> Step | None:
    """The step that changing `old` into `new` takes, when it is one to confirm first (办结, 退回)."""
    flow = workflow_of(definition)
    if flow is None or old.get(flow.field) == new.get(flow.field):
        return None
    step = flow.step(old.get(flow.field), new.get(flow.field))
    return step if step is not None and step.confirm else None


def with_step(definition, old: dict, new: dict, today: dt.date) -> dict:
    """`new` with what the step from `old`'s state to `new`'s fills in (办结: 进度 100, 办结日期
    today), for each such field the writer left as it was: a form's step does what its button does."""
    flow = workflow_of(definition)
    step = flow.step(old.get(flow.field), new.get(flow.field)) if flow is not None else None
    if step is None:
        return new
    out = dict(new)
    for key, value in step.values(today).items():
        if out.get(key) == old.get(key):
            if value is None:
                out.pop(key, None)
            else:
                out[key] = value
    return out


def step_change(definition, data: dict, target: str, today: dt.date) -> dict:
    """The partial update that takes the step from the entry's state to `target`: the state and
    whatever the step fills in (an undeclared step changes the state only, and is refused)."""
    flow = workflow_of(definition)
    step = flow.step(data.get(flow.field), target)
    return {**(step.values(today) if step else {}), flow.field: target}


def step_label(definition, changes: dict, source: str | None = None) -> str | None:
    """「交办 → 办理中（开始办理）」 for a revision whose changes moved the workflow's state;
    「状态“已办结”随导入带入」 for an imported new entry (it takes no step: it brings the state)."""
    flow = workflow_of(definition)
    if flow is None or flow.field not in changes:
        return None
    before, after = changes[flow.field]
    if source == IMPORTED and before is None and after is not None:
        return f"{definition.by_key[flow.field].title}“{after}”随导入带入"
    step = flow.step(before, after)
    if before is None or after is None:
        return None
    return f"{before} → {after}" + (f"（{step.label}）" if step and step.label != after else "")


@dataclass(frozen=True)
class Timeline:
    field: str
    date: str
    note: str
    by: str | None


def timeline_of(definition) -> Timeline | None:
    declared = definition.options.get("timeline")
    if not declared:
        return None
    return Timeline(declared["field"], declared["date"], declared["note"], declared.get("by"))


def timeline_rows(definition, data: dict) -> list[dict]:
    """The progress log newest first (by date, later rows first within a day); stored order kept."""
    log = timeline_of(definition)
    if log is None:
        return []
    rows = [r for r in data.get(log.field) or [] if isinstance(r, dict)]
    indexed = sorted(enumerate(rows), key=lambda ir: (str(ir[1].get(log.date) or ""), ir[0]), reverse=True)
    return [{"date": r.get(log.date), "note": r.get(log.note), "by": r.get(log.by) if log.by else None}
            for _, r in indexed]


def with_note(definition, data: dict, day: str, note: str, by: str) -> dict:
    """`{log field: rows + [the new note]}`: the change that appends one note (validated by the store)."""
    log = timeline_of(definition)
    row = {log.date: day, log.note: note}
    if log.by:
        row[log.by] = by
    return {log.field: [*(data.get(log.field) or []), row]}


def _refuse(definition, flow: Workflow, message: str) -> None:
    f = definition.by_key[flow.field]
    raise EntryInvalid([{"field": f.key, "path": "/" + f.key, "keyword": "workflow",
                         "message": f"{f.title}：{message}"}])
