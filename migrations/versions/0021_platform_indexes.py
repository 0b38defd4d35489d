"""indexes that let a community's pages read only its own rows on a platform of many

Measured by ``tests/bench/bench_platform.py`` (200 communities, 4,000,000 ballots): the
ORM narrows every read to the community, but where no index starts with ``community_id``
PostgreSQL read every community's rows and kept one in two hundred. The home page's count
of ballots took 0.4 s (every ballot of the platform); the implementation page, the latest
updates and the annual report read every community's funding lines, implementation
records, payments and photos.

Revision ID: 0021_platform_indexes
Revises: 0020_job_failures_community
Create Date: 2026-12-05 00:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021_platform_indexes"
down_revision: str | None = "0020_job_failures_community"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_ballots_community", "ballots", ["community_id", "annulled_at"]),
    ("ix_projects_community_status", "projects", ["community_id", "status"]),
    ("ix_funding_lines_community", "funding_lines", ["community_id"]),
    ("ix_financings_community_line", "financings", ["community_id", "line_id"]),
    ("ix_implementations_community", "implementations", ["community_id"]),
    ("ix_implementation_photos_update", "implementation_photos", ["update_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
