"""The contract's CLI: users, tokens, loading definitions, sample data; errors as one clean message."""
import json

import pytest

import demo
from core.access import accounts
from core.entries import store
from core.errors import LedgerError
from core.entries.query import list_entries
from core.access.policy import SYSTEM
from tests.conftest import SERVER_PASSWORD_METHOD
from tests.core.conftest import SMALL


def test_init_tells_how_to_create_the_first_admin(runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0
    assert "5 个台帐" in result.output and "users create admin --role admin" in result.output


def test_create_user_and_token_then_use_the_api(runner, client):
    assert runner.invoke(args=["users", "create", "wang", "--role", "editor", "--password", "s3cret-pass"]).exit_code == 0
    result = runner.invoke(args=["users", "token", "wang"])
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("lt_")
    response = client.get("/api/v1/ledgers", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_password_is_stored_hashed(runner, db, monkeypatch):
    assert SERVER_PASSWORD_METHOD == "scrypt"  # the suite's cheap hashing is the suite's alone
    monkeypatch.setattr(accounts, "PASSWORD_METHOD", SERVER_PASSWORD_METHOD)
    runner.invoke(args=["users", "create", "li", "--role", "viewer", "--password", "plain-text-pw"])
    users = accounts.list_users(db)
    assert users[0]["name"] == "li"
    assert accounts.authenticate(db, "li", "plain-text-pw").role == "viewer"
    assert accounts.authenticate(db, "li", "wrong-password") is None
    with db.read() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar_one()
    assert "plain-text-pw" not in stored and stored.startswith("scrypt:")


def test_user_errors_are_clean_messages(runner):
    runner.invoke(args=["users", "create", "zhao", "--role", "admin", "--password", "long-enough"])
    duplicate = runner.invoke(args=["users", "create", "zhao", "--role", "admin", "--password", "long-enough"])
    assert duplicate.exit_code == 1 and "已存在" in duplicate.output
    short = runner.invoke(args=["users", "create", "qian", "--role", "admin", "--password", "short"])
    assert short.exit_code == 1 and "至少需要 8 个字符" in short.output
    unknown = runner.invoke(args=["users", "token", "nobody"])
    assert unknown.exit_code == 1 and "不存在" in unknown.output
    bad_role = runner.invoke(args=["users", "create", "sun", "--role", "boss", "--password", "long-enough"])
    assert bad_role.exit_code == 2


def test_revoked_tokens_stop_working(runner, client):
    runner.invoke(args=["users", "create", "zhou", "--role", "viewer", "--password", "long-enough"])
    token = runner.invoke(args=["users", "token", "zhou"]).output.strip()
    runner.invoke(args=["users", "revoke-tokens", "zhou"])
    assert client.get("/api/v1/ledgers", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_ledgers_load_a_file_and_a_new_version(runner, tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL, ensure_ascii=False), "utf-8")
    first = runner.invoke(args=["ledgers", "load", str(path)])
    assert first.exit_code == 0 and "small: 第 1 版" in first.output
    SMALL_V2 = {**SMALL, "title": "测试台帐（新）"}
    path.write_text(json.dumps(SMALL_V2, ensure_ascii=False), "utf-8")
    assert "small: 第 2 版" in runner.invoke(args=["ledgers", "load", str(path)]).output
    assert "测试台帐（新）" in runner.invoke(args=["ledgers", "list"]).output


def test_ledgers_load_refuses_a_bad_file_with_the_reason(runner, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": ', "utf-8")
    result = runner.invoke(args=["ledgers", "load", str(broken)])
    assert result.exit_code == 1 and "不是有效的 UTF-8 JSON" in result.output
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(json.dumps(SMALL, ensure_ascii=False).encode("gbk"))
    assert runner.invoke(args=["ledgers", "load", str(gbk)]).exit_code == 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**SMALL, "required": ["ghost"]}), "utf-8")
    result = runner.invoke(args=["ledgers", "load", str(bad)])
    assert result.exit_code == 1 and "/required" in result.output and "ghost" in result.output


def test_demo_fills_every_shipped_ledger(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    plans = list_entries(db, SYSTEM, "emergency_plans", {"level": "区级专项", "status": "已印发", "_size": "100"})
    assert plans["total"] == 11
    overall = list_entries(db, SYSTEM, "emergency_plans", {"level": "区级总体"})
    assert overall["total"] == 1
    for key in ("supervision", "fixed_assets", "repairs", "receptions"):
        assert list_entries(db, SYSTEM, key)["total"] > 10
    cars = list_entries(db, SYSTEM, "fixed_assets", {"asset_class": "车辆"})
    assert cars["total"] == 17
    past = list_entries(db, SYSTEM, "supervision", {"deadline__lt": "2026-11-25", "status__ne": "已办结"})
    future = list_entries(db, SYSTEM, "supervision", {"deadline__gt": "2026-11-25"})
    assert past["total"] > 0 and future["total"] > 0


@pytest.mark.parametrize("name", ["wang\n", "wang\r", "wang li", "", "a" * 65])
def test_a_user_name_must_match_whole(db, name):
    with pytest.raises(LedgerError, match="用户名"):
        accounts.create_user(db, name, "editor", "long-enough-password")
def test_demo_twice_adds_nothing_and_says_so(runner, db):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    counts = {key: list_entries(db, SYSTEM, key)["total"] for key in demo.LEDGER_KEYS}
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert {key: list_entries(db, SYSTEM, key)["total"] for key in demo.LEDGER_KEYS} == counts
    assert second.output.count("跳过") == len(demo.LEDGER_KEYS)


def test_demo_fills_only_the_empty_ledgers(runner, db):
    store.create_entry(db, SYSTEM, "repairs", demo.demo_entries("repairs")[0])
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "repairs: 已有 1 条记录，跳过" in result.output
    assert list_entries(db, SYSTEM, "repairs")["total"] == 1
    assert list_entries(db, SYSTEM, "supervision")["total"] > 10


def test_users_disable_enable_password_token(runner, db):
    runner.invoke(args=["users", "create", "qian", "--role", "editor", "--password", "first-password"])
    token = runner.invoke(args=["users", "token", "qian"]).output.strip()
    assert accounts.actor_for_token(db, token).name == "qian"
    result = runner.invoke(args=["users", "disable", "qian"])
    assert result.exit_code == 0 and "已停用" in result.output
    assert accounts.actor_for_token(db, token) is None
    assert accounts.authenticate(db, "qian", "first-password") is None
    assert runner.invoke(args=["users", "enable", "qian"]).exit_code == 0
    assert accounts.actor_for_token(db, token).name == "qian"
    assert runner.invoke(args=["users", "password", "qian", "--password", "second-password"]).exit_code == 0
    assert accounts.authenticate(db, "qian", "second-password").name == "qian"
    missing = runner.invoke(args=["users", "disable", "nobody"])
    assert missing.exit_code == 1 and "不存在" in missing.output
