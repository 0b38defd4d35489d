"""Old addresses of pages that moved to the naming convention answer with a permanent
redirect to the new page (GET 301, anything else 308, which repeats the POST), for
everyone: the new page then decides who may open it."""

from __future__ import annotations

import re

import pytest

from portal.moved import MOVED, moved_endpoint


def _fill(rule: str) -> tuple[str, dict[str, int]]:
    """The rule with a number for each argument, and those arguments."""
    arguments = {name: 40 + index for index, name in
                 enumerate(re.findall(r"<int:(\w+)>", rule))}
    return re.sub(r"<int:(\w+)>", lambda m: str(arguments[m.group(1)]), rule), arguments


def _methods(app, endpoint: str) -> set[str]:
    return next(rule.methods for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)


def test_every_moved_address_is_in_the_url_map(app):
    moved = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("moved.")}
    assert moved == {rule: f"moved.{moved_endpoint(target)}" for rule, target in MOVED.items()}


@pytest.mark.parametrize(("rule", "target"), sorted(MOVED.items()))
@pytest.mark.parametrize(("method", "status"), [("GET", 301), ("POST", 308)])
def test_an_old_address_redirects_to_the_page_that_replaced_it(app, rule, target, method,
                                                               status):
    path, arguments = _fill(rule)
    client = app.test_client()
    response = client.open(path + "?page=2", method=method)
    if method not in _methods(app, target):
        assert response.status_code == 405  # as the page that replaced it would answer
        return
    assert response.status_code == status
    with app.test_request_context():
        from flask import url_for

        assert response.headers["Location"].endswith(url_for(target, **arguments) + "?page=2")
