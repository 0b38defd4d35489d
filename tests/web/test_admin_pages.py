"""The administration's account page: roles granted and revoked, and the last admin kept."""

from __future__ import annotations

from sqlalchemy import delete, select

from portal.accounts.models import Role, UserRole
from portal.audit.models import AuditEvent
from tests.conftest import post_form, sign_in


def change_role(client, user, verb: str, role: Role):
    return post_form(client, f"/admin/users/{user.id}/roles/{verb}", {"role": role.value},
                     token_from=f"/admin/users/{user.id}", follow_redirects=True)


def role_events(db, user) -> list[str]:
    return list(db.execute(select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))
                           .order_by(AuditEvent.id)).scalars())


def test_an_admin_grants_and_revokes_a_role_with_audit(client, db, make_user):
    admin, resident = make_user(Role.ADMIN), make_user()
    sign_in(client, admin)
    granted = change_role(client, resident, "grant", Role.VERIFIER)
    assert granted.request.path == f"/admin/users/{resident.id}"
    assert "Роль «" in granted.get_data(as_text=True) and "» надано." in granted.get_data(
        as_text=True)
    db.expire_all()
    assert resident.has_role(Role.VERIFIER)
    revoked = change_role(client, resident, "revoke", Role.VERIFIER)
    assert "» відкликано." in revoked.get_data(as_text=True)
    db.expire_all()
    assert not resident.has_role(Role.VERIFIER)
    assert role_events(db, resident)[-2:] == ["role.granted", "role.revoked"]


def test_the_last_admin_cannot_revoke_their_own_role(client, db, make_user):
    db.execute(delete(UserRole).where(UserRole.role == Role.ADMIN))
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    before = role_events(db, admin)
    response = change_role(client, admin, "revoke", Role.ADMIN)
    page = response.get_data(as_text=True)
    assert response.request.path == f"/admin/users/{admin.id}"
    assert "Останній адміністратор не може втратити цю роль." in page
    assert "відкликано" not in page
    db.expire_all()
    assert admin.has_role(Role.ADMIN) and role_events(db, admin) == before


def test_the_audit_log_pages_through_its_events_newest_first(client, db, make_user):
    from portal import audit
    from portal.clock import utcnow

    admin = make_user(Role.ADMIN)
    for number in range(120):
        audit.record(db, actor=admin, action="probe.event", object_type="probe",
                     object_id=number, at=utcnow())
    db.flush()
    sign_in(client, admin)
    first = client.get("/admin/audit")
    assert first.status_code == 200
    assert 'href="/admin/audit?page=2"' in first.get_data(as_text=True)
    second = client.get("/admin/audit?page=2")
    assert second.status_code == 200 and 'href="/admin/audit?page=1"' in second.get_data(
        as_text=True)
