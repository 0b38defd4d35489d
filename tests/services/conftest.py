"""Fixtures of the tests that need a real server."""

from __future__ import annotations

import os

import pytest

from tests import served


@pytest.fixture
def scratch(request):
    """A migrated PostgreSQL database of the test's own, dropped after it: what a served
    portal commits never meets the other tests' rolled-back rows."""
    base_url = os.environ.get("TEST_DATABASE_URL", "")
    name = f"{served.make_url(base_url).database}_{request.node.name[:20].lower()}"
    url = served.scratch_database(base_url, name)
    yield url
    served.drop_database(base_url, name)
