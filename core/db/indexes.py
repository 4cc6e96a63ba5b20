"""Per-ledger expression indexes: the declared filters and sort, and the business key.

Every ledger's entries share one table, so each index is partial to its ledger
(`WHERE ledger_id = N AND deleted_at IS NULL`): a ledger's writes pay only for its own
indexes, and those a new version no longer declares are dropped. The business key gets a
unique index, so two entries can never share an asset number, whatever path wrote them.
Queries name the ledger id as a literal (`ledger_clause`) so that both planners can prove
the partial index applies.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex, Index

from core.db.counts import counted_fields, field_expr
from core.definition.model import Definition, Field
from core.errors import DefinitionError
from core.db.models import entries

PREFIX = "lx_"  # every index made here starts with lx_<ledger id>_; migrations leave them alone


@dataclass(frozen=True)
class IndexSpec:
    name: str
    fields: tuple[Field, ...]
    unique: bool = False


def ledger_clause(ledger_id: int):
    """`entries.ledger_id = N` with N inline: a partial index is only used when the planner sees N."""
    return entries.c.ledger_id == literal_column(str(int(ledger_id)))


def plan(ledger_id: int, definition: Definition) -> list[IndexSpec]:
    """The indexes a definition asks for: sort; each filter (then sort); the business key, unique."""
    sort = definition.sort_field
    sort = sort if sort is not None and sort.scalar else None
    groups: list[tuple[Field, ...]] = [(sort,)] if sort else []
    for f in definition.filters:
        if f.scalar:
            groups.append((f, sort) if sort is not None and sort is not f else (f,))
    specs = [IndexSpec(_name(ledger_id, group), group) for group in dict.fromkeys(groups)]
    key = definition.by_key.get(definition.business_key or "")
    if key is not None:
        specs.append(IndexSpec(_name(ledger_id, (key,), "u"), (key,), unique=True))
    return specs


def _name(ledger_id: int, group: tuple[Field, ...], kind: str = "") -> str:
    label = "__".join(f"{f.key}_{f.type.sort_type}" for f in group)
    name = f"{PREFIX}{ledger_id}_{kind}{label}"
    if len(name) > 60:  # PostgreSQL truncates names at 63 bytes
        name = f"{PREFIX}{ledger_id}_{kind}" + hashlib.sha1(label.encode()).hexdigest()[:24]
    return name


def same_plan(old: Definition, new: Definition) -> bool:
    """True when `new` needs neither other indexes nor recounting (e.g. only titles changed)."""
    def shape(d: Definition):
        return ([(s.name, tuple(f.kind for f in s.fields), s.unique) for s in plan(0, d)],
                [f.key for f in counted_fields(d)])
    return shape(old) == shape(new)


def ensure(conn: Connection, ledger_id: int, definition: Definition, strict: bool = True) -> list[dict]:
    """Create the indexes `definition` declares and drop this ledger's others.

    A business key whose values already repeat cannot be unique: `strict` refuses the whole
    change (DefinitionError, nothing done); otherwise that index is skipped and the problem
    returned, so an upgrade of a database holding such entries still completes.
    """
    wanted = plan(ledger_id, definition)
    problems = [p for s in wanted if s.unique for p in _duplicates(conn, ledger_id, s.fields[0])]
    if problems and strict:
        raise DefinitionError("台帐定义有误", problems)
    names = {s.name for s in wanted}
    for name in existing(conn, ledger_id):
        if name not in names:
            conn.execute(text(f"DROP INDEX IF EXISTS {conn.dialect.identifier_preparer.quote(name)}"))
    for spec in wanted:
        if spec.unique and problems:
            continue
        columns = [field_expr(conn.dialect.name, f) for f in spec.fields]
        if not spec.unique:
            columns.append(entries.c.id)
        where = text(f"ledger_id = {int(ledger_id)} AND deleted_at IS NULL")
        index = Index(spec.name, *columns, unique=spec.unique, sqlite_where=where, postgresql_where=where)
        conn.execute(CreateIndex(index, if_not_exists=True))
        entries.indexes.discard(index)  # keep the shared Table free of per-ledger indexes
    return problems


def existing(conn: Connection, ledger_id: int) -> list[str]:
    """Names of the indexes this module made for one ledger."""
    pattern = f"{PREFIX}{int(ledger_id)}\\_%"
    if conn.dialect.name == "sqlite":
        stmt = text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries' "
                    "AND name LIKE :p ESCAPE '\\'")
    else:
        stmt = text("SELECT indexname FROM pg_indexes WHERE tablename = 'entries' "
                    "AND schemaname = current_schema() AND indexname LIKE :p ESCAPE '\\'")
    return list(conn.execute(stmt, {"p": pattern}).scalars())


def _duplicates(conn: Connection, ledger_id: int, f: Field) -> list[dict]:
    """A business key over entries that already repeat it cannot be unique: say how many and which."""
    expr = field_expr(conn.dialect.name, f)
    repeated = conn.execute(
        select(expr, func.count()).where(ledger_clause(ledger_id), entries.c.deleted_at.is_(None),
                                         expr.is_not(None))
        .group_by(expr).having(func.count() > 1).order_by(func.count().desc()).limit(5)).all()
    if not repeated:
        return []
    examples = "、".join(f"“{value}”（{n} 条）" for value, n in repeated)
    return [{"path": "/x-ledger/business_key",
             "message": f"已有记录的“{f.title}”重复（如 {examples}），不能设为业务主键；请先处理重复记录"}]
