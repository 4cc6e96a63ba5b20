"""Uploaded files: their metadata (the bytes are on disk, by content hash)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:00:00

`files` holds one row per upload: its name as the user gave it (metadata only, never a path),
size, media type judged from the content, SHA-256 (the name of the bytes on disk), the ledger
and field it was uploaded for, and the entry that holds it once attached.
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('files',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('ledger_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], name='fk_files_ledger_id'),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name='fk_files_entry_id'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_files_entry', 'files', ['entry_id'])
    op.create_index('ix_files_sha256', 'files', ['sha256'])


def downgrade():
    op.drop_index('ix_files_sha256', table_name='files')
    op.drop_index('ix_files_entry', table_name='files')
    op.drop_table('files')
