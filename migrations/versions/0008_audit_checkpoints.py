"""signed checkpoints of the audit log

Revision ID: 0008_audit_checkpoints
Revises: 0007_account_sessions
Create Date: 2026-12-03 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = '0008_audit_checkpoints'
down_revision: str | None = '0007_account_sessions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.CheckConstraint('event_count > 0', name=op.f('ck_audit_checkpoints_counts_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    sa.UniqueConstraint('number', name=op.f('uq_audit_checkpoints_number'))
    )


def downgrade() -> None:
    op.drop_table('audit_checkpoints')
