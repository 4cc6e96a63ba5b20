"""Shared fixtures: a temporary database (SQLite, or PostgreSQL with TEST_DATABASE_URL), an app,
clients, a CLI runner and users of every role with API tokens."""
from __future__ import annotations

import json
import os
import sqlite3
import uuid
from contextlib import closing
from collections.abc import Mapping
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from app import create_app
from core.access import accounts
from core.access.policy import Actor
from core.db.models import Database, normalise_url

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
SERVER_PASSWORD_METHOD = accounts.PASSWORD_METHOD  # what the server uses, before the swap below


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """scrypt costs ~0.25 s a hash by design; the suite hashes thousands of passwords. Under test
    only, one round of PBKDF2 (test_cli checks the server's own method)."""
    accounts.PASSWORD_METHOD = "pbkdf2:sha256:1"
    yield
    accounts.PASSWORD_METHOD = SERVER_PASSWORD_METHOD


# Messages psycopg gives when nothing answers at the address: the only failure that is a skip.
UNREACHABLE = ("connection refused", "timeout expired", "timed out", "is the server running")


def postgres_required(env: Mapping[str, str] = os.environ) -> bool:
    """CI, the PostgreSQL run of the suite or REQUIRE_POSTGRES=1 need a server: no server is a failure."""
    return env.get("TEST_DATABASE") == "postgres" or bool(env.get("CI")) or env.get("REQUIRE_POSTGRES") == "1"


def pg_connect_outcome(exc: BaseException, env: Mapping[str, str] = os.environ) -> str:
    """What a failure to connect means: "skip" (no server here), "fail" (no server, but one is
    required) or "raise" (a server that refused us, a bad URL, a bug: never hidden as a skip)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(orig, psycopg.OperationalError):
        return "raise"
    if not any(words in str(orig).lower() for words in UNREACHABLE):
        return "raise"
    return "fail" if postgres_required(env) else "skip"


def pg_url_or_skip() -> tuple[str, str, str]:
    """A fresh schema in the test PostgreSQL database; a skip only when no server answers."""
    base = os.environ.get("TEST_POSTGRES_URL", PG_DEFAULT)
    engine = create_engine(normalise_url(base), connect_args={"connect_timeout": 3})
    try:
        conn = engine.connect()
    except Exception as exc:
        engine.dispose()
        outcome = pg_connect_outcome(exc)
        if outcome == "raise":
            raise
        shown = make_url(normalise_url(base)).render_as_string(hide_password=True)
        reason = f"no PostgreSQL reachable at {shown}: {str(exc).splitlines()[0][:120]}"
        if outcome == "fail":
            pytest.fail(f"{reason} (required here: TEST_DATABASE=postgres, CI or REQUIRE_POSTGRES=1)",
                        pytrace=False)
        pytest.skip(reason)
    schema = "t_" + uuid.uuid4().hex[:12]
    with conn, conn.begin():  # a failure from here on is a broken set-up, not a missing server
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", schema, base


def drop_pg_schema(base: str, schema: str) -> None:
    engine = create_engine(normalise_url(base))
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


APP_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True}


def _migrated(url: str) -> None:
    """Run every migration and load the shipped ledgers into `url`, as the `app` fixture's start would."""
    create_app({**APP_CONFIG, "DATABASE_URL": url}).extensions["ledger_db"].dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One migrated SQLite database with the shipped ledgers, made once per run: each test gets a
    copy instead of running every migration again."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrated(f"sqlite:///{path}")
    return path


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (never a file copy: the WAL may hold pages)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture(scope="session")
def pg_template():
    """One migrated PostgreSQL database with the shipped ledgers; each test's database is made
    from it with CREATE DATABASE … TEMPLATE (a file copy on the server, ~0.1 s)."""
    url, schema, base = pg_url_or_skip()  # the same skip-or-fail rules as every PostgreSQL test
    drop_pg_schema(base, schema)
    name = "tmpl_" + uuid.uuid4().hex[:12]
    _admin_sql(base, f"CREATE DATABASE {name}")
    _migrated(_with_database(base, name))
    yield base, name
    _admin_sql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _with_database(base: str, name: str) -> str:
    return make_url(normalise_url(base)).set(database=name).render_as_string(hide_password=False)


def _admin_sql(base: str, statement: str) -> None:
    """CREATE/DROP DATABASE cannot run in a transaction: an autocommit connection to the base database."""
    engine = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture
def database_url(request, tmp_path):
    """A copy of the migrated template: SQLite in a temporary folder by default, the whole suite on
    PostgreSQL with TEST_DATABASE=postgres (a database of its own per test)."""
    if os.environ.get("TEST_DATABASE") == "postgres":
        base, template = request.getfixturevalue("pg_template")
        name = "t_" + uuid.uuid4().hex[:12]
        _admin_sql(base, f"CREATE DATABASE {name} TEMPLATE {template}")
        yield _with_database(base, name)
        _admin_sql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        target = tmp_path / "test.db"
        copy_sqlite(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"


@pytest.fixture
def pg_url():
    """Always PostgreSQL (for the tests that must run on both); skipped only where no server answers."""
    url, schema, base = pg_url_or_skip()
    yield url
    drop_pg_schema(base, schema)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({**APP_CONFIG, "DATABASE_URL": database_url})
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["ledger_db"].dispose()


@pytest.fixture
def db(app) -> Database:
    return app.extensions["ledger_db"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(db) -> dict[str, Actor]:
    """One user per role; the password of each is '<role>-password'."""
    return {role: accounts.create_user(db, role, role, f"{role}-password")
            for role in ("admin", "editor", "viewer")}


@pytest.fixture
def tokens(db, users) -> dict[str, str]:
    return {role: accounts.issue_token(db, role) for role in users}


@pytest.fixture
def api(client, tokens):
    """api(role).get/post/put/patch/delete(path, json=...) against /api/v1 with that role's token."""
    class Api:
        def __init__(self, role: str):
            self.headers = {"Authorization": f"Bearer {tokens[role]}"}

        def __getattr__(self, method):
            def call(path, headers=None, **kwargs):
                return getattr(client, method)("/api/v1" + path, headers={**self.headers, **(headers or {})},
                                               **kwargs)
            return call

    return Api


def shipped(key: str) -> dict:
    return json.loads((SCHEMAS / f"{key}.json").read_text("utf-8"))
