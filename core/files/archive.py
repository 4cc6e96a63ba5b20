"""A ledger's files as one ZIP, guarded like an export: the entries the caller may export.

Paths inside are built from the entry's number, the field's title and the file's name, each
made safe (no separators, no `..`, no control characters), so unpacking never leaves its folder.
Names are stored in UTF-8 (the ZIP's language flag), so Chinese names read right.
"""
from __future__ import annotations

import re
import zipfile
from typing import IO, Any

from core.access import audit
from core.access.policy import Actor
from core.db.models import Database
from core.definition.model import Definition
from core.entries.query import iter_entries
from core.files.links import file_fields
from core.files.records import rows_by_id
from core.files.storage import Blobs
from core.settings import local_today

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u202a-\u202e\u2066-\u2069]')
BATCH = 500
COMPRESSIBLE = frozenset({"application/xml", "image/svg+xml", "image/bmp", "image/tiff", "application/msword",
                          "application/vnd.ms-excel", "application/octet-stream"})


def safe_part(text: Any, fallback: str = "_") -> str:
    """One path component: unsafe characters become _, no leading dots or spaces, at most 120 characters."""
    part = _UNSAFE.sub("_", str(text)).strip().lstrip(".").strip()
    return part[:120] or fallback


def write_zip(db: Database, blobs: Blobs, actor: Actor, key: str, out: IO[bytes]) -> tuple[Definition, int]:
    """Write the files of the current file fields of every entry `actor` may export to `out`;
    (definition, number of files). Recorded in the audit trail as an export."""
    definition, entries = iter_entries(db, actor, key, action="export")
    fields = file_fields(definition)
    count, taken = 0, set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        pending: list[dict] = []
        for entry in entries:
            pending.append(entry)
            if len(pending) >= BATCH:
                count += _write_batch(db, blobs, zf, fields, pending, taken)
                pending = []
        count += _write_batch(db, blobs, zf, fields, pending, taken)
    audit.record(db, actor, "export", key, filters={"format": "zip"}, rows=count)
    return definition, count


def _write_batch(db: Database, blobs: Blobs, zf: zipfile.ZipFile, fields: list, entries: list[dict],
                 taken: set[str]) -> int:
    ids = [i for e in entries for f in fields for i in (e["data"].get(f.key) or [])]
    rows = rows_by_id(db, ids)
    count = 0
    for entry in entries:
        folder = safe_part(entry.get("number") or entry["id"])
        for f in fields:
            for file_id in entry["data"].get(f.key) or []:
                row = rows.get(file_id)
                if row is None or not blobs.exists(row.sha256):
                    continue
                path = _unique(f"{folder}/{safe_part(f.title)}/{safe_part(row.name, '未命名文件')}", taken)
                packed = zipfile.ZIP_DEFLATED if row.type in COMPRESSIBLE or row.type.startswith("text/") \
                    else zipfile.ZIP_STORED  # PDFs, pictures and Office files are compressed already
                zf.write(blobs.path(row.sha256), path, compress_type=packed)
                count += 1
    return count


def _unique(path: str, taken: set[str]) -> str:
    """`path`, or `path` with (2), (3)… before its extension when an entry holds two of one name."""
    candidate, n = path, 2
    stem, dot, ext = path.rpartition(".")
    while candidate in taken:
        candidate = f"{stem}({n}).{ext}" if dot and "/" not in ext else f"{path}({n})"
        n += 1
    taken.add(candidate)
    return candidate


def zip_name(definition: Definition) -> str:
    safe = safe_part(definition.title, definition.key)
    return f"{safe}-附件-{local_today():%Y%m%d}.zip"
