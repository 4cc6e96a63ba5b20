"""Sessions that end: logout, a password or role change, disabling and token revocation refuse the
old cookie (and tokens) on the next request; idle sessions expire; logins are throttled."""
from __future__ import annotations

import datetime as dt

import pytest

from core import accounts
from core.models import login_attempts

from tests.web.conftest import csrf_from


def still_in(client) -> bool:
    """True when the client's cookie is still a signed-in session (page and API)."""
    page = client.get("/")
    api = client.get("/api/v1/ledgers")
    assert (page.status_code == 200) == (api.status_code == 200), (page.status_code, api.status_code)
    if page.status_code != 200:
        assert page.status_code == 302 and "/login" in page.headers["Location"]
        assert api.status_code == 401
    return page.status_code == 200


def test_signed_in_session_works(login):
    assert still_in(login("editor"))


def test_logout_ends_every_session_of_that_user(app, login, users):
    first = login("editor")
    other = app.test_client()
    token = csrf_from(other.get("/login").text)
    other.post("/login", data={"name": "editor", "password": "editor-password", "csrf_token": token})
    assert still_in(other)
    token = csrf_from(first.get("/").text)
    assert first.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not still_in(other)  # the copy kept elsewhere (another browser, a stolen cookie)


@pytest.mark.parametrize("change", [
    lambda db: accounts.set_password(db, "editor", "another-password"),
    lambda db: accounts.set_role(db, "editor", "viewer"),
    lambda db: accounts.set_active(db, "editor", False),
    lambda db: accounts.revoke_tokens(db, "editor"),
    lambda db: accounts.revoke_token(db, "editor", accounts.list_tokens(db, "editor")[0]["id"]),
], ids=["password", "role", "disable", "revoke-all", "revoke-one"])
def test_account_changes_end_sessions(db, login, tokens, change):
    client = login("editor")
    assert still_in(client)
    change(db)
    assert not still_in(client)


def test_disabled_user_token_refused_and_enable_restores_it(db, client, tokens):
    headers = {"Authorization": f"Bearer {tokens['editor']}"}
    assert client.get("/api/v1/ledgers", headers=headers).status_code == 200
    accounts.set_active(db, "editor", False)
    assert client.get("/api/v1/ledgers", headers=headers).status_code == 401
    accounts.set_active(db, "editor", True)
    assert client.get("/api/v1/ledgers", headers=headers).status_code == 200


def test_revoked_token_refused(db, client, tokens):
    headers = {"Authorization": f"Bearer {tokens['viewer']}"}
    accounts.revoke_token(db, "viewer", accounts.list_tokens(db, "viewer")[0]["id"])
    assert client.get("/api/v1/ledgers", headers=headers).status_code == 401


def test_idle_session_expires(app, login):
    client = login("viewer")
    with client.session_transaction() as session:
        session["seen"] -= 119 * 60
    assert still_in(client)  # within 120 minutes, and the visit renews it
    with client.session_transaction() as session:
        session["seen"] -= 121 * 60
    assert not still_in(client)


def test_idle_minutes_is_configurable(app, login):
    app.config["SESSION_IDLE_MINUTES"] = 5
    client = login("viewer")
    with client.session_transaction() as session:
        session["seen"] -= 6 * 60
    assert not still_in(client)


def attempt(client, name, password, address="10.0.0.1"):
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_throttled_per_account(client, users):
    for _ in range(5):
        assert attempt(client, "editor", "wrong-password").status_code == 401
    blocked = attempt(client, "editor", "editor-password")  # even the right password waits
    assert blocked.status_code == 429
    assert "登录失败次数过多" in blocked.text and int(blocked.headers["Retry-After"]) > 0
    # another account from another address is not affected
    assert attempt(client, "viewer", "viewer-password", "10.0.0.2").status_code == 302


def test_throttle_json_answer(client, users):
    for _ in range(5):
        attempt(client, "editor", "wrong-password")
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"name": "editor", "password": "x", "csrf_token": token},
                           headers={"Accept": "application/json"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 429 and "登录失败次数过多" in response.json["error"]
    assert response.headers["Retry-After"]


def test_throttled_per_address(client, users):
    for i in range(20):
        attempt(client, f"nobody{i}", "wrong-password", "10.9.9.9")
    assert attempt(client, "viewer", "viewer-password", "10.9.9.9").status_code == 429
    assert attempt(client, "viewer", "viewer-password", "10.9.9.8").status_code == 302


def test_success_does_not_reset_another_accounts_failures(app, client, users):
    for _ in range(4):
        attempt(client, "editor", "wrong-password")
    assert attempt(app.test_client(), "viewer", "viewer-password").status_code == 302
    attempt(client, "editor", "wrong-password")
    assert attempt(client, "editor", "editor-password").status_code == 429


def test_own_success_resets_own_failures(app, client, users):
    for _ in range(4):
        attempt(client, "editor", "wrong-password")
    assert attempt(app.test_client(), "editor", "editor-password").status_code == 302
    for _ in range(4):
        assert attempt(client, "editor", "wrong-password").status_code == 401
    assert attempt(app.test_client(), "editor", "editor-password").status_code == 302


def test_window_passes_and_old_attempts_are_purged(db, users):
    long_ago = accounts.utcnow() - dt.timedelta(days=2)
    for _ in range(5):
        accounts.note_login_attempt(db, "editor", "10.0.0.1", False, now=long_ago)
    assert accounts.login_blocked(db, "editor", "10.0.0.1") == 0
    accounts.note_login_attempt(db, "editor", "10.0.0.1", False)
    with db.read() as conn:
        assert conn.execute(login_attempts.select()).all().__len__() == 1
    recent = accounts.utcnow() - dt.timedelta(minutes=10)
    for _ in range(5):
        accounts.note_login_attempt(db, "li", "10.0.0.3", False, now=recent)
    wait = accounts.login_blocked(db, "li", "10.0.0.4")
    assert 0 < wait <= 5 * 60 + 1


@pytest.mark.parametrize("name", ["ed\x00itor", "\x00"])
def test_a_login_name_no_column_can_store_is_a_failed_login_not_a_500(db, client, users, name):
    """The throttle and the audit trail record the name tried; PostgreSQL refuses NUL in text."""
    assert attempt(client, name, "wrong-password").status_code == 401
    with db.read() as conn:
        tried = [r.name for r in conn.execute(login_attempts.select())]
    assert tried and not any("\x00" in n for n in tried)
