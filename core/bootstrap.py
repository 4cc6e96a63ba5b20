"""First start: create the tables and load the shipped ledgers; load more from files."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .access import SYSTEM, Actor
from .definition import Definition, load_definition_file
from .models import Database, ledgers
from .store import save_definition

FIRST_ADMIN_HINT = ("尚无任何用户。请先创建第一个管理员：\n"
                    "  flask --app app users create admin --role admin --password '至少8位的密码'")


def prepare(db: Database, schemas_dir: str | Path | None) -> None:
    """Create missing tables; on an empty database, load every definition in `schemas_dir`."""
    db.create_all()
    if schemas_dir is None:
        return
    with db.read() as conn:
        if conn.execute(select(func.count()).select_from(ledgers)).scalar_one():
            return
    try:
        load_path(db, SYSTEM, schemas_dir)
    except IntegrityError:
        pass  # another worker loaded them at the same moment


def load_path(db: Database, actor: Actor, path: str | Path) -> list[Definition]:
    """Load or update the definitions in a JSON file or in every *.json of a folder."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    checked = [load_definition_file(f) for f in files]  # every file is checked before any is saved
    return [save_definition(db, actor, definition.schema) for definition in checked]
