"""Users, roles and API tokens. Passwords are hashed (scrypt); tokens are stored as SHA-256."""
from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from . import units
from .access import ROLES, Actor
from .errors import Conflict, LedgerError, NotFound
from .models import Database, api_tokens, users, utcnow

NAME_RE = re.compile(r"[\w.@-]{1,64}")  # matched whole (fullmatch): "$" would let "name\n" through
MIN_PASSWORD = 8
# Checked against when a name is unknown, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def create_user(db: Database, name: str, role: str, password: str, unit: str | None = None) -> Actor:
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise LedgerError("用户名应为 1-64 个字母、数字或 . @ - _")
    if role not in ROLES:
        raise LedgerError(f"角色应为 {' / '.join(ROLES)} 之一")
    if len(password or "") < MIN_PASSWORD:
        raise LedgerError(f"密码至少需要 {MIN_PASSWORD} 个字符")
    try:
        with db.write() as conn:
            if conn.execute(select(users.c.id).where(users.c.name == name)).first():
                raise Conflict(f"用户“{name}”已存在")
            # unit_id only when given: a database at an older revision (upgrade tests) has no column
            extra = {"unit_id": units.unit_id(conn, unit)} if unit else {}
            user_id = conn.execute(insert(users).values(
                name=name, role=role, password_hash=generate_password_hash(password),
                active=True, created_at=utcnow(), **extra)).inserted_primary_key[0]
            if not unit:
                return Actor(name, role, user_id)
            return units.actor_for(conn, conn.execute(select(users).where(users.c.id == user_id)).one())
    except IntegrityError:  # created by another request at the same moment
        raise Conflict(f"用户“{name}”已存在") from None


def set_unit(db: Database, name: str, unit: str | None) -> None:
    with db.write() as conn:
        unit_id = units.unit_id(conn, unit) if unit else None
        if conn.execute(update(users).where(users.c.name == name).values(unit_id=unit_id)).rowcount != 1:
            raise NotFound(f"用户“{name}”不存在")


def set_role(db: Database, name: str, role: str) -> None:
    if role not in ROLES:
        raise LedgerError(f"角色应为 {' / '.join(ROLES)} 之一")
    with db.write() as conn:
        if conn.execute(update(users).where(users.c.name == name).values(role=role)).rowcount != 1:
            raise NotFound(f"用户“{name}”不存在")


def set_password(db: Database, name: str, password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise LedgerError(f"密码至少需要 {MIN_PASSWORD} 个字符")
    with db.write() as conn:
        result = conn.execute(update(users).where(users.c.name == name)
                              .values(password_hash=generate_password_hash(password)))
        if result.rowcount != 1:
            raise NotFound(f"用户“{name}”不存在")


def authenticate(db: Database, name: str, password: str) -> Actor | None:
    """The actor for a correct name and password, else None."""
    with db.read() as conn:
        row = conn.execute(select(users).where(users.c.name == name, users.c.active.is_(True))).first()
    if row is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(row.password_hash, password or ""):
        return None
    with db.read() as conn:
        return units.actor_for(conn, row)


def get_user(db: Database, user_id: int) -> Actor | None:
    with db.read() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id, users.c.active.is_(True))).first()
        return units.actor_for(conn, row) if row else None


def list_users(db: Database) -> list[dict]:
    with db.read() as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).all()
    return [{"id": r.id, "name": r.name, "role": r.role, "active": r.active, "unit_id": r.unit_id} for r in rows]


def user_count(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(users)).scalar_one()


def issue_token(db: Database, name: str) -> str:
    """A new API token for `name`; only its hash is kept, so it is shown exactly once."""
    token = "lt_" + secrets.token_urlsafe(32)
    with db.write() as conn:
        row = conn.execute(select(users.c.id).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(f"用户“{name}”不存在")
        conn.execute(insert(api_tokens).values(user_id=row.id, token_hash=_digest(token), created_at=utcnow()))
    return token


def revoke_tokens(db: Database, name: str) -> int:
    with db.write() as conn:
        row = conn.execute(select(users.c.id).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(f"用户“{name}”不存在")
        return conn.execute(delete(api_tokens).where(api_tokens.c.user_id == row.id)).rowcount


def actor_for_token(db: Database, token: str) -> Actor | None:
    if not token or len(token) > 200:
        return None
    with db.read() as conn:
        row = conn.execute(select(users).join(api_tokens, api_tokens.c.user_id == users.c.id)
                           .where(api_tokens.c.token_hash == _digest(token), users.c.active.is_(True))).first()
        return units.actor_for(conn, row) if row else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
