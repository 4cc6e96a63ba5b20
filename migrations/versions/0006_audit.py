"""The audit trail: audit_log, one hash-chained record per change or whole-ledger read

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 20:30:00

See core/access/audit.py: each record's `hash` is the SHA-256 of its fields and `prev_hash`.
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Written out rather than imported from core.db.models: a migration is frozen at its revision.
Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('audit_log',
    sa.Column('id', Id, autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_name', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('ledger_key', sa.String(length=64), nullable=True),
    sa.Column('entry_id', sa.BigInteger(), nullable=True),
    sa.Column('filters', sa.JSON(), nullable=True),
    sa.Column('row_count', sa.BigInteger(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    op.create_index(op.f('ix_audit_log_user_name'), 'audit_log', ['user_name'], unique=False)
    op.create_index(op.f('ix_audit_log_ledger_key'), 'audit_log', ['ledger_key'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_audit_log_ledger_key'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_user_name'), table_name='audit_log')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_table('audit_log')
