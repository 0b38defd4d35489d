"""communities: one installation hosts many; every community-owned row carries its own

The platform's communities (``communities``, with their own domains) are created, and
every community-owned table gains ``community_id``. An installation that already holds
data becomes one community (its code, slug, name and localities come from the settings
``COMMUNITY_CODE``, ``COMMUNITY_SLUG``, ``COMMUNITY_NAME``, ``COMMUNITY_NAME_EN`` and
``COMMUNITY_LOCALITIES``), and all its rows are that community's: nothing else changes,
so tallies, receipts, reports and the audit chain stay as they were (the chain becomes
this community's; its head row, id 1, is the chain of community 1).

The database keeps a child in its parent's community: each parent's ``(id,
community_id)`` is unique, and each key to a community-owned parent has a twin carrying
the community (``portal/tenancy/guards.py`` says why the models do not declare them).
Roles become per community: the resident's grant is platform-wide, every other grant (the
administrators' too) becomes the community's.

Revision ID: 0017_communities
Revises: 0016_notifications
Create Date: 2026-12-04 19:55:00
"""

import os
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

import portal.db
from portal.migrate import sqlite_keys_checked_at_the_end

revision: str = "0017_communities"
down_revision: str | None = "0016_notifications"
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
    "verifications",
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
PARENTS = {
    "census_batches",
    "departments",
    "districts",
    "programs",
    "program_tasks",
    "measures",
    "cycles",
    "categories",
    "commission_seats",
    "meetings",
    "projects",
    "comments",
    "decisions",
    "expertises",
    "funding_lines",
    "ballots",
    "implementations",
    "implementation_updates",
}
TWINS = (  # table, column, parent, on delete
    ("census_entries", "district_id", "districts", "RESTRICT"),
    ("census_entries", "batch_id", "census_batches", "CASCADE"),
    ("program_amendments", "program_id", "programs", "CASCADE"),
    ("program_indicators", "program_id", "programs", "CASCADE"),
    ("program_tasks", "program_id", "programs", "CASCADE"),
    ("verifications", "district_id", "districts", "RESTRICT"),
    ("measures", "task_id", "program_tasks", "CASCADE"),
    ("measure_execution_texts", "measure_id", "measures", "CASCADE"),
    ("categories", "cycle_id", "cycles", "CASCADE"),
    ("categories", "district_id", "districts", "RESTRICT"),
    ("commission_seats", "cycle_id", "cycles", "RESTRICT"),
    ("cycle_suspensions", "cycle_id", "cycles", "CASCADE"),
    ("meetings", "cycle_id", "cycles", "RESTRICT"),
    ("phase_extensions", "cycle_id", "cycles", "CASCADE"),
    ("meeting_attendance", "seat_id", "commission_seats", "RESTRICT"),
    ("meeting_attendance", "meeting_id", "meetings", "CASCADE"),
    ("projects", "district_id", "districts", "RESTRICT"),
    ("projects", "cycle_id", "cycles", "RESTRICT"),
    ("projects", "category_id", "categories", "RESTRICT"),
    ("agenda_items", "meeting_id", "meetings", "CASCADE"),
    ("agenda_items", "project_id", "projects", "RESTRICT"),
    ("attachments", "project_id", "projects", "CASCADE"),
    ("coauthors", "project_id", "projects", "CASCADE"),
    ("comments", "project_id", "projects", "CASCADE"),
    ("comments", "parent_id", "comments", "CASCADE"),
    ("cost_items", "project_id", "projects", "CASCADE"),
    ("decisions", "meeting_id", "meetings", "RESTRICT"),
    ("decisions", "project_id", "projects", "RESTRICT"),
    ("decisions", "supersedes_id", "decisions", "RESTRICT"),
    ("expertises", "project_id", "projects", "RESTRICT"),
    ("funding_lines", "measure_id", "measures", "CASCADE"),
    ("funding_lines", "department_id", "departments", "RESTRICT"),
    ("funding_lines", "project_id", "projects", "RESTRICT"),
    ("project_events", "project_id", "projects", "CASCADE"),
    ("supports", "project_id", "projects", "CASCADE"),
    ("ballots", "district_id", "districts", "RESTRICT"),
    ("ballots", "cycle_id", "cycles", "RESTRICT"),
    ("ballots", "annulled_by_decision_id", "decisions", "RESTRICT"),
    ("comment_reports", "comment_id", "comments", "CASCADE"),
    ("comment_revisions", "comment_id", "comments", "CASCADE"),
    ("complaints", "ruling_id", "decisions", "RESTRICT"),
    ("complaints", "rejection_id", "decisions", "RESTRICT"),
    ("complaints", "project_id", "projects", "RESTRICT"),
    ("expertise_cost_items", "expertise_id", "expertises", "CASCADE"),
    ("financings", "line_id", "funding_lines", "CASCADE"),
    ("implementations", "line_id", "funding_lines", "CASCADE"),
    ("tallies", "leftover_to_category_id", "categories", "RESTRICT"),
    ("tallies", "cycle_id", "cycles", "RESTRICT"),
    ("tallies", "approved_by_decision_id", "decisions", "RESTRICT"),
    ("ballot_choices", "ballot_id", "ballots", "RESTRICT"),
    ("implementation_updates", "implementation_id", "implementations", "CASCADE"),
    ("implementation_photos", "update_id", "implementation_updates", "CASCADE"),
)

#: Unique within the community now, not across the platform: (table, old, columns).
PER_COMMUNITY = (
    ("census_entries", "uq_census_entries_person_key", ("community_id", "person_key")),
    ("cycles", "uq_cycles_name", ("community_id", "name")),
    ("departments", "uq_departments_name", ("community_id", "name")),
    ("districts", "uq_districts_name", ("community_id", "name")),
    ("programs", "uq_programs_code", ("community_id", "code")),
)

#: Tables whose rows may be a community's or the platform's, and the columns unique
#: within each: (table, old unique constraint, columns).
EITHER = (
    ("user_roles", "uq_user_roles_user_id_role", ("user_id", "role")),
    ("audit_events", "uq_audit_events_prev_hash", ("prev_hash",)),
    ("audit_checkpoints", "uq_audit_checkpoints_number", ("number",)),
)

#: Data that shows an installation in use: it then becomes one community.
IN_USE = ("users", "districts", "cycles", "programs", "audit_events")


def _installation(bind) -> dict:
    """The installation's own community, from the settings (as the app reads them)."""
    given = context.config.attributes.get("community") or {}

    def setting(name: str, default: str) -> str:
        return given.get(name) or os.environ.get(name) or default

    localities = setting("COMMUNITY_LOCALITIES", "Бахмут")
    return {
        "code": setting("COMMUNITY_CODE", "UA14020010000053517"),
        "slug": setting("COMMUNITY_SLUG", "bakhmut"),
        "name": setting("COMMUNITY_NAME", "Бахмутська міська територіальна громада"),
        "name_en": setting("COMMUNITY_NAME_EN", "Bakhmut City Territorial Community"),
        "localities": "\n".join(part.strip() for part in localities.split(",") if part.strip()),
    }


def _in_use(bind) -> bool:
    return any(bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first()  # noqa: S608
               for table in IN_USE)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with sqlite_keys_checked_at_the_end(bind):
            _upgrade(bind)
    else:
        _upgrade(bind)


def _upgrade(bind) -> None:
    communities = op.create_table(
        "communities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=19), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("localities", sa.Text(), nullable=False),
        sa.Column("emblem", sa.Text(), nullable=True),
        sa.Column("mail_sender", sa.String(length=254), nullable=False),
        sa.Column("signatories", sa.Text(), nullable=False),
        sa.Column("cycle_defaults", sa.Text(), nullable=False),
        sa.Column("admits_displaced", sa.Boolean(), nullable=False),
        sa.Column("eid_settings", sa.Text(), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("length(code) = 19", name=op.f("ck_communities_code_length")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("code", name=op.f("uq_communities_code")),
        sa.UniqueConstraint("slug", name=op.f("uq_communities_slug")),
    )
    op.create_table(
        "community_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"],
                                name=op.f("fk_community_domains_community_id_communities"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_domains")),
        sa.UniqueConstraint("host", name=op.f("uq_community_domains_host")),
    )
    op.create_index(op.f("ix_community_domains_community_id"), "community_domains",
                    ["community_id"], unique=False)

    community = None
    if _in_use(bind):
        op.bulk_insert(communities, [{
            "id": 1, **_installation(bind), "emblem": None, "mail_sender": "",
            "signatories": "[]", "cycle_defaults": "{}", "admits_displaced": False,
            "eid_settings": "{}", "created_at": datetime.now(UTC), "active": True,
        }])
        community = 1
        if bind.dialect.name == "postgresql":
            op.execute("SELECT setval(pg_get_serial_sequence('communities', 'id'), 1)")

    for table in (*OWNED, *(either for either, _, _ in EITHER)):
        op.add_column(table, sa.Column("community_id", sa.Integer(), nullable=True))
        if community is not None:
            op.execute(sa.text(f"UPDATE {table} SET community_id = :community")  # noqa: S608
                       .bindparams(community=community))
    if community is not None:
        # The resident's role is the platform's; every other role, the administrators'
        # too, is the community's (the platform's operator is made with the command
        # ``users create-admin``).
        op.execute("UPDATE user_roles SET community_id = NULL WHERE role = 'resident'")

    per_community = {table: (old, columns) for table, old, columns in PER_COMMUNITY}
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("community_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(f"fk_{table}_community_id_communities", "communities",
                                     ["community_id"], ["id"], ondelete="RESTRICT")
            if table in PARENTS:
                batch.create_unique_constraint(f"uq_{table}_id_community", ["id", "community_id"])
            for child, column, parent, ondelete in TWINS:
                if child == table and parent != table:
                    _twin(batch, table, column, parent, ondelete)
            if table in per_community:
                old, columns = per_community[table]
                batch.drop_constraint(old, type_="unique")
                batch.create_unique_constraint(f"uq_{table}_{'_'.join(columns)}", list(columns))
            if table == "cycles":
                batch.drop_index("uq_cycles_budget_year_registration_series")
                batch.create_index("uq_cycles_budget_year_registration_series",
                                   ["community_id", "budget_year", "registration_series"],
                                   unique=True)
            if table == "verifications":
                batch.add_column(sa.Column("displaced_certificate", sa.String(length=40),
                                           nullable=True))
        # A key to the table itself (a reply, a superseded decision) refers to the key made
        # just now: on SQLite, the copy made above must already have it.
        selves = [twin for twin in TWINS if twin[0] == table and twin[2] == table]
        if selves:
            with op.batch_alter_table(table) as batch:
                for _child, column, parent, ondelete in selves:
                    _twin(batch, table, column, parent, ondelete)

    for table, old, columns in EITHER:
        ondelete = "CASCADE" if table == "user_roles" else "RESTRICT"
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(f"fk_{table}_community_id_communities", "communities",
                                     ["community_id"], ["id"], ondelete=ondelete)
            batch.drop_constraint(old, type_="unique")
            batch.create_index(f"uq_{table}_community", ["community_id", *columns], unique=True,
                               sqlite_where=sa.text("community_id IS NOT NULL"),
                               postgresql_where=sa.text("community_id IS NOT NULL"))
            batch.create_index(f"uq_{table}_platform", list(columns), unique=True,
                               sqlite_where=sa.text("community_id IS NULL"),
                               postgresql_where=sa.text("community_id IS NULL"))
            if table == "audit_events":
                batch.create_index("ix_audit_events_chain", ["community_id", "id"], unique=False)


def _twin(batch, table: str, column: str, parent: str, ondelete: str) -> None:
    batch.create_foreign_key(f"fk_{table}_{column}_community", parent,
                             [column, "community_id"], ["id", "community_id"], ondelete=ondelete)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with sqlite_keys_checked_at_the_end(bind):
            _downgrade()
    else:
        _downgrade()


def _downgrade() -> None:
    for table, old, columns in EITHER:
        with op.batch_alter_table(table) as batch:
            if table == "audit_events":
                batch.drop_index("ix_audit_events_chain")
            batch.drop_index(f"uq_{table}_platform")
            batch.drop_index(f"uq_{table}_community")
            batch.drop_constraint(f"fk_{table}_community_id_communities", type_="foreignkey")
            batch.create_unique_constraint(old, list(columns))
            batch.drop_column("community_id")
    per_community = {table: (old, columns) for table, old, columns in PER_COMMUNITY}
    for table in reversed(OWNED):
        with op.batch_alter_table(table) as batch:
            if table == "verifications":
                batch.drop_column("displaced_certificate")
            if table == "cycles":
                batch.drop_index("uq_cycles_budget_year_registration_series")
                batch.create_index("uq_cycles_budget_year_registration_series",
                                   ["budget_year", "registration_series"], unique=True)
            if table in per_community:
                old, columns = per_community[table]
                batch.drop_constraint(f"uq_{table}_{'_'.join(columns)}", type_="unique")
                batch.create_unique_constraint(old, [columns[-1]])
            for child, column, _parent, _ondelete in TWINS:
                if child == table:
                    batch.drop_constraint(f"fk_{table}_{column}_community", type_="foreignkey")
            if table in PARENTS:
                batch.drop_constraint(f"uq_{table}_id_community", type_="unique")
            batch.drop_constraint(f"fk_{table}_community_id_communities", type_="foreignkey")
            batch.drop_column("community_id")
    op.drop_index(op.f("ix_community_domains_community_id"), table_name="community_domains")
    op.drop_table("community_domains")
    op.drop_table("communities")
