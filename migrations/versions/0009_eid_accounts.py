"""accounts made by an e-ID sign-in may have no e-mail yet

Revision ID: 0009_eid_accounts
Revises: 0008_audit_checkpoints
Create Date: 2026-12-03 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_eid_accounts'
down_revision: str | None = '0008_audit_checkpoints'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)


def downgrade() -> None:
    # An account without an e-mail cannot go back to the old schema: it is given an
    # address of its own on the reserved .invalid domain, which no mail reaches.
    op.execute("UPDATE users SET email = 'eid-' || id || '@accounts.invalid' WHERE email IS NULL")
    with op.batch_alter_table('users') as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
