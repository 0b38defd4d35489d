"""row-level security on PostgreSQL: the second guard of the communities' data

Every community-owned table shows and accepts only the rows of the community that the
transaction's setting ``portal.community`` names (``portal.tenancy.scope`` sets it at each
transaction's start): ``0`` is every community (the platform's own work), and without the
setting, or with any other value, a query sees none of the rows. ``FORCE`` makes the policy
bind the tables' owner too; only a superuser (or a role with BYPASSRLS) passes it, so the
portal should connect as neither. Verifications are read across communities (a person's one
verification is theirs everywhere): they have no policy. SQLite has no row-level security;
the ORM's narrowing is the guard there.

Revision ID: 0018_row_security
Revises: 0017_communities
Create Date: 2026-12-04 20:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_row_security"
down_revision: str | None = "0017_communities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNED = (
    "announcements",
    "census_batches",
    "departments",
    "districts",
    "follows",
    "notices",
    "programs",
    "census_entries",
    "program_amendments",
    "program_indicators",
    "program_tasks",
    "measures",
    "cycles",
    "measure_execution_texts",
    "categories",
    "commission_seats",
    "cycle_suspensions",
    "meetings",
    "phase_extensions",
    "meeting_attendance",
    "projects",
    "agenda_items",
    "attachments",
    "coauthors",
    "comments",
    "cost_items",
    "decisions",
    "expertises",
    "funding_lines",
    "project_events",
    "supports",
    "ballots",
    "comment_reports",
    "comment_revisions",
    "complaints",
    "expertise_cost_items",
    "financings",
    "implementations",
    "tallies",
    "ballot_choices",
    "implementation_updates",
    "implementation_photos",
)

#: The community the setting names: -1 (none) unless it is a whole number.
FUNCTION = """
CREATE OR REPLACE FUNCTION portal_community() RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN current_setting('portal.community', true) ~ '^-?[0-9]{1,9}$'
                THEN current_setting('portal.community', true)::integer
                ELSE -1 END
$$"""
RULE = "portal_community() IN (0, community_id)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for table in OWNED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY community_rows ON {table} USING ({RULE}) "
                   f"WITH CHECK ({RULE})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in OWNED:
        op.execute(f"DROP POLICY community_rows ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION portal_community()")
