"""The database's own guard that a child row belongs to its parent's community.

For every community-owned table, ``(id, community_id)`` is unique, and each of its foreign
keys to another community-owned table gets a twin that carries the community:
``(project_id, community_id) -> projects (id, community_id)``. The twins live in the
database only (created by the migrations): were the models to declare them, every
relationship would also copy ``community_id`` from its parent, and setting one to None
would clear it. A key whose deletion sets it NULL gets no twin (that would clear the
community too). ``tests/services/test_communities_schema.py`` checks that the database
has every twin this module computes from the models.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import MetaData, Table


@dataclass(frozen=True)
class Twin:
    table: str
    column: str
    parent: str
    ondelete: str | None

    @property
    def name(self) -> str:
        return f"fk_{self.table}_{self.column}_community"


def owned_tables(metadata: MetaData) -> list[Table]:
    from portal.tenancy.models import CommunityOwned

    names = {mapper.local_table.name for mapper in _mappers(metadata)
             if issubclass(mapper.class_, CommunityOwned)
             or getattr(mapper.class_, "__community_guarded__", False)}
    # A link table without a class of its own says so itself.
    names |= {table.name for table in metadata.sorted_tables
              if table.info.get("community_owned")}
    return [table for table in metadata.sorted_tables if table.name in names]


def _mappers(metadata: MetaData):
    from portal.db import Base

    return [mapper for mapper in Base.registry.mappers if mapper.local_table.metadata is metadata]


def unique_name(table: str) -> str:
    return f"uq_{table}_id_community"


def twins(metadata: MetaData) -> list[Twin]:
    owned = {table.name for table in owned_tables(metadata)}
    found = []
    for table in owned_tables(metadata):
        for key in table.foreign_key_constraints:
            if len(key.elements) != 1:
                continue  # already composite (a ballot's choice and its project)
            element = key.elements[0]
            parent = element.column.table.name
            if parent not in owned or element.column.name != "id":
                continue
            if (key.ondelete or "").upper() == "SET NULL":
                continue
            found.append(Twin(table.name, element.parent.name, parent, key.ondelete))
    return found


def is_guard(name: str | None) -> bool:
    """Whether a constraint the database has is one of these guards (the models do not
    declare them, so comparing the models with the database leaves them out)."""
    return bool(name) and name.endswith("_community") and name.startswith(("fk_", "uq_"))


def include_object(object_, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: compare everything but the guards."""
    return not (reflected and compare_to is None
                and type_ in ("foreign_key_constraint", "unique_constraint") and is_guard(name))
