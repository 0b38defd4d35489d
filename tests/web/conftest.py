"""Fixtures the web tests of the authors' pages share: a cycle open for submission and a
verified author, built once per module (``module_db``)."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from tests.factories import accounts
from tests.factories.cycles import make_cycle


@pytest.fixture(scope="module")
def cycle(module_db):
    return make_cycle(module_db, accounts.make_user(module_db, Role.ADMIN))


@pytest.fixture(scope="module")
def author(module_db):
    return accounts.make_user(module_db, verified=True, name="Олена Авторка")
