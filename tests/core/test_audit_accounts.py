"""Account changes, login attempts, tokens, units and permission rules in the audit trail:
who, what, which account; never a password; the chain still verifies."""
import pytest
from sqlalchemy import select

from core.access import accounts
from core.access import audit
from core.access import throttle
from core.access import rules as permissions
from core.ledgers import versions
from core.access import units
from core.access.policy import Actor
from core.db.models import audit_log
from tests.core.conftest import SMALL

ADMIN = Actor("管理员甲", "admin")


def trail(db, *actions):
    with db.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(audit_log).order_by(audit_log.c.id))]
    return [r for r in rows if not actions or r["action"] in actions]


def test_every_action_name_fits_the_column():
    assert len(audit.ACTIONS) == len(set(audit.ACTIONS))
    assert all(len(a) <= audit_log.c.action.type.length == audit.ACTION_LENGTH for a in audit.ACTIONS)
    with pytest.raises(ValueError):
        audit.record(None, ADMIN, "an_action_name_too_long")


def test_account_changes_are_recorded_without_passwords(edb):
    units.create_unit(edb, ADMIN, "office", "区政府办公室")
    accounts.create_user(edb, "wang", "editor", "wang-secret-1", unit="office", by=ADMIN)
    accounts.set_role(edb, "wang", "viewer", by=ADMIN)
    accounts.set_unit(edb, "wang", None, by=ADMIN)
    accounts.set_password(edb, "wang", "wang-secret-2", by=ADMIN)
    accounts.set_active(edb, "wang", False, by=ADMIN)
    accounts.set_active(edb, "wang", True)  # the command line: the server itself
    token = accounts.issue_token(edb, "wang", by=ADMIN)
    token_id = accounts.list_tokens(edb, "wang")[0]["id"]
    accounts.revoke_token(edb, "wang", token_id, by=ADMIN)
    accounts.issue_token(edb, "wang")
    second_id = accounts.list_tokens(edb, "wang")[0]["id"]
    assert accounts.revoke_tokens(edb, "wang") == 1
    rows = trail(edb)
    assert [(r["user_name"], r["action"], r["filters"]) for r in rows] == [
        ("管理员甲", "unit_create", {"unit": "office", "title": "区政府办公室", "parent": None}),
        ("管理员甲", "user_create", {"user": "wang", "role": "editor", "unit": "office"}),
        ("管理员甲", "user_role", {"user": "wang", "role": "viewer"}),
        ("管理员甲", "user_unit", {"user": "wang", "unit": None}),
        ("管理员甲", "user_password", {"user": "wang"}),
        ("管理员甲", "user_disable", {"user": "wang"}),
        ("system", "user_enable", {"user": "wang"}),
        ("管理员甲", "token_issue", {"user": "wang", "token": token_id}),
        ("管理员甲", "token_revoke", {"user": "wang", "token": token_id}),
        ("system", "token_issue", {"user": "wang", "token": second_id}),
        ("system", "token_revoke", {"user": "wang", "tokens": 1}),
    ]
    text = repr(rows)
    assert "secret" not in text and token not in text and accounts._digest(token) not in text
    assert audit.verify(edb).ok and audit.verify(edb).count == len(rows)


def test_a_refused_change_records_nothing(edb):
    accounts.create_user(edb, "wang", "admin", "wang-secret-1")
    before = len(trail(edb))
    with pytest.raises(Exception):
        accounts.set_role(edb, "wang", "viewer", by=ADMIN)  # the last administrator
    with pytest.raises(Exception):
        accounts.set_unit(edb, "wang", "nowhere", by=ADMIN)
    with pytest.raises(Exception):
        accounts.update_user(edb, "wang", {"role": "admin", "unit": "nowhere"}, ADMIN)
    assert len(trail(edb)) == before


def test_login_attempts_record_the_name_and_address_never_the_password(edb):
    throttle.note_login_attempt(edb, "nobody", "10.0.0.9", False)
    throttle.note_login_attempt(edb, "wang", "10.0.0.8", True)
    rows = trail(edb, "login", "login_failed")
    assert [(r["user_name"], r["action"], r["filters"]) for r in rows] == [
        ("nobody", "login_failed", {"address": "10.0.0.9"}),
        ("wang", "login", {"address": "10.0.0.8"})]
    assert audit.verify(edb).ok


def test_permission_rule_changes_are_recorded(edb):
    versions.save_definition(edb, ADMIN, SMALL)
    permissions.set_permissions(edb, ADMIN, "small", {"rules": [{"role": "viewer", "actions": ["read"]}]})
    permissions.set_permissions(edb, ADMIN, "small", {"default": True})
    rows = trail(edb, "permissions")
    assert [r["ledger_key"] for r in rows] == ["small", "small"]
    assert rows[0]["filters"]["default"] is False and '"viewer"' in rows[0]["filters"]["rules"]
    assert rows[1]["filters"] == {"default": True, "rules": None}
    assert audit.verify(edb).ok


def test_a_reads_record_does_not_leave_the_connection_lax(edb):
    """A read's record commits without waiting for the disk; the next write waits again."""
    from sqlalchemy import text
    audit.record(edb, ADMIN, "list", "small", rows=1)
    with edb.write() as conn:  # the pool's one connection, or the one just used
        if edb.dialect == "sqlite":
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        else:
            assert conn.execute(text("SHOW synchronous_commit")).scalar() == "on"
    with edb.write(durable=False) as conn:
        if edb.dialect == "sqlite":
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    with pytest.raises(RuntimeError):
        with edb.write(durable=False):
            raise RuntimeError("rolled back")
    with edb.read() as conn:
        if edb.dialect == "sqlite":
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    assert audit.verify(edb).ok and audit.verify(edb).count == 1
