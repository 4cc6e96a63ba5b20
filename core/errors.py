"""The engine's named errors; each surface (API, pages, CLI) turns them into a response."""
from __future__ import annotations


class LedgerError(Exception):
    """Base of every error the engine raises on purpose."""

    status = 400

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class DefinitionError(LedgerError):
    """A ledger definition is malformed; `errors` holds {path, message} with JSON pointers."""

    status = 422


class EntryInvalid(LedgerError):
    """An entry failed validation; `errors` holds {field, path, keyword, message}."""

    status = 422

    def __init__(self, errors: list[dict]):
        super().__init__("数据校验未通过", errors)


class QueryError(LedgerError):
    """A filter, sort or paging parameter names an unknown field or carries a bad value."""

    status = 400


class NotFound(LedgerError):
    status = 404


class Forbidden(LedgerError):
    status = 403


class Conflict(LedgerError):
    """A uniqueness rule would be broken (a ledger key, a user name, a business key)."""

    status = 409


class ChangeRefused(Conflict):
    """A new definition version would break stored values (a type change); `plan` says which
    and how many (core/ledgers/evolution.py's plan), so the caller can migrate them instead."""

    def __init__(self, message: str, errors: list[dict], plan: dict):
        super().__init__(message, errors)
        self.plan = plan


class StaleEntry(LedgerError):
    """The caller edited an older row version than the stored one; nothing was written."""

    status = 412

    def __init__(self, current: dict):
        super().__init__("该记录已被他人修改，请刷新后再保存")
        self.current = current


def problem(path: str, message: str) -> dict:
    """One problem of a document, as every check reports it: its JSON pointer and a message."""
    return {"path": path, "message": message}
