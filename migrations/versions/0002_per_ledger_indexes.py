"""Per-ledger partial indexes replace the shared expression indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 19:20:00

Before, every declared filter or sort got an index over the whole entries table
(`ix_e_<field>_<type>`), so each ledger's writes paid for every other ledger's indexes.
core.db.indexes now makes them per ledger (`lx_<ledger id>_...`, partial to that ledger);
this drops the old ones, and core.db.bootstrap rebuilds the new ones after the upgrade.
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _names(prefix: str) -> list[str]:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        query = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries' "
                 "AND name LIKE :p ESCAPE '\\'")
    else:
        query = ("SELECT indexname FROM pg_indexes WHERE tablename = 'entries' "
                 "AND schemaname = current_schema() AND indexname LIKE :p ESCAPE '\\'")
    return list(bind.execute(sa.text(query), {"p": prefix.replace('_', '\\_') + '%'}).scalars())


def upgrade():
    for name in _names('ix_e_'):
        op.execute(f'DROP INDEX IF EXISTS "{name}"')


def downgrade():
    # The shared indexes were only ever a speed-up; the older release recreates those its
    # definitions declare whenever a definition is saved. Drop the per-ledger ones here.
    for name in _names('lx_'):
        op.execute(f'DROP INDEX IF EXISTS "{name}"')
