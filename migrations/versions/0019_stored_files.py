"""stored files: uploads kept in the database (UPLOAD_STORAGE=database)

Revision ID: 0019_stored_files
Revises: 0018_row_security
Create Date: 2026-12-04 19:12:26.380187
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = '0019_stored_files'
down_revision: str | None = "0018_row_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stored_files',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_stored_files'))
    )


def downgrade() -> None:
    op.drop_table('stored_files')
