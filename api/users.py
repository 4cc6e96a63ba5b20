"""User routes of /api/v1 (admins only): list, create, show, and PATCH role, unit, active, password."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, g, jsonify

from core.access import accounts
from core.access.policy import require
from core.errors import LedgerError
from core.db.models import Database

from . import envelopes as out
from . import inputs
from .operations import documented


def register(bp: Blueprint, db: Callable[[], Database], json_body: Callable) -> None:
    @documented("用户列表（仅管理员）", returns=out.UsersSchema, errors=(401, 403))
    def index():
        require(g.actor, "manage_users")
        return jsonify({"items": [dump(user) for user in accounts.list_users(db())]})

    @documented("新建用户（仅管理员）", body=inputs.UserNewSchema, ok=201, returns=out.UserSchema,
                errors=(400, 401, 403, 409, 415, 422),
                links={"showUser": {"name": "$response.body#/name"}, "updateUser": {"name": "$response.body#/name"}})
    def create():
        require(g.actor, "manage_users")
        body = json_body()
        if not isinstance(body, dict):
            raise accounts.AccountInvalid("请求体应为对象：{name, role, password, unit}")
        unknown = [key for key in body if key not in ("name", "role", "password", "unit")]
        if unknown:
            raise accounts.AccountInvalid("用户信息有误", errors=[
                {"field": key, "message": "不能设置此字段"} for key in unknown])
        values = {key: body.get(key) for key in ("name", "role", "password")}
        if not all(isinstance(value, str) for value in values.values()):
            raise accounts.AccountInvalid("name、role、password 均为必填的字符串")
        unit = body.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise accounts.AccountInvalid("用户信息有误", errors=[
                {"field": "unit", "message": "应为单位标识（字符串）或 null"}])
        accounts.create_user(db(), **values, unit=unit or None, by=g.actor)
        response = jsonify(dump(accounts.get_user_by_name(db(), values["name"])))
        response.status_code = 201
        return response

    @documented("一个用户（仅管理员）", name="showUser", returns=out.UserSchema)
    def show(name: str):
        require(g.actor, "manage_users")
        return jsonify(dump(accounts.get_user_by_name(db(), name)))

    @documented("修改角色、单位、启用状态或密码（仅管理员）；其会话随即失效", name="updateUser",
                body=inputs.UserPatchSchema, returns=out.UserSchema, errors=(400, 401, 403, 404, 409, 415, 422))
    def patch(name: str):
        require(g.actor, "manage_users")
        return jsonify(dump(accounts.update_user(db(), name, json_body(), g.actor)))

    bp.add_url_rule("/users", "users_index", index, methods=["GET"])
    bp.add_url_rule("/users", "users_create", create, methods=["POST"])
    bp.add_url_rule("/users/<name>", "users_show", show, methods=["GET"])
    bp.add_url_rule("/users/<name>", "users_update", patch, methods=["PATCH"])


def dump(user: dict) -> dict:
    """A user as JSON: never the password hash; the unit by key and title; times as ISO 8601."""
    out = {key: user[key] for key in ("id", "name", "role", "unit", "unit_title", "active")}
    for key in ("created_at", "last_login_at"):
        out[key] = user[key].isoformat() if user.get(key) else None
    return out


__all__ = ["register", "LedgerError"]
