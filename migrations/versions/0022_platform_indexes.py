"""indexes that let a community's pages read only its own rows on a platform of many

Measured by ``tests/bench/bench_platform.py`` (200 communities, 4,000,000 ballots): the
ORM narrows every read to the community, but where no index starts with ``community_id``
PostgreSQL read every community's rows and kept one in two hundred. The home page's count
of ballots took 0.4 s (every ballot of the platform); the implementation page, the latest
updates and the annual report read every community's funding lines, implementation
records, payments and photos. And every signed-in request (the cast among them) read the
roles of every account (a million) to join the signed-in account's: ``user_roles`` had
only partial indexes, which a join on ``user_id`` alone cannot use.

On PostgreSQL, extended statistics tell the planner that a ballot's (and a choice's) cycle
decides its community. The ORM adds ``community_id = ...`` to every query; without them
the planner multiplies the two conditions' selectivities, takes a cycle's 17,000 ballots
for 85, and (once ``ix_ballots_community`` exists) sorts them all for the board's first
page instead of reading a hundred in order from ``ix_ballots_board``. The models cannot
declare statistics; the comparison of models and migrations does not look at them. The
count's index is partial (``annulled_at IS NULL``) for the same reason: as a whole index on
``community_id`` the board could combine it with its own and sort.

And the row-level security policies of migration 0018 ask for the community once per
statement, ``(SELECT portal_community())``, instead of once per row: the function is
inlined into the policy, so every row read ran its two regular-expression matches. A
count of a cycle's 53,000 ballot choices, as a role that row-level security binds, took
62 ms instead of 8.

Revision ID: 0022_platform_indexes
Revises: 0021_measure_departments
Create Date: 2026-12-05 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_platform_indexes"
down_revision: str | None = "0021_measure_departments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_projects_community_status", "projects", ["community_id", "status"]),
    ("ix_funding_lines_community", "funding_lines", ["community_id", "project_id"]),
    ("ix_financings_community_line", "financings", ["community_id", "line_id"]),
    ("ix_implementations_community", "implementations", ["community_id"]),
    ("ix_implementation_photos_update", "implementation_photos", ["update_id"]),
    ("ix_user_roles_user", "user_roles", ["user_id"]),
)

#: (name, table): a cycle decides the community of the table's rows.
STATISTICS = (
    ("st_ballots_cycle_community", "ballots"),
    ("st_ballot_choices_cycle_community", "ballot_choices"),
)


#: Migration 0018's rule, and the same with the community read once per statement.
ROW_RULE = "portal_community() IN (0, community_id)"
STATEMENT_RULE = "(SELECT portal_community()) IN (0, community_id)"


def _policies(rule: str) -> None:
    """Every community table's policy (0018's ``community_rows``) made to ``rule``."""
    tables = op.get_bind().exec_driver_sql(
        "SELECT c.relname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
        "WHERE p.polname = 'community_rows' AND c.relnamespace = current_schema()::regnamespace "
        "ORDER BY 1").scalars().all()
    for table in tables:
        op.execute(f"ALTER POLICY community_rows ON {table} USING ({rule}) "
                   f"WITH CHECK ({rule})")


def upgrade() -> None:
    # Partial: the board's query (no condition on annulment) cannot take it instead of
    # ix_ballots_board's order.
    op.create_index("ix_ballots_community", "ballots", ["community_id"],
                    postgresql_where=sa.text("annulled_at IS NULL"),
                    sqlite_where=sa.text("annulled_at IS NULL"))
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "postgresql":
        _policies(STATEMENT_RULE)
        for name, table in STATISTICS:
            op.execute(f"CREATE STATISTICS {name} (dependencies) ON cycle_id, community_id "
                       f"FROM {table}")
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, _table in reversed(STATISTICS):
            op.execute(f"DROP STATISTICS {name}")
        _policies(ROW_RULE)
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_ballots_community", table_name="ballots")
