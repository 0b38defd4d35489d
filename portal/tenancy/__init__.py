"""Many communities in one installation (bottom floor).

``models.py``: the communities, their domains, and the ``CommunityOwned`` mark;
``scope.py``: the current community and the narrowing of every query by it;
``routing.py``: which community a request is for (path prefix, host, default);
``guards.py``: the database's keys that keep a child in its parent's community.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """After the blueprints are registered (the prefix must know their first words)."""
    from portal.tenancy import routing, scope

    scope.install()
    routing.init_app(app)
