"""Baseline: the tables as create_all made them before migrations existed

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00

A database made by that create_all (tables, no alembic_version) is stamped at this revision
by core.db.bootstrap.upgrade_schema instead of running it.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# Written out rather than imported from core.db.models: a migration is frozen at its revision.
Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')  # SQLite: INTEGER PRIMARY KEY is the rowid
JsonData = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
Moment = sa.DateTime(timezone=True)


def upgrade():
    op.create_table('ledgers',
    sa.Column('id', Id, nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('entry_count', sa.BigInteger(), nullable=False),
    sa.Column('created_at', Moment, nullable=False),
    sa.Column('updated_at', Moment, nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('users',
    sa.Column('id', Id, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', Moment, nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('api_tokens',
    sa.Column('id', Id, nullable=False),
    sa.Column('user_id', Id, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', Moment, nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_api_tokens_user_id', 'api_tokens', ['user_id'], unique=False)
    op.create_table('entries',
    sa.Column('id', Id, nullable=False),
    sa.Column('ledger_id', Id, nullable=False),
    sa.Column('def_version', sa.Integer(), nullable=False),
    sa.Column('data', JsonData, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', Moment, nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_at', Moment, nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.Column('deleted_at', Moment, nullable=True),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_entries_ledger_live', 'entries', ['ledger_id', 'id'], unique=False,
                    sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
    op.create_table('entry_counts',
    sa.Column('ledger_id', Id, nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=2000), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], ),
    sa.PrimaryKeyConstraint('ledger_id', 'field', 'value')
    )
    # JSON, not JSONB: the order of `properties` is the order of the form and must survive.
    op.create_table('ledger_versions',
    sa.Column('id', Id, nullable=False),
    sa.Column('ledger_id', Id, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('created_at', Moment, nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ledger_id', 'version')
    )
    op.create_table('revisions',
    sa.Column('id', Id, nullable=False),
    sa.Column('entry_id', Id, nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('entry_version', sa.Integer(), nullable=False),
    sa.Column('changes', JsonData, nullable=False),
    sa.Column('at', Moment, nullable=False),
    sa.Column('by', sa.String(length=64), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_revisions_entry_id', 'revisions', ['entry_id'], unique=False)


def downgrade():
    op.drop_index('ix_revisions_entry_id', table_name='revisions')
    op.drop_table('revisions')
    op.drop_table('ledger_versions')
    op.drop_table('entry_counts')
    op.drop_index('ix_entries_ledger_live', table_name='entries')
    op.drop_table('entries')
    op.drop_index('ix_api_tokens_user_id', table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('ledgers')
