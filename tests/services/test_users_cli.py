"""``flask --app portal users ...``: accounts and roles from the shell."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.accounts import passwords
from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent

GOOD_PASSWORD = "quiet-harbour-lanterns-at-nine"


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def account(db, email: str) -> User | None:
    db.expire_all()
    return db.execute(select(User).where(User.email == email)).scalar_one_or_none()


def grants_of(db, user: User) -> list[dict]:
    events = db.execute(select(AuditEvent).where(AuditEvent.action == "role.granted",
                                                 AuditEvent.object_id == str(user.id))
                        ).scalars()
    return [json.loads(event.details) for event in events]


def test_create_admin_asks_for_email_and_password_and_makes_a_confirmed_admin(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--name", "Оксана Адмін"],
                           input=f"Admin@Example.org\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Administrator: admin@example.org" in result.output
    assert GOOD_PASSWORD not in result.output  # the prompt hides what is typed
    admin = account(db, "admin@example.org")
    assert admin.display_name == "Оксана Адмін" and admin.email_confirmed
    assert admin.roles == {Role.RESIDENT, Role.ADMIN}
    assert passwords.check_password(admin.password_hash, GOOD_PASSWORD)
    assert {"role": "admin"} in grants_of(db, admin)


def test_create_admin_asks_again_when_the_two_passwords_differ(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--email", "twice@example.org"],
                           input=f"{GOOD_PASSWORD}\nsomething-else-entirely\n"
                                 f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert account(db, "twice@example.org").has_role(Role.ADMIN)


def test_create_admin_refuses_a_weak_password_and_creates_nothing(runner, db):
    result = runner.invoke(args=["users", "create-admin", "--email", "weak@example.org"],
                           input="qwerty123456\nqwerty123456\n")
    assert result.exit_code == 1
    assert "надто поширений" in result.output  # the catalogue's language outside a request
    assert account(db, "weak@example.org") is None


def test_create_admin_gives_an_existing_account_the_role(runner, db, make_user):
    user = make_user(confirmed=False)
    result = runner.invoke(args=["users", "create-admin", "--email", user.email],
                           input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    user = account(db, user.email)
    assert user.has_role(Role.ADMIN) and user.email_confirmed


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.COMMISSION, Role.STAFF, Role.ADMIN])
def test_grant_gives_a_role_with_an_audit_event(runner, db, make_user, role):
    user = make_user()
    result = runner.invoke(args=["users", "grant", user.email.upper(), role.value])
    assert result.exit_code == 0, result.output
    assert f"{user.email}: {role.value} granted" in result.output
    assert account(db, user.email).has_role(role)
    assert {"role": role.value} in grants_of(db, user)


def test_granting_a_held_role_again_changes_nothing(runner, db, make_user):
    user = make_user(Role.VERIFIER)
    result = runner.invoke(args=["users", "grant", user.email, "verifier"])
    assert result.exit_code == 0 and "already held" in result.output
    assert len([g for g in grants_of(db, user) if g == {"role": "verifier"}]) == 1


def test_grant_to_an_unknown_email_fails_with_a_message(runner, db):
    result = runner.invoke(args=["users", "grant", "nobody@example.org", "staff"])
    assert result.exit_code == 1 and "No account with e-mail nobody@example.org" in result.output


def test_grant_of_an_unknown_role_is_refused_by_name(runner, db, make_user):
    user = make_user()
    result = runner.invoke(args=["users", "grant", user.email, "mayor"])
    assert result.exit_code == 2 and "'mayor' is not one of" in result.output
    assert account(db, user.email).roles == {Role.RESIDENT}


def test_revoke_takes_a_role_but_never_the_last_admin(runner, db, make_user):
    # A command grants and revokes the platform-wide role (no community entered).
    staff = make_user()
    assert runner.invoke(args=["users", "grant", staff.email, "staff"]).exit_code == 0
    assert runner.invoke(args=["users", "revoke", staff.email, "staff"]).exit_code == 0
    assert not account(db, staff.email).has_role(Role.STAFF)
    admin = make_user()  # the only one: each test starts from an empty database
    assert runner.invoke(args=["users", "grant", admin.email, "admin"]).exit_code == 0
    result = runner.invoke(args=["users", "revoke", admin.email, "admin"])
    assert result.exit_code == 1
    assert "Останній адміністратор не може втратити цю роль" in result.output
    assert account(db, admin.email).has_role(Role.ADMIN)
