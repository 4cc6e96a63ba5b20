"""Units (组织机构): a tree — the district office and its sections, towns and streets,
departments. A user belongs to at most one unit; a ledger's unit scope reaches the rows of the
user's unit and of every unit below it (by title, the values of `x-ledger.unit_field`)."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from core.access import audit
from core.access.policy import Actor, require
from core.errors import Conflict, DefinitionError, NotFound
from core.db.models import Database, units

KEY_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def create_unit(db: Database, actor: Actor, key: Any, title: Any, parent: Any = None,
                position: Any = None) -> dict:
    require(actor, "manage_users")
    errors = []
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        errors.append({"path": "/key", "message": "单位标识应为 1-64 个字母、数字或 . - _"})
    if not isinstance(title, str) or not title.strip() or len(title) > 200 \
            or any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in title):
        errors.append({"path": "/title", "message": "单位名称不能为空，最多 200 个字符，不含控制字符"})
    if parent is not None and not isinstance(parent, str):
        errors.append({"path": "/parent", "message": "上级单位应为单位标识"})
    if position is not None and (not isinstance(position, int) or isinstance(position, bool)
                                 or not 0 <= position <= 10**6):
        errors.append({"path": "/order", "message": "排序应为 0 到 1000000 的整数"})
    if errors:
        raise DefinitionError("单位信息有误", errors)
    title = title.strip()
    try:
        with db.write() as conn:
            parent_id = None
            if parent:
                row = conn.execute(select(units.c.id).where(units.c.key == parent)).first()
                if row is None:
                    raise NotFound(f"上级单位“{parent}”不存在")
                parent_id = row.id
            if conn.execute(select(units.c.id).where(units.c.key == key)).first():
                raise Conflict(f"单位“{key}”已存在")
            if conn.execute(select(units.c.id).where(units.c.title == title)).first():
                raise Conflict(f"单位名称“{title}”已被使用")
            if position is None:
                position = conn.execute(select(func.count()).select_from(units)
                                        .where(units.c.parent_id.is_(parent_id) if parent_id is None
                                               else units.c.parent_id == parent_id)).scalar_one()
            conn.execute(insert(units).values(key=key, title=title, parent_id=parent_id, position=position))
            audit.record(conn, actor, "unit_create", filters={"unit": key, "title": title, "parent": parent or None})
    except IntegrityError:
        raise Conflict(f"单位“{key}”已存在") from None
    return {"key": key, "title": title, "parent": parent or None, "order": position}


def _all(conn) -> list:
    return conn.execute(select(units).order_by(units.c.position, units.c.id)).all()


def list_units(db: Database) -> list[dict]:
    """Every unit, depth first in order: {key, title, parent, order, depth}."""
    with db.read() as conn:
        rows = _all(conn)
    by_id = {r.id: r for r in rows}
    children: dict[Any, list] = {}
    for r in rows:
        children.setdefault(r.parent_id if r.parent_id in by_id else None, []).append(r)
    out: list[dict] = []

    def walk(parent_id, depth):
        for r in children.get(parent_id, []):
            out.append({"key": r.key, "title": r.title,
                        "parent": by_id[r.parent_id].key if r.parent_id in by_id else None,
                        "order": r.position, "depth": depth})
            if depth < 50:
                walk(r.id, depth + 1)

    walk(None, 0)
    return out


def tree(db: Database) -> list[dict]:
    """The units nested: [{key, title, order, children: [...]}]."""
    nodes = {u["key"]: {"key": u["key"], "title": u["title"], "order": u["order"], "children": []}
             for u in list_units(db)}
    roots = []
    for u in list_units(db):
        (nodes[u["parent"]]["children"] if u["parent"] else roots).append(nodes[u["key"]])
    return roots


def unit_keys(db: Database) -> set[str]:
    with db.read() as conn:
        return set(conn.execute(select(units.c.key)).scalars())


def unit_id(conn, key: str) -> int:
    row = conn.execute(select(units.c.id).where(units.c.key == key)).first()
    if row is None:
        raise NotFound(f"单位“{key}”不存在")
    return row.id


def descendants(db_or_conn: Any, key: str) -> list[dict]:
    """A unit and every unit below it: [{key, title}] (the unit first)."""
    if isinstance(db_or_conn, Database):
        with db_or_conn.read() as conn:
            return descendants(conn, key)
    return _below(_all(db_or_conn), key)


def _below(rows: list, key: str) -> list[dict]:
    """Unit `key` and every unit below it among the unit rows `rows`."""
    by_key = {r.key: r for r in rows}
    if key not in by_key:
        raise NotFound(f"单位“{key}”不存在")
    children: dict[Any, list] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    out, todo, seen = [], [by_key[key]], set()
    while todo:
        r = todo.pop(0)
        if r.id in seen:
            continue
        seen.add(r.id)
        out.append({"key": r.key, "title": r.title})
        todo.extend(children.get(r.id, []))
    return out


def actor_for(conn, row: Any) -> Actor:
    """The Actor of a users row, with its unit, the titles below it and the keys above it."""
    unit_id_ = getattr(row, "unit_id", None)
    if unit_id_ is None:
        return Actor(row.name, row.role, row.id)
    rows = _all(conn)
    by_id = {r.id: r for r in rows}
    unit = by_id.get(unit_id_)
    if unit is None:
        return Actor(row.name, row.role, row.id)
    path, cur = [], unit
    while cur is not None and cur.key not in path and len(path) < 100:
        path.append(cur.key)
        cur = by_id.get(cur.parent_id)
    titles = tuple(d["title"] for d in _below(rows, unit.key))
    return Actor(row.name, row.role, row.id, unit_key=unit.key, unit_title=unit.title,
                 unit_titles=frozenset(titles), unit_path=tuple(path))
