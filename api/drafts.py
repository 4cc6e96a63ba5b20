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


def register(bp: Blueprint, db: Callable[[], Database], json_body: Callable) -> None:
    def dump(draft: dict) -> dict:
        return {"key": draft["key"], "document": draft["document"],
                "updated_at": draft["updated_at"].isoformat(), "updated_by": draft["updated_by"],
                "problems": drafts.problems(draft["document"])}

    def show(key: str):
        return jsonify(dump(drafts.get_draft(db(), g.actor, key)))

    def save(key: str):
        return jsonify(dump(drafts.save_draft(db(), g.actor, key, json_body())))

    def discard(key: str):
        if not drafts.delete_draft(db(), g.actor, key):
            drafts.get_draft(db(), g.actor, key)  # the 404 with its message
        return "", 204

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
