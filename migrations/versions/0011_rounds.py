"""Reporting rounds (催报): rounds, the items fixed when a round opens, reminders to units

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:00:00

New tables only (core/db/roundtables.py); nothing stored before is touched.
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('rounds',
    sa.Column('id', Id, nullable=False),
    sa.Column('ledger_id', Id, nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('filter', sa.JSON(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('repeat', sa.JSON(), nullable=True),
    sa.Column('follows_id', Id, nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], ),
    sa.ForeignKeyConstraint(['follows_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('follows_id')
    )
    op.create_index('ix_rounds_ledger', 'rounds', ['ledger_id', 'id'])
    op.create_table('round_items',
    sa.Column('round_id', Id, nullable=False),
    sa.Column('entry_id', Id, nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'entry_id')
    )
    op.create_index('ix_round_items_entry', 'round_items', ['entry_id'])
    op.create_table('round_reminders',
    sa.Column('id', Id, nullable=False),
    sa.Column('round_id', Id, nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_round_reminders_round', 'round_reminders', ['round_id', 'unit'])


def downgrade():
    op.drop_table('round_reminders')
    op.drop_table('round_items')
    op.drop_table('rounds')
