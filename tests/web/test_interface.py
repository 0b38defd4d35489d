import pytest


def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_httponly_and_lax(client):
    client.get("/login")
    cookie = client.get_cookie("session", domain="portal.test")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


@pytest.mark.parametrize("lang, text", [("uk", "Сторінку не знайдено"), ("en", "Page not found")])
def test_404_is_in_the_users_language(client, lang, text):
    response = client.get("/no-such-page", headers={"Accept-Language": lang})
    assert response.status_code == 404 and text in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_500_page_without_a_trace(app):
    from portal import create_app

    fresh = create_app("testing", {"DATABASE_URL": app.config["DATABASE_URL"]})

    @fresh.route("/__boom")
    def boom():
        raise RuntimeError("secret internals")

    response = fresh.test_client().get("/__boom")
    fresh.extensions["portal.db"].engine.dispose()
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in body and "Traceback" not in body
    assert "Щось пішло не так" in body


def test_the_base_layout_has_landmarks_and_a_skip_link(client):
    body = client.get("/").get_data(as_text=True)
    for marker in ('<header', '<nav', '<main id="main"', '<footer',
                   'class="skip-link" href="#main"'):
        assert marker in body


def test_no_page_loads_anything_from_another_site(client):
    import re

    body = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', body)


def allowed(response) -> set[str]:
    return {method.strip() for method in response.headers["Allow"].split(",")}


@pytest.mark.parametrize(("method", "path", "methods"), [
    ("post", "/", {"GET", "HEAD", "OPTIONS"}),
    ("get", "/logout", {"POST", "OPTIONS"}),
    ("delete", "/forgot", {"GET", "HEAD", "POST", "OPTIONS"}),
])
def test_a_405_page_says_which_methods_the_address_allows(client, method, path, methods):
    response = getattr(client, method)(path, headers={"Accept-Language": "en"})
    assert response.status_code == 405
    assert allowed(response) == methods
    assert response.content_type == "text/html; charset=utf-8"
    assert "Method not allowed" in response.get_data(as_text=True)


def test_a_405_of_the_api_says_which_methods_are_allowed_in_json(client):
    response = client.post("/api/v1/openapi.json", headers={"Accept-Language": "en"})
    assert response.status_code == 405
    assert allowed(response) == {"GET", "HEAD", "OPTIONS"}
    assert response.content_type == "application/json"
    assert response.json["error"] == {"code": 405, "title": "Method not allowed",
                                      "message": "This page cannot be used that way."}
