"""The verifier desk, the register upload, and where a person's number must never appear."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.community.models import District
from portal.identity.models import (
    CensusBatch,
    CensusEntry,
    CensusLock,
    Verification,
    VerificationMethod,
)
from portal.identity.rules import make_rnokpp
from tests.conftest import database_dump, login, post_form, sign_in

NUMBER = make_rnokpp("287654321")


@pytest.fixture
def district(db) -> District:
    district = District(name="Забахмутка", position=1)
    db.add(district)
    db.flush()
    return district


@pytest.fixture
def verifier(make_user):
    return make_user(Role.VERIFIER, name="Ганна Верифікаторка")


def desk_verify(client, user, number=NUMBER, *, district=None, birth="1979-11-03"):
    url = f"/desk/verify/account/{user.id}"
    return post_form(client, url, {
        "kind": "rnokpp", "number": number, "birth_date": birth,
        "district": str(district.id) if district else "", "resident": "y",
        "document_checked": "y",
    })


def verification_of(db, user) -> Verification | None:
    db.expire_all()
    return db.execute(select(Verification).where(Verification.user_id == user.id)
                      ).scalar_one_or_none()


def test_the_desk_finds_an_account_by_its_email_in_any_case(client, make_user, verifier):
    resident = make_user(email="maria.k@example.org")
    sign_in(client, verifier)
    found = post_form(client, "/desk/verify/", {"email": "  Maria.K@Example.org "})
    assert found.status_code == 302
    assert found.location.endswith(f"/desk/verify/account/{resident.id}")
    missing = post_form(client, "/desk/verify/", {"email": "nobody@example.org"})
    assert "Облікового запису з такою електронною поштою немає." in missing.get_data(
        as_text=True)


def test_a_verifier_verifies_in_person_and_the_desk_lists_what_they_did(
        client, app, db, make_user, verifier, district):
    first = make_user(name="Олег Перший")
    second = make_user(name="Ірина Друга")
    someone_elses = make_user(name="Чужий Мешканець")
    sign_in(client, verifier)
    assert "Ви ще нікого не верифікували." in client.get("/desk/verify/").get_data(as_text=True)

    response = desk_verify(client, first, district=district)
    assert response.status_code == 302 and response.location.endswith("/desk/verify/")
    assert desk_verify(client, second, make_rnokpp("287654322")).status_code == 302
    other_desk = app.test_client()
    sign_in(other_desk, make_user(Role.VERIFIER))
    assert desk_verify(other_desk, someone_elses, make_rnokpp("287654323")).status_code == 302

    page = client.get("/desk/verify/").get_data(as_text=True)
    assert "Олег Перший" in page and "Ірина Друга" in page
    assert "Чужий Мешканець" not in page
    verification = verification_of(db, first)
    assert verification.method is VerificationMethod.IN_PERSON
    assert verification.verified_by_id == verifier.id
    assert verification.birth_date == date(1979, 11, 3)
    assert verification.district_id == district.id and verification.resident


def test_the_desk_lists_a_revoked_verification_with_its_reason(client, db, make_user,
                                                               verifier):
    resident = make_user(name="Степан Відкликаний")
    sign_in(client, verifier)
    desk_verify(client, resident)
    verification = verification_of(db, resident)
    post_form(client, f"/desk/verify/verification/{verification.id}/revoke",
              {"reason": "Помилка в даті народження"},
              token_from=f"/desk/verify/account/{resident.id}")
    page = client.get("/desk/verify/").get_data(as_text=True)
    assert "Степан Відкликаний" in page and "Помилка в даті народження" in page


def test_the_desk_refuses_a_wrong_check_digit_and_stores_nothing(client, db, make_user,
                                                                verifier):
    resident = make_user()
    sign_in(client, verifier)
    wrong = NUMBER[:9] + str((int(NUMBER[9]) + 1) % 10)
    response = desk_verify(client, resident, wrong)
    assert response.status_code == 200
    assert "контрольна цифра не збігається" in response.get_data(as_text=True)
    assert verification_of(db, resident) is None


def test_the_desk_refuses_a_person_verified_on_another_account_without_naming_it(
        client, db, make_user, verifier):
    holder = make_user(email="first-account@example.org", name="Перший Запис")
    second = make_user()
    sign_in(client, verifier)
    desk_verify(client, holder)
    response = desk_verify(client, second)
    page = response.get_data(as_text=True)
    assert "Цю особу вже верифіковано в іншому обліковому записі" in page
    assert "first-account@example.org" not in page and "Перший Запис" not in page
    assert verification_of(db, second) is None


# The register of residents ----------------------------------------------------------------


def upload(client, content: bytes, filename: str = "register.csv"):
    return post_form(client, "/staff/verify/census/", {"file": (io.BytesIO(content), filename)},
                     content_type="multipart/form-data")


def census_state(db) -> tuple[int, int]:
    db.expire_all()
    return (db.execute(select(func.count()).select_from(CensusBatch)).scalar_one(),
            db.execute(select(func.count()).select_from(CensusEntry)).scalar_one())


def test_staff_upload_the_register_through_the_form(client, db, make_user, district):
    sign_in(client, make_user(Role.STAFF))
    content = ("номер;дата_народження;район\n"
               f"{make_rnokpp('111111119')};01.02.1980;Забахмутка\n"
               f"{make_rnokpp('222222228')};1991-12-31;\n"
               "ВК123456;1975-05-05;Забахмутка\n").encode()
    response = upload(client, content)
    assert response.status_code == 302
    page = client.get("/staff/verify/census/").get_data(as_text=True)
    assert "Реєстр замінено: мешканців — 3." in page and "register.csv" in page
    assert census_state(db) == (1, 3)


def test_a_bad_register_changes_nothing_and_lists_problems_by_line(client, db, make_user,
                                                                  district):
    sign_in(client, make_user(Role.STAFF))
    upload(client, f"number,birth_date\n{make_rnokpp('111111119')},1980-02-01\n".encode())
    before = census_state(db)
    content = ("number,birth_date,district\n"
               f"{make_rnokpp('333333337')},1980-02-01,Забахмутка\n"
               "3333333330,1980-02-01,\n"
               f"{make_rnokpp('333333337')},1980-02-01,\n"
               "ВК654321,31.02.1990,\n"
               "ВК654322,1990-01-01,Місяць\n").encode("cp1251")
    response = upload(client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Нічого не збережено: у файлі знайдено проблем: 4." in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    for line, text in [(3, "Цей РНОКПП недійсний"), (4, "Ця особа вже є в іншому рядку"),
                       (5, "Дата народження не є датою"), (6, "Невідомий район")]:
        assert f"<tr><td>{line}</td><td>{text}" in rows
    assert census_state(db) == before


def test_a_file_that_is_not_text_is_refused(client, db, make_user):
    sign_in(client, make_user(Role.STAFF))
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv")
    assert response.status_code == 200
    assert "Це не текстовий CSV-файл." in response.get_data(as_text=True)
    assert census_state(db) == (0, 0)


# Verification by the register ------------------------------------------------------------------

NO_MATCH = "У реєстрі немає мешканця з таким номером і датою народження."
LOCKED = "Забагато невдалих спроб. Верифікацію за реєстром заблоковано"


@pytest.fixture
def register(app, db, make_user):
    """A register holding ``NUMBER`` born on 3 November 1979, uploaded by staff."""
    staff = app.test_client()
    sign_in(staff, make_user(Role.STAFF))
    assert upload(staff, f"number,birth_date\n{NUMBER},1979-11-03\n".encode()).status_code == 302


def census_verify(client, birth: str, number: str = NUMBER):
    return post_form(client, "/verify/census", {"kind": "rnokpp", "number": number,
                                                "birth_date": birth})


def census_lock_of(db, user) -> CensusLock | None:
    db.expire_all()
    return db.get(CensusLock, user.id)


def test_a_miss_at_the_register_is_kept_though_refused_and_misses_lock_the_method(
        app, client, db, make_user, register):
    resident = make_user()
    sign_in(client, resident)
    misses = app.config["CENSUS_MAX_FAILURES"]
    for count in range(1, misses):
        response = census_verify(client, "1979-11-04")
        assert response.status_code == 200
        assert NO_MATCH in response.get_data(as_text=True)
        assert census_lock_of(db, resident).failures == count  # the refused request kept it
    last = census_verify(client, "1979-11-04")
    assert last.status_code == 200 and LOCKED in last.get_data(as_text=True)
    lock = census_lock_of(db, resident)
    assert lock.locked_until is not None and lock.failures == 0
    locked = db.execute(select(AuditEvent).where(AuditEvent.action == "identity.census_locked",
                                                 AuditEvent.object_id == str(resident.id))
                        ).scalars().all()
    assert len(locked) == 1
    # Even the right birth date is not looked at while the method is locked.
    right = census_verify(client, "1979-11-03")
    assert right.status_code == 200 and LOCKED in right.get_data(as_text=True)
    assert verification_of(db, resident) is None


def test_a_person_verified_elsewhere_is_refused_at_the_register_and_nothing_is_kept(
        client, db, make_user, verifier, register):
    holder, resident = make_user(), make_user()
    desk = client.application.test_client()
    sign_in(desk, verifier)
    assert desk_verify(desk, holder).status_code == 302
    sign_in(client, resident)
    response = census_verify(client, "1979-11-03")
    assert response.status_code == 200
    assert "Цю особу вже верифіковано в іншому обліковому записі" in response.get_data(
        as_text=True)
    assert verification_of(db, resident) is None
    assert census_lock_of(db, resident) is None  # not a miss: nothing of the attempt is kept


def test_a_verification_revoked_twice_is_refused_the_second_time(client, db, make_user,
                                                                 verifier):
    resident = make_user()
    sign_in(client, verifier)
    desk_verify(client, resident)
    verification = verification_of(db, resident)
    url = f"/desk/verify/verification/{verification.id}/revoke"
    account = f"/desk/verify/account/{resident.id}"
    first = post_form(client, url, {"reason": "Помилка"}, token_from=account,
                      follow_redirects=True)
    assert "Верифікацію скасовано." in first.get_data(as_text=True)
    again = post_form(client, url, {"reason": "Ще раз"}, token_from=account,
                      follow_redirects=True)
    assert "Цю верифікацію вже скасовано." in again.get_data(as_text=True)
    db.expire_all()
    assert verification_of(db, resident).revoke_reason == "Помилка"


# The number is never stored nor shown ---------------------------------------------------------


def test_a_verified_tax_number_is_stored_nowhere_and_no_staff_page_shows_it(
        app, db, make_user, verifier, district):
    admin = make_user(Role.ADMIN, Role.STAFF)
    resident = make_user(name="Марта Приватна")
    desk = app.test_client()
    login(desk, verifier)
    assert desk_verify(desk, resident, district=district).status_code == 302

    census_number = make_rnokpp("456456456")
    staff = app.test_client()
    login(staff, admin)
    upload(staff, f"number,birth_date\n{census_number},1985-06-07\n".encode())
    census_user = make_user()
    own = app.test_client()
    login(own, census_user)
    verified = post_form(own, "/verify/census", {"kind": "rnokpp", "number": census_number,
                                                 "birth_date": "1985-06-07"})
    assert verified.status_code == 302 and verification_of(db, census_user) is not None

    dump = database_dump(db)
    assert "Марта Приватна" in dump  # the dump does hold the data
    for number in (NUMBER, census_number):
        assert number not in dump

    pages = {
        desk: ["/desk/verify/", f"/desk/verify/account/{resident.id}",
               f"/desk/verify/account/{census_user.id}"],
        staff: ["/staff/verify/census/", "/admin/users", f"/admin/users/{resident.id}",
                f"/admin/users/{census_user.id}", "/admin/audit"],
    }
    for client, urls in pages.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            for number in (NUMBER, census_number):
                assert number not in body, url
