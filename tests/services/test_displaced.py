"""Residence decides where a person takes part; internally displaced persons (ВПО) take part
where the community's rules admit them, with the certificate the verifier recorded."""

from __future__ import annotations

from datetime import date

import pytest

from portal.clock import utcnow
from portal.identity import services as identity
from portal.identity.models import VerificationMethod
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp, takes_part_here
from portal.refusal import Refused
from portal.tenancy import scope
from portal.voting.context import voter_facts
from tests.factories.accounts import SECRET, make_user
from tests.factories.communities import make_community


def _claim(stem: str, *, resident: bool, certificate: str | None = None):
    return identity.IdentityClaim(
        number=PersonNumber(NumberKind.RNOKPP, make_rnokpp(stem)), birth_date=date(1980, 5, 1),
        community="Громада", resident=resident, district_id=None,
        displaced_certificate=certificate)


def _verify(db, user, claim):
    return identity.verify_person(db, user=user, claim=claim,
                                  method=VerificationMethod.IN_PERSON, actor=None,
                                  secret=SECRET, now=utcnow())


@pytest.mark.parametrize(("resident", "displaced", "here", "admits", "takes"), [
    (True, False, True, False, True),
    (True, False, False, True, False),  # a resident of another community
    (False, True, True, True, True),
    (False, True, True, False, False),  # the rules admit residents only
    (False, True, False, True, False),
    (False, False, True, True, False),
])
def test_who_takes_part_where(resident, displaced, here, admits, takes):
    assert takes_part_here(resident=resident, displaced=displaced, of_this_community=here,
                           admits_displaced=admits) is takes


def test_a_displaced_person_takes_part_where_the_rules_admit_it(app_ctx, db):
    hosting = make_community(db, admits_displaced=True)
    with scope.inside(hosting.id):
        person = make_user(db)
        verification = _verify(db, person, _claim("411111111", resident=False,
                                                   certificate="5912-7001234567"))
        assert verification.community_id == hosting.id
        assert verification.displaced_certificate == "5912-7001234567"
        assert identity.takes_part(verification) and voter_facts(db, verification).resident
    with scope.inside(1):  # the community of the tests admits residents only
        assert not identity.takes_part(verification)
        assert not voter_facts(db, verification).resident


def test_a_community_that_admits_residents_only_refuses_the_certificate(app_ctx, db):
    person = make_user(db)
    with pytest.raises(Refused) as refused:
        _verify(db, person, _claim("422222222", resident=False, certificate="5912-7001234567"))
    assert [problem.code for problem in refused.value.problems] == ["displaced_not_admitted"]
    assert identity.active_verification(db, person) is None


def test_a_certificate_number_must_look_like_one(app_ctx, db):
    hosting = make_community(db, admits_displaced=True)
    with scope.inside(hosting.id), pytest.raises(Refused) as refused:
        _verify(db, make_user(db), _claim("433333333", resident=False, certificate="<x>"))
    assert [problem.code for problem in refused.value.problems] == ["displaced_format"]


def test_a_resident_takes_part_only_in_their_own_community(app_ctx, db):
    other = make_community(db)
    person = make_user(db)
    verification = _verify(db, person, _claim("444444444", resident=True))
    assert verification.community_id == 1 and identity.takes_part(verification)
    with scope.inside(other.id):
        assert not identity.takes_part(verification)
        # One verification across the platform: the person cannot be verified again there.
        with pytest.raises(Refused):
            _verify(db, person, _claim("444444444", resident=True))
