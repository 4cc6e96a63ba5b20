"""Removing what no entry holds: uploads never attached, and bytes no file row names.

A file attached to an entry is kept as long as the entry's row is (a deleted entry keeps its
history, so its files stay too). An upload that never reached an entry is removed once it is
older than the grace period, so a form being filled in never loses its files.
"""
from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import delete, select

from core.db.models import Database, entries, files, utcnow
from core.files.storage import Blobs

GRACE = dt.timedelta(hours=24)


def clean(db: Database, blobs: Blobs, grace: dt.timedelta = GRACE) -> dict:
    """Delete unattached uploads older than `grace`, then the bytes no file row names (older
    than `grace` too: an upload being stored writes its bytes before its row). The counts."""
    cutoff = utcnow() - grace
    with db.write() as conn:
        held = select(entries.c.id)
        orphans = conn.execute(delete(files).where(
            files.c.uploaded_at < cutoff,
            files.c.entry_id.is_(None) | files.c.entry_id.not_in(held))).rowcount
    with db.read() as conn:
        named = set(conn.execute(select(files.c.sha256).distinct()).scalars())
    removed = freed = 0
    oldest = time.time() - grace.total_seconds()
    for sha, modified in list(blobs.stored()):
        if sha not in named and modified < oldest:
            freed += blobs.remove(sha)
            removed += 1
    with db.read() as conn:
        kept = len(set(conn.execute(select(files.c.sha256).distinct()).scalars()))
    return {"records": orphans, "blobs": removed, "bytes": freed, "kept": kept}
