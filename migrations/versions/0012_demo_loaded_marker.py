"""the demo's mark: which version of the demo this database holds

Revision ID: 0012_demo_loaded_marker
Revises: 0011_forms_registration_numbers
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = '0012_demo_loaded_marker'
down_revision: str | None = '0011_forms_registration_numbers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('demo_loads',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('loaded_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_demo_loads'))
    )


def downgrade() -> None:
    op.drop_table('demo_loads')
