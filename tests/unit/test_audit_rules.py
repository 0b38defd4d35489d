from dataclasses import replace
from datetime import UTC, datetime

from portal.audit.rules import ChainRow, first_broken_link, row_hash

GENESIS = "0" * 64


def chain(n: int) -> list[ChainRow]:
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        at = datetime(2026, 1, 1, 12, i, tzinfo=UTC)
        fields = dict(at=at, actor_id=i, action="x.y", object_type="user", object_id=str(i),
                      details="{}")
        h = row_hash(prev_hash=prev, **fields)
        rows.append(ChainRow(id=i, prev_hash=prev, hash=h, **fields))
        prev = h
    return rows


def test_an_intact_chain_has_no_broken_link():
    assert first_broken_link(chain(5), GENESIS) is None


def test_a_changed_field_is_caught_at_its_row():
    rows = chain(5)
    rows[2] = replace(rows[2], details='{"role":"admin"}')
    assert first_broken_link(rows, GENESIS) == (3, "hash")


def test_a_deleted_row_breaks_the_link_of_the_next():
    rows = chain(5)
    del rows[1]
    assert first_broken_link(rows, GENESIS) == (3, "prev_hash")
