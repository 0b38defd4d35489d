"""The participatory-budget execution text: facts, Ukrainian plurals, numbers."""

import pytest

from portal.money import NBSP
from portal.reports.pb_execution import (
    PbFact,
    PbFactKind,
    compose_pb_execution_text,
    pb_execution_facts,
    render_facts_uk,
)


def test_facts_are_language_free_and_ordered() -> None:
    facts = pb_execution_facts(29, 34, 16_500, 14, 12, ["причини А", "причини А", "причини Б"], 6)
    assert facts == (
        PbFact(PbFactKind.SUBMITTED, 34, authors=29),
        PbFact(PbFactKind.VOTERS, 16_500),
        PbFact(PbFactKind.WINNERS, 14),
        PbFact(PbFactKind.IMPLEMENTED, 12),
        PbFact(PbFactKind.NOT_FINANCED, 2, reason="причини А"),
        PbFact(PbFactKind.NOT_FINANCED, 1, reason="причини Б"),
        PbFact(PbFactKind.COMMISSION_MEETINGS, 6),
    )


def test_no_meetings_and_no_unfinanced_projects_are_left_out() -> None:
    kinds = [fact.kind for fact in pb_execution_facts(5, 5, 100, 3, 3, [], 0)]
    assert PbFactKind.NOT_FINANCED not in kinds
    assert PbFactKind.COMMISSION_MEETINGS not in kinds


@pytest.mark.parametrize(
    ("authors", "projects", "voters", "winners", "implemented", "expected"),
    [
        (
            1,
            1,
            1,
            1,
            1,
            "1 автор подав 1 громадську ініціативу, 1 особа віддала голос за проекти "
            "місцевого розвитку, оголошено 1 переможця, реалізовано 1 проект",
        ),
        (
            3,
            22,
            4,
            2,
            3,
            "3 автори подали 22 громадські ініціативи, 4 особи віддали голоси за проекти "
            "місцевого розвитку, оголошено 2 переможці, реалізовано 3 проекти",
        ),
        (
            11,
            12,
            9_999,
            11,
            14,
            f"11 авторів подали 12 громадських ініціатив, 9{NBSP}999 осіб віддали голоси за "
            "проекти місцевого розвитку, оголошено 11 переможців, реалізовано 14 проектів",
        ),
        (
            21,
            111,
            10_000,
            5,
            0,
            "21 автор подав 111 громадських ініціатив, 10 тис. осіб віддали голоси за проекти "
            "місцевого розвитку, оголошено 5 переможців, реалізовано 0 проектів",
        ),
    ],
)
def test_ukrainian_plural_forms(authors, projects, voters, winners, implemented, expected) -> None:
    assert compose_pb_execution_text(authors, projects, voters, winners, implemented, [], 0) == (
        expected
    )


def test_voters_in_thousands_round_half_up() -> None:
    text = compose_pb_execution_text(1, 1, 16_450, 1, 1, [], 0)
    assert "16,5 тис. осіб віддали голоси" in text


def test_not_financed_and_meetings_follow_after_semicolons() -> None:
    text = compose_pb_execution_text(2, 2, 10, 2, 0, ["відмови виконавця", "відмови виконавця"], 2)
    assert text.endswith(
        "; 2 проекти не було профінансовано з причин відмови виконавця"
        "; проведено 2 засідання Комісії з питань Бюджету участі"
    )


def test_rendering_only_the_tail_facts() -> None:
    facts = (PbFact(PbFactKind.COMMISSION_MEETINGS, 1),)
    assert render_facts_uk(facts) == "проведено 1 засідання Комісії з питань Бюджету участі"
