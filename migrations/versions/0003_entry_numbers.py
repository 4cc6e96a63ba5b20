"""Entry numbers per ledger: entries.seq and entries.number, and a counter table

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:00:00

People cite an item by its ledger's own number (1, 2, 3 …, or 督〔2026〕7号), not by the id
all ledgers share. `entry_sequences` holds each ledger's last number (period '') and, for a
pattern that starts again every year, the year's last number (period '2026'). Every existing
entry, deleted ones included (a number is never reused), is numbered in id order per ledger.
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Written out rather than imported from core.db.models: a migration is frozen at its revision.
Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.add_column('entries', sa.Column('seq', sa.BigInteger(), nullable=True))
    op.add_column('entries', sa.Column('number', sa.String(length=100), nullable=True))
    op.create_table('entry_sequences',
    sa.Column('ledger_id', Id, nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('last', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledgers.id'], ),
    sa.PrimaryKeyConstraint('ledger_id', 'period')
    )
    # One statement on both databases (UPDATE ... FROM: SQLite 3.33+, PostgreSQL).
    op.execute("UPDATE entries SET seq = numbered.n, number = CAST(numbered.n AS VARCHAR(100)) "
               "FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY ledger_id ORDER BY id) AS n "
               "FROM entries) AS numbered WHERE entries.id = numbered.id")
    op.execute("INSERT INTO entry_sequences (ledger_id, period, last) "
               "SELECT ledger_id, '', MAX(seq) FROM entries GROUP BY ledger_id")
    op.create_index('ix_entries_ledger_seq', 'entries', ['ledger_id', 'seq'], unique=True)


def downgrade():
    op.drop_index('ix_entries_ledger_seq', table_name='entries')
    op.drop_table('entry_sequences')
    with op.batch_alter_table('entries') as batch:
        batch.drop_column('number')
        batch.drop_column('seq')
