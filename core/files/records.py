"""Uploaded files' metadata: an upload checked against its field, who may read a file, names.

A file is uploaded for one ledger's field, so that field's limits apply at once; it belongs to
its uploader until an entry holds it (core/files/links.py), then to whoever may read that
entry. Anyone else is told it does not exist (404), as for an entry out of their scope.
"""
from __future__ import annotations

import secrets
from typing import IO, Any, Callable, Iterable, Iterator

from sqlalchemy import insert, select

from core.access.guarded import with_rules
from core.access.policy import Actor, can, require
from core.db.models import Database, files, ledgers, utcnow
from core.definition.kinds.files import limits
from core.entries.definitions import definition_of
from core.entries.query import get_entry
from core.errors import Forbidden, NotFound, QueryError
from core.files.content import FileRefused, clean_name, extension, extension_fits, judge, title
from core.files.storage import Blobs

ID_HEX = 32


def new_id() -> str:
    """An id nobody can guess (128 bits): a file's address names no entry and no order."""
    return secrets.token_hex(ID_HEX // 2)


def plain_id(file_id: Any) -> str | None:
    if isinstance(file_id, str) and len(file_id) == ID_HEX and all(c in "0123456789abcdef" for c in file_id):
        return file_id
    return None


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def upload_field(db: Database, actor: Actor, key: Any, field_key: Any):
    """(ledger row, file field) an upload is for, once `actor` may create or edit its entries."""
    if not isinstance(key, str) or not key:
        raise QueryError("缺少参数 ledger（台帐标识）")
    with db.read() as conn:
        row, definition = definition_of(conn, key)
        row = with_rules(conn, row)
    if not (can(actor, "create", row) or can(actor, "edit", row)):
        require(actor, "create", row)  # the answer a write would get: 401, 403 or 404
    f = definition.by_key.get(field_key) if isinstance(field_key, str) else None
    if f is None or not f.type.holds_files:
        message = f"“{field_key or ''}”不是台帐“{definition.title}”的附件字段"
        raise QueryError(message, [{"field": str(field_key or ""), "message": message}])
    return row, f


def upload(db: Database, blobs: Blobs, actor: Actor, key: Any, field_key: Any, name: str | None,
           stream: IO[bytes]) -> dict:
    """Check one uploaded file against its field (size, type from content, extension), store
    its bytes once and its metadata; the metadata as the API shows it. Nothing is stored when
    it is refused."""
    row, f = upload_field(db, actor, key, field_key)
    limit = limits(f)
    data = stream.read(limit.max_bytes + 1)
    name = clean_name(name)
    if not data:
        raise FileRefused(422, f.key, f"{f.title}：文件“{name}”是空文件（0 字节）")
    if len(data) > limit.max_bytes:
        raise FileRefused(413, f.key, f"{f.title}：文件“{name}”过大（上限 {megabytes(limit.max_bytes)}）")
    media = judge(data)
    if not limit.accepts(media):
        raise FileRefused(415, f.key, f"{f.title}：不接受{title(media)}（{media}）；可上传：{'、'.join(limit.types)}")
    if not extension_fits(name, media):
        raise FileRefused(415, f.key, f"{f.title}：文件“{name}”的扩展名 .{extension(name)} 与内容"
                                      f"（{title(media)}）不符")
    sha = blobs.put(data)
    stored = {"id": new_id(), "sha256": sha, "name": name, "size": len(data), "type": media,
              "ledger_id": row.id, "field": f.key, "entry_id": None, "uploaded_by": actor.name,
              "uploaded_at": utcnow()}
    with db.write() as conn:
        conn.execute(insert(files).values(**stored))
    return shown(stored)


def shown(row: Any) -> dict:
    """A file's metadata as the API and pages show it."""
    get = row.get if isinstance(row, dict) else row._mapping.get
    at = get("uploaded_at")
    return {"id": get("id"), "name": get("name"), "size": get("size"), "type": get("type"),
            "sha256": get("sha256"), "uploaded_by": get("uploaded_by"),
            "uploaded_at": at.isoformat() if at is not None else None}


def readable_file(db: Database, actor: Actor, file_id: Any):
    """The file's row, for its uploader while no entry holds it, then for whoever may read the
    entry holding it (the entry's ledger rules and scope); NotFound for everyone else."""
    missing = NotFound("文件不存在或无权查看")
    file_id = plain_id(file_id)
    if file_id is None or actor is None:
        raise missing
    with db.read() as conn:
        row = conn.execute(select(files, ledgers.c.key.label("ledger_key"))
                           .join(ledgers, ledgers.c.id == files.c.ledger_id)
                           .where(files.c.id == file_id)).first()
    if row is None:
        raise missing
    if row.entry_id is None:
        if row.uploaded_by != actor.name:
            raise missing
        return row
    try:
        get_entry(db, actor, row.ledger_key, row.entry_id)
    except (NotFound, Forbidden):
        raise missing from None
    return row


def rows_by_id(db: Database, ids: Iterable[str]) -> dict[str, Any]:
    """The rows of these file ids (those that exist), by id: one query for a page or an export."""
    wanted = sorted({i for i in ids if plain_id(i)})
    if not wanted:
        return {}
    out = {}
    with db.read() as conn:
        for start in range(0, len(wanted), 500):
            for row in conn.execute(select(files).where(files.c.id.in_(wanted[start:start + 500]))):
                out[row.id] = row
    return out


class FileName(str):
    """A file's name standing for its id in an exported entry, with where to fetch it."""

    url: str | None = None


def named_files(db: Database, definition, entries: Iterable[dict],
                file_url: Callable[[str], str] | None = None, batch: int = 500) -> Iterator[dict]:
    """`entries` with the ids in their file fields replaced by the files' names (FileName, with
    `url` when `file_url` is given): what an export lists. One query per `batch` entries."""
    fields = [f.key for f in definition.fields if f.type.holds_files]
    if not fields:
        yield from entries
        return
    pending: list[dict] = []
    for entry in entries:
        if not pending and not any(entry["data"].get(k) for k in fields):
            yield entry  # nothing to name and nothing waiting before it: no batch held
            continue
        pending.append(entry)
        if len(pending) >= batch:
            yield from _named(db, fields, pending, file_url)
            pending = []
    yield from _named(db, fields, pending, file_url)


def _named(db: Database, fields: list[str], entries: list[dict], file_url) -> Iterator[dict]:
    ids = [i for e in entries for k in fields for i in (e["data"].get(k) or []) if isinstance(i, str)]
    rows = rows_by_id(db, ids)
    for entry in entries:
        data = dict(entry["data"])
        for k in fields:
            if isinstance(data.get(k), list):
                data[k] = [_name(rows, i, file_url) for i in data[k]]
        yield {**entry, "data": data}


def _name(rows: dict, file_id: Any, file_url) -> Any:
    row = rows.get(file_id)
    if row is None:
        return file_id
    name = FileName(row.name)
    name.url = file_url(file_id) if file_url is not None else None
    return name
