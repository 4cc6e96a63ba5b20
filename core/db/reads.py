"""One request's reads (core/db/models.py Database.request): a shared read connection,
opened on first use and ended by the first write, and a memo of what was read through it."""
from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from core.db.models import Database


class RequestReads:
    """The read transaction and the memo of one request (Database.request)."""

    def __init__(self, database: Database):
        self.database = database
        self.memo: dict = {}
        self.users = 0  # open `with read()` blocks on the shared connection
        self._conn: Connection | None = None

    def connection(self) -> Connection:
        if self._conn is None:
            self._conn = self.database.engine.connect()
        return self._conn

    def end(self) -> None:
        """Ends the read transaction and gives its connection back to the pool (a write is
        about to take one), forgetting the memo; the next read begins anew. A read block still
        open around the write keeps its connection, its transaction ended."""
        if self.users:
            self.rollback()
        else:
            self.close()

    def rollback(self) -> None:
        self.memo.clear()
        if self._conn is not None:
            self._conn.rollback()

    def close(self) -> None:
        self.memo.clear()
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def request_memo(conn: Connection) -> dict | None:
    """What the current request has already read through its shared read connection `conn`
    (None for any other connection: a write's reads are never kept)."""
    shared = REQUEST.get()
    return shared.memo if shared is not None and shared._conn is conn else None


REQUEST: ContextVar[RequestReads | None] = ContextVar("ledger_request_reads", default=None)
