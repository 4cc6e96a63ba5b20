"""Accounts in the browser: admins list, create, change role, reset password, disable/enable users
and list, issue and revoke API tokens; every form carries CSRF; others get 403."""
from __future__ import annotations

import pytest

from core.access import accounts
from tests.web.conftest import csrf_from


def test_list_shows_users_and_last_login(login, client):
    login("admin")
    page = client.get("/users")
    assert page.status_code == 200 and "viewer" in page.text and "只读" in page.text
    assert "从未登录" in page.text  # the editor has never signed in
    assert 'name="csrf_token"' in page.text


@pytest.mark.parametrize("role", ["editor", "viewer"])
@pytest.mark.parametrize("method,path", [
    ("get", "/users"), ("post", "/users"), ("get", "/users/admin"), ("post", "/users/admin/role"), ("post", "/users/admin/unit"),
    ("post", "/users/admin/password"), ("post", "/users/admin/active"), ("post", "/users/admin/tokens"),
    ("post", "/users/admin/tokens/1/revoke")])
def test_non_admins_get_403(login, client, role, method, path):
    login(role)
    token = csrf_from(client.get("/").text)
    response = getattr(client, method)(path, data={"csrf_token": token, "role": "viewer", "active": "0",
                                                    "password": "whatever-123", "name": "x"})
    assert response.status_code == 403


def test_signed_out_is_sent_to_login(client, users):
    response = client.get("/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_create_user(login, client, db, post_form):
    login("admin")
    response = post_form("/users", {"name": "zhang", "role": "editor", "password": "zhang-password"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/users/zhang")
    assert accounts.authenticate(db, "zhang", "zhang-password").role == "editor"
    assert "已创建用户 zhang" in client.get("/users/zhang").text


def test_create_user_errors_in_chinese(login, client, post_form):
    login("admin")
    short = post_form("/users", {"name": "zhang", "role": "editor", "password": "short"})
    assert short.status_code == 400 and "密码至少需要 8 个字符" in short.text and 'value="zhang"' in short.text
    taken = post_form("/users", {"name": "viewer", "role": "editor", "password": "long-enough"})
    assert taken.status_code == 409 and "已存在" in taken.text


def test_forms_need_csrf(login, client):
    login("admin")
    assert client.post("/users", data={"name": "zhang", "role": "editor", "password": "zhang-password"}).status_code == 400
    assert client.post("/users/viewer/active", data={"active": "0"}).status_code == 400
    assert client.post("/users/viewer/unit", data={"unit": ""}).status_code == 400


def test_change_role_ends_that_users_sessions(app, login, client, db, post_form):
    other = app.test_client()
    other.post("/login", data={"name": "viewer", "password": "viewer-password",
                               "csrf_token": csrf_from(other.get("/login").text)})
    assert other.get("/").status_code == 200
    login("admin")
    response = post_form("/users/viewer", {"role": "editor"}, action="/users/viewer/role")
    assert response.status_code == 302
    assert accounts.get_user_by_name(db, "viewer")["role"] == "editor"
    assert "已修改角色" in client.get("/users/viewer").text
    assert other.get("/").status_code == 302


def test_reset_password(login, client, db, post_form):
    login("admin")
    post_form("/users/viewer", {"password": "brand-new-pass"}, action="/users/viewer/password")
    assert accounts.authenticate(db, "viewer", "brand-new-pass") is not None
    post_form("/users/viewer", {"password": "short"}, action="/users/viewer/password")
    assert "密码至少需要 8 个字符" in client.get("/users/viewer").text


def test_disable_and_enable(login, client, db, post_form, tokens):
    login("admin")
    post_form("/users/editor", {"active": "0"}, action="/users/editor/active")
    assert accounts.get_user_by_name(db, "editor")["active"] is False
    assert accounts.actor_for_token(db, tokens["editor"]) is None
    assert "停用" in client.get("/users").text
    post_form("/users/editor", {"active": "1"}, action="/users/editor/active")
    assert accounts.get_user_by_name(db, "editor")["active"] is True


def test_last_admin_cannot_be_disabled_or_demoted(login, client, db, post_form):
    login("admin")
    post_form("/users/admin", {"active": "0"}, action="/users/admin/active")
    assert "最后一个管理员" in client.get("/users/admin").text
    post_form("/users/admin", {"role": "viewer"}, action="/users/admin/role")
    assert accounts.get_user_by_name(db, "admin")["role"] == "admin"


def test_tokens_listed_issued_once_and_revoked(login, client, db, post_form, tokens):
    login("admin")
    page = client.get("/users/editor").text
    assert tokens["editor"] not in page  # never shown after creation
    token_id = accounts.list_tokens(db, "editor")[0]["id"]
    issued = post_form("/users/editor", {}, action="/users/editor/tokens")
    assert issued.status_code == 201 and "只显示这一次" in issued.text
    new_token = issued.text.split('<code id="new-token">')[1].split("</code>")[0]
    assert accounts.actor_for_token(db, new_token).name == "editor"
    assert new_token not in client.get("/users/editor").text
    post_form("/users/editor", {}, action=f"/users/editor/tokens/{token_id}/revoke")
    assert accounts.actor_for_token(db, tokens["editor"]) is None
    assert accounts.actor_for_token(db, new_token) is not None
    post_form("/users/editor", {}, action=f"/users/editor/tokens/{token_id}/revoke")
    assert "令牌不存在或已撤销" in client.get("/users/editor").text


def test_unknown_user_is_404(login, client):
    login("admin")
    assert client.get("/users/nobody").status_code == 404


@pytest.fixture
def two_units(db):
    from core.access import units
    from core.access.policy import SYSTEM
    units.create_unit(db, SYSTEM, "office", "区政府办公室")
    units.create_unit(db, SYSTEM, "secretariat", "秘书科", parent="office")


def test_create_user_with_unit_shows_its_title(login, client, db, post_form, two_units):
    login("admin")
    form = client.get("/users").text
    assert '<option value="secretariat"' in form and "秘书科" in form
    response = post_form("/users", {"name": "zhang", "role": "editor", "password": "zhang-password",
                                    "unit": "secretariat"})
    assert response.status_code == 302
    assert accounts.authenticate(db, "zhang", "zhang-password").unit_key == "secretariat"
    listing = client.get("/users").text
    row = listing.split(">zhang</a>")[1].split("</tr>")[0]
    assert "<td>秘书科</td>" in row
    assert "秘书科" in client.get("/users/zhang").text.split("</h1>")[0]


def test_create_user_with_unknown_unit_refused(login, client, db, post_form, two_units):
    login("admin")
    response = post_form("/users", {"name": "zhang", "role": "editor", "password": "zhang-password",
                                    "unit": "nowhere"})
    assert response.status_code == 422 and "单位“nowhere”不存在" in response.text
    assert accounts.user_count(db) == 3


def test_change_unit_ends_that_users_sessions(app, login, client, db, post_form, two_units):
    other = app.test_client()
    other.post("/login", data={"name": "viewer", "password": "viewer-password",
                               "csrf_token": csrf_from(other.get("/login").text)})
    assert other.get("/").status_code == 200
    login("admin")
    response = post_form("/users/viewer", {"unit": "office"}, action="/users/viewer/unit")
    assert response.status_code == 302
    user = accounts.get_user_by_name(db, "viewer")
    assert (user["unit"], user["unit_title"]) == ("office", "区政府办公室")
    assert "已修改单位" in client.get("/users/viewer").text
    assert other.get("/").status_code == 302
    post_form("/users/viewer", {"unit": "nowhere"}, action="/users/viewer/unit")
    assert "单位“nowhere”不存在" in client.get("/users/viewer").text
    assert accounts.get_user_by_name(db, "viewer")["unit"] == "office"
    post_form("/users/viewer", {"unit": ""}, action="/users/viewer/unit")
    assert accounts.get_user_by_name(db, "viewer")["unit"] is None

