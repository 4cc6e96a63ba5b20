"""Users, roles and API tokens. Passwords are hashed (scrypt); tokens are stored as SHA-256.

Every change is recorded in the audit trail in its own transaction (`by`: who made it; the
server itself when None, e.g. the command line); login attempts are counted in throttle.py."""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from core.access import audit
from core.access import units
from core.access.policy import ROLES, SYSTEM, Actor
from core.errors import Conflict, LedgerError, NotFound
from core.db.models import Database, api_tokens, aware, users, utcnow
from core.db.models import units as units_table

NAME_RE = re.compile(r"[\w.@-]{1,64}")  # matched whole (fullmatch): "$" would let "name\n" through
MIN_PASSWORD = 8
# Werkzeug's scrypt. The test suite swaps in a cheap method (tests/conftest.py); nothing else may.
PASSWORD_METHOD = "scrypt"


def _hash(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


@functools.cache
def _dummy_hash(method: str) -> str:
    """Checked against when a name is unknown, so a login takes as long either way."""
    return generate_password_hash("not-a-real-password", method=method)


def create_user(db: Database, name: str, role: str, password: str, unit: str | None = None,
                by: Actor | None = None) -> Actor:
    return _create_user(db, name, role, password, unit, by)


def _create_user(db: Database, name: str, role: str, password: str, unit: str | None = None,
                 by: Actor | None = None, first: bool = False) -> Actor:
    """A new user; `first`: only while there are no users, checked in the same transaction."""
    check_new_user(name, role, password)
    password_hash = _hash(password)  # before the transaction: hashing never holds the write lock
    try:
        with db.write() as conn:
            if first:
                if db.dialect == "postgresql":  # inserts wait; so does every other first set-up
                    conn.execute(text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
                if conn.execute(select(func.count()).select_from(users)).scalar_one():
                    raise NotFound("已有用户，设置页面不再可用")
            if conn.execute(select(users.c.id).where(users.c.name == name)).first():
                raise Conflict(f"用户“{name}”已存在")
            # unit_id only when given: a database at an older revision (upgrade tests) has no column
            extra = {"unit_id": _known_unit(conn, unit)} if unit else {}
            user_id = conn.execute(insert(users).values(
                name=name, role=role, password_hash=password_hash,
                active=True, created_at=utcnow(), **extra)).inserted_primary_key[0]
            _record(conn, by, "user_create", name, role=role, unit=unit)
            if not unit:
                return Actor(name, role, user_id)
            return units.actor_for(conn, conn.execute(select(users).where(users.c.id == user_id)).one())
    except IntegrityError:  # created by another request at the same moment
        raise Conflict(f"用户“{name}”已存在") from None


def user_problems(name, role: str, password) -> list[dict]:
    """Every reason the account cannot be made, in the order of the form's fields:
    [{"field", "message"}]."""
    problems = []
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        problems.append({"field": "name", "message": "用户名应为 1-64 个字母、数字或 . @ - _"})
    if role not in ROLES:
        problems.append({"field": "role", "message": f"角色应为 {' / '.join(ROLES)} 之一"})
    if len(password or "") < MIN_PASSWORD:
        problems.append({"field": "password", "message": f"密码至少需要 {MIN_PASSWORD} 个字符"})
    return problems


def check_new_user(name, role: str, password) -> None:
    problems = user_problems(name, role, password)
    if problems:
        raise LedgerError(problems[0]["message"])


def set_unit(db: Database, name: str, unit: str | None, by: Actor | None = None) -> None:
    """Move a user to `unit` (a key; None: no unit). Their sessions end, as for a role change:
    what they may see changes with the unit."""
    with db.write() as conn:
        _change(conn, name, unit_id=_known_unit(conn, unit) if unit else None)
        _record(conn, by, "user_unit", name, unit=unit)


def _change(conn, name: str, **values) -> None:
    """Update user `name` and end their sessions (every account change does)."""
    if conn.execute(update(users).where(users.c.name == name)
                    .values(**values, session_gen=users.c.session_gen + 1)).rowcount != 1:
        raise NotFound(f"用户“{name}”不存在")


def _record(conn, by: Actor | None, action: str, name: str, **details) -> None:
    """An account change in the audit trail: the account in `filters.user`, never a password."""
    audit.record(conn, by or SYSTEM, action, filters={"user": name, **details})


def _known_unit(conn, key) -> int:
    """The id of unit `key`; an unknown key is a mistake in the request (422), naming it."""
    try:
        return units.unit_id(conn, key)
    except NotFound:
        message = f"单位“{key}”不存在"
        raise AccountInvalid(message, errors=[{"field": "unit", "message": message}]) from None


def _keep_an_admin(conn, name: str) -> None:
    """Refuse a change that would leave no active administrator (nobody could manage users)."""
    target = conn.execute(select(users.c.role, users.c.active).where(users.c.name == name)).first()
    if target is None or target.role != "admin" or not target.active:
        return
    others = conn.execute(select(func.count()).select_from(users).where(
        users.c.role == "admin", users.c.active.is_(True), users.c.name != name)).scalar_one()
    if not others:
        raise Conflict("不能停用最后一个管理员或取消其管理员角色")


def create_first_admin(db: Database, name: str, password: str) -> Actor:
    """The first administrator, only while there are no users (the set-up page): of several
    at once exactly one is made, the others get NotFound."""
    return _create_user(db, name, "admin", password, first=True)


def set_role(db: Database, name: str, role: str, by: Actor | None = None) -> None:
    if role not in ROLES:
        raise LedgerError(f"角色应为 {' / '.join(ROLES)} 之一")
    with db.write() as conn:
        _change_role(conn, name, role)
        _record(conn, by, "user_role", name, role=role)


def _change_role(conn, name: str, role: str) -> None:
    if role != "admin":
        _keep_an_admin(conn, name)
    _change(conn, name, role=role)


def set_password(db: Database, name: str, password: str, by: Actor | None = None) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise LedgerError(f"密码至少需要 {MIN_PASSWORD} 个字符")
    with db.write() as conn:
        _change(conn, name, password_hash=_hash(password))
        _record(conn, by, "user_password", name)


def authenticate(db: Database, name: str, password: str) -> Actor | None:
    """The actor for a correct name and password, else None."""
    with db.read() as conn:
        row = conn.execute(select(users).where(users.c.name == name, users.c.active.is_(True))).first()
    if row is None:
        check_password_hash(_dummy_hash(PASSWORD_METHOD), password or "")
        return None
    if not check_password_hash(row.password_hash, password or ""):
        return None
    with db.read() as conn:
        return units.actor_for(conn, row)


def get_user(db: Database, user_id: int) -> Actor | None:
    found = session_user(db, user_id)
    return found[0] if found else None


def session_user(db: Database, user_id: int) -> tuple[Actor, int] | None:
    """The active user `user_id` and their session generation, else None."""
    with db.read() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id, users.c.active.is_(True))).first()
        return (units.actor_for(conn, row), row.session_gen) if row else None


def end_sessions(db: Database, user_id: int) -> None:
    """Every session of the user is refused from its next request (logout everywhere)."""
    with db.write() as conn:
        conn.execute(update(users).where(users.c.id == user_id)
                     .values(session_gen=users.c.session_gen + 1))


def record_login(db: Database, user_id: int) -> int:
    """Note the time of a successful login; the session generation to put in the new session."""
    with db.write() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(last_login_at=utcnow()))
        return conn.execute(select(users.c.session_gen).where(users.c.id == user_id)).scalar_one()


def set_active(db: Database, name: str, active: bool, by: Actor | None = None) -> None:
    """Disable (sessions and tokens stop working at once) or re-enable an account."""
    with db.write() as conn:
        _change_active(conn, name, active)
        _record(conn, by, "user_enable" if active else "user_disable", name)


def _change_active(conn, name: str, active: bool) -> None:
    if not active:
        _keep_an_admin(conn, name)
    _change(conn, name, active=bool(active))


USER_FIELDS = {"role", "unit", "active", "password"}


class AccountInvalid(LedgerError):
    status = 422


def update_user(db: Database, name: str, changes: dict, by: Actor | None = None) -> dict:
    """Apply a PATCH: role, unit (a key, or None for none), active and/or password, in one
    transaction: unknown or ill-typed fields, an unknown unit or the last administrator's
    demotion refuse the whole change."""
    if not isinstance(changes, dict) or not changes:
        raise AccountInvalid("请求体应为对象，包含 role、unit、active 或 password 之一")
    errors = [{"field": key, "message": "不能修改此字段"} for key in changes if key not in USER_FIELDS]
    if "role" in changes and changes["role"] not in ROLES:
        errors.append({"field": "role", "message": f"角色应为 {' / '.join(ROLES)} 之一"})
    if "active" in changes and not isinstance(changes["active"], bool):
        errors.append({"field": "active", "message": "应为 true 或 false"})
    if "unit" in changes and changes["unit"] is not None and not isinstance(changes["unit"], str):
        errors.append({"field": "unit", "message": "应为单位标识（字符串）或 null"})
    if "password" in changes and (not isinstance(changes["password"], str) or len(changes["password"]) < MIN_PASSWORD):
        errors.append({"field": "password", "message": f"密码至少需要 {MIN_PASSWORD} 个字符"})
    if errors:
        raise AccountInvalid("用户信息有误", errors=errors)
    with db.write() as conn:
        current = conn.execute(_with_unit().where(users.c.name == name)).first()
        if current is None:
            raise NotFound(f"用户“{name}”不存在")
        done: list[tuple[str, dict]] = []
        if "role" in changes and changes["role"] != current.role:
            _change_role(conn, name, changes["role"])
            done.append(("user_role", {"role": changes["role"]}))
        unit = changes.get("unit") or None
        if "unit" in changes and unit != current.unit_key:
            _change(conn, name, unit_id=_known_unit(conn, unit) if unit else None)
            done.append(("user_unit", {"unit": unit}))
        if "active" in changes and changes["active"] != current.active:
            _change_active(conn, name, changes["active"])
            done.append(("user_enable" if changes["active"] else "user_disable", {}))
        if "password" in changes:
            _change(conn, name, password_hash=_hash(changes["password"]))
            done.append(("user_password", {}))
        for action, details in done:  # the audit lock last (docs/design.md, lock order)
            _record(conn, by, action, name, **details)
    return get_user_by_name(db, name)


def get_user_by_name(db: Database, name: str) -> dict:
    with db.read() as conn:
        row = conn.execute(_with_unit().where(users.c.name == name)).first()
    if row is None:
        raise NotFound(f"用户“{name}”不存在")
    return _user_dict(row)


def list_users(db: Database) -> list[dict]:
    with db.read() as conn:
        rows = conn.execute(_with_unit().order_by(users.c.name)).all()
    return [_user_dict(r) for r in rows]


def _with_unit():
    """Users with their unit's key and title (what people read; the id means nothing to them)."""
    return (select(users, units_table.c.key.label("unit_key"), units_table.c.title.label("unit_title"))
            .select_from(users.outerjoin(units_table, units_table.c.id == users.c.unit_id)))


def _user_dict(r) -> dict:
    return {"id": r.id, "name": r.name, "role": r.role, "unit": r.unit_key, "unit_title": r.unit_title,
            "active": r.active, "created_at": aware(r.created_at), "last_login_at": aware(r.last_login_at)}


def user_count(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(users)).scalar_one()


def issue_token(db: Database, name: str, by: Actor | None = None) -> str:
    """A new API token for `name`; only its hash is kept, so it is shown exactly once."""
    token = "lt_" + secrets.token_urlsafe(32)
    with db.write() as conn:
        row = conn.execute(select(users.c.id).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(f"用户“{name}”不存在")
        token_id = conn.execute(insert(api_tokens).values(
            user_id=row.id, token_hash=_digest(token), created_at=utcnow())).inserted_primary_key[0]
        _record(conn, by, "token_issue", name, token=token_id)
    return token


def revoke_tokens(db: Database, name: str, by: Actor | None = None) -> int:
    with db.write() as conn:
        row = conn.execute(select(users.c.id).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(f"用户“{name}”不存在")
        conn.execute(update(users).where(users.c.id == row.id).values(session_gen=users.c.session_gen + 1))
        gone = conn.execute(delete(api_tokens).where(api_tokens.c.user_id == row.id)).rowcount
        _record(conn, by, "token_revoke", name, tokens=gone)
        return gone


def list_tokens(db: Database, name: str) -> list[dict]:
    """A user's tokens by id and creation time (their values are never kept)."""
    with db.read() as conn:
        row = conn.execute(select(users.c.id).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(f"用户“{name}”不存在")
        rows = conn.execute(select(api_tokens.c.id, api_tokens.c.created_at)
                            .where(api_tokens.c.user_id == row.id).order_by(api_tokens.c.id)).all()
    return [{"id": r.id, "created_at": aware(r.created_at)} for r in rows]


def revoke_token(db: Database, name: str, token_id: int, by: Actor | None = None) -> None:
    """Revoke one token of `name`; the user's browser sessions end too."""
    with db.write() as conn:
        row = conn.execute(select(users.c.id).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(f"用户“{name}”不存在")
        gone = conn.execute(delete(api_tokens).where(api_tokens.c.id == token_id,
                                                     api_tokens.c.user_id == row.id)).rowcount
        if gone != 1:
            raise NotFound("令牌不存在或已撤销")
        conn.execute(update(users).where(users.c.id == row.id).values(session_gen=users.c.session_gen + 1))
        _record(conn, by, "token_revoke", name, token=token_id)


def actor_for_token(db: Database, token: str) -> Actor | None:
    if not token or len(token) > 200:
        return None
    with db.read() as conn:
        row = conn.execute(select(users).join(api_tokens, api_tokens.c.user_id == users.c.id)
                           .where(api_tokens.c.token_hash == _digest(token), users.c.active.is_(True))).first()
        return units.actor_for(conn, row) if row else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- first start: a set-up code every worker derives alike from the secret key ----------------

def setup_code(secret_key: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), b"ledger-first-admin-setup", hashlib.sha256).hexdigest()[:24]


def setup_code_ok(secret_key: str, code: str | None) -> bool:
    return bool(code) and hmac.compare_digest(setup_code(secret_key), str(code)[:100])
