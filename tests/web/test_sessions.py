"""Sessions that end: logout, a password or role change, disabling and token revocation refuse the
old cookie (and tokens) on the next request; idle sessions expire; logins are throttled."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from app import create_app
from core.access import accounts
from core.access import throttle
from core.db.models import login_attempts

from tests.concurrent import failures, together
from tests.conftest import APP_CONFIG
from tests.web.conftest import arrivals, csrf_from
from web import auth


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


def test_failures_for_made_up_names_lock_no_real_user_out(client, users):
    """Behind a proxy every request has one address: twenty failures for names that are no
    account, from that address, lock out nobody but those names."""
    for i in range(25):
        assert attempt(client, f"nobody{i}", "wrong-password", "127.0.0.1").status_code == 401
    for _ in range(5):
        attempt(client, "nobody", "wrong-password", "127.0.0.1")
    assert attempt(client, "nobody", "wrong-password", "127.0.0.1").status_code == 429
    assert attempt(client, "viewer", "viewer-password", "127.0.0.1").status_code == 302


def test_one_address_cannot_lock_an_account_out_elsewhere(client, users):
    for _ in range(5):
        attempt(client, "editor", "wrong-password", "10.6.6.6")
    assert attempt(client, "editor", "editor-password", "10.6.6.6").status_code == 429
    assert attempt(client, "editor", "editor-password", "10.0.0.2").status_code == 302


def test_many_addresses_lock_an_account_out_except_where_it_signed_in(app, client, users):
    assert attempt(app.test_client(), "editor", "editor-password", "10.0.0.5").status_code == 302
    for address in ("10.6.6.1", "10.6.6.2"):
        for _ in range(5):
            attempt(client, "editor", "wrong-password", address)
    assert attempt(client, "editor", "editor-password", "10.0.0.7").status_code == 429
    assert attempt(app.test_client(), "editor", "editor-password", "10.0.0.5").status_code == 302


def test_parallel_wrong_passwords_get_exactly_the_limit_evaluated(both_app, monkeypatch):
    """32 wrong passwords at once for one account from one address: 5 are checked, 27 wait (the
    attempt is counted before its password is checked, in one transaction per name)."""
    db = both_app.extensions["ledger_db"]
    accounts.create_user(db, "editor", "editor", "editor-password")
    pages = []
    for _ in range(32):
        client = both_app.test_client()
        pages.append((client, csrf_from(client.get("/login").text)))
    arrive, turned_away = arrivals(32)
    authenticate, refuse = accounts.authenticate, auth.too_many_attempts
    monkeypatch.setattr(accounts, "authenticate", lambda *a: (arrive(), authenticate(*a))[1])
    monkeypatch.setattr(auth, "too_many_attempts", lambda wait: (turned_away(), refuse(wait))[1])

    def post(client, token):
        return lambda: client.post("/login", data={"name": "editor", "password": "wrong-password",
                                                   "csrf_token": token},
                                   environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code

    statuses = together([post(c, t) for c, t in pages])
    assert not failures(statuses), failures(statuses)
    assert sorted(statuses) == [401] * 5 + [429] * 27
    with db.read() as conn:
        assert len(conn.execute(login_attempts.select()).all()) == 5


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
        throttle.note_login_attempt(db, "editor", "10.0.0.1", False, now=long_ago)
    assert throttle.login_blocked(db, "editor", "10.0.0.1") == 0
    throttle.note_login_attempt(db, "editor", "10.0.0.1", False)
    with db.read() as conn:
        assert conn.execute(login_attempts.select()).all().__len__() == 1
    recent = accounts.utcnow() - dt.timedelta(minutes=10)
    for _ in range(5):
        throttle.note_login_attempt(db, "li", "10.0.0.3", False, now=recent)
    assert 0 < throttle.login_blocked(db, "li", "10.0.0.3") <= 5 * 60 + 1
    assert throttle.login_blocked(db, "li", "10.0.0.4") == 0  # one address locks only itself out
    for _ in range(5):
        throttle.note_login_attempt(db, "li", "10.0.0.5", False, now=recent)
    assert 0 < throttle.login_blocked(db, "li", "10.0.0.4") <= 5 * 60 + 1


@pytest.mark.parametrize("name", ["ed\x00itor", "\x00"])
def test_a_login_name_no_column_can_store_is_a_failed_login_not_a_500(db, client, users, name):
    """The throttle and the audit trail record the name tried; PostgreSQL refuses NUL in text."""
    assert attempt(client, name, "wrong-password").status_code == 401
    with db.read() as conn:
        tried = [r.name for r in conn.execute(login_attempts.select())]
    assert tried and not any("\x00" in n for n in tried)


def proxied(client, name, password, client_address, remote="127.0.0.1"):
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token},
                       headers={"X-Forwarded-For": client_address}, environ_base={"REMOTE_ADDR": remote})


def test_forwarded_addresses_are_ignored_unless_the_proxy_is_trusted(client, users):
    """By default X-Forwarded-For is the client's own word: changing it escapes nothing."""
    for i in range(5):
        proxied(client, "editor", "wrong-password", f"198.51.100.{i}")
    assert proxied(client, "editor", "editor-password", "198.51.100.99").status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_address(database_url, tmp_path):
    app = create_app({**APP_CONFIG, "DATABASE_URL": database_url, "TRUSTED_PROXIES": "127.0.0.1, 10.1.0.0/16"})
    app.instance_path = str(tmp_path / "instance")
    db = app.extensions["ledger_db"]
    try:
        accounts.create_user(db, "editor", "editor", "editor-password")
        client = app.test_client()
        for _ in range(5):
            proxied(client, "editor", "wrong-password", "203.0.113.5")
        assert proxied(client, "editor", "editor-password", "203.0.113.5").status_code == 429
        assert proxied(app.test_client(), "editor", "editor-password", "203.0.113.6",
                       remote="10.1.2.3").status_code == 302
        with db.read() as conn:
            addresses = {r.address for r in conn.execute(login_attempts.select())}
        assert addresses == {"203.0.113.5", "203.0.113.6"}
        # a machine that is not a configured proxy is not believed
        for _ in range(5):
            proxied(client, "viewer", "wrong-password", "203.0.113.7", remote="10.9.0.1")
        with db.read() as conn:
            assert {r.address for r in conn.execute(login_attempts.select()
                                                    .where(login_attempts.c.name == "viewer"))} == {"10.9.0.1"}
    finally:
        db.dispose()


def test_a_bad_trusted_proxies_setting_is_named(database_url):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app({**APP_CONFIG, "DATABASE_URL": database_url, "TRUSTED_PROXIES": "proxy.local"})


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
           "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


@pytest.mark.parametrize("download", ["/api/v1/ledgers/supervision/export.xlsx?unit=区住建局",
                                      "/api/v1/ledgers/supervision/template.csv"])
def test_an_expired_session_clicking_a_download_goes_to_login_and_back(app, login, download):
    """导出 and 模板 on a page whose session expired: the login page, then the page the link was
    on; never raw JSON in the browser."""
    client = login("admin")
    with client.session_transaction() as session:
        session["seen"] -= 3 * 3600
    page = "/ledgers/supervision?unit=%E5%8C%BA%E4%BD%8F%E5%BB%BA%E5%B1%80"
    response = client.get(download, headers={**BROWSER, "Referer": f"http://localhost{page}"})
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/login" and parse_qs(target.query)["next"] == [page]
    assert "请先登录" in client.get("/login").text
    # without a page to return to (typed in, or from elsewhere): back to the download itself
    response = client.get(download, headers={**BROWSER, "Referer": "http://evil.example/x"})
    assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == [unquote(download)]
    token = csrf_from(client.get("/login").text)
    signed_in = client.post("/login", data={"name": "admin", "password": "admin-password", "csrf_token": token,
                                            "next": unquote(download)})
    assert signed_in.status_code == 302 and unquote(signed_in.headers["Location"]).endswith(unquote(download))
    assert client.get(download, headers=BROWSER).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Accept": "*/*"}, {"Accept": "application/json"},
                                     {**BROWSER, "Sec-Fetch-Mode": "cors"},
                                     {**BROWSER, "Authorization": "Bearer wrong"}])
def test_api_clients_keep_their_json_401(client, users, headers):
    response = client.get("/api/v1/ledgers/supervision/export.csv", headers=headers)
    assert response.status_code == 401 and response.is_json and response.json["error"]
