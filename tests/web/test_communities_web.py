"""Addressing communities: the default one without a prefix, another under /<slug>/ or on
its own domain; nothing of one is reachable through another's address; roles count only
in their community; the platform's front page lists the communities."""

from __future__ import annotations

import email
from contextlib import contextmanager
from email import policy

import pytest

from portal import create_app
from portal.accounts.models import Role
from portal.links import external_url
from portal.projects.rules import ProjectStatus
from portal.tenancy import scope
from tests.conftest import joined_transaction, sign_in
from tests.factories.accounts import make_user
from tests.factories.communities import make_community, remember_app
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project


@pytest.fixture
def hromadas(app, db):
    """The default community and "khmilnyk" (with its own domain), a public project in each."""
    with app.test_request_context("/"):
        other = make_community(db, slug="khmilnyk", name="Хмільницька громада",
                               domains=("pb.khmilnyk.example",))
        author = make_user(db)
        home = make_project(db, make_cycle(db, author), author, status=ProjectStatus.ADMITTED,
                            title="Сквер у Бахмуті")
        with scope.inside(other.id):
            away = make_project(db, make_cycle(db, author), author,
                                status=ProjectStatus.ADMITTED, title="Сквер у Хмільнику")
        db.flush()
        return other, home.id, away.id


def test_the_default_community_is_served_without_a_prefix(client, hromadas):
    page = client.get("/projects/").get_data(as_text=True)
    assert "Сквер у Бахмуті" in page and "Сквер у Хмільнику" not in page
    assert "Бахмутська міська територіальна громада" in page


def test_another_community_is_served_under_its_prefix_and_links_keep_it(client, hromadas):
    other, home, away = hromadas
    response = client.get("/khmilnyk/projects/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Сквер у Хмільнику" in page and "Сквер у Бахмуті" not in page
    assert "Хмільницька громада" in page
    assert f'href="/khmilnyk/projects/{away}"' in page
    assert 'href="/khmilnyk/cycles/"' in page  # the menu stays in the community
    assert client.get(f"/khmilnyk/projects/{away}").status_code == 200


def test_nothing_of_one_community_is_found_through_another_s_address(client, hromadas):
    other, home, away = hromadas
    assert client.get(f"/projects/{away}").status_code == 404
    assert client.get(f"/khmilnyk/projects/{home}").status_code == 404
    assert client.get("/no-such-hromada/projects/").status_code == 404


def test_a_community_s_own_domain_serves_it_without_a_prefix(app, client, hromadas):
    other, home, away = hromadas
    client.get("/")  # the process reads the communities (and their domains) again
    response = client.get("/projects/", base_url="http://pb.khmilnyk.example")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Сквер у Хмільнику" in page and "Сквер у Бахмуті" not in page
    assert f'href="/projects/{away}"' in page
    with app.app_context(), scope.inside(other.id):
        # Mail and exports link to the community's own domain.
        assert external_url("projects.page", project_id=away) == (
            f"http://pb.khmilnyk.example/projects/{away}")


def test_links_that_leave_the_page_carry_the_prefix(app, db):
    with app.app_context():
        other = make_community(db, slug="kozyatyn")
        with scope.inside(other.id):
            assert external_url("main.index") == "http://portal.test/kozyatyn/"
        with scope.inside(1):
            assert external_url("main.index") == "http://portal.test/"


def test_a_role_counts_only_in_its_community(app, client, db, hromadas):
    other, _home, _away = hromadas
    with app.test_request_context("/"), scope.inside(other.id):
        member = make_user(db, Role.COMMISSION)
    sign_in(client, member)
    assert client.get("/khmilnyk/commission/review/").status_code == 200
    assert client.get("/commission/review/").status_code == 403


@contextmanager
def platform_client(database_url, db, tmp_path):
    """A client of the platform's host with no default community, in the test's
    transaction."""
    platform = create_app("testing", {"DATABASE_URL": database_url, "DEFAULT_COMMUNITY": "",
                                      "MAIL_OUTBOX": str(tmp_path),
                                      "SERVER_NAME": "portal.test"})
    remember_app(platform)
    try:
        with joined_transaction(platform, db.connection()):
            yield platform.test_client()
    finally:
        platform.extensions["portal.db"].engine.dispose()


def test_the_platform_s_front_page_lists_the_communities(database_url, db, tmp_path, hromadas):
    with platform_client(database_url, db, tmp_path) as client:
        response = client.get("/")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Хмільницька громада" in page and "Бахмутська міська територіальна громада" in page
        assert 'href="http://pb.khmilnyk.example/"' in page  # its own domain
        assert 'href="http://portal.test/bakhmut/"' in page
        # A community's page needs its community.
        assert client.get("/projects/").status_code == 404
        assert client.get("/bakhmut/projects/").status_code == 200
        assert client.get("/login").status_code == 200
        # The load balancer's check answers on the platform's host too.
        assert client.get("/healthz").get_json()["status"] == "ok"


def test_the_platform_s_front_page_finds_a_community_and_pages_the_rest(
        database_url, db, tmp_path, hromadas, monkeypatch):
    """Those with something open first, then by name, a page at a time; a search by a part
    of the name (either language) or the start of the code; nothing found is said so."""
    from portal.main import front
    from tests.factories.voting import make_voting_cycle

    monkeypatch.setattr(front, "COMMUNITIES_PER_PAGE", 2)
    other, _home, _away = hromadas
    for name in ("Авангардівська громада", "Яготинська громада"):
        make_community(db, name=name)
    with scope.inside(other.id):
        open_cycle = make_voting_cycle(db, make_user(db, Role.ADMIN))
    db.flush()
    with platform_client(database_url, db, tmp_path) as client:
        first = client.get("/").get_data(as_text=True)
        second = client.get("/?page=2").get_data(as_text=True)
        by_name = client.get("/?q=ЯГОТИН").get_data(as_text=True)
        by_code = client.get("/?q=ua1402").get_data(as_text=True)
        by_english = client.get("/?q=bakhmut").get_data(as_text=True)
        nothing = client.get("/?q=Атлантида").get_data(as_text=True)
        past_the_end = client.get("/?page=99").get_data(as_text=True)
    assert "4 громади" in first and "Сторінка 1 з 2" in first
    # Those with something open (both of the fixture's cycles take projects) come first,
    # by name; then the rest.
    assert first.index("Бахмутська міська") < first.index("Хмільницька громада")
    assert open_cycle.name in first and "Авангардівська громада" not in first
    assert second.index("Авангардівська громада") < second.index("Яготинська громада")
    assert "Зараз нічого не відкрито." in second and "Хмільницька громада" not in second
    assert 'href="/?page=1"' in second and 'rel="prev"' in second
    assert "1 громада" in by_name and "Яготинська громада" in by_name
    assert "Хмільницька громада" not in by_name and "Показати всі" in by_name
    assert "Бахмутська міська територіальна громада" in by_code and "1 громада" in by_code
    assert "Бахмутська міська територіальна громада" in by_english
    assert "Жодна громада не відповідає пошуку." in nothing and "0 громад" in nothing
    assert "Сторінка 2 з 2" in past_the_end


def test_the_api_lists_the_communities_and_answers_for_each_by_its_code(client, hromadas):
    other, _home, _away = hromadas
    listed = {item["code"]: item for item in client.get("/api/v1/communities")
              .get_json()["communities"]}
    assert listed[other.code]["address"] == "http://pb.khmilnyk.example/"
    assert listed[other.code]["api"] == f"http://portal.test/api/v1/communities/{other.code}"
    assert listed["UA14020010000053517"]["address"] == "http://portal.test/"
    # The audit log's checkpoints of each community are its own (none yet for the other).
    away = client.get(f"/api/v1/communities/{other.code}/audit/checkpoints").get_json()
    assert away["total"] == 0
    assert client.get("/api/v1/communities/UA00000000000000000/audit/checkpoints"
                      ).status_code == 404
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/communities" in document["paths"]
    assert "/communities/{community_code}/cycles/{cycle_id}/results" in document["paths"]


def test_a_verifier_records_a_displaced_person_where_the_rules_admit_it(app, client, db):
    from portal.identity.models import Verification
    from portal.identity.rules import make_rnokpp
    from tests.conftest import post_form

    with app.test_request_context("/"):
        hosting = make_community(db, slug="kozyatyn", admits_displaced=True)
        with scope.inside(hosting.id):
            verifier = make_user(db, Role.VERIFIER)
        person = make_user(db, name="Олена Переселенка")
    sign_in(client, verifier)
    url = f"/kozyatyn/desk/verify/account/{person.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Внутрішньо переміщена особа: номер довідки" in page
    response = post_form(client, url, {
        "kind": "rnokpp", "number": make_rnokpp("455555555"), "birth_date": "1979-03-08",
        "district": "", "displaced_certificate": "5912-7001234567",
        "document_checked": "y"})
    assert response.status_code == 302
    with scope.everywhere():
        verification = db.query(Verification).filter_by(user_id=person.id).one()
    assert (verification.community_id, verification.resident,
            verification.displaced_certificate) == (hosting.id, False, "5912-7001234567")
    # The person takes part there, not in the other community.
    sign_in(client, person)
    assert "Мешканець іншої громади" in client.get("/verify/").get_data(as_text=True)
    page = client.get("/kozyatyn/verify/").get_data(as_text=True)
    assert "5912-7001234567" in page and "Мешканець іншої громади" not in page


def test_a_platform_administrator_adds_a_community_with_its_first_administrator(
        app, client, db, outbox):
    from portal.accounts.models import UserRole
    from portal.tenancy.models import Community
    from tests.conftest import post_form

    with app.test_request_context("/"), scope.everywhere():
        operator = make_user(db)
        db.add(UserRole(user_id=operator.id, role=Role.ADMIN, community_id=None,
                        granted_at=operator.created_at))
        db.flush()
    community_admin = make_user(db, Role.ADMIN)  # the test community's own
    sign_in(client, community_admin)
    assert client.get("/platform/communities/").status_code == 403

    sign_in(client, operator)
    page = client.get("/platform/communities/").get_data(as_text=True)
    assert "Додати громаду" in page and "UA14020010000053517" in page
    refused = post_form(client, "/platform/communities/", {
        "code": "UA123", "name": "Громада", "slug": "projects"},
        token_from="/platform/communities/")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Код КАТОТТГ — це «UA» і 17 цифр" in text and "службових слів" in text
    with scope.everywhere():
        assert db.query(Community).count() == 1

    response = post_form(client, "/platform/communities/", {
        "code": "UA05020030000063996", "name": "Хмільницька міська територіальна громада",
        "name_en": "Khmilnyk City Territorial Community", "slug": "khmilnyk",
        "localities": "Хмільник\nКуманівці", "domains": "pb.khmilnyk.example",
        "admin_email": "mer@khmilnyk.example", "admin_name": "Марія Адміністраторка"})
    assert response.status_code == 302
    with scope.everywhere():
        added = db.query(Community).filter_by(code="UA05020030000063996").one()
        grant = db.query(UserRole).filter_by(community_id=added.id, role=Role.ADMIN).one()
    assert added.locality_list == ("Хмільник", "Куманівці")
    assert grant.user.email == "mer@khmilnyk.example"
    mails = [email.message_from_bytes(path.read_bytes(), policy=policy.default)
             for path in outbox.glob("*.eml")]
    told = [mail.get_content() for mail in mails if mail["To"] == "mer@khmilnyk.example"]
    assert len(told) == 1 and "/reset/" in told[0], told
    assert "http://pb.khmilnyk.example/" in told[0], told
    # The new administrator administers that community, not the platform or another.
    sign_in(client, grant.user)
    assert client.get("/khmilnyk/admin/districts/").status_code == 200
    assert client.get("/admin/districts/").status_code == 403
    assert client.get("/platform/communities/").status_code == 403


EMBLEM_SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
              b'<rect width="10" height="10" fill="#0057b7"/></svg>')


def test_a_community_s_administrator_sets_its_names_sender_and_emblem(app, client, db):
    import io

    from portal.tenancy.models import Community
    from tests.conftest import csrf_token

    admin = make_user(db, Role.ADMIN)
    sign_in(client, admin)
    page = client.get("/admin/community/").get_data(as_text=True)
    assert "UA14020010000053517" in page and "₴" in page  # no emblem yet

    def send(**change):
        data = {"name": "Бахмутська міська територіальна громада",
                "name_en": "Bakhmut City Territorial Community", "localities": "Бахмут\nОпитне",
                "mail_sender": "Бахмутська міська рада <pb@bakhmut.example>",
                "admits_displaced": "y", "csrf_token": csrf_token(client, "/admin/community/"),
                **change}
        return client.post("/admin/community/", data=data, content_type="multipart/form-data")

    refused = send(emblem=(io.BytesIO(b"GIF89a not an emblem"), "emblem.gif"))
    assert refused.status_code == 200
    assert "PNG або SVG" in refused.get_data(as_text=True)
    assert send(emblem=(io.BytesIO(EMBLEM_SVG), "emblem.svg")).status_code == 302
    # The report's signatories: "position | name" a line; a line without the bar is refused.
    assert send(signature_lines="Начальник відділу |  С.А. Кудрявих\n\nСекретар міської ради|"
                                "С.І. Кіщенко").status_code == 302
    unsigned = send(signature_lines="Секретар міської ради С.І. Кіщенко").get_data(as_text=True)
    assert "Запишіть кожен підпис як посаду, вертикальну риску та ім’я" in unsigned
    assert "Начальник відділу | С.А. Кудрявих\nСекретар міської ради | С.І. Кіщенко</textarea>" in \
        client.get("/admin/community/").get_data(as_text=True)
    community = db.get(Community, 1)
    assert community.admits_displaced and community.mail_sender.startswith("Бахмутська")
    assert community.emblem.startswith("data:image/svg+xml;base64,")
    assert community.signatory_list == (("Начальник відділу", "С.А. Кудрявих"),
                                        ("Секретар міської ради", "С.І. Кіщенко"))
    home = client.get("/").get_data(as_text=True)
    assert 'class="brand-emblem" src="data:image/svg+xml;base64,' in home
    # Another community's administrator cannot reach these settings.
    with app.test_request_context("/"):
        other = make_community(db, slug="kozyatyn")
        with scope.inside(other.id):
            stranger = make_user(db, Role.ADMIN)
    sign_in(client, stranger)
    assert client.get("/admin/community/").status_code == 403
    assert "UA14020010000053517" not in client.get("/kozyatyn/admin/community/").get_data(
        as_text=True)


def test_a_resident_of_another_community_is_not_offered_its_ballot(app, client, db, hromadas):
    """The home page offers the vote only where the person takes part: elsewhere it shows
    the projects and says where they vote."""
    from tests.factories.voting import make_voting_cycle

    other, _home, _away = hromadas
    with app.test_request_context("/"):
        admin = make_user(db, Role.ADMIN)
        resident = make_user(db, verified=True)  # resident of the default community
        here_cycle = make_voting_cycle(db, admin)
        with scope.inside(other.id):
            there_cycle = make_voting_cycle(db, admin)
        db.flush()
    sign_in(client, resident)
    home = client.get("/").get_data(as_text=True)
    away = client.get("/khmilnyk/").get_data(as_text=True)
    assert f'href="/voting/{here_cycle.id}/ballot"' in home and "Проголосувати" in home
    assert "Проголосувати" not in away and f"/voting/{there_cycle.id}/ballot" not in away
    assert ("Ви верифіковані як мешканець іншої громади: подавайте проєкти й голосуйте "
            "там.") in away
    assert f'href="/khmilnyk/projects/?cycle={there_cycle.id}"' in away


def test_the_platform_counts_a_cycle_open_by_its_extension_and_not_a_suspended_one(
        app, db, hromadas):
    """Which communities have something open is asked of the database by the dates; a
    cycle an extension keeps open, or a suspension closed, is phased as its page does."""
    from datetime import timedelta

    from portal.clock import utcnow
    from portal.cycles import services as cycles
    from portal.cycles.rules import Phase
    from portal.main import front
    from tests.factories.voting import make_voting_cycle

    other, _home, _away = hromadas
    admin = make_user(db, Role.ADMIN)
    later = utcnow() + timedelta(days=10)  # past the 7 days voting was planned for
    extended = make_community(db, name="Продовжена громада")
    stopped = make_community(db, name="Зупинена громада")
    with scope.inside(extended.id):
        cycle = make_voting_cycle(db, admin)  # voting ends in 7 days; moved to 14
        cycles.extend_phase(db, cycle=cycle, phase=Phase.VOTING,
                            new_end=utcnow() + timedelta(days=14), reason="Повітряні тривоги",
                            actor=admin, now=utcnow())
    with scope.inside(stopped.id):
        paused = make_voting_cycle(db, admin)
        paused.voting_end = utcnow() + timedelta(days=30)
        paused.results_date = paused.voting_end + timedelta(days=10)
        cycles.suspend_cycle(db, cycle=paused, reason="Воєнний стан", actor=admin,
                             now=utcnow())
    db.flush()
    with app.test_request_context("/"):
        found = front.communities(db, later)
    opened = {item.name: [phase for _glance, phase, _url in item.open_cycles]
              for item in found.items}
    assert opened["Продовжена громада"] == [Phase.VOTING]
    assert opened["Зупинена громада"] == []
    # Those with something open come first: the stopped one after every open one.
    names = list(opened)
    assert all(names.index(name) < names.index("Зупинена громада")
               for name, phases in opened.items() if phases)
