"""How a new version of a definition meets the entries already stored under older ones.

`plan_change` answers, storing nothing, what publishing `document` as the next version of
ledger `key` would do: which changes it makes (`changes`) and how many live entries it would
leave invalid (`affected`, with a few `examples`). `PUT /ledgers/<key>?dry_run=1` and the
designer's publish dialog show it before anything is stored.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from .access import Actor, require
from .definition import Definition, load_definition
from .errors import EntryInvalid
from .models import Database, entries
from .validation import validate_entry

EXAMPLES = 5


def plan_change(db: Database, actor: Actor, key: str, document: Any) -> dict:
    """{"affected": N, "examples": [{"id", "number", "errors"}], "changes": [...]}; a bad
    document raises DefinitionError (every problem at its pointer)."""
    from . import store  # store publishes through this module

    require(actor, "define", key)
    new = load_definition(document)
    with db.read() as conn:
        ledger, current = store.definition_of(conn, key)
        affected, examples = 0, []
        rows = conn.execute(select(entries.c.id, entries.c.number, entries.c.data)
                            .where(entries.c.ledger_id == ledger.id, entries.c.deleted_at.is_(None))
                            .order_by(entries.c.id))
        for row in rows:
            errors = entry_errors(new, row.data)
            if errors:
                affected += 1
                if len(examples) < EXAMPLES:
                    examples.append({"id": row.id, "number": row.number, "errors": errors})
    return {"affected": affected, "examples": examples, "changes": changes(current, new)}


def entry_errors(definition: Definition, data: Any) -> list[dict]:
    """The problems `data` has under `definition` ([] when it is valid)."""
    try:
        validate_entry(definition, data)
    except EntryInvalid as invalid:
        return [{"field": e["field"], "message": e["message"]} for e in invalid.errors]
    return []


def changes(old: Definition, new: Definition) -> list[dict]:
    """What differs between two versions, a change per field: added, removed, renamed,
    retyped, limits, choices, required, rules (filled in by the diff)."""
    old_keys, new_keys = set(old.by_key), set(new.by_key)
    out = [{"kind": "added", "field": k, "title": new.by_key[k].title,
            "message": f"新增字段“{new.by_key[k].title}”"} for k in new.by_key if k not in old_keys]
    out += [{"kind": "removed", "field": k, "title": old.by_key[k].title,
             "message": f"删除字段“{old.by_key[k].title}”"} for k in old.by_key if k not in new_keys]
    return out
