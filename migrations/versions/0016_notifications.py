"""notifications: follows, notices, preferences, announcements; mail headers

Revision ID: 0016_notifications
Revises: 0015_jobs_mail_files
Create Date: 2026-12-04 17:26:52.343454
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = '0016_notifications'
down_revision: str | None = '0015_jobs_mail_files'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('submission_opened', 'voting_opened', 'voting_closing', 'results_published', 'expertise', 'decision', 'voting_result', 'funding', 'implementation_update', 'complaint_ruling', 'comment', name='kind', native_enum=False, create_constraint=True, length=29), nullable=False),
    sa.Column('target', sa.Enum('cycle', 'project', 'district', name='target', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('made_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('told', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
    sa.UniqueConstraint('kind', 'target', 'target_id', name=op.f('uq_announcements_kind_target_target_id'))
    )
    op.create_table('follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Enum('cycle', 'project', 'district', name='target', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('chosen', 'author', 'supporter', 'voter', name='reason', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
    sa.UniqueConstraint('user_id', 'target', 'target_id', name=op.f('uq_follows_user_id_target_target_id'))
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index('ix_follows_target', ['target', 'target_id'], unique=False)

    op.create_table('notice_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('submission_opened', 'voting_opened', 'voting_closing', 'results_published', 'expertise', 'decision', 'voting_result', 'funding', 'implementation_update', 'complaint_ruling', 'comment', name='kind', native_enum=False, create_constraint=True, length=29), nullable=False),
    sa.Column('delivery', sa.Enum('off', 'portal', 'immediate', 'daily', 'weekly', name='delivery', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notice_preferences_user_id_kind'))
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('submission_opened', 'voting_opened', 'voting_closing', 'results_published', 'expertise', 'decision', 'voting_result', 'funding', 'implementation_update', 'complaint_ruling', 'comment', name='kind', native_enum=False, create_constraint=True, length=29), nullable=False),
    sa.Column('target', sa.Enum('cycle', 'project', 'district', name='target', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivery', sa.Enum('off', 'portal', 'immediate', 'daily', 'weekly', name='delivery', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('mailed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_digest', ['delivery', 'mailed_at'], unique=False)
        batch_op.create_index('ix_notices_user', ['user_id', 'id'], unique=False)

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.Text(), nullable=False, server_default='{}'))



def downgrade() -> None:
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('headers')

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_user')
        batch_op.drop_index('ix_notices_digest')

    op.drop_table('notices')
    op.drop_table('notice_preferences')
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index('ix_follows_target')

    op.drop_table('follows')
    op.drop_table('announcements')
