"""An entry's file ids, checked and attached inside the write that saves the entry.

An id may join an entry's file field when the file exists, was uploaded for that ledger and
field, still fits the field's limits, and was uploaded by the writer and held by no entry yet
(or is already this entry's). Once attached, a file keeps its entry for good: taken off the
entry it stays readable from the entry's history.
"""
from __future__ import annotations


from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from core.access.policy import Actor
from core.db.models import files
from core.definition.kinds.files import limits
from core.definition.model import Definition, Field
from core.errors import EntryInvalid


def file_fields(definition: Definition) -> list[Field]:
    return [f for f in definition.fields if f.type.holds_files]


def attach(conn: Connection, actor: Actor, definition: Definition, ledger_id: int, entry_id: int,
           old: dict | None, new: dict) -> None:
    """Check the file ids `new` adds to entry `entry_id` and attach them; EntryInvalid naming
    the field when one may not be there (the caller's transaction then stores nothing)."""
    fields = file_fields(definition)
    if not fields or not isinstance(new, dict):
        return
    errors, added = [], []
    for f in fields:
        ids = new.get(f.key) or []
        if not isinstance(ids, list):
            continue  # the schema check reports it
        before = set((old or {}).get(f.key) or [])
        problem = _count_problem(f, ids)
        fresh = [i for i in ids if i not in before]
        problem = problem or _ids_problem(conn, actor, f, ledger_id, entry_id, fresh)
        if problem:
            errors.append({"field": f.key, "path": f"/{f.key}", "keyword": "x-file", "message": problem})
        added += fresh
    if errors:
        raise EntryInvalid(errors)
    if added:
        conn.execute(update(files).where(files.c.id.in_(added), files.c.entry_id.is_(None))
                     .values(entry_id=entry_id))
        held = conn.execute(select(files.c.id).where(files.c.id.in_(added), files.c.entry_id == entry_id)).all()
        if len(held) != len(set(added)):  # another entry took one since it was checked
            raise EntryInvalid([{"field": "", "path": "", "keyword": "x-file",
                                 "message": "附件已被其他记录使用，请重新上传"}])


def _count_problem(f: Field, ids: list) -> str | None:
    limit = limits(f)
    if len(ids) > limit.max_files:
        return f"{f.title}：最多 {limit.max_files} 个文件（现有 {len(ids)} 个）"
    if len(set(ids)) != len(ids):
        return f"{f.title}：同一文件不能重复添加"
    return None


def _ids_problem(conn: Connection, actor: Actor, f: Field, ledger_id: int, entry_id: int,
                 ids: list[str]) -> str | None:
    if not ids:
        return None
    rows = {r.id: r for r in conn.execute(select(files).where(files.c.id.in_(ids)))}
    limit = limits(f)
    for file_id in ids:
        row = rows.get(file_id)
        mine = row is not None and (row.entry_id == entry_id or
                                    (row.entry_id is None and row.uploaded_by == actor.name))
        if not mine:  # another's upload or another entry's file reads as missing: nothing leaks
            return f"{f.title}：文件 {str(file_id)[:40]} 不存在，请重新上传"
        if row.ledger_id != ledger_id or row.field != f.key:
            return f"{f.title}：文件“{row.name}”不是为本字段上传的，请重新上传"
        if not limit.accepts(row.type) or row.size > limit.max_bytes:
            return f"{f.title}：文件“{row.name}”不符合本字段的要求（类型或大小），请重新上传"
    return None
