"""The admin pages for units and a ledger's permission rules."""
from __future__ import annotations

from core.access import rules as permissions
from core.access import units
from core.access.policy import SYSTEM


def test_units_page_lists_the_tree_and_creates(login, post_form, client, db):
    login("admin")
    units.create_unit(db, SYSTEM, "office", "区政府办公室")
    page = client.get("/units")
    assert page.status_code == 200 and "区政府办公室" in page.text
    r = post_form("/units", {"key": "sec", "title": "秘书科", "parent": "office"})
    assert r.status_code == 302
    assert [u["key"] for u in units.list_units(db)] == ["office", "sec"]
    r = post_form("/units", {"key": "bad key", "title": "<script>x</script>"})
    assert r.status_code == 422 and "单位标识" in r.text and "<script>x" not in r.text


def test_units_page_is_for_admins(login, client):
    login("editor")
    assert client.get("/units").status_code == 403
    assert client.get("/ledgers/supervision/permissions").status_code == 403


def test_permissions_page_saves_rules_and_clears_them(login, post_form, client, db):
    login("admin")
    units.create_unit(db, SYSTEM, "office", "区政府办公室")
    page = client.get("/ledgers/supervision/permissions")
    assert page.status_code == 200 and "按角色" in page.text
    r = post_form("/ledgers/supervision/permissions", [
        ("rows", "3"), ("role_0", "viewer"), ("unit_0", "office"), ("actions_0", "read"),
        ("actions_0", "export"), ("scope_0", "unit"), ("role_1", "")])
    assert r.status_code == 302, r.text
    assert permissions.get_permissions(db, SYSTEM, "supervision")["rules"] == [
        {"role": "viewer", "actions": ["read", "export"], "scope": "unit", "unit": "office"}]
    r = post_form("/ledgers/supervision/permissions", [("rows", "1"), ("role_0", "viewer"), ("scope_0", "world")])
    assert r.status_code == 422 and "范围" in r.text
    r = post_form("/ledgers/supervision/permissions", [("default", "1")])
    assert r.status_code == 302 and permissions.get_permissions(db, SYSTEM, "supervision")["default"]


def test_permissions_form_row_count_is_plain_digits(login, post_form, db):
    login("admin")
    for rows in ("²", "١", "+1", " 1"):  # no rule row is read (int() would read some, fail on ²)
        r = post_form("/ledgers/supervision/permissions", [("rows", rows), ("role_0", "viewer"), ("actions_0", "read")])
        assert r.status_code == 302, (rows, r.status_code)
        assert permissions.get_permissions(db, SYSTEM, "supervision")["rules"] == [], rows
