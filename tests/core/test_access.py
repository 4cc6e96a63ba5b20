"""The permission rule: default role behaviour, per-ledger rules, unit rules, scopes, checking."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.access import policy as access
from core.access import rules as permissions
from core.entries import query
from core.entries import store
from core.entries import scope
from core.access.policy import SYSTEM, Actor, Guarded
from core.errors import DefinitionError, Forbidden
from core.db.models import entries
from tests.scoping import A, A1, setup


def ledger(rules):
    return Guarded({"id": 1, "key": "x"}, permissions=rules)


def test_without_rules_the_plain_role_behaviour():
    editor, viewer = Actor("e", "editor"), Actor("v", "viewer")
    plain = ledger(None)
    assert access.actions(editor, plain) == {"read", "create", "edit", "delete", "export", "import"}
    assert access.actions(viewer, plain) == {"read", "export"}
    assert access.can(editor, "write", plain) and not access.can(viewer, "write", plain)
    assert access.can(Actor("a", "admin"), "define", plain)
    assert access.scope(editor, plain) == access.ALL
    assert not access.can(None, "read", plain)


def test_rules_replace_the_role_defaults_and_admins_keep_everything():
    rules = [{"role": "viewer", "actions": ["read", "create"], "scope": "own"}]
    viewer, editor, admin = Actor("v", "viewer"), Actor("e", "editor"), Actor("a", "admin")
    assert access.can(viewer, "create", ledger(rules))
    assert not access.can(viewer, "export", ledger(rules))
    assert access.actions(editor, ledger(rules)) == set()  # not named: nothing
    assert access.actions(admin, ledger(rules)) == set(access.ACTIONS)
    assert access.scope(viewer, ledger(rules)).reach == "own"
    assert access.scope(admin, ledger(rules)) == access.ALL


def test_an_action_no_rule_grants_reaches_no_row():
    """A scope is asked per action: one no rule grants reaches nothing (not all rows), while the
    plain role behaviour of a ledger without rules stays all rows for what the role may do."""
    rules = [{"role": "editor", "actions": ["read"], "scope": "all"},
             {"role": "editor", "actions": ["export"], "scope": "own"}]
    editor, viewer = Actor("e", "editor"), Actor("v", "viewer")
    assert access.scope(editor, ledger(rules)) == access.ALL
    assert access.scope(editor, ledger(rules), "export").reach == "own"
    for action in ("import", "edit", "create", "delete"):
        assert access.scope(editor, ledger(rules), action) == access.NONE, action
    assert access.scope(viewer, ledger(rules)) == access.NONE  # no rule names viewers at all
    assert access.scope(None, ledger(rules)) == access.NONE
    assert access.scope(editor, ledger([]), "read") == access.NONE
    assert access.scope(editor, ledger(None), "export") == access.ALL
    assert access.scope(viewer, ledger(None), "read") == access.ALL
    assert access.scope(Actor("a", "admin"), ledger([]), "import") == access.ALL


def test_no_scope_matches_no_row(edb):
    """NONE in the SQL of a read, the check of a stored row and the check of a write."""
    setup(edb)
    definition = query.get_ledger(edb, SYSTEM, "scoped")[1]
    with edb.read() as conn:
        row = conn.execute(select(entries)).first()
        matched = conn.execute(select(func.count()).select_from(entries).where(
            scope.scope_condition(edb.dialect, definition, access.NONE))).scalar_one()
    assert matched == 0 and not scope.in_scope(definition, access.NONE, row)
    assert scope.out_of_scope(definition, access.NONE, {"unit": A})


def test_a_unit_rule_applies_to_that_unit_and_below_and_the_widest_scope_wins():
    rules = [{"role": "editor", "actions": ["read"], "scope": "unit"},
             {"role": "editor", "actions": ["read", "edit"], "scope": "all", "unit": "a"}]
    in_a1 = Actor("x", "editor", unit_key="a1", unit_titles=frozenset({A1}), unit_path=("a1", "a"))
    in_b = Actor("y", "editor", unit_key="b", unit_titles=frozenset({"乙"}), unit_path=("b",))
    assert access.can(in_a1, "edit", ledger(rules)) and not access.can(in_b, "edit", ledger(rules))
    assert access.scope(in_a1, ledger(rules)) == access.ALL
    sc = access.scope(in_b, ledger(rules))
    assert sc.reach == "unit" and sc.units == {"乙"}


def test_a_bare_key_cannot_pass_for_a_ledger_with_rules():
    with pytest.raises(TypeError):
        access.can(Actor("e", "editor"), "read", object())


@pytest.mark.parametrize("document, path", [
    ({"rules": "x"}, "/rules"),
    ({"rules": [{"role": "boss", "actions": ["read"]}]}, "/rules/0/role"),
    ({"rules": [{"role": "editor", "actions": ["fly"]}]}, "/rules/0/actions"),
    ({"rules": [{"role": "editor", "actions": ["read"], "scope": "world"}]}, "/rules/0/scope"),
    ({"rules": [{"role": "editor", "actions": ["read"], "unit": "nowhere"}]}, "/rules/0/unit"),
    ({"rules": [{"role": "editor", "actions": ["read"], "id": 1}]}, "/rules/0"),
])
def test_bad_rules_are_refused_with_the_path(document, path):
    with pytest.raises(DefinitionError) as caught:
        access.check_rules(document, {"a"})
    assert caught.value.status == 422 and caught.value.errors[0]["path"] == path


def test_rules_are_stored_per_ledger_and_used_by_the_engine(edb):
    actors = setup(edb)
    viewer = actors["a_viewer"]
    assert permissions.get_permissions(edb, SYSTEM, "scoped") == {"rules": [], "default": True}
    with pytest.raises(Forbidden):
        store.create_entry(edb, viewer, "scoped", {"code": "V", "name": "v", "unit": A})
    saved = permissions.set_permissions(edb, SYSTEM, "scoped", {"rules": [
        {"role": "viewer", "actions": ["create", "read"], "scope": "unit", "unit": "a"}]})
    assert saved["rules"][0]["actions"] == ["read", "create"] and not saved["default"]
    store.create_entry(edb, viewer, "scoped", {"code": "V", "name": "v", "unit": A})
    # the editors have no rule now: the ledger is hidden from them
    assert "scoped" not in {l["key"] for l in query.list_ledgers(edb, actors["a_editor"])}
    with pytest.raises(Forbidden):
        query.list_entries(edb, actors["a_editor"], "scoped")
    with pytest.raises(Forbidden):
        permissions.set_permissions(edb, actors["a_editor"], "scoped", {"rules": []})
