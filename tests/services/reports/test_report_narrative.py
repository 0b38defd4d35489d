"""Section 3 and the explanatory note of the annual report, written from the year's records
(issue 14, item 7), and the program's own signatories.

Bakhmut's printed note says 13 projects were implemented while its table says 12
(seeds/000). Here a participatory-budget cycle funded under a program's measure goes
through voting, approval, implementation (one winner implemented, one not financed) and a
commission meeting, and the measure's text in table 1 and the note tell the same counts,
the counts the indicators compute.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from config import TESTING_AUDIT_KEY
from portal.audit.models import AuditEvent
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.implementation import services as implementation
from portal.implementation.rules import ImplementationStatus
from portal.money import NBSP
from portal.programs import funding
from portal.programs import services as programs
from portal.programs.winners import link_cycle
from portal.refusal import Refused
from portal.reports.document import Paragraph, Style
from portal.reports.narrative import genitive_title
from portal.reports.services import ReportKind, ReportSpec, build
from portal.results import tallies
from tests.factories.programs import make_program
from tests.factories.voting import make_vote

KEY = private_key(TESTING_AUDIT_KEY)
REASON = "зміни розташування об’єкту"


@pytest.fixture(autouse=True)
def ukrainian(app):
    with app.test_request_context("/"), force_locale("uk"):
        yield


@pytest.fixture
def year_of_a_cycle(db):
    """A program whose measure 1.2 funds a cycle's two winners: one implemented and paid,
    one not financed; the commission met once."""
    cycle, (a, _b, c), commission, meeting, _voters = make_vote(db)
    program, measures = make_program(db, start=cycle.budget_year - 1, end=cycle.budget_year,
                                      title="Цільова програма розвитку громадянського "
                                            "суспільства на 2025-2026 роки")
    link_cycle(db, actor=None, cycle=cycle, measure=measures["1.2"], now=utcnow())
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0), actor=commission,
                          audit_key=KEY, now=utcnow())
    done, dropped = a.funding_line, c.funding_line
    funding.record_payment(db, actor=None, line=done, paid_on=date(done.year, 5, 1),
                           amount=done.planned, document="п/д 1", now=utcnow())
    implementation.set_status(db, actor=None, line=done, status=ImplementationStatus.IMPLEMENTED,
                              progress=100, reason="", tender_number="", now=utcnow())
    implementation.set_status(db, actor=None, line=dropped,
                              status=ImplementationStatus.NOT_IMPLEMENTED, progress=0,
                              reason=REASON, tender_number="", now=utcnow())
    return program, cycle


def _count(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return int(found[1])


def test_the_note_tells_the_counts_the_measure_s_text_tells(db, year_of_a_cycle):
    program, cycle = year_of_a_cycle
    built = build(db, program, ReportSpec(ReportKind.ANNUAL, cycle.budget_year))
    measure = next(m for task in built.data["tasks"] for m in task["measures"]
                   if m["number"] == "1.2")["execution_text"]
    note = next(p.text for p in built.document.blocks
                if isinstance(p, Paragraph) and p.text.startswith("Бюджет участі «"))
    assert measure == ("1 автор подав 3 громадські ініціативи, 5 осіб віддали голоси за "
                       "проекти місцевого розвитку, оголошено 2 переможці, реалізовано 1 "
                       f"проект; 1 проект не було профінансовано з причин {REASON}; проведено "
                       "1 засідання Комісії з питань Бюджету участі")
    # The note tells the table's sentence itself: one count of each, in the same words.
    assert note.startswith(f"Бюджет участі «{cycle.name}». {measure}. ")
    for pattern in (r"(\d+) громадськ", r"оголошено (\d+)", r"реалізовано (\d+)",
                    r"(\d+) проект не було", r"проведено (\d+) засідан"):
        assert _count(pattern, measure) == _count(pattern, note)
    assert "За заходом 1.2 профінансовано 600,0 тис. грн із запланованих 1" in note


def test_section_3_gives_the_money_the_measures_and_attaches_the_note(db, year_of_a_cycle):
    program, cycle = year_of_a_cycle
    document = build(db, program, ReportSpec(ReportKind.ANNUAL, cycle.budget_year)).document
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    section = texts[texts.index("3. Оцінка ефективності виконання Програми") + 1:]
    assert section[0].startswith("Ефективність виконання запланованих заходів Програми за ")
    assert section[1] == ("На заходи Програми профінансовано 600,0 тис. грн із запланованих "
                          f"1{NBSP}000,0 тис. грн, з них з міського бюджету – 600,0 тис. грн, "
                          "з інших джерел – 0,0 тис. грн.")
    assert section[2] == "Заходів Програми: 3; з них із фінансуванням, передбаченим на рік: 1."
    assert (f"Пояснювальна записка про стан виконання у {cycle.budget_year} році Цільової "
            "програми розвитку громадянського суспільства на 2025-2026 роки додається."
            ) in section
    assert texts[texts.index("Пояснювальна записка") + 1] == (
        f"про результати виконання у {cycle.budget_year} році Цільової програми розвитку "
        "громадянського суспільства на 2025-2026 роки")


def test_a_periodic_report_has_no_note(db, year_of_a_cycle):
    program, cycle = year_of_a_cycle
    document = build(db, program, ReportSpec(ReportKind.HALF_YEAR, cycle.budget_year)).document
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert "Пояснювальна записка" not in texts
    assert not [t for t in texts if "додається" in t]


def test_the_program_s_executor_signs_first_and_alone_signs_the_note(db, year_of_a_cycle):
    program, cycle = year_of_a_cycle
    data = programs.ProgramData(**{
        key: getattr(program, key) for key in (
            "code", "title", "start_year", "end_year", "approved_by", "approved_on",
            "approval_number", "responsible_executor")},
        signatories=programs.signatories_from_lines(
            ["Начальник відділу внутрішньої політики |  Н.В. Петренко", ""]))
    programs.update_program(db, actor=None, program=program, data=data, now=utcnow())
    assert program.signatory_list == (("Начальник відділу внутрішньої політики",
                                       "Н.В. Петренко"),)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "program.updated")
                       .order_by(AuditEvent.id.desc())).first()
    assert "signatories" in json.loads(event.details)["fields"]
    document = build(db, program, ReportSpec(ReportKind.ANNUAL, cycle.budget_year)).document
    signed = [b.text for b in document.blocks
              if isinstance(b, Paragraph) and b.style is Style.SIGNATURE]
    own = "Начальник відділу внутрішньої політики\tН.В. Петренко"
    assert signed[0] == own and signed[-1] == own
    assert len(signed) == 2  # the test community has no signatories of its own


def test_a_signature_line_without_its_bar_is_refused():
    with pytest.raises(Refused) as refused:
        programs.signatories_from_lines(["Секретар міської ради С.І. Кіщенко"])
    assert refused.value.code == "signatory_format"


@pytest.mark.parametrize(("title", "genitive"), [
    ("Цільова програма сприяння розвитку громадянського суспільства у м. Бахмуті на "
     "2017-2020 роки", "Цільової програми сприяння розвитку громадянського суспільства у "
     "м. Бахмуті на 2017-2020 роки"),
    ("Програма розвитку місцевого самоврядування", "Програми розвитку місцевого "
     "самоврядування"),
    ("Комплексна програма підтримки", "Комплексної програми підтримки"),
    ("Розвиток громадянського суспільства", "Розвиток громадянського суспільства"),
])
def test_the_heading_names_the_program_in_the_genitive(title, genitive):
    assert genitive_title(title) == genitive


def test_staff_set_the_program_s_signatures_on_its_form(client, db, make_user):
    """The program's form (its settings) takes "position | name" lines; a line without its
    bar is refused in words and changes nothing."""
    from portal.accounts.models import Role
    from tests.conftest import post_form, sign_in

    sign_in(client, make_user(Role.STAFF))
    program, _measures = make_program(db, code="signed")
    url = f"/staff/programs/{program.id}/edit"
    fields = {"code": "signed", "title": program.title, "start_year": "2023",
              "end_year": "2025", "responsible_executor": program.responsible_executor}
    page = client.get(url).get_data(as_text=True)
    assert "Підписи під звітами програми" in page
    refused = post_form(client, url, {**fields, "signature_lines": "Начальник відділу"})
    assert refused.status_code == 200
    assert "Запишіть кожен підпис окремим рядком" in refused.get_data(as_text=True)
    assert program.signatory_list == ()
    saved = post_form(client, url, {**fields,
                                    "signature_lines": "Начальник відділу | Н.В. Петренко"})
    assert saved.status_code == 302
    db.refresh(program)
    assert program.signatory_list == (("Начальник відділу", "Н.В. Петренко"),)
    assert "Начальник відділу | Н.В. Петренко" in client.get(url).get_data(as_text=True)
