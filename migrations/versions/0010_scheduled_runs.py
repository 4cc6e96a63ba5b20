"""Scheduled runs: which task ran for which slot, claimed once per cluster

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 16:00:00

`scheduled_runs` has one row per (task, slot): inserting it is the claim, so of several
workers or hosts sharing the database exactly one runs a daily backup of a given day.
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduled_runs',
    sa.Column('task', sa.String(length=40), nullable=False),
    sa.Column('slot', sa.String(length=32), nullable=False),
    sa.Column('host', sa.String(length=128), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('task', 'slot')
    )


def downgrade():
    op.drop_table('scheduled_runs')
