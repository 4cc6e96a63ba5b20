"""First start without a command: /setup creates the first administrator, with the printed code
or from the server's own machine, once; then it is a 404."""
from __future__ import annotations

import re

import pytest

from app import create_app
from core.access import accounts
from core.db import bootstrap
from tests.concurrent import failures, together
from tests.conftest import APP_CONFIG
from tests.web.conftest import arrivals, csrf_from

REMOTE = {"REMOTE_ADDR": "192.168.1.20"}


def code(app) -> str:
    return accounts.setup_code(app.config["SECRET_KEY"])


def submit(client, url, environ=REMOTE, **fields):
    page = client.get(url, environ_base=environ)
    assert page.status_code == 200, page.status_code
    data = {"name": "chief", "password": "chief-password", "confirm": "chief-password",
            "csrf_token": csrf_from(page.text), **fields}
    if "code=" in url:
        data.setdefault("code", url.split("code=")[1])
    return client.post("/setup", data=data, environ_base=environ)


def test_console_hint_names_the_setup_address(app, runner, monkeypatch):
    """One address, whole, ready to paste: the real host and port, printed once."""
    for name in ("HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(args=["init"])
    assert result.output.count("/setup?code=") == 1
    assert f"  http://127.0.0.1:8000/setup?code={code(app)}\n" in result.output
    assert "<" not in result.output and "‹" not in result.output
    result = runner.invoke(args=["init", "--url", "http://10.0.0.5:8080"])
    assert f"  http://10.0.0.5:8080/setup?code={code(app)}\n" in result.output
    monkeypatch.setenv("PORT", "9000")
    assert "http://127.0.0.1:9000/setup?code=x" in bootstrap.first_admin_hint("x")
    assert "至少8个字符的密码" in bootstrap.first_admin_hint("x")


@pytest.mark.parametrize("hint", [True, False])
def test_a_started_server_logs_the_address_unless_told_not_to(database_url, tmp_path, caplog, hint):
    """A server started by hand logs the set-up address; run.py serve's workers (SETUP_HINT=0)
    leave it to `flask init`, which printed it already."""
    with caplog.at_level("WARNING"):
        app = create_app({**APP_CONFIG, "TESTING": False, "DATABASE_URL": database_url, "SETUP_HINT": hint})
    app.extensions["ledger_db"].dispose()
    logged = [r.getMessage() for r in caplog.records if "/setup?code=" in r.getMessage()]
    assert len(logged) == (1 if hint else 0)


def test_with_the_code_from_another_machine_once(app, client, db):
    url = f"/setup?code={code(app)}"
    response = submit(client, url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert accounts.authenticate(db, "chief", "chief-password").role == "admin"
    assert client.get(url, environ_base=REMOTE).status_code == 404  # used: gone
    token = csrf_from(client.get("/login", environ_base=REMOTE).text)
    assert client.post("/setup", data={"code": code(app), "name": "evil", "password": "evil-password",
                                       "confirm": "evil-password", "csrf_token": token},
                       environ_base=REMOTE).status_code == 404
    assert accounts.user_count(db) == 1


def test_without_or_with_a_wrong_code_from_another_machine_is_404(app, client):
    assert client.get("/setup", environ_base=REMOTE).status_code == 404
    assert client.get("/setup?code=wrong", environ_base=REMOTE).status_code == 404
    # a request forwarded by a proxy on this machine is not "local"
    assert client.get("/setup", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404


def test_from_the_server_itself_without_code(client, db):
    local = {"REMOTE_ADDR": "127.0.0.1"}
    response = submit(client, "/setup", environ=local)
    assert response.status_code == 302
    assert accounts.authenticate(db, "chief", "chief-password").role == "admin"
    assert client.get("/setup", environ_base=local).status_code == 404
    assert client.get("/setup", environ_base={"REMOTE_ADDR": "::1"}).status_code == 404


def test_errors_in_chinese_and_nothing_created(app, client, db):
    url = f"/setup?code={code(app)}"
    mismatch = submit(client, url, confirm="other-password")
    assert mismatch.status_code == 400 and "两次输入的密码不一致" in mismatch.text
    short = submit(client, url, password="short", confirm="short")
    assert short.status_code == 400 and "密码至少需要 8 个字符" in short.text
    assert accounts.user_count(db) == 0


def test_every_error_at_once_each_at_its_field(app, client, db):
    page = submit(client, f"/setup?code={code(app)}", name="bad name!", password="short", confirm="other")
    assert page.status_code == 400
    for message in ("用户名应为 1-64 个字母", "密码至少需要 8 个字符", "两次输入的密码不一致"):
        assert message in page.text
    for field in ("name", "password", "confirm"):
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page.text), field
    assert accounts.user_count(db) == 0


def test_setup_needs_csrf(app, client, db):
    response = client.post("/setup", data={"code": code(app), "name": "chief", "password": "chief-password",
                                           "confirm": "chief-password"}, environ_base=REMOTE)
    assert response.status_code == 400 and accounts.user_count(db) == 0


def test_404_once_there_are_users(client, users):
    assert client.get("/setup").status_code == 404


def test_eight_at_once_make_exactly_one_administrator(both_app, monkeypatch):
    """Eight browsers post the set-up form at the same moment: one administrator, one 302, and
    the others a 404 (the check that there are no users yet is inside the write)."""
    db = both_app.extensions["ledger_db"]
    url = f"/setup?code={code(both_app)}"
    pages = []
    for i in range(8):
        client = both_app.test_client()
        pages.append((client, csrf_from(client.get(url, environ_base=REMOTE).text)))
    arrive, _ = arrivals(8)
    hash_password = accounts._hash
    monkeypatch.setattr(accounts, "_hash", lambda password: (arrive(), hash_password(password))[1])

    def post(i, client, token):
        return lambda: client.post("/setup", data={
            "code": code(both_app), "name": f"chief{i}", "password": "chief-password",
            "confirm": "chief-password", "csrf_token": token}, environ_base=REMOTE).status_code

    statuses = together([post(i, c, t) for i, (c, t) in enumerate(pages)])
    assert not failures(statuses), failures(statuses)
    assert sorted(statuses) == [302] + [404] * 7
    assert accounts.user_count(db) == 1
