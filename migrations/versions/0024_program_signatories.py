"""who signs a program's reports: its responsible executor's position and name

Bakhmut's 2018 report (seeds/000) and its explanatory note are signed by the head of the
department that is the program's responsible executor; the council's secretary signs the
report after him. The second is the community's (``communities.signatories``), the first
the program's own, kept here as the community's are: a JSON list of
{"position", "name"}.

Revision ID: 0024_program_signatories
Revises: 0023_pabulib_sources
Create Date: 2026-12-05 00:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0024_program_signatories"
down_revision: str | None = "0023_pabulib_sources"
branch_labels = None
depends_on = None


# In place, never in batch mode: on SQLite a batch copies the table and drops the old one,
# and with foreign keys on that deletes every task, measure and line of the programs by
# cascade. SQLite adds and drops a column with a constant default in place.


def upgrade() -> None:
    op.add_column("programs", sa.Column("signatories", sa.Text(), nullable=False,
                                        server_default="[]"))


def downgrade() -> None:
    op.drop_column("programs", "signatories")
