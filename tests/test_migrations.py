"""Migrations: the scripts and the models agree on both databases; a database from an earlier
release (or from create_all before migrations existed) upgrades in place with its data; workers
starting together upgrade once."""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import subprocess
import sys
from unittest import mock

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, select, text

from app import MIGRATIONS, create_app
import demo
from core import settings
from core.access import accounts
from core.db import bootstrap
from core.db import counts
from core.entries import query
from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM
from core.definition.loading import load_definition
from core.db.models import Base, Database
from tests.conftest import ROOT, shipped

HEAD = ScriptDirectory.from_config(bootstrap.alembic_config(MIGRATIONS)).get_current_head()


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    """Each test here runs on SQLite and on PostgreSQL (skipped where none is reachable)."""
    return f"sqlite:///{tmp_path / 'm.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")


def make_app(url: str):
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})


def at_baseline(url: str, legacy: bool = False, revision: str = bootstrap.BASELINE) -> Database:
    """A database at the baseline revision with nothing newer run. `legacy`: without
    alembic_version, as create_all made it before migrations existed (the baseline's tables are
    create_all's: test_models_and_migrations_agree checks that at head)."""
    db = Database(url)
    config = bootstrap.alembic_config(MIGRATIONS)
    with bootstrap.schema_transaction(db) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        if legacy:
            conn.execute(text("DROP TABLE alembic_version"))
    return db


def fill(db: Database) -> None:
    """A row in every table: users, a token, a ledger with two versions, entries (one edited,
    one deleted) with their revisions, and the per-choice counts. Today's store also appends
    to the audit trail, which the baseline lacks: as the baseline's store did, it does not here."""
    with mock.patch("core.access.audit.record"):
        _fill(db)


def _fill(db: Database) -> None:
    accounts.create_user(db, "wang", "admin", "wang-password")
    accounts.create_user(db, "li", "viewer", "li-password")
    accounts.issue_token(db, "wang")
    define_as_before(db, shipped("supervision"))
    define_as_before(db, {**shipped("supervision"), "title": "督查督办台帐（修订）"})
    add_entries(db, "supervision", demo.demo_entries("supervision")[:12])


def define_as_before(db: Database, document: dict) -> None:
    """A ledger's next definition version as the older releases stored it, in plain SQL (today's
    store reads columns of `ledgers` an older schema lacks); its indexes come with the upgrade."""
    at, version = dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc), 1
    key, data = document["x-ledger"]["key"], json.dumps(document, ensure_ascii=False)
    with db.write() as conn:
        row = conn.execute(text("SELECT id, current_version FROM ledgers WHERE key = :k"), {"k": key}).first()
        if row is None:
            conn.execute(text("INSERT INTO ledgers (key, title, current_version, entry_count, created_at, "
                              "updated_at) VALUES (:k, :t, 1, 0, :a, :a)"),
                         {"k": key, "t": document["title"], "a": at})
            ledger_id = conn.execute(text("SELECT id FROM ledgers WHERE key = :k"), {"k": key}).scalar_one()
        else:
            ledger_id, version = row.id, row.current_version + 1
            conn.execute(text("UPDATE ledgers SET current_version = :v, title = :t WHERE id = :l"),
                         {"v": version, "t": document["title"], "l": ledger_id})
        conn.execute(text("INSERT INTO ledger_versions (ledger_id, version, definition, created_at, created_by) "
                          "VALUES (:l, :v, :d, :a, 'system')"), {"l": ledger_id, "v": version, "d": data, "a": at})


def add_entries(db: Database, key: str, rows: list[dict]) -> list[int]:
    """Entries as the baseline's store wrote them, in plain SQL (today's store writes columns an
    older schema lacks): created, the first edited (progress 55, version 2), the second deleted;
    the ledger's entry count and per-choice counts kept."""
    stmt = {name: text(sql) for name, sql in {
        "entry": "INSERT INTO entries (ledger_id, def_version, data, version, created_at, created_by, "
                 "updated_at, updated_by) VALUES (:l, 2, :d, 1, :t, 'system', :t, 'system')",
        "revision": "INSERT INTO revisions (entry_id, action, entry_version, changes, at, by, source) "
                    "VALUES (:e, :a, :v, :c, :t, 'system', 'demo')",
        "edit": "UPDATE entries SET data = :d, version = 2 WHERE id = :e",
        "delete": "UPDATE entries SET deleted_at = :t, version = 2 WHERE id = :e"}.items()}
    at = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    with db.write() as conn:
        ledger_id = conn.execute(text("SELECT id FROM ledgers WHERE key = :k"), {"k": key}).scalar_one()
        ids = []
        for row in rows:
            conn.execute(stmt["entry"], {"l": ledger_id, "d": json.dumps(row, ensure_ascii=False), "t": at})
            ids.append(conn.exec_driver_sql("SELECT MAX(id) FROM entries").scalar_one())
            conn.execute(stmt["revision"], {"e": ids[-1], "a": "create", "v": 1, "c": "{}", "t": at})
        first, second = ids[:2]
        conn.execute(stmt["edit"], {"e": first, "d": json.dumps({**rows[0], "progress": 55}, ensure_ascii=False)})
        conn.execute(stmt["revision"], {"e": first, "a": "update", "v": 2, "t": at,
                                        "c": json.dumps({"progress": [rows[0].get("progress"), 55]})})
        conn.execute(stmt["delete"], {"e": second, "t": at})
        conn.execute(stmt["revision"], {"e": second, "a": "delete", "v": 2, "c": "{}", "t": at})
        conn.execute(text("UPDATE ledgers SET entry_count = :n WHERE id = :l"), {"n": len(rows) - 1, "l": ledger_id})
        stored = conn.execute(text("SELECT v.definition FROM ledger_versions v JOIN ledgers l ON "
                                   "l.id = v.ledger_id AND v.version = l.current_version WHERE l.id = :l"),
                              {"l": ledger_id}).scalar_one()
        counts.rebuild(conn, ledger_id, load_definition(json.loads(stored) if isinstance(stored, str) else stored))
    return ids


def snapshot(db: Database, columns: dict[str, list[str]] | None = None) -> dict[str, tuple]:
    """Every row of the baseline tables, by primary key (only `columns`, when given: a later
    revision may add some)."""
    found = {}
    with db.read() as conn:
        for name in bootstrap.BASELINE_TABLES:
            table = Table(name, MetaData(), autoload_with=conn)
            names = columns[name] if columns else list(table.c.keys())
            rows = conn.execute(select(*(table.c[c] for c in names)).order_by(*table.primary_key.columns)).all()
            found[name] = (names, [tuple(r) for r in rows])
    return found


def assert_intact(db: Database, before: dict) -> None:
    after = snapshot(db, {name: names for name, (names, _) in before.items()})
    assert after == before
    assert all(rows for _, rows in before.values()), "every table held rows"
    assert accounts.authenticate(db, "wang", "wang-password").role == "admin"
    assert query.list_entries(db, SYSTEM, "supervision")["total"] == 11
    with db.read() as conn:
        first = conn.exec_driver_sql("SELECT MIN(id) FROM entries").scalar_one()
    edited = query.get_entry(db, SYSTEM, "supervision", first)
    assert edited["data"]["progress"] == 55 and edited["version"] == 2
    assert sorted(r["action"] for r in query.list_revisions(db, SYSTEM, "supervision", first)) == ["create", "update"]
    assert query.get_ledger(db, SYSTEM, "supervision")[1].title == "督查督办台帐（修订）"


def test_a_baseline_database_with_data_upgrades_to_head_intact(url):
    db = at_baseline(url)
    fill(db)
    before = snapshot(db)
    bootstrap.upgrade_schema(db, MIGRATIONS)
    assert bootstrap.current_revision(db) == HEAD
    assert_intact(db, before)
    db.dispose()


def test_a_database_from_before_migrations_is_stamped_and_upgraded_by_init(url):
    db = at_baseline(url, legacy=True)
    fill(db)
    before = snapshot(db)
    db.dispose()
    app = make_app(url)
    result = app.test_cli_runner().invoke(args=["init"])
    db = app.extensions["ledger_db"]
    assert result.exit_code == 0, result.output
    assert f"结构版本 {HEAD}" in result.output and "1 个台帐" in result.output  # not loaded again
    assert bootstrap.current_revision(db) == HEAD
    assert_intact(db, before)
    db.dispose()


def test_tables_without_a_version_but_missing_one_are_refused_not_guessed(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db = at_baseline(url, legacy=True)
    with db.write() as conn:
        conn.execute(text("DROP TABLE entry_counts"))
    db.dispose()
    with pytest.raises(bootstrap.SchemaVersionError, match="entry_counts"):
        make_app(url)


def test_a_database_from_a_newer_release_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db = at_baseline(url)
    with db.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    db.dispose()
    with pytest.raises(bootstrap.SchemaVersionError, match="f00d"):
        make_app(url)


def test_models_and_migrations_agree(url):
    """What `flask db check` does: autogenerate finds nothing to add, drop or alter at head,
    with the shipped ledgers' run-time expression indexes in place and ignored."""
    app = make_app(url)
    db = app.extensions["ledger_db"]
    config = bootstrap.alembic_config(MIGRATIONS)
    with bootstrap.schema_transaction(db) as conn:
        assert runtime_indexes(conn), "the shipped ledgers made their expression indexes"
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"include_object": bootstrap.include_object}),
                                 Base.metadata)
        assert diffs == []
        config.attributes["connection"] = conn
        command.check(config)  # through env.py, as the CLI runs it; raises on any difference
    db.dispose()


def runtime_indexes(conn) -> list[str]:
    sql = ("SELECT name FROM sqlite_master WHERE type = 'index'" if conn.dialect.name == "sqlite" else
           "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    return [name for name in conn.exec_driver_sql(sql).scalars() if name.startswith("lx_")]


def test_the_run_time_indexes_would_show_as_differences_without_the_filter(pg_url):
    app = make_app(pg_url)
    db = app.extensions["ledger_db"]
    with db.read() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs and all(d[0] == "remove_index" and d[1].name.startswith("lx_") for d in diffs)
    db.dispose()


def test_db_current_prints_the_head_after_init(tmp_path):
    """The contract's commands, as an operator types them."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}", "SECRET_KEY": "test-secret"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    init = subprocess.run([*flask, "init"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert init.returncode == 0 and f"结构版本 {HEAD}" in init.stdout, init.stderr
    current = subprocess.run([*flask, "db", "current"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert current.returncode == 0 and current.stdout.strip() == f"{HEAD} (head)", current.stderr


def test_the_sqlite_foreign_keys_are_on_again_after_an_upgrade(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    assert bootstrap.upgrade_schema(db, MIGRATIONS) == HEAD
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    db.dispose()


def _upgrade_when_told(url: str, together, results) -> None:
    db = Database(url)
    together.wait()
    try:
        results.put(bootstrap.upgrade_schema(db, MIGRATIONS))
    except Exception as exc:  # noqa: BLE001 - the parent reports it
        results.put(repr(exc))
    db.dispose()


def test_two_processes_upgrading_at_once_both_end_at_head(url):
    """Two gunicorn workers starting on an empty database: one migrates, the other waits for
    the schema lock and then finds nothing to do."""
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")  # fork: no re-import
    together, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_upgrade_when_told, args=(url, together, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert sorted(outcomes, key=str) == sorted([HEAD, None], key=str)
    db = Database(url)
    assert bootstrap.current_revision(db) == HEAD
    db.dispose()


def index_names(db: Database) -> set[str]:
    with db.read() as conn:
        if db.dialect == "sqlite":
            return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index' "
                                            "AND tbl_name = 'entries'").scalars())
        return set(conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'entries' "
                                        "AND schemaname = current_schema()").scalars())


def test_shared_indexes_give_way_to_per_ledger_ones_on_upgrade(url, caplog):
    """0002: the shared `ix_e_` indexes of before are dropped and each ledger's own are built;
    a ledger whose entries already repeat its business key keeps working without that one."""
    db = at_baseline(url)
    fill(db)
    define_as_before(db, shipped("fixed_assets"))
    asset = demo.demo_entries("fixed_assets")[0]
    with db.write() as conn:  # as before 0002: shared indexes, and a repeated asset number
        for name in [n for n in index_names(db) if n.startswith("lx_")]:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        expr = "json_extract(data, '$.status')" if db.dialect == "sqlite" else "(data ->> 'status')"
        conn.exec_driver_sql(f"CREATE INDEX ix_e_status_t ON entries (ledger_id, {expr}, id)")
    with db.write() as conn:
        ledger_id = conn.exec_driver_sql("SELECT id FROM ledgers WHERE key = 'fixed_assets'").scalar_one()
        for _ in range(2):
            conn.execute(text("INSERT INTO entries (ledger_id, def_version, data, version, created_at, updated_at) "
                              "VALUES (:l, 1, :d, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                         {"l": ledger_id, "d": json.dumps(asset, ensure_ascii=False)})
        conn.execute(text("UPDATE ledgers SET entry_count = 2 WHERE id = :l"), {"l": ledger_id})
    db.dispose()
    app = make_app(url)
    db = app.extensions["ledger_db"]
    names = index_names(db)
    assert "ix_e_status_t" not in names
    assert {"lx_1_status_t__deadline_t", f"lx_{ledger_id}_status_t__asset_no_t"} <= names
    assert not [n for n in names if n.startswith(f"lx_{ledger_id}_u")]
    assert "资产编号" in caplog.text and "fixed_assets" in caplog.text
    assert query.list_entries(db, SYSTEM, "fixed_assets")["total"] == 2
    db.dispose()


def test_0003_numbers_the_entries_of_each_ledger_in_id_order(url):
    """Every entry, the deleted one too (a number is never reused), gets 1..N per ledger; the
    next entry continues after them."""
    db = at_baseline(url, revision="0002")
    for key in ("supervision", "repairs"):
        define_as_before(db, shipped(key))
    first = add_entries(db, "supervision", demo.demo_entries("supervision")[:4])
    other = add_entries(db, "repairs", demo.demo_entries("repairs")[:3])
    later = add_entries(db, "supervision", demo.demo_entries("supervision")[4:7])
    bootstrap.upgrade_schema(db, MIGRATIONS)
    assert bootstrap.current_revision(db) == HEAD
    with db.read() as conn:
        numbered = conn.execute(text("SELECT id, seq, number FROM entries ORDER BY id")).all()
        counters = dict(conn.execute(text("SELECT l.key, s.last FROM entry_sequences s "
                                          "JOIN ledgers l ON l.id = s.ledger_id WHERE s.period = ''")).all())
    by_id = {i: (seq, number) for i, seq, number in numbered}
    assert [by_id[i] for i in first + later] == [(n, str(n)) for n in range(1, 8)]
    assert [by_id[i] for i in other] == [(1, "1"), (2, "2"), (3, "3")]
    assert counters == {"supervision": 7, "repairs": 3}
    made = store.create_entry(db, SYSTEM, "repairs", demo.demo_entries("repairs")[3])
    assert made["seq"] == 4
    db.dispose()


TIMES = {
    "title": "值班记录", "type": "object",
    "$defs": {"moment": {"type": "string", "format": "date-time"}},
    "properties": {
        "name": {"type": "string", "title": "事项", "maxLength": 50},
        "at": {"type": "string", "title": "时间", "format": "date-time"},
        "back": {"$ref": "#/$defs/moment", "title": "返回时间"},
        "note": {"type": "string", "title": "备注"},
        "calls": {"type": "array", "title": "来电", "items": {"type": "object", "properties": {
            "when": {"type": "string", "title": "来电时间", "format": "date-time"}}}},
        "trip": {"type": "object", "title": "出车", "properties": {
            "left": {"type": "string", "title": "出发时间", "format": "date-time"}}},
    },
    "required": ["name"],
    "x-ledger": {"key": "duty", "list": {"filters": ["at"], "sort": "at"}},
}


def test_0008_stores_every_date_time_in_the_office_zone(url):
    """Values typed in any offset, at the top, behind a $ref, in a child table and a group, in a
    live and a deleted entry, become local time; other text and the revisions stay as typed."""
    db = at_baseline(url, revision="0007")
    define_as_before(db, TIMES)
    typed = [{"name": "早班", "at": "2026-03-31T23:00:00Z", "back": "2026-04-01T01:00:00.5-02:00",
              "note": "2026-03-31T23:00:00Z", "calls": [{"when": "2026-03-31T23:05:00z"}, {}],
              "trip": {"left": "2026-04-01T07:10:00+08:00"}},
             {"name": "夜班", "at": "2026-03-31T23:30:00+08:00"},
             {"name": "旧记录", "at": "昨天晚上"},
             {"name": "已删除", "at": "2026-01-01T00:00:00Z"}]
    at = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    with db.write() as conn:
        ledger_id = conn.execute(text("SELECT id FROM ledgers WHERE key = 'duty'")).scalar_one()
        for row in typed:
            conn.execute(text("INSERT INTO entries (ledger_id, def_version, data, version, created_at, created_by, "
                              "updated_at, updated_by) VALUES (:l, 1, :d, 1, :t, 'system', :t, 'system')"),
                         {"l": ledger_id, "d": json.dumps(row, ensure_ascii=False), "t": at})
        ids = list(conn.execute(text("SELECT id FROM entries ORDER BY id")).scalars())
        conn.execute(text("INSERT INTO revisions (entry_id, action, entry_version, changes, at, by, source) "
                          "VALUES (:e, 'update', 2, :c, :t, 'system', 'api')"),
                     {"e": ids[0], "t": at, "c": json.dumps({"at": ["2026-03-30T23:00:00Z", "2026-03-31T23:00:00Z"]})})
        conn.execute(text("UPDATE entries SET deleted_at = :t WHERE id = :e"), {"t": at, "e": ids[3]})
        conn.execute(text("UPDATE ledgers SET entry_count = 3 WHERE id = :l"), {"l": ledger_id})
    bootstrap.upgrade_schema(db, MIGRATIONS)
    assert bootstrap.current_revision(db) == HEAD
    with db.read() as conn:
        stored = [json.loads(d) if isinstance(d, str) else d
                  for d in conn.execute(text("SELECT data FROM entries ORDER BY id")).scalars()]
        changes = conn.execute(text("SELECT changes FROM revisions")).scalar_one()
    assert stored[0] == {"name": "早班", "at": "2026-04-01T07:00:00+08:00", "back": "2026-04-01T11:00:00.500000+08:00",
                         "note": "2026-03-31T23:00:00Z", "calls": [{"when": "2026-04-01T07:05:00+08:00"}, {}],
                         "trip": {"left": "2026-04-01T07:10:00+08:00"}}
    assert stored[1]["at"] == "2026-03-31T23:30:00+08:00" and stored[2]["at"] == "昨天晚上"
    assert stored[3]["at"] == "2026-01-01T08:00:00+08:00"
    assert (json.loads(changes) if isinstance(changes, str) else changes) == {
        "at": ["2026-03-30T23:00:00Z", "2026-03-31T23:00:00Z"]}  # history as it was recorded
    found = query.list_entries(db, SYSTEM, "duty", {"at__gte": "2026-04-01T00:00+08:00",
                                                   "at__lt": "2026-05-01"})["items"]
    assert [e["data"]["name"] for e in found] == ["早班"]
    db.dispose()


def test_0008_run_again_follows_a_changed_time_zone(tmp_path):
    """The documented way after changing TIMEZONE: `db downgrade 0007` (which changes nothing),
    then an upgrade respells the stored date-times in the new zone."""
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    bootstrap.upgrade_schema(db, MIGRATIONS)
    versions.save_definition(db, SYSTEM, TIMES)
    made = store.create_entry(db, SYSTEM, "duty", {"name": "早班", "at": "2026-03-31T23:00:00Z"})
    assert made["data"]["at"] == "2026-04-01T07:00:00+08:00"
    config = bootstrap.alembic_config(MIGRATIONS)
    try:
        settings.set_timezone("Asia/Tokyo")
        with bootstrap.schema_transaction(db) as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0007")
        assert query.get_entry(db, SYSTEM, "duty", made["id"])["data"]["at"] == "2026-04-01T07:00:00+08:00"
        bootstrap.upgrade_schema(db, MIGRATIONS)
        assert query.get_entry(db, SYSTEM, "duty", made["id"])["data"]["at"] == "2026-04-01T08:00:00+09:00"
    finally:
        settings.set_timezone(settings.DEFAULT_TIMEZONE)
    db.dispose()
