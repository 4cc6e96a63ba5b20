"""Rules between fields (`x-ledger.rules`) and when a field is shown (`x-show-when`).

A rule is declared, not coded: `{"when": {...}, "check": {...}, "message": "中文"}`, each
part a set of conditions in the list filters' syntax (`field`, `field__op`), a value
`"$other"` naming another field. Validation (core/entries/validation.py) runs every rule on every
write, so forms, the API and imports refuse the same entries with the same message.

What a condition means on an empty field, so a clerk can predict it (docs/definitions.md):
- "is X" (`eq`, `in`, `contains`) needs a value: `{"progress": 100}` fails when progress is empty;
- "is not X" (`ne`, `nin`) holds: an empty status "is not" 已办结, as in the list's filter;
- a bound (`lt`, `lte`, `gt`, `gte`) and a comparison with `"$other"` where either side is empty
  are unknown: they never fail a check and never make a `when` hold. Presence is what
  `required`, `if`/`then` and `dependentRequired` say;
- a value validation already refuses (text in a number field) makes its condition unknown too.
A `when` therefore holds exactly when the list's filter would show the entry.
Values compare as their kind reads them (core/definition/kinds `comparable`): dates as dates, numbers as
decimals, moments across time zones.
"""
from __future__ import annotations

import json
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from core.definition.kinds import ParseError
from core.errors import problem
from core.definition.refs import escape

if TYPE_CHECKING:  # the field model imports this module, not the other way round
    from core.definition.model import Definition, Field

FIELD_OPS = ("eq", "ne", "lt", "lte", "gt", "gte")   # between two fields
ORDERING = ("lt", "lte", "gt", "gte")
RULE_KEYS = ("when", "check", "message")
MAX_CONDITIONS = 10
MAX_MESSAGE = 200


class RuleError(ValueError):
    """A condition that cannot be read; the message is Chinese."""


@dataclass(frozen=True)
class Condition:
    """One `field__op: value` condition, its constant already read as the field's kind."""

    field: "Field"
    op: str
    value: Any = None              # the constant (a frozenset for in/nin), when `other` is None
    other: "Field | None" = None   # the field compared with ("$other")

    def holds(self, data: dict) -> bool | None:
        """True or False; None when it cannot tell (an empty side of "$other", an unreadable value)."""
        try:
            mine = self.field.type.comparable(self.field, data.get(self.field.key))
            if self.other is not None:
                theirs = self.other.type.comparable(self.other, data.get(self.other.key))
                return None if mine is None or theirs is None else compare(self.op, mine, theirs)
        except ParseError:
            return None
        if mine is None:  # "is X" needs a value, "is not X" holds, a bound says nothing of it
            return None if self.op in ORDERING else self.op in ("ne", "nin")
        return compare(self.op, mine, self.value)

    def client(self) -> dict:
        """The condition for the form's script (static/js/showwhen.js), values as inputs hold them."""
        out: dict[str, Any] = {"field": self.field.key, "op": self.op, "family": self.field.type.family}
        if self.other is not None:
            out["other"] = self.other.key
        elif isinstance(self.value, frozenset):
            out["value"] = sorted(_client_value(v) for v in self.value)
        else:
            out["value"] = _client_value(self.value)
        return out


def compare(op: str, mine: Any, theirs: Any) -> bool | None:
    """`mine op theirs` for two values read by `comparable`; None when they do not compare."""
    try:
        if op == "contains":
            return theirs in mine if isinstance(mine, frozenset) else str(theirs).casefold() in str(mine).casefold()
        if op == "in":
            return mine in theirs
        if op == "nin":
            return mine not in theirs
        return bool(_OPERATORS[op](mine, theirs))
    except TypeError:  # values of kinds that do not compare (an older definition): cannot tell
        return None


_OPERATORS = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le,
              "gt": operator.gt, "gte": operator.ge}


def _client_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return float(value)


@dataclass(frozen=True)
class Rule:
    when: tuple[Condition, ...]
    check: tuple[Condition, ...]
    message: str

    def broken(self, data: dict) -> Condition | None:
        """The first check condition `data` fails when the rule applies, else None."""
        if not all(c.holds(data) is True for c in self.when):
            return None
        return next((c for c in self.check if c.holds(data) is False), None)


# --- reading a definition's rules ----------------------------------------------------------

def conditions(fields: dict[str, "Field"], spec: dict) -> tuple[Condition, ...]:
    """A checked set of conditions (RuleError names the first that does not read)."""
    return tuple(condition(fields, name, value) for name, value in spec.items())


def condition(fields: dict[str, "Field"], name: Any, value: Any) -> Condition:
    key, _, op = str(name).partition("__")
    op = op or "eq"
    f = fields.get(key)
    if f is None:
        raise RuleError(f"“{key}”不是已定义的字段")
    if not f.type.rule_ops:
        raise RuleError(f"字段“{f.title}”是子表或分组，不能用于条件")
    if op not in f.type.rule_ops:
        raise RuleError(f"字段“{f.title}”不能用“{op}”比较，可用：{'、'.join(f.type.rule_ops)}")
    if isinstance(value, str) and value.startswith("$"):
        return Condition(f, op, other=_other(fields, f, op, value[1:]))
    return Condition(f, op, value=_constant(f, op, value))


def _other(fields: dict[str, "Field"], f: "Field", op: str, key: str) -> "Field":
    other = fields.get(key)
    if other is None:
        raise RuleError(f"“${key}”不是已定义的字段")
    if op not in FIELD_OPS:
        raise RuleError(f"与其他字段比较只能用 {'、'.join(FIELD_OPS)}")
    if not other.type.family or other.type.family != f.type.family or op not in other.type.rule_ops:
        raise RuleError(f"字段“{f.title}”与“{other.title}”类型不同，不能比较")
    if other.key == f.key:
        raise RuleError(f"字段“{f.title}”不能与自身比较")
    return other


def _constant(f: "Field", op: str, value: Any) -> Any:
    """A declared value read as the list reads typed text, then as rules compare it."""
    many = op in ("in", "nin")
    if isinstance(value, list) and many:
        if not value:
            raise RuleError(f"“{op}”需要至少一个值")
        return frozenset(_one(f, op, v) for v in value)
    if isinstance(value, (list, dict)) or value is None:
        raise RuleError("条件的值应为文字、数字或是/否（in、nin 可用列表）")
    return frozenset([_one(f, op, value)]) if many else _one(f, op, value)


def _one(f: "Field", op: str, value: Any) -> Any:
    if isinstance(value, (list, dict)) or value is None:
        raise RuleError("条件的值应为文字、数字或是/否")
    text = ("是" if value else "否") if isinstance(value, bool) else str(value)
    if text.startswith("$"):
        raise RuleError("列表中不能引用其他字段")
    try:
        parsed = text if op == "contains" and not f.type.multiple else f.type.query_value(f, text)
        read = parsed if op == "contains" else f.type.comparable(f, parsed)
    except ParseError as exc:
        raise RuleError(str(exc)) from None
    if read is None or read == "":
        raise RuleError("条件的值不能为空")
    if f.choices and op != "contains" or f.type.multiple:
        if read not in f.choices:
            raise RuleError(f"“{read}”不是字段“{f.title}”的选项")
    return read


def rules_of(definition: "Definition") -> tuple[Rule, ...]:
    """The definition's rules, read once per definition (stored ones were checked on saving;
    a rule that no longer reads is left out rather than failing every write)."""
    cached = _RULES.get(id(definition))
    if cached is not None and cached[0] is definition:
        return cached[1]
    out = []
    for spec in _stored(definition):
        try:
            out.append(_read(definition, spec))
        except RuleError:
            continue
    if len(_RULES) > 512:
        _RULES.clear()
    _RULES[id(definition)] = (definition, tuple(out))
    return tuple(out)


_RULES: dict[int, tuple] = {}


def _stored(definition: "Definition") -> list:
    rules = definition.options.get("rules")
    return rules if isinstance(rules, list) else []


def _read(definition: "Definition", spec: Any) -> Rule:
    """One stored rule, or RuleError saying why it no longer reads."""
    if not isinstance(spec, dict) or not isinstance(spec.get("check"), dict) or not spec["check"]:
        raise RuleError("缺少检查条件（check）")
    if not isinstance(spec.get("when") or {}, dict):
        raise RuleError("适用条件（when）应为对象")
    if not isinstance(spec.get("message"), str) or not spec["message"].strip():
        raise RuleError("缺少提示文字（message）")
    try:
        return Rule(conditions(definition.by_key, spec.get("when") or {}),
                    conditions(definition.by_key, spec["check"]), spec["message"])
    except TypeError:  # a value of a kind its field cannot read at all
        raise RuleError("条件的值无法识别") from None


def stored_rule_problems(definition: "Definition") -> list[dict]:
    """Each stored rule (`x-ledger.rules`) and display condition (`x-show-when`) that no longer
    reads, as {path, message} in Chinese. They were checked when saved; one can stop reading when
    the code reading it changes or the database was edited by hand. Such a rule is left out of
    every check (not failing every write) and a condition out of the form: this says so."""
    out = []
    if not isinstance(definition.options.get("rules", []), list):
        out.append(problem("/x-ledger/rules", "校验规则（x-ledger.rules）不是列表，全部未生效"))
    for r, spec in enumerate(_stored(definition)):
        try:
            _read(definition, spec)
        except RuleError as exc:
            named = f"（“{spec['message']}”）" if isinstance(spec, dict) and isinstance(spec.get("message"), str) else ""
            out.append(problem(f"/x-ledger/rules/{r}",
                            f"第 {r + 1} 条校验规则{named}已失效，保存和导入时不再检查：{exc}"))
    for key, schema in (definition.schema.get("properties") or {}).items():
        f = definition.by_key.get(key)
        spec = schema.get("x-show-when") if f is not None and isinstance(schema, dict) else None
        if spec is None:
            continue
        try:
            if not isinstance(spec, dict):
                raise RuleError("应为对象")
            conditions(definition.by_key, spec)
        except (RuleError, TypeError) as exc:
            out.append(problem(f"/properties/{escape(f.key)}/x-show-when",
                            f"字段“{f.title}”的显示条件已失效，该字段总是显示：{exc}"))
    return out


def rule_errors(definition: "Definition", data: dict) -> list[dict]:
    """One error per broken rule, on the field its failing check names."""
    out = []
    for rule in rules_of(definition):
        failed = rule.broken(data)
        if failed is not None:
            out.append({"field": failed.field.key, "path": f"/{failed.field.key}", "keyword": "rule",
                        "message": rule.message})
    return out


def show_when(definition: "Definition", f: "Field") -> str | None:
    """A top-level field's `x-show-when` as JSON for the form's script, or None (always shown)."""
    spec = f.schema.get("x-show-when")
    if not isinstance(spec, dict) or f.key not in definition.by_key:
        return None
    try:
        read = conditions(definition.by_key, spec)
    except (RuleError, TypeError):
        return None
    return json.dumps([c.client() for c in read], ensure_ascii=False)


# --- the check run when a definition is saved -----------------------------------------------

def check_rules(rules: Any, fields: dict[str, "Field"]) -> Iterator[dict]:
    """Every problem of `x-ledger.rules` as {path, message}, at its JSON pointer, in Chinese."""
    for r, rule in enumerate(rules if isinstance(rules, list) else []):
        at = f"/x-ledger/rules/{r}"
        if not isinstance(rule, dict):
            continue  # the meta-schema says so
        for key in rule:
            if key not in RULE_KEYS:
                yield problem(f"{at}/{escape(str(key))}", f"规则不支持属性“{key}”，可用：when、check、message")
        message = rule.get("message")
        if not isinstance(message, str) or not message.strip():
            yield problem(at + "/message", "规则需要提示文字（message），说明哪里不对")
        elif len(message) > MAX_MESSAGE:
            yield problem(at + "/message", f"提示文字过长（上限 {MAX_MESSAGE} 个字符）")
        if "check" not in rule:
            yield problem(at + "/check", "规则需要检查条件（check）")
        else:
            yield from check_conditions(fields, rule["check"], at + "/check", "检查条件（check）")
        if "when" in rule:
            yield from check_conditions(fields, rule["when"], at + "/when", "适用条件（when）")


def check_conditions(fields: dict[str, "Field"], spec: Any, at: str, what: str,
                     own: str | None = None) -> Iterator[dict]:
    """Each condition that does not read, at its pointer (`own`: the field shown, for x-show-when)."""
    if not isinstance(spec, dict) or not spec:
        yield problem(at, f"{what}应为非空对象，如 {{\"status\": \"已办结\"}}")
        return
    if len(spec) > MAX_CONDITIONS:
        yield problem(at, f"条件过多（上限 {MAX_CONDITIONS} 个）")
    for name, value in spec.items():
        try:
            read = condition(fields, name, value)
        except RuleError as exc:
            yield problem(f"{at}/{escape(str(name))}", f"条件无法识别：{exc}")
            continue
        if own is not None and own in (read.field.key, read.other.key if read.other else None):
            yield problem(f"{at}/{escape(str(name))}", "字段不能以自身的值为显示条件")


def check_show_when(document: dict, fields: dict[str, "Field"]) -> Iterator[dict]:
    """`x-show-when` on top-level fields reads as conditions on other fields; deeper it is refused."""
    properties = document.get("properties")
    for key, schema in properties.items() if isinstance(properties, dict) else ():
        if isinstance(schema, dict) and "x-show-when" in schema:
            yield from check_conditions(fields, schema["x-show-when"],
                                        f"/properties/{escape(str(key))}/x-show-when", "显示条件（x-show-when）", key)
        yield from _nested_show_when(schema, f"/properties/{escape(str(key))}", 0)


def _nested_show_when(schema: Any, at: str, depth: int) -> Iterator[dict]:
    if not isinstance(schema, dict) or depth > 8:
        return
    inner = schema.get("items") if isinstance(schema.get("items"), dict) else schema
    inner_at = at + "/items" if inner is not schema else at
    properties = inner.get("properties")
    for key, sub in properties.items() if isinstance(properties, dict) else ():
        where = f"{inner_at}/properties/{escape(str(key))}"
        if isinstance(sub, dict) and "x-show-when" in sub:
            yield problem(where + "/x-show-when", "显示条件只能用于顶层字段（不能用于分组或子表中的字段）")
        yield from _nested_show_when(sub, where, depth + 1)


def check_conditional(document: dict, fields: dict[str, "Field"]) -> Iterator[dict]:
    """`if`/`then`/`else` (also inside `allOf`) and `dependentRequired` name existing fields, and
    an `if`'s values are values those fields can hold."""
    branches = [(document, "")]
    branches += [(item, f"/allOf/{i}") for i, item in enumerate(document.get("allOf") or [])
                 if isinstance(document.get("allOf"), list) and isinstance(item, dict)]
    for node, at in branches:
        if ("then" in node or "else" in node) and "if" not in node:
            yield problem(at + ("/then" if "then" in node else "/else"), "then/else 需要与 if 一起使用")
        for part in ("if", "then", "else"):
            if isinstance(node.get(part), dict):
                yield from _check_branch(fields, node[part], f"{at}/{part}", part == "if")
    depending = document.get("dependentRequired")
    for key, needed in depending.items() if isinstance(depending, dict) else ():
        at = f"/dependentRequired/{escape(str(key))}"
        if key not in fields:
            yield problem(at, f"“{key}”不是已定义的字段")
        for j, name in enumerate(needed if isinstance(needed, list) else []):
            if isinstance(name, str) and name not in fields:
                yield problem(f"{at}/{j}", f"必填项“{name}”不是已定义的字段")


def _check_branch(fields: dict[str, "Field"], branch: dict, at: str, is_if: bool) -> Iterator[dict]:
    required = branch.get("required")
    for j, name in enumerate(required if isinstance(required, list) else []):
        if isinstance(name, str) and name not in fields:
            yield problem(f"{at}/required/{j}", f"“{name}”不是已定义的字段")
    properties = branch.get("properties")
    for key, sub in properties.items() if isinstance(properties, dict) else ():
        f = fields.get(key)
        where = f"{at}/properties/{escape(str(key))}"
        if f is None:
            yield problem(where, f"“{key}”不是已定义的字段")
        elif is_if and f.choices and not f.type.multiple and isinstance(sub, dict):
            values = [("const", sub["const"])] if "const" in sub else \
                [(f"enum/{i}", v) for i, v in enumerate(sub["enum"])] if isinstance(sub.get("enum"), list) else []
            for place, value in values:
                if value not in f.choices:
                    yield problem(f"{where}/{place}", f"“{value}”不是字段“{f.title}”的选项")
