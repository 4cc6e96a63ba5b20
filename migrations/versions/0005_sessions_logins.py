"""Sessions that end and throttled logins: users.session_gen, users.last_login_at, login_attempts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 20:20:00

`session_gen` is written into a session cookie at login and compared on every request: logout,
a password or role change, disabling and token revocation add one, so every older cookie of
that user is refused on its next request, on every worker. `login_attempts` holds recent login
attempts (name, address, time, success) so throttling holds across workers.
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('session_gen', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('login_attempts',
    sa.Column('id', Id, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_login_attempts_name_at', 'login_attempts', ['name', 'at'])
    op.create_index('ix_login_attempts_address_at', 'login_attempts', ['address', 'at'])
    op.create_index('ix_login_attempts_at', 'login_attempts', ['at'])


def downgrade():
    op.drop_index('ix_login_attempts_at', table_name='login_attempts')
    op.drop_index('ix_login_attempts_address_at', table_name='login_attempts')
    op.drop_index('ix_login_attempts_name_at', table_name='login_attempts')
    op.drop_table('login_attempts')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('last_login_at')
        batch.drop_column('session_gen')
