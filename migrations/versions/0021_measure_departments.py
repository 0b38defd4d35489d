"""the link of a measure to its departments is its community's too

``measure_departments`` carried no community: nothing in the database stopped a measure of
one community from naming a department of another. The link now carries the measure's
community, and two keys carrying it keep both ends there (``portal.tenancy.guards``); on
PostgreSQL it gets the row-level security policy of every community-owned table.

Revision ID: 0021_measure_departments
Revises: 0020_job_failures_community
Create Date: 2026-12-04 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_measure_departments"
down_revision: str | None = "0020_job_failures_community"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "measure_departments"
RULE = "portal_community() IN (0, community_id)"  # 0018_row_security's


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column(TABLE, sa.Column("community_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE {TABLE} SET community_id = (SELECT measures.community_id "  # noqa: S608
               f"FROM measures WHERE measures.id = {TABLE}.measure_id)")
    # A leaf: on SQLite the copy-and-move of the batch deletes no child by cascade.
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("community_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(f"fk_{TABLE}_community_id_communities", "communities",
                                 ["community_id"], ["id"], ondelete="RESTRICT")
        batch.create_foreign_key(f"fk_{TABLE}_measure_id_community", "measures",
                                 ["measure_id", "community_id"], ["id", "community_id"],
                                 ondelete="CASCADE")
        batch.create_foreign_key(f"fk_{TABLE}_department_id_community", "departments",
                                 ["department_id", "community_id"],
                                 ["id", "community_id"], ondelete="RESTRICT")
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {TABLE} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY community_rows ON {TABLE} USING ({RULE}) WITH CHECK ({RULE})")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP POLICY community_rows ON {TABLE}")
        op.execute(f"ALTER TABLE {TABLE} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {TABLE} DISABLE ROW LEVEL SECURITY")
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(f"fk_{TABLE}_department_id_community", type_="foreignkey")
        batch.drop_constraint(f"fk_{TABLE}_measure_id_community", type_="foreignkey")
        batch.drop_constraint(f"fk_{TABLE}_community_id_communities", type_="foreignkey")
        batch.drop_column("community_id")

