"""cycles, categories, projects, cost items, attachments, co-authors, supports, project events

Revision ID: 0002_cycles
Revises: 0001_foundation
Create Date: 2026-11-21 20:54:12.547743
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = '0002_cycles'
down_revision: str | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('budget_year', sa.Integer(), nullable=False),
    sa.Column('total_budget', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('submission_start', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submission_end', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('support_start', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('support_end', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_start', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('review_end', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voting_start', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voting_end', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('results_date', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('suspended_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('suspension_reason', sa.Text(), nullable=True),
    sa.Column('min_age_submit', sa.Integer(), nullable=False),
    sa.Column('min_age_vote', sa.Integer(), nullable=False),
    sa.Column('support_needed', sa.Integer(), nullable=False),
    sa.Column('projects_per_author', sa.Integer(), nullable=False),
    sa.Column('votes_per_voter', sa.Integer(), nullable=False),
    sa.Column('votes_scope', sa.Enum('per_category', 'total', name='votes_scope', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('ballot_type', sa.Enum('approval', 'knapsack', name='ballot_type', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('winner_rule', sa.Enum('greedy', 'greedy-no-skip', 'greedy-threshold', 'equalshares/add1', name='winner_rule', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('tie_rule', sa.Enum('registration', 'lottery', name='tie_rule', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('min_votes', sa.Integer(), nullable=True),
    sa.Column('complaint_days', sa.Integer(), nullable=False),
    sa.Column('leftover_to_category_id', sa.Integer(), nullable=True),
    sa.Column('live_counts_during_voting', sa.Boolean(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=True),
    sa.Column('last_project_number', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(support_start IS NULL) = (support_end IS NULL)', name=op.f('ck_cycles_support_pair')),
    sa.CheckConstraint('(suspended_at IS NULL) = (suspension_reason IS NULL)', name=op.f('ck_cycles_suspension_has_reason')),
    sa.CheckConstraint('budget_year BETWEEN 2000 AND 2200', name=op.f('ck_cycles_budget_year_range')),
    sa.CheckConstraint('complaint_days >= 0', name=op.f('ck_cycles_complaint_days_not_negative')),
    sa.CheckConstraint('last_project_number >= 0', name=op.f('ck_cycles_last_number_not_negative')),
    sa.CheckConstraint('min_age_submit BETWEEN 0 AND 120 AND min_age_vote BETWEEN 0 AND 120', name=op.f('ck_cycles_ages')),
    sa.CheckConstraint('min_votes IS NULL OR min_votes >= 0', name=op.f('ck_cycles_min_votes_not_negative')),
    sa.CheckConstraint('projects_per_author >= 1', name=op.f('ck_cycles_projects_per_author_positive')),
    sa.CheckConstraint('results_date >= voting_end', name=op.f('ck_cycles_results_order')),
    sa.CheckConstraint('review_start < review_end AND review_start >= submission_end', name=op.f('ck_cycles_review_order')),
    sa.CheckConstraint('submission_start < submission_end', name=op.f('ck_cycles_submission_order')),
    sa.CheckConstraint('support_needed >= 0', name=op.f('ck_cycles_support_needed_not_negative')),
    sa.CheckConstraint('support_start IS NULL OR (support_start < support_end AND support_start >= submission_end)', name=op.f('ck_cycles_support_order')),
    sa.CheckConstraint('total_budget >= 0', name=op.f('ck_cycles_total_budget_not_negative')),
    sa.CheckConstraint('votes_per_voter >= 0', name=op.f('ck_cycles_votes_per_voter_not_negative')),
    sa.CheckConstraint('voting_start < voting_end AND voting_start >= review_end', name=op.f('ck_cycles_voting_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cycles_created_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycles')),
    sa.UniqueConstraint('name', name=op.f('uq_cycles_name'))
    )
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('citywide', 'district', 'thematic', name='kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('min_cost', sa.BigInteger(), nullable=False),
    sa.Column('max_cost', sa.BigInteger(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("(kind = 'district') = (district_id IS NOT NULL)", name=op.f('ck_categories_district_iff_kind')),
    sa.CheckConstraint('budget >= 0', name=op.f('ck_categories_budget_not_negative')),
    sa.CheckConstraint('min_cost >= 0 AND min_cost <= max_cost', name=op.f('ck_categories_cost_limits')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_categories_cycle_id_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_categories_district_id_districts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('cycle_id', 'name', name=op.f('uq_categories_cycle_id_name'))
    )
    # cycles and categories refer to each other: the second key is added once both exist.
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_cycles_leftover_to_category_id_categories', 'categories',
                                    ['leftover_to_category_id'], ['id'], ondelete='SET NULL')
    op.create_table('cycle_suspensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('suspended_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('suspended_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('resumed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resumed_by_id', sa.Integer(), nullable=True),
    sa.Column('resume_note', sa.Text(), nullable=True),
    sa.CheckConstraint('resumed_at IS NULL OR resumed_at >= suspended_at', name=op.f('ck_cycle_suspensions_resume_order')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_cycle_suspensions_cycle_id_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resumed_by_id'], ['users.id'], name=op.f('fk_cycle_suspensions_resumed_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['suspended_by_id'], ['users.id'], name=op.f('fk_cycle_suspensions_suspended_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycle_suspensions'))
    )
    with op.batch_alter_table('cycle_suspensions', schema=None) as batch_op:
        batch_op.create_index('ix_cycle_suspensions_cycle', ['cycle_id', 'suspended_at'], unique=False)

    op.create_table('phase_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.Enum('upcoming', 'submission', 'support', 'review', 'voting', 'between', 'results', 'implementation', 'suspended', name='phase', native_enum=False, create_constraint=True, length=22), nullable=False),
    sa.Column('previous_end', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('new_end', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("phase IN ('submission', 'support', 'review', 'voting')", name=op.f('ck_phase_extensions_window_phase')),
    sa.CheckConstraint('new_end > previous_end', name=op.f('ck_phase_extensions_later')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_phase_extensions_actor_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_phase_extensions_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_extensions'))
    )
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'collecting_support', 'under_review', 'returned_for_revision', 'admitted', 'rejected', 'withdrawn', 'winner', 'not_selected', name='status', native_enum=False, create_constraint=True, length=29), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('beneficiaries', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('total_cost', sa.BigInteger(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status_changed_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revision_deadline', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'draft' OR number IS NULL", name=op.f('ck_projects_draft_unnumbered')),
    sa.CheckConstraint("status <> 'returned_for_revision' OR revision_deadline IS NOT NULL", name=op.f('ck_projects_revision_has_deadline')),
    sa.CheckConstraint("status = 'draft' OR (number IS NOT NULL AND submitted_at IS NOT NULL)", name=op.f('ck_projects_submitted_numbered')),
    sa.CheckConstraint('(latitude IS NULL) = (longitude IS NULL)', name=op.f('ck_projects_point_pair')),
    sa.CheckConstraint('latitude IS NULL OR latitude BETWEEN -90 AND 90', name=op.f('ck_projects_latitude_range')),
    sa.CheckConstraint('longitude IS NULL OR longitude BETWEEN -180 AND 180', name=op.f('ck_projects_longitude_range')),
    sa.CheckConstraint('number IS NULL OR number > 0', name=op.f('ck_projects_number_positive')),
    sa.CheckConstraint('total_cost >= 0', name=op.f('ck_projects_total_cost_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_projects_author_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_projects_category_id_categories'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_projects_cycle_id_cycles'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_projects_district_id_districts'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('cycle_id', 'number', name=op.f('uq_projects_cycle_id_number'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index('ix_projects_author', ['author_id'], unique=False)
        batch_op.create_index('ix_projects_category', ['category_id'], unique=False)
        batch_op.create_index('ix_projects_cycle_status', ['cycle_id', 'status'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('photo', 'document', name='kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachments_size_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_attachments_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    op.create_table('coauthors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', portal.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('confirmed_at IS NULL OR user_id IS NOT NULL', name=op.f('ck_coauthors_confirmed_by_user')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_coauthors_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_coauthors_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coauthors')),
    sa.UniqueConstraint('project_id', 'email', name=op.f('uq_coauthors_project_id_email')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_coauthors_token_hash'))
    )
    op.create_table('cost_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_cost_items_quantity_positive')),
    sa.CheckConstraint('total >= 0', name=op.f('ck_cost_items_total_not_negative')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_cost_items_unit_price_not_negative')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_cost_items_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_items')),
    sa.UniqueConstraint('project_id', 'position', name=op.f('uq_cost_items_project_id_position'))
    )
    op.create_table('project_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.Enum('draft', 'submitted', 'collecting_support', 'under_review', 'returned_for_revision', 'admitted', 'rejected', 'withdrawn', 'winner', 'not_selected', name='from_status', native_enum=False, create_constraint=True, length=29), nullable=True),
    sa.Column('to_status', sa.Enum('draft', 'submitted', 'collecting_support', 'under_review', 'returned_for_revision', 'admitted', 'rejected', 'withdrawn', 'winner', 'not_selected', name='to_status', native_enum=False, create_constraint=True, length=29), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_project_events_actor_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_events_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_events'))
    )
    with op.batch_alter_table('project_events', schema=None) as batch_op:
        batch_op.create_index('ix_project_events_project', ['project_id', 'at'], unique=False)

    op.create_table('supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=False),
    sa.Column('at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_supports_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_supports_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supports')),
    sa.UniqueConstraint('project_id', 'person_key', name=op.f('uq_supports_project_id_person_key'))
    )


def downgrade() -> None:
    op.drop_table('supports')
    with op.batch_alter_table('project_events', schema=None) as batch_op:
        batch_op.drop_index('ix_project_events_project')

    op.drop_table('project_events')
    op.drop_table('cost_items')
    op.drop_table('coauthors')
    op.drop_table('attachments')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_cycle_status')
        batch_op.drop_index('ix_projects_category')
        batch_op.drop_index('ix_projects_author')

    op.drop_table('projects')
    op.drop_table('phase_extensions')
    with op.batch_alter_table('cycle_suspensions', schema=None) as batch_op:
        batch_op.drop_index('ix_cycle_suspensions_cycle')

    op.drop_table('cycle_suspensions')
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_constraint('fk_cycles_leftover_to_category_id_categories',
                                 type_='foreignkey')
    op.drop_table('categories')
    op.drop_table('cycles')
