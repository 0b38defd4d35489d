from datetime import timedelta

import pytest

from portal.accounts import services
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.refusal import Refused

SECRETS = services.Secrets("s" * 40, timedelta(days=2), timedelta(hours=2))


def test_registration_gives_the_resident_role_and_an_argon2_hash(db, app_ctx):
    user = services.register(db, email=" Olena@Example.org ", password="a-long-passphrase-77",
                             display_name="Олена", locale="uk", now=utcnow())
    assert user.email == "olena@example.org"
    assert user.roles == {Role.RESIDENT}
    assert user.password_hash.startswith("$argon2id$")
    assert "a-long-passphrase-77" not in user.password_hash


def test_the_same_email_cannot_register_twice_in_any_case(db, app_ctx):
    services.register(db, email="a@example.org", password="a-long-passphrase-77",
                      display_name="A", locale="uk", now=utcnow())
    with pytest.raises(Refused) as refused:
        services.register(db, email="A@EXAMPLE.ORG", password="a-long-passphrase-78",
                          display_name="A", locale="uk", now=utcnow())
    assert refused.value.code == "email_taken"


def test_a_weak_password_stores_nothing(db, app_ctx):
    from sqlalchemy import func, select

    from portal.accounts.models import User

    before = db.execute(select(func.count()).select_from(User)).scalar_one()
    with pytest.raises(Refused) as refused:
        services.register(db, email="b@example.org", password="qwerty12345",
                          display_name="B", locale="uk", now=utcnow())
    assert refused.value.code == "too_common"
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == before


def test_confirmation_link_confirms_once_and_expires(db, app_ctx, make_user):
    user = make_user(confirmed=False)
    token = services.confirmation_token(user, SECRETS)
    services.confirm_email(db, token=token, secrets=SECRETS, now=utcnow())
    assert user.email_confirmed
    expired = services.Secrets(SECRETS.secret_key, timedelta(seconds=-1), SECRETS.reset_max_age)
    with pytest.raises(Refused) as refused:
        services.confirm_email(db, token=token, secrets=expired, now=utcnow())
    assert refused.value.code == "confirm_expired"


def test_a_reset_link_works_once(db, app_ctx, make_user):
    user = make_user()
    token = services.reset_token(user, SECRETS)
    found = services.user_for_reset_token(db, token=token, secrets=SECRETS)
    services.set_password(db, user=found, password="another-long-phrase-88", actor=None,
                          now=utcnow(), reason="reset")
    with pytest.raises(Refused) as refused:
        services.user_for_reset_token(db, token=token, secrets=SECRETS)
    assert refused.value.code == "reset_invalid"


def test_wrong_password_and_unknown_email_give_the_same_refusal(db, app_ctx, make_user):
    user = make_user()
    codes = set()
    for email, password in ((user.email, "wrong-password-123"), ("nobody@example.org", "x")):
        with pytest.raises(Refused) as refused:
            services.authenticate(db, email=email, password=password, now=utcnow())
        codes.add(refused.value.code)
    assert codes == {"bad_credentials"}


def test_roles_are_granted_and_revoked_with_audit(db, app_ctx, make_user):
    from sqlalchemy import select

    from portal.audit.models import AuditEvent

    admin = make_user(Role.ADMIN)
    user = make_user()
    assert services.grant_role(db, user=user, role=Role.COMMISSION, actor=admin, now=utcnow())
    assert not services.grant_role(db, user=user, role=Role.COMMISSION, actor=admin, now=utcnow())
    assert services.revoke_role(db, user=user, role=Role.COMMISSION, actor=admin, now=utcnow())
    actions = db.execute(select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))
                         .order_by(AuditEvent.id)).scalars().all()
    assert actions[-2:] == ["role.granted", "role.revoked"]


def test_the_last_admin_keeps_the_role(db, app_ctx, make_user):
    from sqlalchemy import delete

    from portal.accounts.models import UserRole
    from portal.tenancy import scope

    db.execute(delete(UserRole).where(UserRole.role == Role.ADMIN))
    admin = make_user(Role.ADMIN)
    # The community's administrator, revoked in the community (where no community is
    # entered, a command's, the platform-wide grant would be the one looked for).
    with scope.inside(1), pytest.raises(Refused) as refused:
        services.revoke_role(db, user=admin, role=Role.ADMIN, actor=admin, now=utcnow())
    assert refused.value.code == "last_admin"
