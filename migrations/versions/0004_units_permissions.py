"""Units (组织机构), users.unit_id, and per-ledger permission rules

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 20:20:00

`units` is a tree (parent_id): the district office and its sections, towns and streets,
departments. A user belongs to at most one unit. `ledger_permissions` holds a ledger's rules
(a JSON list; no row: the plain role behaviour).
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('units',
    sa.Column('id', Id, nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('parent_id', Id, nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key'),
    sa.UniqueConstraint('title')
    )
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('unit_id', Id, nullable=True))
        batch.create_foreign_key('fk_users_unit_id', 'units', ['unit_id'], ['id'])
    op.create_table('ledger_permissions',
    sa.Column('ledger_id', Id, nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], ),
    sa.PrimaryKeyConstraint('ledger_id')
    )


def downgrade():
    op.drop_table('ledger_permissions')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint('fk_users_unit_id', type_='foreignkey')
        batch.drop_column('unit_id')
    op.drop_table('units')
