"""ballot choices refer to the project with its category and cycle

One composite foreign key (project, category, cycle) -> projects replaces three single
ones: the database now also keeps a choice's category and cycle those of its project, and
a cast checks one key per choice instead of three (each of which locked the cycle's or the
category's row for every choice of every ballot).

Revision ID: 0006_choice_project
Revises: 0005_voting
Create Date: 2026-11-21 23:50:24.822873
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0006_choice_project'
down_revision: str | None = '0005_voting'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The key a composite foreign key refers to must be unique first.
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index('uq_projects_id_category_cycle', ['id', 'category_id', 'cycle_id'], unique=True)

    with op.batch_alter_table('ballot_choices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ballot_choices_project_id_projects'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ballot_choices_category_id_categories'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ballot_choices_cycle_id_cycles'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_ballot_choices_project_id_projects'), 'projects', ['project_id', 'category_id', 'cycle_id'], ['id', 'category_id', 'cycle_id'], ondelete='RESTRICT')


def downgrade() -> None:
    with op.batch_alter_table('ballot_choices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ballot_choices_project_id_projects'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_ballot_choices_cycle_id_cycles'), 'cycles', ['cycle_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_ballot_choices_category_id_categories'), 'categories', ['category_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_ballot_choices_project_id_projects'), 'projects', ['project_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('uq_projects_id_category_cycle')
