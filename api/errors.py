"""The API's own error: a problem of the request itself. Every error under /api/v1 is answered
as one JSON shape by `adapters.error_response`."""
from __future__ import annotations

from core.errors import LedgerError

from adapters import MESSAGES

class ApiError(LedgerError):
    """An HTTP-level problem of the request itself (no token, wrong content type...)."""

    def __init__(self, status: int, message: str | None = None):
        super().__init__(message or MESSAGES.get(status, "请求无效"))
        self.status = status
