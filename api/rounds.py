"""Round (催报) and task routes of /api/v1, registered on the API blueprint by `register`."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, g, jsonify, request, url_for

from core.db.models import Database
from core.rounds import rounds, tasks

from . import inputs
from .operations import IF_MATCH, WRITES, documented

ROUND = (401, 403, 404, 409)


def register(bp: Blueprint, db: Callable[[], Database], json_body: Callable) -> None:
    @documented("开启一轮催报（需修改台帐定义的权限）；台帐须有承办单位字段；字段、日期、筛选有误时 422 并指明字段",
                body=inputs.RoundNewSchema, ok=201, errors=(400, 401, 403, 404, 413, 415, 422))
    def rounds_create(key: str):
        made = rounds.open_round(db(), g.actor, key, json_body())
        response = jsonify(made)
        response.status_code = 201
        response.headers["Location"] = url_for("api.rounds_show", key=key, round_id=made["id"])
        return response

    @documented("台帐的催报轮次（新的在前），带本人可见事项的已报、未报数")
    def rounds_index(key: str):
        return jsonify({"items": rounds.list_rounds(db(), g.actor, key)})

    @documented("一轮催报：按承办单位列出事项（items）及已报（reported）、未报（missing）、逾期报送（late）、已催报次数")
    def rounds_show(key: str, round_id: str):
        return jsonify(rounds.get_round(db(), g.actor, key, round_id))

    @documented("填报一项：数据按台帐的校验、规则、流程、权限与范围写入记录（修改历史来源为 round）；"
                "只能填报本单位的事项（其他为 404）；已结束的轮次 409", params=(IF_MATCH,),
                body=inputs.RoundReportSchema, errors=(*WRITES, 409))
    def rounds_report(key: str, round_id: str, entry_id: str):
        body = json_body()
        version = request.headers.get("If-Match") or (body.get("version") if isinstance(body, dict) else None)
        return jsonify(rounds.report_item(db(), g.actor, key, round_id, entry_id, body, version))

    @documented("结束一轮催报（重复的轮次不再开启下一轮）；已结束时 409", errors=ROUND)
    def rounds_close(key: str, round_id: str):
        return jsonify(rounds.close_round(db(), g.actor, key, round_id))

    @documented("催报：给每个尚有未报事项的单位记一次提醒：{round, units, at}", errors=ROUND)
    def rounds_remind(key: str, round_id: str):
        return jsonify(rounds.remind_missing(db(), g.actor, key, round_id))

    @documented("我的待办：本单位未报的催报事项（rounds）、超期或 7 天内到期的事项（deadlines）、"
                "待本人角色办理的流程步骤（steps），各在台帐的权限范围内", errors=(401,))
    def tasks_index():
        return jsonify(tasks.my_tasks(db(), g.actor))

    bp.add_url_rule("/ledgers/<key>/rounds", "rounds_create", rounds_create, methods=["POST"])
    bp.add_url_rule("/ledgers/<key>/rounds", "rounds_index", rounds_index)
    bp.add_url_rule("/ledgers/<key>/rounds/<round_id>", "rounds_show", rounds_show)
    bp.add_url_rule("/ledgers/<key>/rounds/<round_id>/items/<entry_id>", "rounds_report", rounds_report,
                    methods=["POST"])
    bp.add_url_rule("/ledgers/<key>/rounds/<round_id>/close", "rounds_close", rounds_close, methods=["POST"])
    bp.add_url_rule("/ledgers/<key>/rounds/<round_id>/remind", "rounds_remind", rounds_remind, methods=["POST"])
    bp.add_url_rule("/tasks", "tasks_index", tasks_index)
