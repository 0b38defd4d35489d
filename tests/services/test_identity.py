from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import utcnow
from portal.identity import services
from portal.identity.census import parse_census
from portal.identity.models import Verification, VerificationMethod
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp
from portal.refusal import Refused

SECRET = "test-secret"


def claim(stem="312456789", birth=date(1990, 5, 1)):
    return services.IdentityClaim(PersonNumber(NumberKind.RNOKPP, make_rnokpp(stem)), birth,
                                  "Громада", True, None)


def test_a_person_is_verified_once_and_the_number_is_not_stored(db, app_ctx, make_user):
    user = make_user()
    verification = services.verify_person(db, user=user, claim=claim(), actor=None,
                                          method=VerificationMethod.IN_PERSON, secret=SECRET,
                                          now=utcnow())
    assert verification.person_key != make_rnokpp("312456789")
    assert make_rnokpp("312456789") not in verification.person_key


def test_a_second_account_of_the_same_person_is_refused(db, app_ctx, make_user):
    first, second = make_user(), make_user()
    services.verify_person(db, user=first, claim=claim(), actor=None,
                           method=VerificationMethod.IN_PERSON, secret=SECRET, now=utcnow())
    with pytest.raises(Refused) as refused:
        services.verify_person(db, user=second, claim=claim(), actor=None,
                               method=VerificationMethod.CENSUS, secret=SECRET, now=utcnow())
    assert refused.value.code == "person_already_verified"
    assert refused.value.field == "number" and not refused.value.keep
    assert services.active_verification(db, second) is None


def test_the_database_refuses_a_second_active_verification_of_one_person(db, app_ctx, make_user):
    from sqlalchemy.exc import IntegrityError

    first, second = make_user(), make_user()
    v = services.verify_person(db, user=first, claim=claim(), actor=None,
                               method=VerificationMethod.IN_PERSON, secret=SECRET, now=utcnow())
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(Verification(user_id=second.id, person_key=v.person_key, method=v.method,
                            birth_date=v.birth_date, community="x", verified_at=utcnow()))
        db.flush()


def test_after_revocation_the_person_can_be_verified_on_another_account(db, app_ctx, make_user):
    first, second, verifier = make_user(), make_user(), make_user()
    v = services.verify_person(db, user=first, claim=claim(), actor=None,
                               method=VerificationMethod.IN_PERSON, secret=SECRET, now=utcnow())
    services.revoke_verification(db, verification=v, reason="Account lost", actor=verifier,
                                 now=utcnow())
    services.verify_person(db, user=second, claim=claim(), actor=verifier,
                           method=VerificationMethod.IN_PERSON, secret=SECRET, now=utcnow())
    kept = db.execute(select(func.count()).select_from(Verification)
                      .where(Verification.user_id == first.id)).scalar_one()
    assert kept == 1  # the revoked verification stays on record


def census_text(*rows):
    return "number,birth_date,district\n" + "\n".join(",".join(r) for r in rows) + "\n"


def test_census_verification_matches_number_and_birth_date(db, app_ctx, make_user):
    admin, resident = make_user(), make_user()
    rows, problems = parse_census(census_text((make_rnokpp("312456789"), "01.05.1990", "")),
                                  known_districts=set(), today=date(2026, 1, 1))
    assert problems == []
    services.replace_census(db, rows=rows, filename="r.csv", actor=admin, secret=SECRET,
                            now=utcnow())
    policy = services.LockoutPolicy(3, timedelta(hours=1))
    v = services.verify_by_census(db, user=resident, number=claim().number,
                                  birth_date=date(1990, 5, 1), community="Громада",
                                  policy=policy, secret=SECRET, now=utcnow())
    assert v.method is VerificationMethod.CENSUS


def test_census_locks_out_after_repeated_misses(db, app_ctx, make_user):
    admin, resident = make_user(), make_user()
    rows, _ = parse_census(census_text((make_rnokpp("312456789"), "1990-05-01", "")),
                           known_districts=set(), today=date(2026, 1, 1))
    services.replace_census(db, rows=rows, filename="r.csv", actor=admin, secret=SECRET,
                            now=utcnow())
    policy = services.LockoutPolicy(3, timedelta(hours=1))
    now = utcnow()
    for _ in range(3):
        with pytest.raises(Refused) as refused:
            services.verify_by_census(db, user=resident, number=claim().number,
                                      birth_date=date(1990, 5, 2), community="Г",
                                      policy=policy, secret=SECRET, now=now)
        assert refused.value.code == "census_no_match"
        assert refused.value.keep  # the miss is a record: the request keeps it
    with pytest.raises(Refused) as refused:
        services.verify_by_census(db, user=resident, number=claim().number,
                                  birth_date=date(1990, 5, 1), community="Г",
                                  policy=policy, secret=SECRET, now=now)
    assert refused.value.code == "census_locked"
    assert not refused.value.keep
    later = now + timedelta(hours=1, minutes=1)
    services.verify_by_census(db, user=resident, number=claim().number,
                              birth_date=date(1990, 5, 1), community="Г", policy=policy,
                              secret=SECRET, now=later)


def test_census_file_problems_are_reported_per_line():
    text = census_text(
        (make_rnokpp("312456789"), "1990-05-01", "Центр"),
        ("1234567890", "1990-05-01", "Центр"),
        (make_rnokpp("312456789"), "1990-05-01", "Центр"),
        ("ВК123456", "31.02.1990", "Центр"),
        ("ВК123457", "1990-01-01", "Місяць"),
    )
    rows, problems = parse_census(text, known_districts={"Центр"}, today=date(2026, 1, 1))
    assert len(rows) == 1
    assert [(p.line, p.code) for p in problems] == [
        (3, "number:rnokpp_check_digit"), (4, "duplicate"), (5, "birth_date"), (6, "district"),
    ]


def test_census_file_without_the_needed_columns_is_refused():
    rows, problems = parse_census("a,b\n1,2\n", known_districts=set(), today=date(2026, 1, 1))
    assert rows == [] and problems[0].code == "header"
