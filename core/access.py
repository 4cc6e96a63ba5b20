"""Who may do what: the one place a permission rule is written.

Every engine function that reads or writes takes an Actor and asks `require` before it
touches a ledger, so a rule added here applies to pages, the API, exports and reports at once.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import Forbidden

ROLES = ("admin", "editor", "viewer")
ROLE_TITLES = {"admin": "管理员", "editor": "编辑", "viewer": "只读"}
_ALLOWED = {
    "admin": {"read", "write", "design", "manage_users"},
    "editor": {"read", "write"},
    "viewer": {"read"},
}
_ACTION_TITLES = {"read": "查看", "write": "编辑", "design": "修改台帐定义", "manage_users": "管理用户"}


@dataclass(frozen=True)
class Actor:
    """The caller as the engine sees it: a name for the record and a role for the rules."""

    name: str
    role: str
    id: int | None = None
    # The server itself (CLI demo data, imports without --user): may set any workflow state.
    system: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor("system", "admin", system=True)


def can(actor: Actor | None, action: str, ledger_key: str | None = None) -> bool:
    """True when `actor` may perform `action` (read, write, design, manage_users) on a ledger."""
    if actor is None:
        return False
    return action in _ALLOWED.get(actor.role, set())


def require(actor: Actor | None, action: str, ledger_key: str | None = None) -> None:
    if not can(actor, action, ledger_key):
        raise Forbidden(f"没有权限{_ACTION_TITLES.get(action, action)}")
