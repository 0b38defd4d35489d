"""job failures of a community: the community a failed job ran for

A community's administrators see the failures of their community's jobs on
``/admin/jobs``; the platform's administrators see all of them and the platform's own
(``community_id`` NULL). A failure kept before this revision names its community only in
its arguments (the ``_community`` keyword a queued job carries): it is read from there.

Revision ID: 0020_job_failures_community
Revises: 0019_stored_files
Create Date: 2026-12-05 09:00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_job_failures_community"
down_revision: str | None = "0019_stored_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The keyword a queued job carries its community in (``portal.jobs.COMMUNITY_KEY``).
COMMUNITY_KEY = "_community"


def upgrade() -> None:
    with op.batch_alter_table("job_failures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_job_failures_community_id_communities"),
                                    "communities", ["community_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_index("ix_job_failures_community_open",
                              ["community_id", "handled_at", "failed_at"], unique=False)
    bind = op.get_bind()
    failures = sa.table("job_failures", sa.column("id", sa.Integer),
                        sa.column("arguments", sa.Text), sa.column("community_id", sa.Integer))
    communities = set(bind.execute(sa.text("SELECT id FROM communities")).scalars())
    for failure_id, arguments in bind.execute(sa.select(failures.c.id, failures.c.arguments)):
        try:
            kept = json.loads(arguments)
            community = kept["kwargs"][COMMUNITY_KEY]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(community, int) and community in communities:
            bind.execute(failures.update().where(failures.c.id == failure_id)
                         .values(community_id=community))


def downgrade() -> None:
    with op.batch_alter_table("job_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_job_failures_community_open")
        batch_op.drop_constraint(op.f("fk_job_failures_community_id_communities"),
                                 type_="foreignkey")
        batch_op.drop_column("community_id")
