"""How two versions of a definition differ: which field continues which (`pairs`, through
`x-renamed-from`), every difference named (`changes`, for the version diff and the publish
dialog), and an administrator's migration checked (`{"field": {"default": v} | {"map":
{"old": "new"}}}`). Pure functions over definitions and plain data, no database; what a new
version does to stored entries is core/ledgers/assess.py.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from core.definition.model import Definition, Field
from core.definition.tree import inside
from core.errors import DefinitionError

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


def shown_text(value: Any) -> str:
    """A stored value as a mapping's key ("12" for 12, "true" for True)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def migrated_value(spec: dict, value: Any) -> Any:
    mapping = spec.get("map") or {}
    if isinstance(value, list):  # a multi-choice: each choice on its own
        value = [mapping[shown_text(v)] if shown_text(v) in mapping else v for v in value]
        value = [v for v in value if v is not None] or None
    elif value is not None and shown_text(value) in mapping:
        value = mapping[shown_text(value)]
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
        out[p.new.key] = inside(p.new, data[source], lambda _, obj, p=p: _moved(plan, p.old_path, p.new_path, obj))
    return out


def needs_entries(old: Definition, new: Definition, migrate: dict) -> bool:
    """Whether publishing must read the entries: a rename, a type change or a migration. (A field
    added under a key some entries hold from an earlier version too: see `added_keys`.)"""
    return bool(migrate) or any(p.renamed or p.retyped for p in pairs(old.fields, new.fields))


def added_keys(old: Definition, new: Definition) -> list[str]:
    """Top-level keys the new version adds: entries may hold values under them from a version
    before `old`, and those must fit the new field's kind."""
    return [p.new.key for p in pairs(old.fields, new.fields) if p.old is None and len(p.new_path) == 1]

