"""GET|POST /api/v1/users and GET|PATCH /api/v1/users/<name>: admins only; changes end sessions."""
from __future__ import annotations

import pytest

from core.access import accounts


def test_list_users(api):
    response = api("admin").get("/users")
    assert response.status_code == 200
    items = {u["name"]: u for u in response.json["items"]}
    assert set(items) == {"admin", "editor", "viewer"}
    assert items["viewer"]["role"] == "viewer" and items["viewer"]["active"] is True
    assert "password_hash" not in items["viewer"] and items["viewer"]["last_login_at"] is None


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_non_admins_get_403(api, role):
    assert api(role).get("/users").status_code == 403
    assert api(role).post("/users", json={"name": "x", "role": "admin", "password": "long-enough"}).status_code == 403
    assert api(role).patch("/users/viewer", json={"role": "admin"}).status_code == 403
    assert api(role).get("/users/viewer").status_code == 403


def test_no_token_is_401(client, users):
    assert client.get("/api/v1/users").status_code == 401


def test_create_user(api, db):
    response = api("admin").post("/users", json={"name": "zhao", "role": "editor", "password": "zhao-password"})
    assert response.status_code == 201 and response.json["name"] == "zhao" and response.json["role"] == "editor"
    assert accounts.authenticate(db, "zhao", "zhao-password") is not None
    assert api("admin").get("/users/zhao").json["role"] == "editor"


@pytest.mark.parametrize("body,status", [
    ({"name": "zhao", "role": "editor", "password": "short"}, 400),
    ({"name": "zhao", "role": "boss", "password": "long-enough"}, 400),
    ({"name": "bad name", "role": "editor", "password": "long-enough"}, 400),
    ({"name": "zhao", "role": "editor"}, 422),
    ({"name": "zhao", "role": "editor", "password": "long-enough", "active": False}, 422),
    ({"name": "zhao", "role": "editor", "password": "long-enough", "id": 99}, 422),
    ([1, 2], 422),
    ({"name": "viewer", "role": "editor", "password": "long-enough"}, 409),
])
def test_create_refused_in_chinese(api, body, status):
    response = api("admin").post("/users", json=body)
    assert response.status_code == status and response.json["error"]


def test_patch_role_active_password(api, db, client, tokens):
    response = api("admin").patch("/users/viewer", json={"role": "editor"})
    assert response.status_code == 200 and response.json["role"] == "editor"
    assert api("admin").patch("/users/viewer", json={"password": "renewed-pass"}).status_code == 200
    assert accounts.authenticate(db, "viewer", "renewed-pass") is not None
    assert api("admin").patch("/users/viewer", json={"active": False}).json["active"] is False
    assert client.get("/api/v1/ledgers", headers={"Authorization": f"Bearer {tokens['viewer']}"}).status_code == 401
    assert api("admin").patch("/users/viewer", json={"active": True}).json["active"] is True


@pytest.mark.parametrize("body", [{}, {"id": 5}, {"role": "boss"}, {"active": "no"}, {"password": "short"},
                                  {"created_at": "2020-01-01"}, "text"])
def test_patch_refused_422(api, body):
    response = api("admin").patch("/users/viewer", json=body)
    assert response.status_code == 422 and response.json["error"]


def test_patch_unknown_user_404_and_last_admin_409(api):
    assert api("admin").patch("/users/nobody", json={"role": "viewer"}).status_code == 404
    response = api("admin").patch("/users/admin", json={"active": False})
    assert response.status_code == 409 and "最后一个管理员" in response.json["error"]


@pytest.fixture
def two_units(db):
    from core.access import units
    from core.access.policy import SYSTEM
    units.create_unit(db, SYSTEM, "office", "区政府办公室")
    units.create_unit(db, SYSTEM, "secretariat", "秘书科", parent="office")


def test_create_with_unit_gives_key_and_title(api, db, two_units):
    response = api("admin").post("/users", json={"name": "zhao", "role": "editor",
                                                 "password": "zhao-password", "unit": "secretariat"})
    assert response.status_code == 201
    assert (response.json["unit"], response.json["unit_title"]) == ("secretariat", "秘书科")
    assert "unit_id" not in response.json
    listed = {u["name"]: u for u in api("admin").get("/users").json["items"]}
    assert listed["zhao"]["unit_title"] == "秘书科" and listed["viewer"]["unit"] is None
    assert accounts.authenticate(db, "zhao", "zhao-password").unit_titles == {"秘书科"}


@pytest.mark.parametrize("unit", ["nowhere", 5, ["office"]])
def test_unknown_or_ill_typed_unit_422_and_nothing_stored(api, db, two_units, unit):
    response = api("admin").post("/users", json={"name": "zhao", "role": "editor",
                                                 "password": "zhao-password", "unit": unit})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "unit"
    if unit == "nowhere":
        assert "nowhere" in response.json["error"]
    assert accounts.user_count(db) == 3
    patched = api("admin").patch("/users/viewer", json={"unit": unit, "role": "editor"})
    assert patched.status_code == 422 and patched.json["errors"][0]["field"] == "unit"
    assert accounts.get_user_by_name(db, "viewer")["role"] == "viewer"  # refused whole


def test_patch_unit_sets_clears_and_ends_sessions(api, db, client, tokens, two_units):
    viewer = accounts.get_user_by_name(db, "viewer")
    _, gen = accounts.session_user(db, viewer["id"])
    response = api("admin").patch("/users/viewer", json={"unit": "office"})
    assert response.status_code == 200
    assert (response.json["unit"], response.json["unit_title"]) == ("office", "区政府办公室")
    _, after = accounts.session_user(db, viewer["id"])
    assert after == gen + 1
    assert accounts.get_user(db, viewer["id"]).unit_titles == {"区政府办公室", "秘书科"}
    same = api("admin").patch("/users/viewer", json={"unit": "office"})
    assert same.status_code == 200 and accounts.session_user(db, viewer["id"])[1] == after  # no change
    cleared = api("admin").patch("/users/viewer", json={"unit": None})
    assert cleared.status_code == 200 and cleared.json["unit"] is None and cleared.json["unit_title"] is None
    assert accounts.get_user(db, viewer["id"]).unit_key is None


def test_a_patch_refused_in_part_changes_nothing(api, db, two_units):
    response = api("admin").patch("/users/admin", json={"unit": "office", "active": False})
    assert response.status_code == 409 and "最后一个管理员" in response.json["error"]
    assert accounts.get_user_by_name(db, "admin")["unit"] is None
    patched = api("admin").patch("/users/viewer", json={"role": "editor", "unit": "office", "password": "new-pass-123"})
    assert patched.status_code == 200 and (patched.json["role"], patched.json["unit"]) == ("editor", "office")
    trail = api("admin").get("/audit?user=admin").json["items"]
    assert [r["action"] for r in trail[:3]] == ["user_password", "user_unit", "user_role"]
    assert all(r["filters"]["user"] == "viewer" for r in trail[:3])
