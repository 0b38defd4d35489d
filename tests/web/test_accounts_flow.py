import re
from pathlib import Path

import pytest

from portal.accounts.models import User
from tests.conftest import PASSWORD, csrf_token, login, post_form


def latest_link(outbox: Path, pattern: str) -> str:
    mails = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime)
    assert mails, "no mail was written"
    import email

    body = email.message_from_bytes(mails[-1].read_bytes()).get_payload(decode=True).decode()
    found = re.search(pattern, body)
    assert found, body
    return found.group(0)


def test_register_confirm_and_log_in(client, db, outbox):
    response = post_form(client, "/register", {
        "display_name": "Олена", "email": "olena@example.org",
        "password": "walks-by-the-river-at-dawn-7",
        "password_again": "walks-by-the-river-at-dawn-7",
    })
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/profile").status_code == 302  # registering logs nobody in
    link = latest_link(outbox, r"http://portal\.test/confirm/\S+")
    response = client.get(link.replace("http://portal.test", ""))
    assert response.status_code == 302
    user = db.query(User).filter_by(email="olena@example.org").one()
    db.refresh(user)
    assert user.email_confirmed
    post_form(client, "/login", {"email": "olena@example.org",
                                 "password": "walks-by-the-river-at-dawn-7"})
    page = client.get("/profile").get_data(as_text=True)
    assert "olena@example.org" in page and "підтверджено" in page


def test_registration_problems_are_shown_and_store_nothing(client, db):
    response = post_form(client, "/register", {
        "display_name": "X", "email": "x@example.org",
        "password": "qwerty123456", "password_again": "qwerty123456",
    })
    assert response.status_code == 200
    assert "надто поширений" in response.get_data(as_text=True)
    assert db.query(User).filter_by(email="x@example.org").count() == 0


def mails(outbox: Path) -> list:
    import email
    from email import policy

    return [email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime)]


def registration_answer(app, data: dict) -> tuple:
    """What a fresh browser sees when it registers ``data``: the status, where it is sent,
    the messages waiting for the next page, and what its session cookie holds."""
    client = app.test_client()
    response = post_form(client, "/register", data)
    with client.session_transaction() as session:
        flashes = session.get("_flashes")
        keys = sorted(session.keys())
    return response.status_code, response.location, flashes, keys, client


def test_registering_a_taken_address_answers_as_a_new_one_and_mails_its_owner(app, db, outbox):
    data = {"display_name": "Олена", "email": "olena@example.org",
            "password": "walks-by-the-river-at-dawn-7",
            "password_again": "walks-by-the-river-at-dawn-7"}
    *new, new_client = registration_answer(app, data)
    *taken, taken_client = registration_answer(app, {
        **data, "display_name": "Двійник", "email": "Olena@Example.org",
        "password": "a-different-long-passphrase-9",
        "password_again": "a-different-long-passphrase-9"})
    assert new == taken
    status, location, flashes, keys = taken
    assert (status, location) == (302, "/login")
    assert flashes == [("success", "Ми надіслали лист на olena@example.org. Відкрийте посилання "
                                   "в ньому, щоб підтвердити адресу, а потім увійдіть.")]
    assert "_user_id" not in keys
    for client in (new_client, taken_client):
        assert client.get("/profile").status_code == 302
    assert db.query(User).filter_by(email="olena@example.org").one().display_name == "Олена"
    assert db.query(User).filter_by(display_name="Двійник").count() == 0
    confirmation, notice = mails(outbox)
    assert confirmation["To"] == notice["To"] == "olena@example.org"
    body = notice.get_content()
    assert notice["Subject"] == ("Хтось намагався зареєструватися на порталі бюджету участі з "
                                 "вашою електронною поштою")
    assert "Вітаємо, Олена!" in body and "У вас уже є обліковий запис" in body
    assert "http://portal.test/login" in body and "http://portal.test/forgot" in body
    assert "/confirm/" not in body


def test_registering_a_taken_address_with_a_weak_password_says_what_a_new_one_hears(
        client, make_user, outbox):
    user = make_user()
    answers = [post_form(client, "/register", {
        "display_name": "Х", "email": email, "password": "qwerty123456",
        "password_again": "qwerty123456"}) for email in (user.email, "free@example.org")]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("надто поширений" in a.get_data(as_text=True) for a in answers)
    assert list(outbox.glob("*.eml")) == []


def test_a_blocked_account_gets_no_mail_and_the_page_says_the_same(client, db, make_user,
                                                                    outbox):
    user = make_user()
    user.active = False
    db.flush()
    response = post_form(client, "/register", {
        "display_name": "Х", "email": user.email, "password": "walks-by-the-river-at-dawn-7",
        "password_again": "walks-by-the-river-at-dawn-7"})
    assert (response.status_code, response.location) == (302, "/login")
    assert list(outbox.glob("*.eml")) == []


def test_links_that_do_not_work_say_why_on_the_next_page(client, make_user):
    confirm = client.get("/confirm/not-a-token", follow_redirects=True)
    assert confirm.request.path == "/login"
    assert "Посилання для підтвердження недійсне." in confirm.get_data(as_text=True)
    reset = client.get("/reset/not-a-token", follow_redirects=True)
    assert reset.request.path == "/forgot"
    assert ("Посилання для відновлення пароля недійсне або вже використане."
            in reset.get_data(as_text=True))


def test_a_form_without_csrf_token_changes_nothing(client, db):
    response = client.post("/register", data={
        "display_name": "X", "email": "nocsrf@example.org",
        "password": "walks-by-the-river-at-dawn-7",
        "password_again": "walks-by-the-river-at-dawn-7",
    })
    assert response.status_code == 200
    assert "Форма застаріла" in response.get_data(as_text=True)
    assert db.query(User).filter_by(email="nocsrf@example.org").count() == 0


def test_login_with_wrong_password_says_so(client, make_user):
    user = make_user()
    response = post_form(client, "/login", {"email": user.email, "password": "wrong-one-123"})
    assert response.status_code == 200
    assert "Неправильна електронна пошта або пароль" in response.get_data(as_text=True)


def test_failed_logins_are_rate_limited_per_account(client, make_user):
    user = make_user()
    for _ in range(5):
        assert post_form(client, "/login", {"email": user.email, "password": "bad-pass-123"}
                         ).status_code == 200
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Забагато невдалих спроб увійти з вашої адреси" in response.get_data(as_text=True)


def test_successful_logins_do_not_count_towards_the_limit(client, make_user):
    user = make_user()
    for _ in range(7):
        login(client, user)
        post_form(client, "/logout", {}, token_from="/profile")


def test_forgotten_password_reset_sets_a_new_one_and_ends_other_sessions(app, client, db, outbox,
                                                                         make_user):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user)
    response = post_form(client, "/forgot", {"email": user.email})
    assert response.status_code == 302
    link = latest_link(outbox, r"http://portal\.test/reset/\S+").replace("http://portal.test", "")
    response = post_form(client, link, {"password": "brand-new-passphrase-5",
                                        "password_again": "brand-new-passphrase-5"})
    assert response.status_code == 302
    login(client, user, "brand-new-passphrase-5")
    assert other_device.get("/profile").status_code == 302  # logged out by the new stamp
    assert client.get(link).status_code == 302  # the link works once


def test_forgot_says_the_same_for_unknown_addresses(client, outbox):
    response = post_form(client, "/forgot", {"email": "nobody@example.org"},
                         follow_redirects=True)
    assert "Якщо обліковий запис" in response.get_data(as_text=True)
    assert list(outbox.glob("*.eml")) == []


def test_changing_password_needs_the_current_one(client, make_user):
    user = make_user()
    login(client, user)
    response = post_form(client, "/profile/password", {
        "current_password": "not-it-at-all-1", "password": "brand-new-passphrase-5",
        "password_again": "brand-new-passphrase-5"}, token_from="/profile")
    assert response.status_code == 400
    response = post_form(client, "/profile/password", {
        "current_password": PASSWORD, "password": "brand-new-passphrase-5",
        "password_again": "brand-new-passphrase-5"}, token_from="/profile")
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200  # this session survives


def test_language_is_chosen_and_remembered_on_the_profile(client, db, make_user):
    user = make_user()
    login(client, user)
    post_form(client, "/language", {"language": "en", "next": "/profile"}, token_from="/profile")
    db.refresh(user)
    assert user.locale == "en"
    assert "Change password" in client.get("/profile").get_data(as_text=True)


def test_accept_language_is_followed_and_ukrainian_is_the_default(client):
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}
                                     ).get_data(as_text=True)
    assert 'lang="uk"' in client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'lang="uk"' in client.get("/").get_data(as_text=True)


def test_login_follows_only_local_next_targets(client, make_user):
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post("/login?next=https://evil.example/", data={
        "email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.location == "/"


def test_failed_logins_are_rate_limited_per_address_whatever_the_email(client, make_user):
    user = make_user()
    address = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    for n in range(30):
        response = post_form(client, "/login", {"email": f"guess{n}@example.org",
                                                "password": "bad-pass-123"}, **address)
        assert response.status_code == 200, n
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD},
                         **address)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Забагато невдалих спроб увійти з вашої адреси. Зачекайте чверть години" in page
    # Another address is not held back by this one.
    other = post_form(client, "/login", {"email": user.email, "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 302


@pytest.mark.parametrize("target", [
    "//evil.example/", "/\\evil.example/", "/\\/evil.example", "/\t/evil.example",
    "https:evil.example", "javascript:alert(1)", "profile",
])
def test_login_refuses_next_targets_a_browser_would_take_off_site(client, make_user, target):
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post("/login", query_string={"next": target}, data={
        "email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.location == "/"


def test_login_follows_a_local_next_target_with_its_query(client, make_user):
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post("/login", query_string={"next": "/verify/?from=login"}, data={
        "email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.location == "/verify/?from=login"


def test_behind_a_proxy_the_limit_counts_each_client_address(app, db, make_user, outbox):
    from portal import create_app
    from tests.conftest import joined_transaction

    proxied = create_app("testing", {"DATABASE_URL": app.config["DATABASE_URL"],
                                     "PROXY_HOPS": 1, "MAIL_OUTBOX": str(outbox),
                                     "PUBLIC_URL": "https://budget.city"})
    user = make_user()

    def attempt(client, forwarded_for, n):
        return post_form(client, "/login", {"email": f"guess{n}@example.org",
                                            "password": "bad-pass-123"},
                         headers={"X-Forwarded-For": forwarded_for})

    try:
        with joined_transaction(proxied, db.get_bind()):
            client = proxied.test_client()
            for n in range(30):
                assert attempt(client, "203.0.113.50", n).status_code == 200
            assert attempt(client, "203.0.113.50", 30).status_code == 429
            other = post_form(client, "/login", {"email": user.email, "password": PASSWORD},
                              headers={"X-Forwarded-For": "198.51.100.60"})
            assert other.status_code == 302
            # The public host, forwarded, is answered; links in mail come from PUBLIC_URL.
            post_form(client, "/forgot", {"email": user.email},
                      headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "budget.city"})
            assert latest_link(outbox, r"\S+/reset/\S+").startswith("https://budget.city/reset/")
    finally:
        proxied.extensions["portal.db"].engine.dispose()


def test_without_a_proxy_forwarded_addresses_are_not_believed(client, make_user):
    user = make_user()
    for n in range(30):
        post_form(client, "/login", {"email": f"spoof{n}@example.org", "password": "bad-pass-1"},
                  headers={"X-Forwarded-For": f"192.0.2.{n}"})
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD},
                         headers={"X-Forwarded-For": "192.0.2.200"})
    assert response.status_code == 429


def test_the_change_password_form_asks_for_the_current_password_first(client, make_user):
    login(client, make_user())
    page = client.get("/profile").get_data(as_text=True)
    form = page[page.index('action="/profile/password"'):]
    assert form.index('name="current_password"') < form.index('name="password"') < form.index(
        'name="password_again"')


def test_registrations_from_one_address_are_limited_so_nobody_is_flooded_with_mail(
        client, make_user, outbox):
    owner = make_user()
    data = {"display_name": "Х", "email": owner.email,
            "password": "walks-by-the-river-at-dawn-7",
            "password_again": "walks-by-the-river-at-dawn-7"}
    for n in range(10):
        assert post_form(client, "/register", data).status_code == 302, n
    assert post_form(client, "/register", data).status_code == 429
    assert len(list(outbox.glob("*.eml"))) == 10
    other = post_form(client, "/register", data, environ_base={"REMOTE_ADDR": "198.51.100.5"})
    assert other.status_code == 302
