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

from . import envelopes as out
from . import inputs
from .operations import documented


def register(bp: Blueprint, db: Callable[[], Database], json_body: Callable, api_error: type) -> None:
    @documented("归档台帐（需修改台帐定义的权限）：非管理员看不到它（404），管理员只能查看和导出，数据保留",
                returns=out.ArchivedSchema, errors=(401, 403, 404, 409))
    def archive(key: str):
        return jsonify(catalog.archive(db(), g.actor, key))

    @documented("恢复已归档的台帐", returns=out.ArchivedSchema, errors=(401, 403, 404, 409))
    def restore(key: str):
        return jsonify(catalog.restore(db(), g.actor, key))

    @documented("台帐在首页的顺序：{\"keys\": [...]} 列出的在前，其余保持原有相对顺序在后；不存在的标识为 422",
                body=inputs.LedgerOrderSchema, returns=out.LedgerOrderSchema, errors=(400, 401, 403, 413, 415, 422))
    def order():
        body = json_body()
        keys = body.get("keys") if isinstance(body, dict) else None
        return jsonify({"keys": catalog.reorder(db(), g.actor, keys)})

    @documented("由去年的 CSV（UTF-8、GB18030）或 XLSX 推断台帐定义：每列一个字段（标题即表头），"
                "按取值推断类型并说明理由；不保存任何内容", body={"multipart/form-data": inputs.ProposalFormSchema},
                returns=out.LedgerProposalSchema, said="{definition, fields: [{key, title, kind, reason}], rows, warnings}",
                errors=(401, 403, 413, 415, 422))
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
