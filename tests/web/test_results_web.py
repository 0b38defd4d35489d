"""The public results page: the rule in words, a chart and the money line per category,
linked names, participation in numbers and percent, Equal Shares explained, and a final
result that says it is final."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from config import TESTING_AUDIT_KEY
from portal.accounts.models import Role
from portal.audit.signing import private_key
from portal.clock import kyiv_today, utcnow
from portal.community.models import District
from portal.identity.models import CensusBatch, CensusEntry
from portal.projects.rules import ProjectStatus
from portal.results import comparison, counting, tallies
from tests.factories import accounts
from tests.factories.projects import make_project
from tests.factories.results import cast, make_shares_vote
from tests.factories.voting import close_voting, make_vote, make_voting_cycle

pytestmark = pytest.mark.module_transaction
NBSP = "\u00a0"


def results_page(client, cycle) -> str:
    response = client.get(f"/voting/{cycle.id}/results")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text(html: str) -> str:
    """The page's words with tags out and spaces (no-break ones too) made plain."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace(NBSP, " "))


@pytest.fixture(scope="module")
def approved(module_db):
    """make_vote's election (a 3, b 3, c 2 votes; 600, 500 and 400 thousand of a million),
    counted and approved: a and c win, b does not fit."""
    cycle, projects, commission, meeting, _voters = make_vote(module_db)
    tally = tallies.compute_tally(module_db, cycle=cycle, actor=None, now=utcnow())
    tallies.approve_tally(module_db, tally=tally, meeting=meeting, votes=(3, 0, 0),
                          actor=commission, audit_key=private_key(TESTING_AUDIT_KEY),
                          now=utcnow())
    return cycle, projects


@pytest.fixture(scope="module")
def shares(module_db):
    return make_shares_vote(module_db)


def test_the_rule_and_the_tie_rule_are_said_in_words_never_as_codes(client, approved):
    page = results_page(client, approved[0])
    assert ("Як визначено переможців: за кількістю голосів; проєкт, на який уже не вистачає "
            "коштів, пропускається і розглядається наступний. Якщо два проєкти мають однакову "
            "кількість голосів, перемагає проєкт, зареєстрований раніше.") in text(page)
    assert "greedy" not in page and "registration" not in page


def test_an_approved_result_says_it_is_final_and_not_that_it_updates(client, approved):
    page = text(results_page(client, approved[0]))
    assert "Остаточний результат." in page
    assert f"Комісія затвердила переможців {kyiv_today():%d.%m.%Y}" in page
    assert "оновлю" not in page and "наживо" not in page and "Попередній" not in page


def test_each_category_has_a_chart_with_the_winners_marked(client, approved):
    cycle, (a, b, c) = approved
    page = results_page(client, cycle)
    chart = re.search(r'<svg width="100%" height="(\d+)" role="img".*?</svg>', page, re.S)
    assert chart and chart[1] == str(3 * 50)
    svg = chart[0]
    assert "<title" in svg and "<desc" in svg
    # Most votes first; a's bar (3 votes) is the full width, c's (2 votes) two thirds.
    bars = re.findall(r'<g class="(bar-\w+)">.*?class="bar" x="0" y="\d+" width="([\d.]+%)"',
                      svg, re.S)
    assert bars == [("bar-winner", "100%"), ("bar-other", "100%"), ("bar-winner", "66.7%")]
    assert f"✓ {a.registration_code}" in svg and f"✓ {b.registration_code}" not in svg


def test_the_money_line_gives_spent_and_left_of_the_budget(client, approved):
    page = text(results_page(client, approved[0]))
    assert ("Використано 1 000 000,00 грн із 1 000 000,00 грн (100,0 %); залишок 0,00 грн."
            in page)


def test_a_project_that_lost_says_why_and_every_name_links_to_its_page(client, approved):
    cycle, (a, b, c) = approved
    page = results_page(client, cycle)
    for project in (a, b, c):
        assert f'href="/projects/{project.id}"' in page
    row = re.search(rf'<tr>\s*<th scope="row"[^>]*><a href="/projects/{b.id}">.*?</tr>', page,
                    re.S)[0]
    assert "не переміг: на нього не вистачило коштів" in text(row)
    assert 'data-label="Вартість"' in row and 'data-label="Результат"' in row


def test_participation_is_given_in_numbers_and_percent_of_the_ballots(client, approved):
    page = text(results_page(client, approved[0]))
    assert "Зараховано 5 бюлетенів." in page
    assert "немає реєстру мешканців" in page
    assert "Онлайн 5 100,0 %" in page
    # The projects' votes as a share of the voters: a 3 of 5.
    assert "60,0 %" in page


@pytest.fixture(scope="module")
def districts_vote(module_db):
    """Twelve ballots from one district (ten young, two old) and a register of residents
    with 40 of voting age there, 20 elsewhere and 5 too young."""
    db = module_db
    here, there = District(name="Район явки"), District(name="Район реєстру")
    db.add_all([here, there])
    db.flush()
    cycle = make_voting_cycle(db, accounts.make_user(db, Role.ADMIN), votes_per_voter=2)
    project = make_project(db, cycle, accounts.make_user(db), status=ProjectStatus.ADMITTED)
    for n in range(12):
        cast(db, cycle, [project], district_id=here.id,
             birth_date=date(2000, 1, 1) if n < 10 else date(1950, 1, 1))
    close_voting(db, cycle)
    batch = CensusBatch(filename="register.csv", uploaded_by_id=accounts.make_user(db).id,
                        uploaded_at=utcnow(), rows=65)
    db.add(batch)
    db.flush()
    rows = ([(here.id, date(1980, 1, 1))] * 40 + [(there.id, date(1970, 1, 1))] * 20
            + [(here.id, date.today().replace(year=date.today().year - 5))] * 5)
    db.add_all(CensusEntry(batch_id=batch.id, person_key=f"{n:064x}", birth_date=born,
                           district_id=district) for n, (district, born) in enumerate(rows))
    db.flush()
    return cycle


def test_turnout_is_ballots_of_the_residents_of_voting_age_in_the_register(
        client, districts_vote):
    page = text(results_page(client, districts_vote))
    assert "Явка: 20,0 % — 12 бюлетенів на 60 мешканців" in page
    assert "Район явки 12 100,0 % 30,0 % із 40" in page


def test_age_bands_of_ten_or_more_are_shown_in_numbers_and_percent(client, districts_vote):
    page = text(results_page(client, districts_vote))
    assert "За віком" in page
    assert re.search(r"\d+-\d+ 10 83,3 %", page)


def test_a_count_not_yet_approved_is_provisional_and_does_not_say_it_updates(client, shares):
    page = text(results_page(client, shares[0]))
    assert "Попередній результат." in page
    assert "оновлю" not in page and "Остаточний" not in page


def test_live_counts_while_voting_say_they_change(client, db, make_user):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN), live_counts_during_voting=True)
    make_project(db, cycle, make_user(), status=ProjectStatus.ADMITTED)
    page = text(results_page(client, cycle))
    assert "Підрахунок наживо." in page and "оновіть сторінку" in page
    assert "Переможців ще не визначено." in page


def test_equal_shares_tells_each_winner_s_price_per_supporter(client, shares):
    cycle, (stadium, library, square), _tally = shares
    page = text(results_page(client, cycle))
    assert "Як метод рівних часток обрав цих переможців" in page
    # The add1 completion raised the shares: said, so that they do not seem to overspend.
    assert ("Кошти, поділені порівну між 10 виборцями, — це 100 000,00 грн на кожного." in page
            and "до 179 999,00 грн на кожного" in page)
    # Stadium first: 600 000 from six supporters, 100 000 each; then the library.
    assert f"1 {stadium.registration_code} {stadium.title} 6 100 000,00 грн" in page
    assert f"2 {library.registration_code} {library.title} 4 100 000,00 грн" in page


def test_equal_shares_says_why_a_project_with_more_votes_lost(client, shares):
    cycle, (stadium, library, square), _tally = shares
    page = text(results_page(client, cycle))
    assert "Чому програли проєкти, які мали більше голосів, ніж переможець" in page
    # Each voter held 179 999 (add1 completion); the square's five supporters kept 79 999.
    assert (f"{square.title} : за нього проголосували 5 — більше, ніж за переможця, але він "
            "коштує 400 000,00 грн.") in page
    assert "лишалося тільки 399 995,00 грн" in page
    assert f"Їхні частки пішли на: {stadium.registration_code} {stadium.title} (500 000,00 грн)." \
        in page


def test_equal_shares_compares_with_most_votes_first_on_the_same_ballots(client, shares):
    cycle, (stadium, library, square), _tally = shares
    page = results_page(client, cycle)
    assert "дав би інших переможців" in text(page)
    table = re.search(r"<caption>Переможці за кожним правилом</caption>.*?</table>", page,
                      re.S)[0]
    rows = [text(r) for r in re.findall(r"<tr>.*?</tr>", table, re.S)[1:]]
    assert rows == [
        f" {stadium.registration_code} {stadium.title} 6 переможець переможець ",
        f" {square.registration_code} {square.title} 5 не переміг переможець ",
        f" {library.registration_code} {library.title} 4 переможець не переміг ",
    ]


def test_the_winners_map_has_its_place_and_the_page_works_without_it(client, approved):
    # The map partial is another part's; until it exists the page renders without it.
    assert "<h2" in results_page(client, approved[0])
    source = Path("templates/results/page.html").read_text(encoding="utf-8")
    assert '{% include "results/_winners_map.html" ignore missing %}' in source


def test_a_closed_vote_without_ballots_or_projects_still_answers(client, db, make_user):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN), open_now=False)
    page = text(results_page(client, cycle))
    # Turnout or not depends on the register the module's other tests uploaded.
    assert re.search(r"Зараховано 0 бюлетенів\.|Явка: 0,0 % — 0 бюлетенів", page)
    assert "У бюлетені не було жодного проєкту цієї категорії." in page


def test_a_count_whose_ballots_changed_since_is_not_explained_with_figures_it_lacks(
        client, db, shares):
    cycle, _projects, _tally = shares
    cycle.min_votes = 1  # a rule's input changed after the count: its digest no longer holds
    db.flush()
    counting.forget(db, cycle)
    comparison.forget_stories()
    page = text(results_page(client, cycle))
    assert "Попередній результат." in page
    assert "Як метод рівних часток обрав цих переможців" not in page
