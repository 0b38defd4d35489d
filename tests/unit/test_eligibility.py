"""Who may draft, submit and support, as pure rules with reasons."""

import pytest

from portal.cycles.rules import Phase
from portal.projects.eligibility import (
    Draft,
    Person,
    Refusal,
    completeness_problems,
    drafting_problems,
    submission_problems,
    support_problems,
)
from portal.projects.rules import ProjectStatus

ADULT = Person(verified=True, resident=True, age=30)


def test_an_adult_verified_resident_may_submit_during_the_submission():
    assert submission_problems(ADULT, min_age=16, phase=Phase.SUBMISSION,
                               submitted_by_author=2, limit=3) == []


@pytest.mark.parametrize(("person", "phase", "count", "refusals"), [
    (Person(False, False, None), Phase.SUBMISSION, 0, [Refusal.NOT_VERIFIED]),
    (Person(True, False, 30), Phase.SUBMISSION, 0, [Refusal.NOT_RESIDENT]),
    (Person(True, True, 15), Phase.SUBMISSION, 0, [Refusal.TOO_YOUNG]),
    (ADULT, Phase.REVIEW, 0, [Refusal.SUBMISSION_CLOSED]),
    (ADULT, Phase.SUSPENDED, 0, [Refusal.CYCLE_SUSPENDED]),
    (ADULT, Phase.SUBMISSION, 3, [Refusal.TOO_MANY_PROJECTS]),
])
def test_each_reason_to_refuse_a_submission_is_named(person, phase, count, refusals):
    assert submission_problems(person, min_age=16, phase=phase, submitted_by_author=count,
                               limit=3) == refusals


def test_the_age_is_inclusive():
    assert drafting_problems(Person(True, True, 16), min_age=16, phase=Phase.SUBMISSION) == []


@pytest.mark.parametrize(("phase", "ok"), [
    (Phase.SUBMISSION, True), (Phase.SUPPORT, True), (Phase.REVIEW, False),
    (Phase.UPCOMING, False),
])
def test_support_is_collected_during_the_submission_and_the_support_window(phase, ok):
    found = support_problems(ADULT, min_age=16, phase=phase,
                             status=ProjectStatus.COLLECTING_SUPPORT, is_author=False)
    assert (found == []) is ok


def test_a_complete_draft_within_limits_has_no_problems():
    draft = Draft("Назва", "Опис", "Проблема", "Рішення", "Мешканці", "вул. Миру", 3, 100_00)
    assert completeness_problems(draft, min_cost=100_00, max_cost=100_00, budget=100_00) == []


def test_an_empty_draft_names_every_missing_part():
    draft = Draft("", " ", "", "", "", "", 0, 0)
    assert completeness_problems(draft, min_cost=0, max_cost=1, budget=1) == [
        "title_required", "summary_required", "problem_required", "solution_required",
        "beneficiaries_required", "address_required", "cost_lines_required"]
