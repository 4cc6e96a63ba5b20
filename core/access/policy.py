"""Who may do what: the one place a permission rule is written.

Every engine function that reads or writes asks `require` once it has the ledger row, so a
rule added here applies to pages, the API, exports and reports at once.

A ledger may carry rules (`ledgers.permissions`): [{"role", "actions", "scope", "unit"?}]. A
rule applies to users of its role (and, with "unit", only to users of that unit or a unit below
it). Without rules a ledger keeps the plain role behaviour (DEFAULT_ACTIONS, scope all).
Admins may always do everything, on every row.

`scope(actor, ledger)` says which rows a reader sees: all, those of the actor's unit and the
units below it (`x-ledger.unit_field` holds unit titles), or the actor's own entries. The
condition is built in core/entries/query.py `conditions()`, so every surface shares it.

An archived ledger (`ledgers.archived_at`, core/ledgers/catalog.py) is settled here too, since every
route asks `require`/`can` with the row: for everyone but admins it does not exist (404), and
admins may only read and export it until it is restored.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import Conflict, DefinitionError, Forbidden, NotFound

ROLES = ("admin", "editor", "viewer")
ROLE_TITLES = {"admin": "管理员", "editor": "编辑", "viewer": "只读"}
ACTIONS = ("read", "create", "edit", "delete", "export", "import", "define")
ACTION_TITLES = {"read": "查看", "create": "新增", "edit": "修改", "delete": "删除",
                 "export": "导出", "import": "导入", "define": "修改台帐定义"}
SCOPES = ("all", "unit", "own")
SCOPE_TITLES = {"all": "全部记录", "unit": "本单位及下级单位", "own": "本人录入"}
DEFAULT_ACTIONS = {
    "admin": set(ACTIONS),
    "editor": {"read", "create", "edit", "delete", "export", "import"},
    "viewer": {"read", "export"},
}
# Older, coarser names still accepted by can(): write = any of create/edit/delete.
# What an admin may still do on an archived ledger.
ARCHIVED_ACTIONS = {"read", "export"}
_ALIASES = {"write": ("create", "edit", "delete"), "design": ("define",)}
_TITLES = {**ACTION_TITLES, "write": "编辑", "design": "修改台帐定义", "manage_users": "管理用户"}


@dataclass(frozen=True)
class Actor:
    """The caller as the engine sees it: a name for the record, a role and a unit for the rules."""

    name: str
    role: str
    id: int | None = None
    # The server itself (CLI demo data, imports without --user): may set any workflow state.
    system: bool = False
    unit_key: str | None = None
    unit_title: str | None = None
    # Titles of the actor's unit and every unit below it (what a unit scope lets it see).
    unit_titles: frozenset = frozenset()
    # Keys of the actor's unit and every unit above it (which unit rules apply to it).
    unit_path: tuple = ()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor("system", "admin", system=True)


@dataclass(frozen=True)
class Scope:
    """Which rows an actor reaches: reach all | unit (units: titles) | own (name) | none."""

    reach: str = "all"
    units: frozenset = frozenset()
    name: str = ""

    @property
    def limited(self) -> bool:
        return self.reach != "all"


ALL = Scope()
NONE = Scope("none")  # what an action nobody granted reaches


class Guarded(dict):
    """A ledger row's values with its rules ("permissions"): what can() and scope() read.
    Its values read as attributes too (`ledger.id`), like the row it wraps."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def usable_rules(stored: Any) -> list | None:
    """The stored rules that still read (None: the ledger has no rules of its own)."""
    if stored is None:
        return None
    rules = stored if isinstance(stored, list) else []
    return [rule for i, rule in enumerate(rules) if not _rule_errors(rule, f"/rules/{i}", None)]


def rule_problems(stored: Any, unit_keys: set[str]) -> list[dict]:
    """Each stored rule that no longer reads, as {path, message} in Chinese: it is left out."""
    if stored is None:
        return []
    if not isinstance(stored, list):
        return [{"path": "/rules", "message": "已保存的权限规则不是列表，全部未生效；请重新保存权限设置"}]
    out = []
    for i, rule in enumerate(stored):
        for error in _rule_errors(rule, f"/rules/{i}", unit_keys):
            out.append({"path": error["path"],
                        "message": f"第 {i + 1} 条权限规则已失效（{error['message']}），该规则不起作用；请修改后重新保存"})
    return out


def _rules(ledger: Any) -> list | None:
    """A ledger's rules: from a ledger row / mapping, or None for a bare key or no ledger."""
    if ledger is None or isinstance(ledger, str):
        return None
    if isinstance(ledger, Guarded):
        return ledger.get("permissions")
    raise TypeError("a ledger row must be passed through core.access.guarded.with_rules()")


def archived(ledger: Any) -> bool:
    """True for a ledger row (through with_rules) that is archived."""
    return isinstance(ledger, Guarded) and ledger.get("archived_at") is not None


def _matching(actor: Actor, rules: list) -> list[dict]:
    return [r for r in rules if r.get("role") == actor.role
            and (not r.get("unit") or r["unit"] in actor.unit_path)]


def actions(actor: Actor | None, ledger: Any = None) -> set[str]:
    """What `actor` may do on `ledger` (a ledger row, or a key / None: the plain role behaviour)."""
    if actor is None:
        return set()
    if archived(ledger):
        return set(ARCHIVED_ACTIONS) if actor.is_admin else set()
    if actor.is_admin:
        return set(ACTIONS)
    rules = _rules(ledger)
    if rules is None:
        return set(DEFAULT_ACTIONS.get(actor.role, set()))
    out: set[str] = set()
    for rule in _matching(actor, rules):
        out.update(rule.get("actions") or ())
    return out


def can(actor: Actor | None, action: str, ledger: Any = None) -> bool:
    """True when `actor` may perform `action` on `ledger`.

    `ledger` is the ledger row (its rules apply) or a key / None (the plain role behaviour:
    callers that hold the row must pass it). Actions: read create edit delete export import
    define, and manage_users (admins); `write` means any of create/edit/delete."""
    if actor is None:
        return False
    if action == "manage_users":
        return actor.is_admin
    allowed = actions(actor, ledger)
    return any(a in allowed for a in _ALIASES.get(action, (action,)))


def require(actor: Actor | None, action: str, ledger: Any = None) -> None:
    """Forbidden unless `actor` may `action` on `ledger`; an archived ledger is missing (404) for
    all but admins, and refuses their changes (409) until restored."""
    if archived(ledger) and actor is not None and not actor.is_admin:
        raise NotFound(f"台帐“{ledger.key}”不存在")
    if not can(actor, action, ledger):
        if archived(ledger) and actor is not None:
            raise Conflict(f"台帐“{ledger.title}”已归档，只能查看和导出；恢复后才能修改")
        raise Forbidden(f"没有权限{_TITLES.get(action, action)}")


def scope(actor: Actor | None, ledger: Any = None, action: str = "read") -> Scope:
    """The rows `actor` reaches on `ledger` for `action`: the widest scope of the rules that
    grant it (all > unit > own), NONE when nothing grants it (an action not granted reaches no
    row, whoever forgets to `require` it first). Admins, and the plain role behaviour of a
    ledger without rules: all rows for every action the role has."""
    if not can(actor, action, ledger):
        return NONE
    rules = _rules(ledger)
    if actor.is_admin or rules is None:
        return ALL
    kinds = {r.get("scope", "all") for r in _matching(actor, rules) if action in (r.get("actions") or ())}
    if "all" in kinds:
        return ALL
    if "unit" in kinds:
        return Scope("unit", frozenset(actor.unit_titles), actor.name)
    return Scope("own", frozenset(), actor.name)


def check_rules(document: Any, unit_keys: set[str]) -> list[dict]:
    """A permissions document ({"rules": [...]}) checked; returns the rules, or a LedgerError
    listing every problem (with its path)."""
    errors = []
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, list):
        raise DefinitionError("权限设置应为 {\"rules\": [...]}", [{"path": "/rules", "message": "应为列表"}])
    out = []
    for i, rule in enumerate(rules):
        errors += _rule_errors(rule, f"/rules/{i}", unit_keys)
        if not errors:
            clean = {"role": rule["role"], "actions": sorted(set(rule["actions"]), key=ACTIONS.index),
                     "scope": rule.get("scope", "all")}
            if rule.get("unit"):
                clean["unit"] = rule["unit"]
            out.append(clean)
    if errors:
        raise DefinitionError("权限设置有误", errors)
    return out


def _rule_errors(rule: Any, at: str, unit_keys: set[str] | None) -> list[dict]:
    """What is wrong with one rule ({path, message}); units are checked when `unit_keys` is given."""
    if not isinstance(rule, dict):
        return [{"path": at, "message": "每条规则应为对象"}]
    errors = []
    extra = set(rule) - {"role", "actions", "scope", "unit"}
    if extra:
        errors.append({"path": at, "message": f"不认识的属性：{', '.join(sorted(map(str, extra)))}"})
    if rule.get("role") not in ROLES:
        errors.append({"path": at + "/role", "message": f"角色应为 {' / '.join(ROLES)} 之一"})
    acts = rule.get("actions")
    if not isinstance(acts, list) or not all(isinstance(a, str) and a in ACTIONS for a in acts):
        errors.append({"path": at + "/actions", "message": f"操作应为列表，取值 {' / '.join(ACTIONS)}"})
    if rule.get("scope", "all") not in SCOPES:
        errors.append({"path": at + "/scope", "message": f"范围应为 {' / '.join(SCOPES)} 之一"})
    unit = rule.get("unit")
    if unit is not None and (not isinstance(unit, str) or (unit_keys is not None and unit not in unit_keys)):
        errors.append({"path": at + "/unit", "message": f"单位“{unit}”不存在"})
    return errors
