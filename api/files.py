"""File routes of /api/v1: upload one file for a ledger's field, serve a file, a ledger's ZIP.

Thin over core/files: the headers are this module's part. Every file is sent with
`X-Content-Type-Options: nosniff`; only the types a browser shows without running anything
(PDF, plain images, plain text) are `inline`, everything else is an `attachment`.
"""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, Response, current_app, g, jsonify, request, send_file

from core.db.models import Database
from core.errors import NotFound
from core.files import archive, records
from core.files.content import runs_in_browser

from adapters import blobs, disposition, spooled

from . import envelopes as out
from . import inputs
from .operations import READS, documented


def register(bp: Blueprint, api_error: type, db: Callable[[], Database]) -> None:
    """Add the routes to the API blueprint; `api_error(status, message)` and `db()` come from it."""
    @documented("上传一个附件文件：按所属台帐字段（x-file）的类型、大小限制检查，类型按内容判断、不看文件名；"
                "413 超过该字段的大小上限，415 该字段不接受此类型或扩展名与内容不符，422 空文件",
                body={"multipart/form-data": inputs.FileFormSchema}, ok=201, returns=out.FileSchema,
                said="已保存；在记录的附件字段中填入 id 即附加到记录",
                errors=(400, 401, 403, 404, 413, 415, 422))
    def create_view():
        return files_create(db(), api_error)

    @documented("下载附件：仅上传者（尚未附加到记录时）或可查看持有它的记录者可见，其他人 404；"
                "PDF 与普通图片 inline，其他类型一律 attachment；总是 nosniff",
                returns="application/octet-stream", errors=(401, 404))
    def show_view(file_id: str):
        return files_show(db(), file_id)

    @documented("台帐全部附件（可导出的记录）的 ZIP：记录编号/字段标题/文件名", returns="application/zip",
                errors=READS)
    def zip_view(key: str):
        return files_zip(db(), key)

    bp.add_url_rule("/files", "files_create", create_view, methods=["POST"])
    bp.add_url_rule("/files/<file_id>", "files_show", show_view)
    bp.add_url_rule("/ledgers/<key>/files.zip", "files_zip", zip_view)


def files_create(database: Database, api_error):
    """multipart: `file` (one), `ledger`, `field` → 201 {id, name, size, type, sha256}."""
    if request.mimetype != "multipart/form-data":
        raise api_error(415, "请以 multipart/form-data 上传文件（字段名 file，另附 ledger 与 field）")
    parts = request.files.getlist("file")
    if len(request.files) != 1 or len(parts) != 1:
        raise api_error(400, "每次上传一个文件（表单字段 file）")
    upload = parts[0]
    body = records.upload(database, blobs(), g.actor, request.form.get("ledger"), request.form.get("field"),
                          upload.filename, upload.stream)
    response = jsonify(body)
    response.status_code = 201
    return response


def files_show(database: Database, file_id: str):
    row = records.readable_file(database, g.actor, file_id)
    if not blobs().exists(row.sha256):  # the folder was not restored with the database
        current_app.logger.error("attachment %s: bytes %s missing from the file store", row.id, row.sha256)
        raise NotFound("文件内容缺失，请联系管理员从备份恢复附件目录")
    response = send_file(blobs().path(row.sha256), mimetype=row.type, conditional=True, etag=row.sha256,
                         max_age=0)
    return guarded_headers(response, row.name, row.type)


def guarded_headers(response: Response, name: str, media: str) -> Response:
    """What keeps a served file from running: nosniff, attachment for what a browser would run,
    and a sandbox for anything but a PDF (which the browser's own viewer opens)."""
    response.headers["Content-Disposition"] = disposition(name, inline=not runs_in_browser(media))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    if media != "application/pdf":
        response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def files_zip(database: Database, key: str):
    """Every file of the entries the caller may export, by entry, in one ZIP (written to disk first)."""
    (definition, _count), response = spooled(
        lambda handle: archive.write_zip(database, blobs(), g.actor, key, handle), "application/zip")
    response.headers["Content-Disposition"] = disposition(archive.zip_name(definition))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
