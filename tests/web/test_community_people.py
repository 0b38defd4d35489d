"""People across communities: an account is the platform's, but a community's
administrators and desk list, open and act on only the community's accounts
(``portal.accounts.belonging``); and residence decides where a person takes part: a
resident of one community neither votes nor submits in another."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts import services as accounts
from portal.accounts.models import Role, UserRole
from portal.clock import utcnow
from portal.identity.models import Verification
from portal.projects.rules import ProjectStatus
from portal.tenancy import scope
from portal.voting.models import Ballot
from tests.conftest import post_form, sign_in
from tests.factories.accounts import make_user
from tests.factories.communities import make_community
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.voting import make_voting_cycle


@pytest.fixture
def people(app, db):
    """The default community's administrator, verifier and resident; a newcomer (no
    community's yet); and "khmilnyk" with its resident and its staff member."""
    with app.test_request_context("/"):
        other = make_community(db, slug="khmilnyk", name="Хмільницька громада")
        found = {
            "admin": make_user(db, Role.ADMIN, name="Адміністраторка Бахмуту"),
            "verifier": make_user(db, Role.VERIFIER, name="Верифікатор Бахмуту"),
            "resident": make_user(db, verified=True, name="Мешканка Бахмуту"),
            "newcomer": make_user(db, name="Новачок Без Громади"),
        }
        with scope.inside(other.id):
            found["away"] = make_user(db, verified=True, name="Мешканка Хмільника")
            found["away_staff"] = make_user(db, Role.STAFF, name="Працівник Хмільника")
            found["away_admin"] = make_user(db, Role.ADMIN, name="Адмін Хмільника")
    db.flush()
    return other, found


def _roles_here(db, user) -> set[str]:
    return set(db.scalars(select(UserRole.role).where(UserRole.user_id == user.id,
                                                      UserRole.community_id == 1)))


def test_the_accounts_list_shows_the_community_s_and_a_newcomer_by_address(client, people):
    _other, found = people
    sign_in(client, found["admin"])
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Мешканка Бахмуту" in page and "Верифікатор Бахмуту" in page
    for stranger in ("Мешканка Хмільника", "Працівник Хмільника", "Новачок Без Громади"):
        assert stranger not in page
    searched = client.get("/admin/users?q=example.org").get_data(as_text=True)
    assert "Мешканка Бахмуту" in searched and "Мешканка Хмільника" not in searched
    # A newcomer, no community's yet, is found by the whole address, to be appointed.
    by_address = client.get(f"/admin/users?q={found['newcomer'].email}").get_data(as_text=True)
    assert "Новачок Без Громади" in by_address
    assert "Мешканка Хмільника" not in client.get(
        f"/admin/users?q={found['away'].email}").get_data(as_text=True)


def test_another_community_s_account_is_not_found_by_its_administrators(client, db, people):
    _other, found = people
    sign_in(client, found["admin"])
    away = found["away"]
    assert client.get(f"/admin/users/{away.id}").status_code == 404
    refused = post_form(client, f"/admin/users/{away.id}/roles/grant", {"role": "staff"},
                        token_from="/admin/users")
    assert refused.status_code == 404 and _roles_here(db, away) == set()
    assert client.get(f"/admin/users/{found['newcomer'].id}").status_code == 200
    # Its own administrators see it.
    sign_in(client, found["away_admin"])
    assert client.get(f"/khmilnyk/admin/users/{away.id}").status_code == 200


def test_the_platform_s_administrators_appoint_a_person_of_another_community(client, db,
                                                                            people):
    """A role held platform-wide sees every account; the appointed person is then the
    community's too, for its own administrators."""
    _other, found = people
    platform = make_user(db, name="Адміністратор Платформи")
    with scope.everywhere():
        accounts.grant_role(db, user=platform, role=Role.ADMIN, actor=None, now=utcnow())
    away = found["away"]
    sign_in(client, platform)
    assert "Мешканка Хмільника" in client.get("/admin/users").get_data(as_text=True)
    granted = post_form(client, f"/admin/users/{away.id}/roles/grant", {"role": "staff"},
                        token_from=f"/admin/users/{away.id}")
    assert granted.status_code == 302 and _roles_here(db, away) == {Role.STAFF}
    sign_in(client, found["admin"])
    assert client.get(f"/admin/users/{away.id}").status_code == 200


def test_a_desk_serves_its_community_s_people(client, db, people):
    _other, found = people
    sign_in(client, found["verifier"])
    page = post_form(client, "/desk/verify/", {"email": found["away"].email}).get_data(
        as_text=True)
    assert "Цей обліковий запис належить іншій громаді" in page
    assert client.get(f"/desk/verify/account/{found['away'].id}").status_code == 404
    newcomer = post_form(client, "/desk/verify/", {"email": found["newcomer"].email})
    assert newcomer.headers["Location"].endswith(f"/desk/verify/account/{found['newcomer'].id}")


def test_a_desk_leaves_another_community_s_verification_to_it(client, db, people):
    """Khmilnyk's staff member, verified as a resident of Khmilnyk, works for the default
    community too: its desk sees the account, not a verification it may revoke."""
    _other, found = people
    worker = found["away"]
    with scope.inside(1):
        accounts.grant_role(db, user=worker, role=Role.STAFF, actor=None, now=utcnow())
    sign_in(client, found["verifier"])
    page = client.get(f"/desk/verify/account/{worker.id}").get_data(as_text=True)
    assert "Особа мешкає в іншій громаді" in page
    assert "Скасувати верифікацію" not in page
    verification = db.scalar(select(Verification).where(Verification.user_id == worker.id))
    refused = post_form(client, f"/desk/verify/verification/{verification.id}/revoke",
                        {"reason": "переїхала"}, token_from="/desk/verify/")
    assert refused.status_code == 404
    db.refresh(verification)
    assert verification.revoked_at is None


def test_a_resident_votes_only_where_they_live(client, db, people):
    other, found = people
    with scope.inside(other.id):
        cycle = make_voting_cycle(db, found["away_admin"])
        project = make_project(db, cycle, found["away"], status=ProjectStatus.ADMITTED)
    ballot = f"/khmilnyk/voting/{cycle.id}/ballot"
    cast = {"choice": f"{project.category_id}:{project.id}", "action": "cast"}
    sign_in(client, found["resident"])
    page = post_form(client, ballot, cast).get_data(as_text=True)
    assert "Проживання в громаді не встановлено" in page
    # Nor through the default community's address, where the cycle is not found.
    assert post_form(client, f"/voting/{cycle.id}/review", {}, token_from="/forgot"
                     ).status_code == 404
    sign_in(client, found["away"])
    assert post_form(client, ballot, cast).status_code == 302
    with scope.everywhere():
        assert db.scalar(select(func.count()).select_from(Ballot).where(
            Ballot.cycle_id == cycle.id)) == 1


def test_a_resident_of_another_community_is_told_where_they_take_part(client, people):
    _other, found = people
    sign_in(client, found["resident"])
    here = client.get("/verify/").get_data(as_text=True)
    assert "Мешканець іншої громади" not in here
    away = client.get("/khmilnyk/verify/").get_data(as_text=True)
    assert "Мешканець іншої громади" in away
    assert "Вас верифіковано в громаді «Громада" in away  # as the verifier wrote it


def test_a_resident_submits_only_where_they_live(client, db, people):
    other, found = people
    with scope.inside(other.id):
        cycle = make_cycle(db, found["away_admin"], name="Хмільницький бюджет участі")
    sign_in(client, found["resident"])
    page = client.get(f"/khmilnyk/projects/new?cycle={cycle.id}").get_data(as_text=True)
    assert "Це можуть робити лише мешканці громади." in page
    sign_in(client, found["away"])
    page = client.get(f"/khmilnyk/projects/new?cycle={cycle.id}").get_data(as_text=True)
    assert "Це можуть робити лише мешканці громади." not in page
    assert "Перш ніж писати проєкт" not in page
