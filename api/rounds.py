"""Round (催报) and task routes of /api/v1, registered on the API blueprint by `register`."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, g, jsonify, request, url_for

from core.db.models import Database
from core.rounds import rounds, tasks


def register(bp: Blueprint, db: Callable[[], Database], json_body: Callable) -> None:
    def create(key: str):
        made = rounds.open_round(db(), g.actor, key, json_body())
        response = jsonify(made)
        response.status_code = 201
        response.headers["Location"] = url_for("api.rounds_show", key=key, round_id=made["id"])
        return response

    def report(key: str, round_id: str, entry_id: str):
        body = json_body()
        version = request.headers.get("If-Match") or (body.get("version") if isinstance(body, dict) else None)
        return jsonify(rounds.report_item(db(), g.actor, key, round_id, entry_id, body, version))

    bp.add_url_rule("/ledgers/<key>/rounds", "rounds_create", create, methods=["POST"])
    bp.add_url_rule("/ledgers/<key>/rounds", "rounds_index",
                    lambda key: jsonify({"items": rounds.list_rounds(db(), g.actor, key)}))
    bp.add_url_rule("/ledgers/<key>/rounds/<round_id>", "rounds_show",
                    lambda key, round_id: jsonify(rounds.get_round(db(), g.actor, key, round_id)))
    bp.add_url_rule("/ledgers/<key>/rounds/<round_id>/items/<entry_id>", "rounds_report", report,
                    methods=["POST"])
    bp.add_url_rule("/ledgers/<key>/rounds/<round_id>/close", "rounds_close",
                    lambda key, round_id: jsonify(rounds.close_round(db(), g.actor, key, round_id)),
                    methods=["POST"])
    bp.add_url_rule("/ledgers/<key>/rounds/<round_id>/remind", "rounds_remind",
                    lambda key, round_id: jsonify(rounds.remind_missing(db(), g.actor, key, round_id)),
                    methods=["POST"])
    bp.add_url_rule("/tasks", "tasks_index", lambda: jsonify(tasks.my_tasks(db(), g.actor)))
