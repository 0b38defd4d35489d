"""The migrations are the schema: one head, and autogenerate finds nothing to add."""

from portal.migrate import differences, heads


def test_there_is_exactly_one_head():
    assert len(heads()) == 1


def test_the_migrated_database_matches_the_models(app, db):
    assert differences(db.connection()) == []
