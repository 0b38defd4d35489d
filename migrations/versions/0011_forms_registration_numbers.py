"""registration numbers unique across the cycles of a budget year

Each cycle gets a series within its budget year (1 for the year's first cycle, by creation
time then id); its projects' codes read ``2027-001`` in series 1 and ``2027-2-001`` in
series 2, so two cycles of one year no longer both have a 2027-001. The search text of a
renumbered project starts with its new code.

Revision ID: 0011_forms_registration_numbers
Revises: 0010_maps_district_boundaries
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.migrate import drop_checked_column

revision: str = '0011_forms_registration_numbers'
down_revision: str | None = '0010_maps_district_boundaries'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _code(year: int, number: int, series: int) -> str:
    # The same as portal.cycles.rules.registration_code, frozen as of this migration.
    return f"{year}-{number:03d}" if series == 1 else f"{year}-{series}-{number:03d}"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Added in place: copying the table (batch mode) would, with foreign keys on, fail
        # on the rows of the tables that point at the cycles.
        op.execute("ALTER TABLE cycles ADD COLUMN registration_series INTEGER NOT NULL "
                   "DEFAULT 1 CONSTRAINT ck_cycles_registration_series_positive "
                   "CHECK (registration_series >= 1)")
    else:
        op.add_column('cycles', sa.Column('registration_series', sa.Integer(), nullable=False,
                                          server_default='1'))
        op.alter_column('cycles', 'registration_series', server_default=None)
        op.create_check_constraint(op.f('ck_cycles_registration_series_positive'), 'cycles',
                                   'registration_series >= 1')
    cycles = bind.execute(sa.text(
        'SELECT id, budget_year FROM cycles ORDER BY budget_year, created_at, id')).all()
    seen: dict[int, int] = {}
    for cycle_id, year in cycles:
        seen[year] = seen.get(year, 0) + 1
        series = seen[year]
        if series == 1:
            continue
        bind.execute(sa.text('UPDATE cycles SET registration_series = :s WHERE id = :id'),
                     {"s": series, "id": cycle_id})
        projects = bind.execute(sa.text(
            'SELECT id, number, search_text FROM projects '
            'WHERE cycle_id = :id AND number IS NOT NULL'), {"id": cycle_id}).all()
        for project_id, number, search_text in projects:
            old, new = _code(year, number, 1), _code(year, number, series)
            if search_text.startswith(old):
                bind.execute(sa.text('UPDATE projects SET search_text = :t WHERE id = :id'),
                             {"t": new + search_text[len(old):], "id": project_id})
    op.create_index('uq_cycles_budget_year_registration_series', 'cycles',
                    ['budget_year', 'registration_series'], unique=True)


def downgrade() -> None:
    # The codes of series 2 and up stay in the search texts: searching them still finds them.
    op.drop_index('uq_cycles_budget_year_registration_series', table_name='cycles')
    drop_checked_column(op, 'cycles', 'registration_series',
                        op.f('ck_cycles_registration_series_positive'))
