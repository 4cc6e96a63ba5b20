"""Attachments on the pages: files chosen in the entry form uploaded as it is saved, names
shown for ids (entry page, history), thumbnails and PDFs through the API's guarded file route."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from adapters import blobs
from core.definition.model import Definition
from core.errors import EntryInvalid
from core.files import records
from core.files.content import FileRefused, runs_in_browser, title
from core.files.links import file_fields

from . import display

UPLOAD_SUFFIX = "__upload"  # the file input beside a file field's kept ids: "<key>__upload"


def db():
    return current_app.extensions["ledger_db"]


def with_uploads(form, definition: Definition, key: str, data: dict) -> dict:
    """`data` with the files chosen in each file input uploaded and their ids added after the
    kept ones; the bound form keeps them too, so a form shown again with errors still has
    them. A refused file is an EntryInvalid at its field (the page shows it there)."""
    fields = file_fields(definition)
    if not fields:
        return data
    data = dict(data)
    for f in fields:
        chosen = [u for u in request.files.getlist(f.key + UPLOAD_SUFFIX) if u and u.filename]
        if not chosen:
            continue
        ids = list(data.get(f.key) or [])
        for upload in chosen:
            try:
                ids.append(records.upload(db(), blobs(), current_user.actor, key, f.key, upload.filename,
                                          upload.stream)["id"])
            except FileRefused as exc:
                form[f.key].data = ids
                raise EntryInvalid([{"field": f.key, "path": f"/{f.key}", "keyword": "x-file",
                                     "message": exc.message}]) from None
        data[f.key] = ids
        form[f.key].data = ids
    return data


def attached_files(ids: Any) -> list[dict]:
    """The files of these ids as the pages show them: name, size, type, who added it when, links."""
    if not isinstance(ids, list):
        return []
    rows = records.rows_by_id(db(), ids)
    out = []
    for file_id in ids:
        row = rows.get(file_id)
        if row is None:
            out.append({"id": file_id, "name": file_id, "missing": True})
            continue
        item = records.shown(row)
        url = url_for("api.files_show", file_id=file_id)
        out.append(item | {"url": url, "size_text": records.megabytes(row.size), "type_title": title(row.type),
                           "image": row.type.startswith("image/") and not runs_in_browser(row.type),
                           "inline": not runs_in_browser(row.type)})
    return out


def named_changes(definition: Definition, revision: dict) -> list[dict]:
    """A revision's changes with file names for file ids (display.changes does the rest)."""
    fields = {f.key for f in file_fields(definition)}
    changes = revision.get("changes") or {}
    touched = [pair for key, pair in changes.items() if key in fields and isinstance(pair, list)]
    if not touched:
        return display.changes(definition, revision)
    ids = [i for pair in touched for side in pair if isinstance(side, list) for i in side]
    rows = records.rows_by_id(db(), ids)

    def names(side):
        return [rows[i].name if i in rows else i for i in side] if isinstance(side, list) else side
    renamed = {key: [names(side) for side in pair] if key in fields and isinstance(pair, list) else pair
               for key, pair in changes.items()}
    return display.changes(definition, {**revision, "changes": renamed})


def register(app: Flask) -> None:
    app.jinja_env.globals.update(attached_files=attached_files, named_changes=named_changes,
                                 file_fields=file_fields, upload_suffix=UPLOAD_SUFFIX)
