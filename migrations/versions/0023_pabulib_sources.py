"""pabulib sources: an imported .pb file's own ids and fields; the rule
``equalshares/add1-comparison``

An imported election keeps what the portal's tables do not hold (issue 14): the file's META
and column order (``pabulib_sources``), each project's file id and fields
(``pabulib_projects``), each ballot's voter id and fields (``pabulib_votes``); each is its
community's, with the keys ``portal.tenancy.guards`` asks for and, on PostgreSQL, the
row-level security of every community-owned table. The winner rule gains
``equalshares/add1-comparison`` (27 characters: the columns widen).

Revision ID: 0023_pabulib_sources
Revises: 0022_platform_indexes
Create Date: 2026-12-05 22:30:00
"""

from collections.abc import Sequence
from contextlib import nullcontext

import sqlalchemy as sa
from alembic import op

import portal.db
from portal.migrate import sqlite_keys_checked_at_the_end

revision: str = "0023_pabulib_sources"
down_revision: str | None = "0022_platform_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RULE = "portal_community() IN (0, community_id)"  # 0018_row_security's
OLD_RULES = ("greedy", "greedy-no-skip", "greedy-threshold", "equalshares/add1")
NEW_RULES = (*OLD_RULES, "equalshares/add1-comparison")
RULE_COLUMNS = (("cycles", "winner_rule"), ("tallies", "rule"))


def _rules(values: tuple[str, ...], length: int) -> sa.Enum:
    return sa.Enum(*values, name="winner_rule", native_enum=False, create_constraint=True,
                   length=length)


def _community(table: str) -> list:
    return [
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="RESTRICT",
                                name=f"fk_{table}_community_id_communities"),
    ]


def _twin(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column, "community_id"], [f"{parent}.id",
                                   f"{parent}.community_id"], ondelete="CASCADE",
                                   name=f"fk_{table}_{column}_community")


def _change_rules(old: tuple[tuple[str, ...], int], new: tuple[tuple[str, ...], int]) -> None:
    """The rule columns go from ``old`` (values, length) to ``new``. SQLite copies each table to change its check:
    with keys off while the copy moves in, or dropping ``cycles`` would delete every
    category, project and ballot by cascade (``portal.migrate``)."""
    bind = op.get_bind()
    with sqlite_keys_checked_at_the_end(bind) if bind.dialect.name == "sqlite" \
            else nullcontext():
        for table, column in RULE_COLUMNS:
            with op.batch_alter_table(table) as batch:
                batch.alter_column(column, existing_type=_rules(*old), type_=_rules(*new),
                                   existing_nullable=False)


def upgrade() -> None:
    _change_rules((OLD_RULES, 24), (NEW_RULES, 35))
    op.create_table(
        "pabulib_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("meta", sa.Text(), nullable=False),
        sa.Column("project_columns", sa.Text(), nullable=False),
        sa.Column("vote_columns", sa.Text(), nullable=False),
        sa.Column("imported_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        *_community("pabulib_sources"),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], ondelete="CASCADE",
                                name="fk_pabulib_sources_cycle_id_cycles"),
        _twin("pabulib_sources", "cycle_id", "cycles"),
        sa.PrimaryKeyConstraint("id", name="pk_pabulib_sources"),
        sa.UniqueConstraint("cycle_id", name="uq_pabulib_sources_cycle_id"),
    )
    _kept("pabulib_projects", "project_id", "projects", ("file_id", "fields"))
    _kept("pabulib_votes", "ballot_id", "ballots", ("voter_id", "fields"))
    if op.get_bind().dialect.name == "postgresql":
        for table in ("pabulib_sources", "pabulib_projects", "pabulib_votes"):
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(f"CREATE POLICY community_rows ON {table} USING ({RULE}) "
                       f"WITH CHECK ({RULE})")


def _kept(table: str, key: str, parent: str, texts: tuple[str, ...]) -> None:
    """A table of what a file said of each row of ``parent`` (keyed by it) in a cycle."""
    op.create_table(
        table,
        sa.Column(key, sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in texts),
        *_community(table),
        sa.ForeignKeyConstraint([key], [f"{parent}.id"], ondelete="CASCADE",
                                name=f"fk_{table}_{key}_{parent}"),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], ondelete="CASCADE",
                                name=f"fk_{table}_cycle_id_cycles"),
        _twin(table, key, parent),
        _twin(table, "cycle_id", "cycles"),
        sa.PrimaryKeyConstraint(key, name=f"pk_{table}"),
    )
    op.create_index(f"ix_{table}_cycle_id", table, ["cycle_id"])


def downgrade() -> None:
    for table in ("pabulib_votes", "pabulib_projects", "pabulib_sources"):
        op.drop_table(table)
    # A count or a cycle under the new rule falls back to Equal Shares without the step.
    for table, column in RULE_COLUMNS:
        op.execute(f"UPDATE {table} SET {column} = 'equalshares/add1' "  # noqa: S608
                   f"WHERE {column} = 'equalshares/add1-comparison'")
    _change_rules((NEW_RULES, 35), (OLD_RULES, 24))
