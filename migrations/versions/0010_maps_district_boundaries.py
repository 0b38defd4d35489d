"""district boundaries for the maps

Revision ID: 0010_maps_district_boundaries
Revises: 0009_eid_accounts
Create Date: 2026-12-03 13:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_maps_district_boundaries'
down_revision: str | None = '0009_eid_accounts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('districts') as batch:
        batch.add_column(sa.Column('boundary', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('districts') as batch:
        batch.drop_column('boundary')
