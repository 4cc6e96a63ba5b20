"""Catalogue and spreadsheet routes of /api/v1: archive, restore and order ledgers, and propose
a definition from a spreadsheet (registered on the API blueprint by `register`)."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, current_app, g, jsonify, request

from core.ledgers import catalog
from core.ledgers import proposal
from core.access.policy import require
from core.db.models import Database

from adapters import DEFAULT_UPLOAD_LIMIT


def register(bp: Blueprint, db: Callable[[], Database], json_body: Callable, api_error: type) -> None:
    def archive(key: str):
        return jsonify(catalog.archive(db(), g.actor, key))

    def restore(key: str):
        return jsonify(catalog.restore(db(), g.actor, key))

    def order():
        body = json_body()
        keys = body.get("keys") if isinstance(body, dict) else None
        return jsonify({"keys": catalog.reorder(db(), g.actor, keys)})

    def propose():
        require(g.actor, "define")
        data, filename = uploaded_file(api_error)
        found = proposal.propose(filename, data, request.form.get("title"), request.form.get("key"))
        return jsonify(found)

    bp.add_url_rule("/ledgers/<key>/archive", "ledgers_archive", archive, methods=["POST"])
    bp.add_url_rule("/ledgers/<key>/restore", "ledgers_restore", restore, methods=["POST"])
    bp.add_url_rule("/ledgers/order", "ledgers_order", order, methods=["PUT"])
    bp.add_url_rule("/ledger-proposals", "ledger_proposals", propose, methods=["POST"])


def uploaded_file(error: type) -> tuple[bytes, str]:
    """(bytes, file name) of the multipart field `file`: 413 past the upload limit, 415 when the
    request is not multipart, 422 when no file was sent."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_UPLOAD_LIMIT
    if (request.content_length or 0) > limit:
        raise error(413, f"文件过大（上限 {limit // (1024 * 1024)} MB）")
    if request.mimetype != "multipart/form-data":
        raise error(415, "请以 multipart/form-data 上传文件（字段名 file）")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise error(422, "请选择要上传的 CSV 或 XLSX 文件（字段名 file）")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise error(413, f"文件过大（上限 {limit // (1024 * 1024)} MB）")
    return data, upload.filename
