"""discussion: comments on projects, their earlier texts and reports; each cycle's setting of
how long the discussion stays open

Revision ID: 0014_discussion
Revises: 0013_perf_indexes
Create Date: 2026-12-04 16:27:07.066736
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db
from portal.migrate import drop_checked_column

revision: str = '0014_discussion'
down_revision: str | None = '0013_perf_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('voice', sa.Enum('resident', 'author', 'coauthor', 'department', 'commission', name='voice', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.Enum('insult', 'spam', 'personal_data', 'off_topic', 'other', name='hidden_reason', native_enum=False, create_constraint=True, length=21), nullable=True),
    sa.Column('hidden_note', sa.Text(), nullable=False),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("hidden_reason IS NULL OR hidden_reason <> 'other' OR length(trim(hidden_note)) > 0", name=op.f('ck_comments_other_has_note')),
    sa.CheckConstraint('(hidden_at IS NULL) = (hidden_by_id IS NULL)', name=op.f('ck_comments_hidden_by_someone')),
    sa.CheckConstraint('(hidden_at IS NULL) = (hidden_reason IS NULL)', name=op.f('ck_comments_hidden_has_reason')),
    sa.CheckConstraint('edited_at IS NULL OR edited_at >= created_at', name=op.f('ck_comments_edited_after')),
    sa.CheckConstraint('length(text) BETWEEN 1 AND 2000', name=op.f('ck_comments_text_length')),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_comments_not_own_parent')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_comments_hidden_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_comments_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_author_created', ['author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_comments_project', ['project_id', 'id'], unique=False)

    op.create_table('comment_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_reports_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_comment_reports_reporter_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_reports')),
    sa.UniqueConstraint('comment_id', 'reporter_id', name=op.f('uq_comment_reports_comment_id_reporter_id'))
    )
    with op.batch_alter_table('comment_reports', schema=None) as batch_op:
        batch_op.create_index('ix_comment_reports_open', ['resolved_at', 'comment_id'], unique=False)

    op.create_table('comment_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_revisions_comment_id_comments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_revisions'))
    )
    with op.batch_alter_table('comment_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_comment_revisions_comment', ['comment_id', 'id'], unique=False)

    # Every cycle so far keeps the default: open from the submission to the end of voting.
    if op.get_bind().dialect.name == "sqlite":
        # Added in place: copying the table (batch mode) would, with foreign keys on, fail
        # on the rows of the tables that point at the cycles.
        op.execute("ALTER TABLE cycles ADD COLUMN discussion_period VARCHAR(22) NOT NULL "
                   "DEFAULT 'voting' CONSTRAINT ck_cycles_discussion_period "
                   "CHECK (discussion_period IN ('voting', 'implementation', 'always'))")
    else:
        op.add_column('cycles', sa.Column('discussion_period', sa.String(length=22),
                                          nullable=False, server_default='voting'))
        op.alter_column('cycles', 'discussion_period', server_default=None)
        op.create_check_constraint(op.f('ck_cycles_discussion_period'), 'cycles',
                                   "discussion_period IN ('voting', 'implementation', "
                                   "'always')")


def downgrade() -> None:
    drop_checked_column(op, 'cycles', 'discussion_period', op.f('ck_cycles_discussion_period'))

    with op.batch_alter_table('comment_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_revisions_comment')

    op.drop_table('comment_revisions')
    with op.batch_alter_table('comment_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_reports_open')

    op.drop_table('comment_reports')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_project')
        batch_op.drop_index('ix_comments_author_created')

    op.drop_table('comments')
