"""How two versions of a definition differ, and what happens to stored entries between them.

Pure functions over definitions and plain data, no database: `changes` names every difference
(for the version diff and the publish dialog), `assess` works out what publishing a new
version does to each live entry: values moved by `x-renamed-from`, values rewritten by an
administrator's migration (`{"field": {"default": v} | {"map": {"old": "new"}}}`), entries
the new version would refuse, and values a type change would not survive. core/entries/store.py
applies the outcome in the publishing transaction; core/ledgers/evolution.py shows it beforehand.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field as dc_field
from typing import Any, Iterable, Iterator

from core.definition.model import Definition, Field
from core.errors import DefinitionError, EntryInvalid
from core.definition.kinds import stored_object
from core.entries.validation import validate_entry

EXAMPLES = 5
MIGRATE = "x-migrate"  # the API body's key for a migration (never stored)
LIMITS = {"minimum": "最小值", "maximum": "最大值", "exclusiveMinimum": "下限（不含）",
          "exclusiveMaximum": "上限（不含）", "minLength": "最少字数", "maxLength": "最多字数",
          "pattern": "格式", "multipleOf": "步长", "minItems": "最少项数", "maxItems": "最多项数"}
CONDITIONS = {"if": "条件（if）", "then": "条件成立时（then）", "else": "条件不成立时（else）",
              "dependentRequired": "关联必填（dependentRequired）", "allOf": "组合条件（allOf）"}


# --- which field continues which ----------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    """A field of the new version and the one of the old version it continues (None: added),
    or an old field nobody continues (new is None: removed). Paths are keys from the entry down."""

    old: Field | None
    new: Field | None
    old_path: tuple[str, ...] = ()
    new_path: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # the titles along the path, for messages

    @property
    def renamed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.key != self.new.key

    @property
    def retyped(self) -> bool:
        return self.old is not None and self.new is not None and self.old.type is not self.new.type

    @property
    def place(self) -> str:
        """'itinerary/city': where the field sits, for the API and the diff page."""
        return "/".join(self.new_path or self.old_path)

    @property
    def label(self) -> str:
        return "·".join(self.titles)


def pairs(old: Iterable[Field], new: Iterable[Field], old_prefix: tuple[str, ...] = (),
          new_prefix: tuple[str, ...] = (), titles: tuple[str, ...] = ()) -> Iterator[Pair]:
    """Every field of both versions, matched by key or by `x-renamed-from` (when the old key was
    a field of the old version and is none of the new one), sub-fields of groups and tables too."""
    old, new = list(old), list(new)
    old_by, new_keys, continued = {f.key: f for f in old}, {f.key for f in new}, set()
    for f in new:
        source = f.renamed_from if f.renamed_from in old_by and f.renamed_from not in new_keys else f.key
        before = old_by.get(source)
        if before is not None:
            continued.add(before.key)
        old_path = (*old_prefix, before.key) if before is not None else ()
        here = (*titles, f.title)
        yield Pair(before, f, old_path, (*new_prefix, f.key), here)
        if before is not None and before.children and f.children:
            yield from pairs(before.children, f.children, old_path, (*new_prefix, f.key), here)
    for f in old:
        if f.key not in continued:
            yield Pair(f, None, (*old_prefix, f.key), (), (*titles, f.title))


# --- the diff ----------------------------------------------------------------------------

def changes(old: Definition, new: Definition) -> list[dict]:
    """What differs between two versions: one change per field and aspect, each with a Chinese
    message. Kinds: added, removed, renamed, retitled, retyped, limits, choices, required,
    reordered, rules."""
    out: list[dict] = []
    if old.title != new.title:
        out.append(_change("retitled", "", new.title, f"台帐名称由“{old.title}”改为“{new.title}”",
                           before=old.title, after=new.title))
    for p in pairs(old.fields, new.fields):  # a new group's sub-fields come with it, unlisted
        if p.old is None:
            out.append(_change("added", p.place, p.new.title,
                               f"新增字段“{p.label}”（{p.new.type.label}{'，必填' if p.new.required else ''}）"))
        elif p.new is None:
            out.append(_change("removed", p.place, p.old.title,
                               f"删除字段“{p.label}”（已有记录的值保留，显示为旧版字段）"))
        else:
            out += _field_changes(p)
    out += _order_changes(old.fields, new.fields)
    out += _rule_changes(old, new)
    return out


def _order_changes(old: Iterable[Field], new: Iterable[Field], place: tuple[str, ...] = (),
                   titles: tuple[str, ...] = ()) -> list[dict]:
    """A change where the fields both versions have (renamed ones too) stand in another order:
    the order of `properties` is the form's, the list's and the export's."""
    old, new = list(old), list(new)
    kept = [(p.old, p.new) for p in pairs(old, new) if p.old is not None and p.new is not None
            and len(p.new_path) == 1]
    out = []
    before = [f.key for f in old if f.key in {o.key for o, _ in kept}]
    if [o.key for o, _ in kept] != before:
        shown = "、".join(n.title for _, n in kept)
        where = f"“{'·'.join(titles)}”的子字段" if titles else "字段"
        out.append(_change("reordered", "/".join(place), titles[-1] if titles else "",
                           f"{where}顺序调整为：{shown}",
                           before=before, after=[n.key for _, n in kept]))
    for o, n in kept:
        if o.children and n.children:
            out += _order_changes(o.children, n.children, (*place, n.key), (*titles, n.title))
    return out


def same_definition(a: Any, b: Any) -> bool:
    """Equal documents with their `properties` in the same order (dict equality ignores order)."""
    return a == b and list(_property_orders(a)) == list(_property_orders(b))


def _property_orders(node: Any) -> Iterator[tuple[str, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                yield tuple(value)
            yield from _property_orders(value)
    elif isinstance(node, list):
        for value in node:
            yield from _property_orders(value)


def _change(kind: str, place: str, title: str, message: str, **more: Any) -> dict:
    return {"kind": kind, "field": place, "title": title, "message": message, **more}


def _field_changes(p: Pair) -> list[dict]:
    old, new, place, label = p.old, p.new, p.place, p.label
    out = []
    if p.renamed:
        out.append(_change("renamed", place, new.title,
                           f"字段“{label}”的字段名由 {old.key} 改为 {new.key}（已有记录的值随之迁移）",
                           before=old.key, after=new.key))
    if old.title != new.title:
        out.append(_change("retitled", place, new.title, f"字段“{old.title}”更名为“{new.title}”",
                           before=old.title, after=new.title))
    if p.retyped:
        out.append(_change("retyped", place, new.title,
                           f"“{label}”的类型由{old.type.label}改为{new.type.label}",
                           before=old.type.name, after=new.type.name))
    limits = {k: [_limit(old.schema, k), _limit(new.schema, k)] for k in LIMITS
              if _limit(old.schema, k) != _limit(new.schema, k)}
    if limits:
        said = "；".join(f"{LIMITS[k]} {_shown(a)} → {_shown(b)}" for k, (a, b) in limits.items())
        out.append(_change("limits", place, new.title, f"“{label}”的限制变化：{said}", limits=limits))
    added = [c for c in new.choices if c not in old.choices]
    removed = [c for c in old.choices if c not in new.choices]
    if (added or removed) and not p.retyped:
        parts = ([f"新增 {'、'.join(added)}"] if added else []) + ([f"删除 {'、'.join(removed)}"] if removed else [])
        out.append(_change("choices", place, new.title, f"“{label}”的选项：{'；'.join(parts)}",
                           added=added, removed=removed))
    if old.required != new.required:
        out.append(_change("required", place, new.title, f"“{label}”改为{'必填' if new.required else '选填'}",
                           required=new.required))
    return out


def _limit(schema: dict, key: str) -> Any:
    """A limit of a field, arrays' item limits included (a multi-choice's items hold its pattern)."""
    if key in schema:
        return schema[key]
    items = schema.get("items")
    return items.get(key) if isinstance(items, dict) and key in ("minLength", "maxLength", "pattern") else None


def _shown(value: Any) -> str:
    return "无" if value is None else str(value)


def _rule_changes(old: Definition, new: Definition) -> list[dict]:
    """Rules are compared as data: x-ledger.rules one by one, JSON Schema conditions as a whole."""
    out = []
    before, after = old.options.get("rules") or [], new.options.get("rules") or []
    for rule in after:
        if rule not in before:
            out.append(_change("rules", "", "", f"新增规则：{_rule_text(rule)}", added=rule))
    for rule in before:
        if rule not in after:
            out.append(_change("rules", "", "", f"删除规则：{_rule_text(rule)}", removed=rule))
    for key, name in CONDITIONS.items():
        a, b = old.schema.get(key), new.schema.get(key)
        if a != b:
            verb = "新增" if a is None else "删除" if b is None else "修改"
            out.append(_change("rules", "", "", f"{verb}{name}", keyword=key, before=a, after=b))
    return out


def _rule_text(rule: Any) -> str:
    if isinstance(rule, dict) and isinstance(rule.get("message"), str):
        return rule["message"]
    return json.dumps(rule, ensure_ascii=False)[:200]


# --- migrations --------------------------------------------------------------------------

def check_migration(definition: Definition, migrate: Any) -> dict:
    """`migrate` as {field key: {"default"?, "map"?}} for top-level fields of `definition`, or a
    DefinitionError naming every bad place under /x-migrate."""
    if migrate is None:
        return {}
    if not isinstance(migrate, dict):
        raise DefinitionError("迁移设置有误", [{"path": f"/{MIGRATE}",
                                              "message": "应为对象：{字段名: {\"default\": 值} 或 {\"map\": {旧值: 新值}}}"}])
    problems = []
    for key, spec in migrate.items():
        path = f"/{MIGRATE}/{key}"
        if key not in definition.by_key:
            problems.append({"path": path, "message": f"“{key}”不是新版本的字段"})
        elif not isinstance(spec, dict) or not spec or set(spec) - {"default", "map"}:
            problems.append({"path": path, "message": "应为 {\"default\": 值} 或 {\"map\": {旧值: 新值}}（或两者）"})
        elif "map" in spec and (not isinstance(spec["map"], dict) or not spec["map"]):
            problems.append({"path": path + "/map", "message": "应为非空对象：{旧值: 新值}"})
    if problems:
        raise DefinitionError("迁移设置有误", problems)
    return migrate


def _text(value: Any) -> str:
    """A stored value as a mapping's key ("12" for 12, "true" for True)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _migrated_value(spec: dict, value: Any) -> Any:
    mapping = spec.get("map") or {}
    if isinstance(value, list):  # a multi-choice: each choice on its own
        value = [mapping[_text(v)] if _text(v) in mapping else v for v in value]
        value = [v for v in value if v is not None] or None
    elif value is not None and _text(value) in mapping:
        value = mapping[_text(value)]
    if value is None and "default" in spec:
        value = spec["default"]
    return value


def renamed(plan: list[Pair], data: dict) -> dict:
    """`data` with every value under a renamed field moved to its new key (groups and tables too)."""
    return _moved(plan, (), (), data)


def _moved(plan: list[Pair], old_at: tuple[str, ...], new_at: tuple[str, ...], data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    out = dict(data)
    here = [p for p in plan if p.old is not None and p.new is not None
            and p.old_path[:-1] == old_at and p.new_path[:-1] == new_at]
    for p in here:
        if p.renamed and p.old.key in data:
            out.pop(p.old.key)
    for p in here:
        source = p.old.key
        if source not in data:
            continue
        value = data[source]
        if p.new.children:
            if isinstance(value, list):
                value = [_moved(plan, p.old_path, p.new_path, row) for row in value]
            else:
                value = _moved(plan, p.old_path, p.new_path, value)
        out[p.new.key] = value
    return out


# --- what a new version does to the stored entries ---------------------------------------

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


def needs_entries(old: Definition, new: Definition, migrate: dict) -> bool:
    """Whether publishing must read the entries: a rename, a type change or a migration. (A field
    added under a key some entries hold from an earlier version too: see `added_keys`.)"""
    return bool(migrate) or any(p.renamed or p.retyped for p in pairs(old.fields, new.fields))


def added_keys(old: Definition, new: Definition) -> list[str]:
    """Top-level keys the new version adds: entries may hold values under them from a version
    before `old`, and those must fit the new field's kind."""
    return [p.new.key for p in pairs(old.fields, new.fields) if p.old is None and len(p.new_path) == 1]


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
            value = _migrated_value(spec, moved.get(key))
            if value is None:
                moved.pop(key, None)
            else:
                moved[key] = value
        if moved != data:
            out.rewritten.append((row, moved))
        out.broken += [{"id": row.id, "number": row.number, "field": p.place,
                        "message": f"记录 {row.number or row.id} 的“{p.label}”值 {_text(v)[:50]} 不是{p.new.type.label}"}
                       for p in retyped for v in values_at(moved, p.new_path) if not p.new.type.holds(p.new, v)]
        if validate:
            errors = _errors(new, moved)
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


def values_at(data: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """The values stored at a field path, through groups (objects) and tables (lists of rows)."""
    if not path:
        if data is not None:
            yield data
        return
    if isinstance(data, list):
        for row in data:
            yield from values_at(row, path)
    elif isinstance(data, dict) and path[0] in data:
        yield from values_at(data[path[0]], path[1:])


def entry_errors(definition: Definition, data: Any) -> list[dict]:
    """The problems `data` has under `definition` as [{field, message}] ([] when it is valid)."""
    return [{"field": e["field"], "message": e["message"]} for e in _errors(definition, data)]


def _errors(definition: Definition, data: Any) -> list[dict]:
    """The problems `data` has under `definition` ([] when it is valid). Values of fields the
    definition no longer has are kept, not judged: they are an earlier version's."""
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k in definition.by_key}
    try:
        validate_entry(definition, data)
    except EntryInvalid as invalid:
        return [{"field": e["field"], "message": e["message"], "keyword": e.get("keyword")}
                for e in invalid.errors]
    return []
