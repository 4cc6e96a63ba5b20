"""The PostgreSQL fixture skips only when no server answers, and fails where one is required."""
import os

import psycopg
import pytest
from sqlalchemy.exc import OperationalError as SAOperationalError
from sqlalchemy.exc import ProgrammingError

from tests.conftest import PG_DEFAULT, pg_connect_outcome, pg_url_or_skip, postgres_required

REFUSED = ('connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
           "\tIs the server running on that host and accepting TCP/IP connections?")
TIMEOUT = "connection timeout expired"
SOCKET = ('connection is bad: connection to server on socket "/run/postgresql/.s.PGSQL.5432" failed: '
          "No such file or directory\n\tIs the server running locally and accepting connections on that socket?")
NO_DATABASE = 'connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "tset" does not exist'
BAD_PASSWORD = ('connection failed: connection to server at "127.0.0.1", port 5432 failed: '
                'FATAL:  password authentication failed for user "postgres"')
BAD_HOST = "failed to resolve host 'postgress': [Errno -2] Name or service not known"


def wrapped(exc: Exception) -> SAOperationalError:
    """As SQLAlchemy raises it from engine.connect()."""
    return SAOperationalError("connect", {}, exc)


@pytest.mark.parametrize("message", [REFUSED, TIMEOUT, SOCKET])
def test_no_server_is_a_skip_where_none_is_required(message):
    assert pg_connect_outcome(wrapped(psycopg.OperationalError(message)), {}) == "skip"
    assert pg_connect_outcome(psycopg.OperationalError(message), {}) == "skip"


@pytest.mark.parametrize("env", [{"TEST_DATABASE": "postgres"}, {"CI": "true"}, {"CI": "1"},
                                 {"REQUIRE_POSTGRES": "1"}])
def test_no_server_is_a_failure_where_one_is_required(env):
    assert postgres_required(env)
    assert pg_connect_outcome(wrapped(psycopg.OperationalError(REFUSED)), env) == "fail"


def test_an_empty_ci_or_another_database_requires_nothing():
    assert not postgres_required({"CI": "", "TEST_DATABASE": "sqlite", "REQUIRE_POSTGRES": "0"})


@pytest.mark.parametrize("exc", [
    wrapped(psycopg.OperationalError(NO_DATABASE)),
    wrapped(psycopg.OperationalError(BAD_PASSWORD)),
    wrapped(psycopg.OperationalError(BAD_HOST)),
    ProgrammingError("CREATE SCHEMA t_x", {}, psycopg.errors.InsufficientPrivilege("permission denied")),
    psycopg.errors.InsufficientPrivilege("permission denied for database test"),
    ValueError("invalid literal for int() with base 10: 'port'"),
    AttributeError("'NoneType' object has no attribute 'begin'"),
    ConnectionRefusedError("Connection refused"),  # not from psycopg: a bug of ours, not a missing server
])
def test_a_server_that_answers_or_a_bug_is_never_a_skip(exc):
    assert pg_connect_outcome(exc, {}) == "raise"
    assert pg_connect_outcome(exc, {"CI": "1"}) == "raise"


def test_an_address_where_nothing_listens_skips(monkeypatch):
    for name in ("CI", "TEST_DATABASE", "REQUIRE_POSTGRES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEST_POSTGRES_URL", "postgresql://postgres:secret@127.0.0.1:1/test")
    with pytest.raises(pytest.skip.Exception) as skipped:
        pg_url_or_skip()
    assert "Connection refused" in str(skipped.value) and "secret" not in str(skipped.value)
    monkeypatch.setenv("REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception):
        pg_url_or_skip()


def test_a_missing_database_on_a_live_server_is_an_error_not_a_skip(monkeypatch, pg_url):
    """Needs the real server (pg_url): the same server, a database name that does not exist."""
    base = os.environ.get("TEST_POSTGRES_URL", PG_DEFAULT).split("?")[0]
    monkeypatch.setenv("TEST_POSTGRES_URL", base.rsplit("/", 1)[0] + "/no_such_database_here")
    try:
        with pytest.raises(SAOperationalError, match="does not exist"):
            pg_url_or_skip()
    except pytest.skip.Exception as skipped:  # a skip would hide the broken set-up: that is the bug
        pytest.fail(f"a missing database was turned into a skip: {skipped}")
