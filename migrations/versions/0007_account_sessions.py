"""account sessions: each signed-in browser, so that logging out ends it on the server

Revision ID: 0007_account_sessions
Revises: 0006_choice_project
Create Date: 2026-12-03 07:49:28.785638
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = '0007_account_sessions'
down_revision: str | None = '0006_choice_project'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('account_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('remembered', sa.Boolean(), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('device', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_sessions_token_hash'))
    )
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_account_sessions_user_id_ended_at', ['user_id', 'ended_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_account_sessions_user_id_ended_at')

    op.drop_table('account_sessions')
