"""What a new version does to the entries already stored: which it rewrites (renames,
migrations, respelt values), which it leaves invalid and because of which change, which hold
values a type change would not survive. Read by the publish plan and applied by
core/ledgers/versions.py."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Any, Iterable

from core.definition.diff import EXAMPLES, Pair, migrated_value, pairs, renamed, shown_text
from core.definition.tree import keys_of, walk
from core.definition.kinds import stored_object
from core.definition.model import Definition
from core.entries.validation import entry_problems


@dataclass
class Outcome:
    """What publishing a new version does to live entries (see `assess`)."""

    rewritten: list[tuple[Any, dict]] = dc_field(default_factory=list)  # (row, its new data)
    invalid: list[dict] = dc_field(default_factory=list)   # {"id", "number", "errors"}, first few
    affected: int = 0                                       # entries the new version refuses
    broken: list[dict] = dc_field(default_factory=list)    # values a type change would not survive
    overwrites: list[dict] = dc_field(default_factory=list)  # renames onto a key the entry holds

    marks: list[frozenset] = dc_field(default_factory=list)  # per refused entry: (place, keyword)

    def plan(self, changes: list[dict]) -> dict:
        """The publish plan: each change with the entries it leaves invalid (`affected`, and
        `examples` with only that change's errors), and under `other` those no change explains
        (a condition, or entries already invalid before)."""
        explained = [False] * len(self.marks)
        out = []
        for change in changes:
            hits = [i for i, marks in enumerate(self.marks) if any(_explains(change, m) for m in marks)]
            for i in hits:
                explained[i] = True
            examples = [{**self.invalid[i], "errors": [e for e in self.invalid[i]["errors"]
                                                      if _explains(change, _mark(e))]}
                        for i in hits[:EXAMPLES] if i < len(self.invalid)]
            out.append({**change, "affected": len(hits), "examples": examples})
        rest = [i for i, done in enumerate(explained) if not done]
        return {"affected": self.affected, "examples": self.invalid[:EXAMPLES], "changes": out,
                "other": {"affected": len(rest), "examples": [self.invalid[i] for i in rest[:EXAMPLES]
                                                               if i < len(self.invalid)]},
                "broken": len(self.broken), "broken_examples": self.broken[:EXAMPLES]}


# Which errors a change can cause: (kind) -> the keywords of its errors (None: any) at its field.
_CAUSES = {"added": None, "required": {"required"}, "choices": {"enum"}, "retyped": None}


def _mark(error: dict) -> tuple[str, str]:
    """An entry error as (field place, keyword): "visits.0.on" is the place "visits/on"."""
    field = str(error.get("field") or "")
    return "/".join(p for p in field.split(".") if p and not p.isdigit()), str(error.get("keyword") or "")


def _explains(change: dict, mark: tuple[str, str]) -> bool:
    place, keyword = mark
    what = change["kind"]  # a change's kind (added, choices…), not a field kind
    if what == "rules":
        return keyword == "rule" and "added" in change
    if what == "limits":
        return place == change["field"] and keyword in change.get("limits", {})
    if what not in _CAUSES or place != change["field"]:
        return False
    return _CAUSES[what] is None or keyword in _CAUSES[what]


def assess(old: Definition, new: Definition, rows: Iterable[Any], migrate: dict | None = None,
           validate: bool = True) -> Outcome:
    """Each live entry (rows with id, number, data) after renames and `migrate`: which change,
    which the new version refuses (only when `validate`), which hold values that a type change
    (or a field re-added under a retired key with another kind) would not survive."""
    plan = list(pairs(old.fields, new.fields))
    retyped = [p for p in plan if p.new is not None and (p.retyped or (p.old is None and len(p.new_path) == 1))]
    migrate = migrate or {}
    out = Outcome()
    for row in rows:
        data = row.data if isinstance(row.data, dict) else {}
        moved = stored_object(new.fields, renamed(plan, data))  # text made a date-time is respelt
        out.overwrites += _overwrites(plan, row, data)
        for key, spec in migrate.items():
            value = migrated_value(spec, moved.get(key))
            if value is None:
                moved.pop(key, None)
            else:
                moved[key] = value
        if moved != data:
            out.rewritten.append((row, moved))
        held = list(walk(new.fields, moved)) if retyped else []
        out.broken += [{"id": row.id, "number": row.number, "field": p.place,
                        "message": f"记录 {row.number or row.id} 的“{p.label}”值 {shown_text(v)[:50]} 不是{p.new.type.label}"}
                       for p in retyped for path, _, v in held
                       if v is not None and keys_of(path) == p.new_path and not p.new.type.holds(p.new, v)]
        if validate:
            errors = entry_problems(new, moved)
            if errors:
                out.affected += 1
                out.marks.append(frozenset(_mark(e) for e in errors))
                if len(out.invalid) < 1000:
                    out.invalid.append({"id": row.id, "number": row.number, "errors": errors})
    return out


def _overwrites(plan: list[Pair], row: Any, data: dict) -> list[dict]:
    """Top-level renames onto a key whose (retired) value the entry still holds: never overwritten."""
    return [{"id": row.id, "number": row.number, "field": p.place,
             "message": f"记录 {row.number or row.id} 已有旧版字段“{p.new.key}”的值，不能将“{p.old.key}”改名为它"}
            for p in plan if p.renamed and len(p.new_path) == 1 and p.old.key in data and p.new.key in data]
