"""Backup and restore (core/db/backup.py, `flask --app app backup create|restore`): a copy taken
while writers write, restored into an empty database only, and proved against its manifest."""
from __future__ import annotations

import io
import json
import os
import tarfile
import threading
import uuid

import pytest

from app import create_app
from core.access import accounts, audit
from core.access.policy import SYSTEM
from core.db import backup
from core.entries import query, store
from demo import demo_entries
from tests.conftest import APP_CONFIG, _admin_sql, _with_database, copy_sqlite


@pytest.fixture
def empty_app(request, tmp_path):
    """A second installation, as `flask init` leaves it: migrated, the shipped ledgers, no data."""
    if os.environ.get("TEST_DATABASE") == "postgres":
        base, template = request.getfixturevalue("pg_template")
        name = "t_" + uuid.uuid4().hex[:12]
        _admin_sql(base, f"CREATE DATABASE {name} TEMPLATE {template}")
        url = _with_database(base, name)
    else:
        target = tmp_path / "restored.db"
        copy_sqlite(request.getfixturevalue("sqlite_template"), target)
        url = f"sqlite:///{target}"
    other = create_app({**APP_CONFIG, "DATABASE_URL": url})
    other.instance_path = str(tmp_path / "restored-instance")
    yield other
    other.extensions["ledger_db"].dispose()
    if os.environ.get("TEST_DATABASE") == "postgres":
        _admin_sql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def filled(app, db, users):
    """An office's database: entries in two ledgers, one edited and one deleted, audit records, a stored file."""
    made = [store.create_entry(db, SYSTEM, "supervision", row) for row in demo_entries("supervision")[:6]]
    store.create_entry(db, SYSTEM, "fixed_assets", demo_entries("fixed_assets")[0])
    store.delete_entry(db, users["admin"], "supervision", made[0]["id"], made[0]["version"])
    files = os.path.join(app.instance_path, "files", "ab")
    os.makedirs(files)
    with open(os.path.join(files, "ab12"), "wb") as handle:
        handle.write("批示件".encode())
    os.makedirs(os.path.join(app.instance_path, "templates"))
    with open(os.path.join(app.instance_path, "templates", "bulletin.docx"), "wb") as handle:
        handle.write(b"the office's own template")
    return made


def test_a_backup_restores_into_an_empty_database_equal_to_its_manifest(app, db, filled, empty_app, tmp_path):
    path = tmp_path / "office.backup"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    assert "条记录" in result.output and "1 个文件" in result.output
    restored = empty_app.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "与备份清单一致" in restored.output and "审计记录完整" in restored.output
    target = empty_app.extensions["ledger_db"]
    assert query.get_ledger(target, SYSTEM, "supervision")[0]["entry_count"] == 5
    with db.read() as a, target.read() as b:
        assert backup.fingerprint(a) == backup.fingerprint(b)
    assert audit.verify(target).ok
    assert accounts.authenticate(target, "editor", "editor-password") is not None
    with open(os.path.join(empty_app.instance_path, "files", "ab", "ab12"), "rb") as handle:
        assert handle.read() == "批示件".encode()
    with open(os.path.join(empty_app.instance_path, "templates", "bulletin.docx"), "rb") as handle:
        assert handle.read() == b"the office's own template"


def test_a_restore_refuses_a_database_that_holds_data(app, filled, tmp_path):
    path = tmp_path / "office.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(path)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert result.exit_code == 1 and "只能恢复到新建的空数据库" in result.output
    assert "Traceback" not in result.output


def test_a_backup_never_overwrites_a_file(app, filled, tmp_path):
    path = tmp_path / "office.backup"
    path.write_text("keep")
    result = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 1 and "已存在" in result.output and path.read_text() == "keep"


def test_what_is_not_a_backup_is_refused_and_nothing_is_written(empty_app, tmp_path):
    runner = empty_app.test_cli_runner()
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"\x00not a tar")
    result = runner.invoke(args=["backup", "restore", str(junk)])
    assert result.exit_code == 1 and "不是有效的备份文件" in result.output
    assert runner.invoke(args=["backup", "restore", str(tmp_path / "none")]).exit_code == 1
    hostile = tmp_path / "hostile.backup"
    with tarfile.open(hostile, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    result = runner.invoke(args=["backup", "restore", str(hostile)])
    assert result.exit_code == 1 and "不是有效的备份文件" in result.output
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_a_backup_of_another_database_kind_or_format_is_refused(app, filled, empty_app, tmp_path):
    path = tmp_path / "office.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(path)]).exit_code == 0
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile(backup.MANIFEST))
    forged = tmp_path / "forged.backup"
    with tarfile.open(forged, "w:gz") as tar:
        data = json.dumps({**manifest, "database": "mysql"}).encode()
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    result = empty_app.test_cli_runner().invoke(args=["backup", "restore", str(forged)])
    assert result.exit_code == 1 and "不能恢复到" in result.output


def test_a_restore_that_differs_from_its_manifest_is_reported(app, filled, empty_app, tmp_path):
    """A backup whose database was altered after it was taken: the restore says it differs."""
    path = tmp_path / "office.backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(path)]).exit_code == 0
    with tarfile.open(path) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    manifest = json.loads(members[backup.MANIFEST])
    manifest["fingerprint"]["entries"]["supervision"] += 1
    members[backup.MANIFEST] = json.dumps(manifest).encode()
    forged = tmp_path / "forged.backup"
    with tarfile.open(forged, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = empty_app.test_cli_runner().invoke(args=["backup", "restore", str(forged)])
    assert result.exit_code == 1 and "与备份清单不符" in result.output


def test_a_backup_taken_while_writers_write_is_consistent(app, db, filled, empty_app, tmp_path):
    """Writers keep creating entries during the backup: the copy is one snapshot, so what it
    holds matches its manifest (entries, their creation revisions, the audit chain)."""
    stop = threading.Event()

    def write():
        rows = demo_entries("supervision")
        while not stop.is_set():
            store.create_entry(db, SYSTEM, "supervision", rows[1])

    writer = threading.Thread(target=write)
    writer.start()
    try:
        path = tmp_path / "busy.backup"
        manifest = backup.create(db, path, None)
    finally:
        stop.set()
        writer.join()
    restored = backup.restore(empty_app.extensions["ledger_db"], path, None)
    assert restored.counts == manifest["fingerprint"]["entries"]


def test_health_check_answers_without_login(client):
    response = client.get("/api/v1/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_health_check_says_503_in_json_when_the_database_is_gone(app, client, monkeypatch):
    db = app.extensions["ledger_db"]

    def broken(*args, **kwargs):
        raise OSError("no database")

    monkeypatch.setattr(db, "read", broken)
    response = client.get("/api/v1/healthz")
    assert response.status_code == 503 and response.json["error"] == "数据库不可用"
