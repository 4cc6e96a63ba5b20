"""Login, logout, sessions and roles on the HTML side."""
from __future__ import annotations

from core.access import accounts



def test_pages_need_login(client):
    response = client.get("/ledgers/supervision")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_page_is_chinese_and_protected(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "登录" in response.text and "用户名" in response.text and "密码" in response.text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_login_sets_httponly_samesite_cookie_and_renews_session(client, users, csrf):
    first = csrf(client.get("/login").text)
    response = client.post("/login", data={"name": "editor", "password": "editor-password", "csrf_token": first})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert "editor" in page.text
    assert csrf(page.text) != first  # the pre-login session (and its token) was thrown away


def test_login_failure_does_not_reveal_whether_user_exists(client, users, csrf):
    token = csrf(client.get("/login").text)
    wrong = client.post("/login", data={"name": "editor", "password": "nope-nope", "csrf_token": token})
    unknown = client.post("/login", data={"name": "ghost", "password": "nope-nope", "csrf_token": token})
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.text and "用户名或密码错误" in unknown.text
    assert 'value="ghost"' in unknown.text  # the name typed is kept, the password is not


def test_login_without_csrf_token_is_refused(client, users):
    response = client.post("/login", data={"name": "editor", "password": "editor-password"})
    assert response.status_code == 400
    assert "安全令牌" in response.text and "Traceback" not in response.text


def test_next_redirect_only_to_local_paths(client, users, csrf):
    token = csrf(client.get("/login").text)
    response = client.post("/login?next=/ledgers/repairs",
                           data={"name": "viewer", "password": "viewer-password", "csrf_token": token})
    assert response.headers["Location"] == "/ledgers/repairs"
    client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        token = csrf(client.get("/login").text)
        response = client.post("/login", data={"name": "viewer", "password": "viewer-password",
                                               "csrf_token": token, "next": evil})
        assert response.headers["Location"] == "/", evil
        client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})


def test_logout(login, client, csrf):
    login("editor")
    response = client.post("/logout", data={"csrf_token": csrf(client.get("/").text)})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_english_on_request_and_remembered(login, client):
    login("viewer")
    assert "台帐" in client.get("/").text
    page = client.get("/?lang=en").text
    assert "Ledgers" in page and 'lang="en"' in page
    assert "Sign out" in client.get("/ledgers/supervision").text  # remembered in the session
    assert "退出" in client.get("/?lang=zh").text


def test_users_page_for_admins_only(login, client):
    login("viewer")
    assert client.get("/users").status_code == 403
    assert "用户管理" not in client.get("/").text


def test_users_page_lists_users(login, client):
    login("admin")
    page = client.get("/users")
    assert page.status_code == 200 and "viewer" in page.text and "只读" in page.text
    assert "用户管理" in client.get("/").text


def test_login_page_says_how_to_create_the_first_admin_until_there_is_one(client, db):
    page = client.get("/login").get_data(as_text=True)
    assert "尚无任何用户" in page and "/setup" in page
    assert accounts.setup_code(client.application.config["SECRET_KEY"]) not in page  # no secret on the page
    accounts.create_user(db, "first", "admin", "long-enough")
    assert "尚无任何用户" not in client.get("/login").get_data(as_text=True)
