"""Draft routes of /api/v1 (the `define` permission): what the designer's drafts do, by API.

GET / PUT / DELETE /ledgers/<key>/draft and POST /ledgers/<key>/draft/publish, which
publishes the stored draft like PUT /ledgers/<key> (`?affected=keep|migrate`, `"x-migrate"`
in the body, refused without affected=migrate) and drops it in the same transaction.
"""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, g, jsonify, request

from core.ledgers import drafts
from core.errors import QueryError
from core.db.models import Database
from core.definition.diff import MIGRATE

from . import envelopes as out
from . import inputs
from .operations import documented


def register(bp: Blueprint, db: Callable[[], Database], json_body: Callable) -> None:
    def dump(draft: dict) -> dict:
        return {"key": draft["key"], "document": draft["document"],
                "updated_at": draft["updated_at"].isoformat(), "updated_by": draft["updated_by"],
                "problems": drafts.problems(draft["document"])}

    @documented("台帐定义的草稿（仅管理员）：{key, document, updated_at, updated_by, problems}",
                returns=out.DraftSchema)
    def show(key: str):
        return jsonify(dump(drafts.get_draft(db(), g.actor, key)))

    @documented("保存草稿（请求体即定义；草稿可以有错，problems 列出全部问题）", body=inputs.DefinitionSchema,
                returns=out.DraftSchema, errors=(400, 401, 403, 413, 415))
    def save(key: str):
        return jsonify(dump(drafts.save_draft(db(), g.actor, key, json_body())))

    @documented("放弃草稿", ok=204)
    def discard(key: str):
        if not drafts.delete_draft(db(), g.actor, key):
            drafts.get_draft(db(), g.actor, key)  # the 404 with its message
        return "", 204

    @documented("发布已保存的草稿：台帐不存在时新建，否则保存为新版本（affected、x-migrate 同 PUT /ledgers/{key}）；"
                "发布与删除草稿在同一事务中；定义有误时 422，不做任何修改",
                params=(inputs.PublishParams,), body=inputs.PublishSchema, body_required=False,
                returns=out.PublishedSchema, said="已保存为新版本", also={201: "已新建台帐"},
                errors=(400, 401, 403, 404, 409, 413, 415, 422))
    def publish(key: str):
        drafts.get_draft(db(), g.actor, key)  # no draft: a 404, whatever the body says
        affected = request.args.get("affected", "keep")
        migrate = None
        if request.content_length:
            body = json_body()
            if not isinstance(body, dict):
                raise QueryError("请求体应为对象：{\"x-migrate\": {...}}")
            migrate = body.get(MIGRATE)
        definition, created = drafts.publish(db(), g.actor, key, None, affected, migrate)
        return jsonify({"key": key, "version": definition.version, "created": created}), 201 if created else 200

    bp.add_url_rule("/ledgers/<key>/draft", "draft_show", show, methods=["GET"])
    bp.add_url_rule("/ledgers/<key>/draft", "draft_save", save, methods=["PUT"])
    bp.add_url_rule("/ledgers/<key>/draft", "draft_delete", discard, methods=["DELETE"])
    bp.add_url_rule("/ledgers/<key>/draft/publish", "draft_publish", publish, methods=["POST"])
