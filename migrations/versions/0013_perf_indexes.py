"""the bulletin board reads a cycle's ballots in receipt-hash order from an index

Revision ID: 0013_perf_indexes
Revises: 0012_demo_loaded_marker
Create Date: 2026-12-03 14:15:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0013_perf_indexes'
down_revision: str | None = '0012_demo_loaded_marker'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_ballots_board', 'ballots', ['cycle_id', 'receipt_hash'])


def downgrade() -> None:
    op.drop_index('ix_ballots_board', table_name='ballots')
