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


def _email_column(nullable: bool) -> None:
    """``users.email`` may be NULL (or not). PostgreSQL alters the column in place. SQLite
    cannot; batch mode would copy the table and drop the old one, and with foreign keys on
    (they cannot be switched off inside the migration's transaction) that drop would delete
    the accounts' roles and sessions by cascade and fail on their ballots. A NOT NULL changes
    nothing stored, so on SQLite the table's definition is edited in place, as migration
    0004 does, and the rows are left as they are (every e-mail is set when it is put back).
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.alter_column('users', 'email', existing_type=sa.String(length=254),
                        nullable=nullable)
        return
    definition = bind.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")).scalar_one()
    strict, loose = "email VARCHAR(254) NOT NULL,", "email VARCHAR(254),"
    old, new = (strict, loose) if nullable else (loose, strict)
    assert old in definition, definition
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND "
                         "name = 'users'"), {"sql": definition.replace(old, new)})
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))


def upgrade() -> None:
    _email_column(nullable=True)


def downgrade() -> None:
    # An account without an e-mail cannot go back to the old schema: it is given an
    # address of its own on the reserved .invalid domain, which no mail reaches.
    op.execute("UPDATE users SET email = 'eid-' || id || '@accounts.invalid' WHERE email IS NULL")
    _email_column(nullable=False)
