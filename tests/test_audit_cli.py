"""`flask --app app audit verify`: exit 0 on an untouched trail, 1 naming the first broken record."""
from sqlalchemy import text

from core.access import audit
from core.entries import query
from core.entries import store
from core.ledgers import versions
from core.access.policy import Actor
from tests.core.conftest import SMALL

EDITOR = Actor("编辑乙", "editor")


def _fill(db):
    versions.save_definition(db, Actor("管理员", "admin"), SMALL)
    for i in range(3):
        store.create_entry(db, EDITOR, "small", {"name": str(i)})
    audit.record(db, EDITOR, "list", "small")  # as list pages recorded before they stopped
    with db.read() as conn:
        return list(conn.execute(text("SELECT id, action FROM audit_log ORDER BY id")))


def test_verify_an_untouched_trail(runner, db):
    rows = _fill(db)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"审计记录完整：共 {len(rows)} 条" in result.output


def test_verify_an_empty_trail(runner, db):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "审计记录完整" in result.output


def test_verify_names_an_altered_row(runner, db):
    rows = _fill(db)
    with db.write() as conn:
        conn.execute(text("UPDATE audit_log SET row_count = 0 WHERE id = :id"), {"id": rows[-1].id})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"记录 {rows[-1].id}（" in result.output and "list" in result.output and "改动" in result.output


def test_verify_names_the_record_after_a_deleted_one(runner, db):
    rows = _fill(db)
    with db.write() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[1].id})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"记录 {rows[2].id}（" in result.output and f"，{rows[2].action}，" in result.output


def test_login_and_logout_are_recorded(client, db, users):
    page = client.get("/login")
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    client.post("/login", data={"name": "editor", "password": "editor-password", "csrf_token": token})
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    client.post("/logout", data={"csrf_token": token})
    with db.read() as conn:
        actions = list(conn.execute(text("SELECT user_name, action FROM audit_log ORDER BY id")))
    assert [tuple(a) for a in actions if a.action in ("login", "logout")] == [("editor", "login"), ("editor", "logout")]
