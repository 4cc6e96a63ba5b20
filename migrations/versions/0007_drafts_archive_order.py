"""Ledger drafts (the designer's unpublished work), archived ledgers and their order

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 22:10:00

`ledger_drafts` holds one draft definition per ledger key (JSON, kept as typed);
`ledgers.position` orders the index page; `ledgers.archived_at` hides a ledger from staff
without touching its data.
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ledger_drafts',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('ledgers') as batch:
        batch.add_column(sa.Column('position', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('ledgers') as batch:
        batch.drop_column('archived_at')
        batch.drop_column('position')
    op.drop_table('ledger_drafts')
