"""The participatory-budget measure's text told through gettext: Ukrainian plural forms,
numbers, the order of the clauses, and the same counts in English."""

import pytest
from flask_babel import force_locale

from portal.money import NBSP
from portal.reports.pb_execution import PbFact, PbFactKind
from portal.reports.pb_text import compose_pb_execution_text, render_facts
from portal.reports.program_file import load_program_file


@pytest.fixture(autouse=True)
def ukrainian(app):
    with app.test_request_context("/"), force_locale("uk"):
        yield


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
    assert render_facts(facts) == "проведено 1 засідання Комісії з питань Бюджету участі"


def test_measure_3_3_text_is_composed_from_cycle_records() -> None:
    # The document's first line for 3.3, whitespace collapsed; the portal adds the
    # not-financed project (table 2's cost row) and the commission's 6 meetings (the
    # explanatory note) after semicolons.
    document_line = load_program_file().execution_texts["3.3"].splitlines()[0]
    composed = compose_pb_execution_text(
        authors=29,
        projects=34,
        voters=16_500,
        winners=14,
        implemented=12,
        not_financed_reasons=["зміни розташування об’єкту"],
        meetings=6,
    )
    assert composed == (
        f"{document_line}; 1 проект не було профінансовано з причин зміни розташування "
        "об’єкту; проведено 6 засідань Комісії з питань Бюджету участі"
    )


def test_the_same_facts_in_english(app):
    with force_locale("en"):
        text = compose_pb_execution_text(1, 2, 16_450, 1, 1, ["the site changed"], 1)
    assert text == ("1 author submitted 2 public initiatives, 16,5 thousand people voted for "
                    "local development projects, 1 winner was declared, 1 project was "
                    "implemented; 1 project was not financed because of the site changed; the "
                    "commission held 1 meeting")
