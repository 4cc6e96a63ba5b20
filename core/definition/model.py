"""The field model of a ledger definition: Field, Definition, and the walk that builds them.

A definition document (JSON Schema + x-ledger) is checked by core/definition/checks.py and
read by core/definition/loading.py; this module holds what both see of it: its fields.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field
from functools import cached_property
from typing import Any, Iterator

from core.errors import QueryError
from core.definition.kinds import KINDS, Kind, kind_of
from core.definition.options import DUE_SORT
from core.definition.refs import resolve

KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,62}")  # use fullmatch: `$` also matches before a final "\n"
MAX_DEPTH = 4            # object nesting inside an entry (entry > table row > ...)
MONTH, YEAR = "month", "year"
RENAMED_FROM = "x-renamed-from"  # a property's key in the previous version (core/ledgers/evolution.py)

@dataclass(frozen=True)
class Field:
    """One field of a ledger: what kind of value it holds and how people see it."""

    key: str
    title: str
    kind: str
    schema: dict = dc_field(repr=False, compare=False)
    required: bool = False
    choices: tuple[str, ...] = ()
    children: tuple["Field", ...] = ()

    @property
    def type(self) -> Kind:
        """The kind object: everything that depends on the kind goes through it."""
        return KINDS[self.kind]

    @property
    def scalar(self) -> bool:
        return self.type.scalar

    @property
    def numeric(self) -> bool:
        return self.type.numeric

    @property
    def is_date(self) -> bool:
        return self.type.is_date

    @property
    def widget(self) -> str | None:
        return self.schema.get("x-widget")

    @property
    def description(self) -> str:
        return self.schema.get("description", "")

    @property
    def default(self) -> Any:
        return self.schema.get("default")

    @property
    def read_only(self) -> bool:
        return bool(self.schema.get("readOnly"))

    @property
    def renamed_from(self) -> str | None:
        return self.schema.get(RENAMED_FROM)


@dataclass(frozen=True)
class Definition:
    """A checked, immutable ledger definition (one version of one ledger)."""

    key: str
    title: str
    schema: dict = dc_field(repr=False)
    fields: tuple[Field, ...] = dc_field(repr=False)
    version: int = 0

    @cached_property
    def by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @property
    def options(self) -> dict:
        return self.schema["x-ledger"]

    @property
    def description(self) -> str:
        return self.options.get("description", "")

    def field(self, key: str) -> Field:
        """The field named `key`, or a QueryError: a caller may only name declared fields."""
        try:
            return self.by_key[key]
        except KeyError:
            raise QueryError(f"未知字段：{key}", [{"field": key, "message": f"未知字段：{key}"}]) from None

    @property
    def list_columns(self) -> list[Field]:
        keys = self.options.get("list", {}).get("columns") or [f.key for f in self.fields if f.scalar][:6]
        return [self.by_key[k] for k in keys]

    @property
    def filters(self) -> list[Field]:
        return [self.by_key[k] for k in self.options.get("list", {}).get("filters", [])]

    @property
    def search_fields(self) -> list[Field]:
        return [self.by_key[k] for k in self.options.get("list", {}).get("search", [])]

    @property
    def default_sort(self) -> str | None:
        """The one order of the list page, the API and the exports when the caller names none:
        the declared `list.sort`, else the overdue rule's (`_due`) when there is one."""
        return self.options.get("list", {}).get("sort") or (DUE_SORT if self.overdue else None)

    @property
    def sort_field(self) -> "Field | None":
        """The field the default order sorts by (the overdue rule's date for `_due`): indexed."""
        key = self.overdue["date"] if self.default_sort == DUE_SORT else (self.default_sort or "").lstrip("-")
        return self.by_key.get(key)

    @property
    def reports(self) -> list[dict]:
        return self.options.get("reports", [])

    @property
    def business_key(self) -> str | None:
        return self.options.get("business_key")

    @property
    def unit_field(self) -> "Field | None":
        """The field holding the owning unit's title (x-ledger.unit_field), if any."""
        key = self.options.get("unit_field")
        return self.by_key.get(key) if key else None

    @property
    def overdue(self) -> dict | None:
        return self.options.get("overdue")

    def with_version(self, version: int) -> "Definition":
        return Definition(self.key, self.title, self.schema, self.fields, version)


# --- the field model ---------------------------------------------------------------------

def field_kind(schema: dict) -> str | None:
    """Classify a property schema into one of the field kinds the engine supports."""
    return kind_of(schema)


def field_model(root: dict, schema: dict, depth: int, cyclic: frozenset = frozenset()) -> Iterator[Field]:
    """The field model of one object; parts the checks refused are left out, never raised on."""
    properties = schema.get("properties")
    required = schema.get("required")
    required = {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
    for key, sub in properties.items() if isinstance(properties, dict) else ():
        merged, broken = property_schema(root, sub, cyclic)
        kind = kind_of(merged) if broken is None else None
        if kind is None or depth > MAX_DEPTH:
            continue
        sub_schema = KINDS[kind].children_schema(merged)
        choices = KINDS[kind].choices(merged)
        children = tuple(field_model(root, sub_schema, depth + 1, cyclic)) if sub_schema is not None else ()
        yield Field(key, merged.get("title") or key, kind, merged, key in required, choices, children)


def property_schema(root: dict, sub: Any, cyclic: frozenset) -> tuple[Any, str | None]:
    """A property's schema as the field model sees it: its `$ref` followed, its own keywords on
    top. (schema, None), or (what was reached, the ref) when the reference cannot be followed."""
    target, broken = resolve(root, sub, cyclic)
    if broken is None and isinstance(sub, dict) and isinstance(target, dict) and "$ref" in sub:
        target = {**target, **{k: v for k, v in sub.items() if k != "$ref"}}
    return target, broken
