"""The voting pages through the test client: ballot, receipt, paper desk, board, results."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.audit.models import AuditCheckpoint, AuditEvent
from portal.projects.rules import ProjectStatus
from portal.voting.models import Ballot
from portal.voting.receipts import receipt_hash
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import accounts
from tests.factories.projects import make_project
from tests.factories.voting import close_voting, make_vote, make_voting_cycle

RECEIPT = re.compile(r'<code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</code>')


# The election and the vote are built once; each test runs in a savepoint rolled back after it.
pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def election(module_db):
    """A cycle voting now with three admitted projects."""
    db = module_db
    author = accounts.make_user(db)
    cycle = make_voting_cycle(db, accounts.make_user(db, Role.ADMIN), votes_per_voter=2)
    projects = [make_project(db, cycle, author, status=ProjectStatus.ADMITTED,
                             title=f"Сквер {n}") for n in range(3)]
    return cycle, projects


@pytest.fixture(scope="module")
def vote(module_db):
    return make_vote(module_db)


def ballots(db, cycle) -> int:
    return db.scalar(select(func.count()).select_from(Ballot).where(Ballot.cycle_id == cycle.id))


def choice(project) -> str:
    return f"{project.category_id}:{project.id}"


def test_the_ballot_page_explains_the_rule_and_lists_the_projects(client, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    page = client.get(f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    assert "до 2 проєктів" in page
    assert all(p.title in page for p in projects)
    assert 'name="choice"' in page
    # Script only enhances, from a file (the CSP forbids inline script).
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/menu.js" defer>',
                                                  '<script src="/static/js/ballot.js">']


def test_casting_shows_the_receipt_on_the_own_ballot_page(client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    url = f"/voting/{cycle.id}/ballot"
    response = post_form(client, url, {"choice": [choice(projects[0]), choice(projects[2])],
                                       "action": "cast"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/voting/{cycle.id}/my-ballot")
    page = client.get(f"/voting/{cycle.id}/my-ballot").get_data(as_text=True)
    code = RECEIPT.search(page).group(1)
    ballot = db.execute(select(Ballot).where(Ballot.cycle_id == cycle.id)).scalar_one()
    assert ballot.receipt_hash == receipt_hash(code)
    assert projects[0].title in page and projects[1].title not in page


def test_the_review_lists_the_choice_with_its_sums_and_stores_nothing(
        client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    page = post_form(client, f"/voting/{cycle.id}/review",
                     {"choice": [choice(projects[0]), choice(projects[2])]},
                     token_from=f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    assert "<h1>Перевірте свій вибір" in page and "Ви голосуєте за:" in page
    assert projects[0].title in page and projects[2].title in page
    assert projects[1].title not in page
    assert "Голос не зараховано" not in page
    # The choice travels in the review's own form, which casts only by its "vote" button.
    assert page.count('<input type="hidden" name="choice"') == 2
    assert f'action="/voting/{cycle.id}/ballot"' in page
    assert 'name="action" value="cast">Проголосувати</button>' in page
    assert 'name="action" value="change" class="secondary">Змінити вибір</button>' in page
    assert "2 проєкти · разом" in page
    assert ballots(db, cycle) == 0


def test_changing_the_choice_comes_back_with_the_ticks(client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    page = post_form(client, f"/voting/{cycle.id}/ballot",
                     {"choice": [choice(projects[1])], "action": "change"}).get_data(as_text=True)
    ticked = re.findall(r'value="(\d+:\d+)" data-cost="\d+" checked', page)
    assert ticked == [choice(projects[1])]
    assert "Обрано: <span data-chosen>1</span>" in page
    assert "залишилося голосів: <span data-votes-left>1</span>" in page
    assert 'class="form-errors' not in page
    assert ballots(db, cycle) == 0


def test_a_review_of_a_choice_past_the_limit_asks_to_change_it(client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    page = post_form(client, f"/voting/{cycle.id}/review",
                     {"choice": [choice(p) for p in projects]},
                     token_from=f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    assert "Перш ніж голосувати, змініть вибір:" in page
    assert "Забагато проєктів обрано в одній категорії." in page
    assert "Голос не зараховано" not in page and "Ви голосуєте за" not in page
    assert len(re.findall(r'data-cost="\d+" checked', page)) == 3  # the ticks stay
    assert ballots(db, cycle) == 0


def test_a_review_that_could_not_be_read_shows_no_choice(client, db, make_user, election):
    cycle, _projects = election
    sign_in(client, make_user(verified=True))
    url = f"/voting/{cycle.id}/review"
    for data in ({"choice": ["not-a-choice"],
                  "csrf_token": csrf_token(client, f"/voting/{cycle.id}/ballot")},
                 {"choice": [], "csrf_token": "forged"}):
        page = client.post(url, data=data).get_data(as_text=True)
        assert "Ви голосуєте за" not in page and 'class="form-errors' in page
    assert client.get(url).headers["Location"].endswith(f"/voting/{cycle.id}/ballot")
    assert ballots(db, cycle) == 0


def test_a_tampered_ballot_gets_a_reason_and_stores_nothing(client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    response = post_form(client, f"/voting/{cycle.id}/ballot",
                         {"choice": [choice(p) for p in projects], "action": "cast"})
    assert response.status_code == 200
    assert "Забагато проєктів" in response.get_data(as_text=True)
    response = post_form(client, f"/voting/{cycle.id}/ballot",
                         {"choice": ["1:abc"], "action": "cast"})
    assert response.status_code == 200
    assert ballots(db, cycle) == 0


def test_a_ballot_without_csrf_is_refused(client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    response = client.post(f"/voting/{cycle.id}/ballot",
                           data={"choice": [choice(projects[0])], "action": "cast"})
    assert response.status_code == 200
    assert ballots(db, cycle) == 0


def test_a_second_post_returns_to_the_existing_ballot(client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    url = f"/voting/{cycle.id}/ballot"
    token = csrf_token(client, url)
    first = client.post(url, data={"choice": [choice(projects[0])], "action": "cast",
                                   "csrf_token": token})
    second = client.post(url, data={"choice": [choice(projects[1])], "action": "cast",
                                    "csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert ballots(db, cycle) == 1
    assert client.get(url).status_code == 302  # the ballot page leads to the own ballot


def test_a_second_cast_leads_to_the_own_ballot_with_a_warning(client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    url = f"/voting/{cycle.id}/ballot"
    token = csrf_token(client, url)
    client.post(url, data={"choice": [choice(projects[0])], "action": "cast",
                           "csrf_token": token})
    client.get(f"/voting/{cycle.id}/my-ballot")
    second = client.post(url, data={"choice": [choice(projects[1])], "action": "cast",
                                    "csrf_token": token}, follow_redirects=True)
    page = second.get_data(as_text=True)
    assert ('<p class="flash flash-warning">Ви вже проголосували в цьому циклі. Одна особа має '
            'один бюлетень.</p>') in page
    assert projects[0].title in page and projects[1].title not in page


def test_the_rules_reasons_are_listed_in_the_ballot_s_own_box(client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    for url, title in ((f"/voting/{cycle.id}/review", "Перш ніж голосувати, змініть вибір:"),
                       (f"/voting/{cycle.id}/ballot", "Голос не зараховано:")):
        page = post_form(client, url, {"choice": [choice(projects[0])] * 2, "action": "cast"},
                         token_from=f"/voting/{cycle.id}/ballot").get_data(as_text=True)
        box = page[page.index('<div class="form-errors"'):]
        box = box[:box.index("</div>")]
        assert f"<p><strong>{title}</strong></p>" in box
        assert "<p>Той самий проєкт обрано двічі.</p>" in box
    assert ballots(db, cycle) == 0


def test_an_unverified_resident_is_asked_to_verify(client, make_user, election):
    cycle, _ = election
    sign_in(client, make_user())
    page = client.get(f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    assert "/verify/" in page and 'name="choice"' not in page


def test_a_revoked_verification_stops_the_next_cast_and_asks_to_verify_again(
        client, db, make_user, election):
    from portal.clock import utcnow
    from portal.identity.services import active_verification, revoke_verification

    cycle, projects = election
    user = make_user(verified=True)
    sign_in(client, user)
    url = f"/voting/{cycle.id}/ballot"
    token = csrf_token(client, url)
    revoke_verification(db, verification=active_verification(db, user),
                        reason="Документ визнано недійсним", actor=make_user(), now=utcnow())
    db.commit()
    page = client.post(url, data={"csrf_token": token, "choice": [choice(projects[0])],
                                  "action": "cast"}).get_data(as_text=True)
    assert "/verify/" in page and 'name="choice"' not in page
    assert ballots(db, cycle) == 0


def test_a_verifier_enters_a_paper_ballot_and_the_person_cannot_vote_online(
        client, db, app, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(Role.VERIFIER))
    url = f"/desk/voting/{cycle.id}"
    data = {"kind": "rnokpp", "number": "3000000011", "birth_date": "1980-02-02",
            "resident": "y", "document_checked": "y", "district": "",
            "choice": [choice(projects[1])]}
    from portal.identity.rules import make_rnokpp

    data["number"] = make_rnokpp("410000001")
    page = post_form(client, url, data).get_data(as_text=True)
    assert RECEIPT.search(page), page[:3000]
    again = post_form(client, url, data).get_data(as_text=True)
    assert "вже проголосувала" in again or "вже проголосував" in again
    assert ballots(db, cycle) == 1
    resident = make_user()
    from tests.factories.accounts import verify

    verify(db, resident, stem="410000001", birth_date=date(1980, 2, 2))
    sign_in(client, resident)
    assert client.get(f"/voting/{cycle.id}/ballot").status_code == 302
    post_form(client, f"/voting/{cycle.id}/ballot",
              {"choice": [choice(projects[0])], "action": "cast"},
              token_from=f"/voting/{cycle.id}/my-ballot")
    assert ballots(db, cycle) == 1


def test_a_paper_ballot_against_the_rules_is_not_entered_and_says_why(
        client, db, make_user, election):
    from portal.identity.rules import make_rnokpp

    cycle, projects = election
    sign_in(client, make_user(Role.VERIFIER))
    page = post_form(client, f"/desk/voting/{cycle.id}", {
        "kind": "rnokpp", "number": make_rnokpp("410000002"), "birth_date": "1980-02-02",
        "resident": "y", "document_checked": "y", "district": "",
        "choice": [choice(p) for p in projects]}).get_data(as_text=True)
    assert ("<p><strong>Бюлетень не внесено:</strong></p>\n"
            "        <p>Забагато проєктів обрано в одній категорії.</p>") in page
    assert not RECEIPT.search(page)
    assert ballots(db, cycle) == 0


def test_the_board_is_hidden_while_voting_and_lists_the_ballot_after(
        client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    post_form(client, f"/voting/{cycle.id}/ballot",
              {"choice": [choice(projects[0])], "action": "cast"})
    code = RECEIPT.search(client.get(f"/voting/{cycle.id}/my-ballot").get_data(as_text=True))[1]
    ballot = db.execute(select(Ballot).where(Ballot.cycle_id == cycle.id)).scalar_one()
    assert ballot.receipt_hash not in client.get(f"/voting/{cycle.id}/board").get_data(
        as_text=True)
    assert client.get(f"/api/v1/cycles/{cycle.id}/board").status_code == 404
    assert client.get(f"/api/v1/cycles/{cycle.id}/results").status_code == 404
    close_voting(db, cycle)
    board = client.get(f"/voting/{cycle.id}/board?receipt={code}").get_data(as_text=True)
    assert "Ваш бюлетень є на дошці" in board
    assert ballot.receipt_hash in board and projects[0].registration_code in board
    data = client.get(f"/api/v1/cycles/{cycle.id}/board").get_json()
    assert data["total"] == 1
    assert data["ballots"][0]["choices"][0]["projects"] == [projects[0].registration_code]


def test_the_pb_file_is_plain_text_in_utf_8_said_once(client, vote):
    cycle = vote[0]
    response = client.get(f"/voting/{cycle.id}/ballots.pb")
    assert response.status_code == 200
    assert response.headers.getlist("Content-Type") == ["text/plain; charset=utf-8"]
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cycle-{cycle.id}.pb"')
    assert response.get_data(as_text=True).startswith("META")


def test_results_are_hidden_while_voting_unless_the_cycle_publishes_live_counts(
        client, db, make_user, election):
    cycle, projects = election
    page = client.get(f"/voting/{cycle.id}/results").get_data(as_text=True)
    assert "Голоси" not in page
    cycle.live_counts_during_voting = True
    db.flush()
    page = client.get(f"/voting/{cycle.id}/results").get_data(as_text=True)
    assert projects[0].title in page
    assert client.get(f"/api/v1/cycles/{cycle.id}/results").get_json()["final"] is False


def test_the_openapi_document_describes_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://portal.test/api/v1"}]
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            assert path in document["paths"], path
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in document["paths"][path], (path, method)


def test_the_commission_counts_and_approves_through_its_page(client, db, vote):
    cycle, (a, b, c), commission, meeting, _voters = vote
    sign_in(client, commission)
    url = f"/commission/voting/{cycle.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Підрахувати голоси" in page
    post_form(client, f"{url}/tally", {}, token_from=url)
    page = client.get(url).get_data(as_text=True)
    assert "Затвердити результати" in page
    from portal.results.models import Tally

    tally = db.execute(select(Tally).where(Tally.cycle_id == cycle.id)).scalar_one()
    response = post_form(client, f"{url}/decide", {
        "form": "approve", "tally": tally.id, "meeting": meeting.id, "votes_for": 3,
        "votes_against": 0, "abstained": 0}, token_from=url)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.refresh(tally)
    assert tally.approved_at is not None
    results = client.get(f"/voting/{cycle.id}/results").get_data(as_text=True)
    assert "Остаточний результат." in results
    # The approval signed a checkpoint of the audit log, published with its hash.
    checkpoint = db.execute(select(AuditCheckpoint)).scalar_one()
    assert checkpoint.at == tally.approved_at
    assert checkpoint.head_hash in client.get("/audit/checkpoints").get_data(as_text=True)


def test_an_approval_over_a_tampered_audit_log_is_refused_on_the_page(client, db, vote):
    cycle, _projects, commission, meeting, _voters = vote
    sign_in(client, commission)
    url = f"/commission/voting/{cycle.id}"
    post_form(client, f"{url}/tally", {}, token_from=url)
    from portal.results.models import Tally
    from tests.factories.audit import Link, edit_without_rehash

    tally = db.execute(select(Tally).where(Tally.cycle_id == cycle.id)).scalar_one()
    last = db.execute(select(func.max(AuditEvent.id))).scalar_one()
    edit_without_rehash(db, Link(last, ""))  # the approval's page will not sign over that
    response = post_form(client, f"{url}/decide", {
        "form": "approve", "tally": tally.id, "meeting": meeting.id, "votes_for": 3,
        "votes_against": 0, "abstained": 0}, token_from=url)
    assert response.status_code == 400
    assert (f"Журнал аудиту не проходить перевірку на події {last}"
            in response.get_data(as_text=True))
    db.refresh(tally)
    assert tally.approved_at is None
    assert db.scalar(select(func.count()).select_from(AuditCheckpoint)) == 0


def test_an_annulment_without_a_majority_is_refused_on_the_page(client, db, vote):
    cycle, _projects, commission, meeting, voters = vote
    sign_in(client, commission)
    url = f"/commission/voting/{cycle.id}"
    ballot = db.execute(select(Ballot).where(Ballot.user_id == voters[0].id)).scalar_one()
    response = post_form(client, f"{url}/decide", {
        "form": "annul", "meeting": meeting.id, "votes_for": 1, "votes_against": 2,
        "abstained": 0, "ballots": ballot.receipt_hash, "reason": "Перевірка реєстру"},
        token_from=url)
    assert response.status_code == 400
    db.refresh(ballot)
    assert ballot.annulled_at is None


def test_a_count_while_voting_is_open_is_refused_with_a_message(client, db, make_user):
    from portal.accounts.models import Role
    from portal.results.models import Tally
    from tests.factories.review import seat_commission

    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    commission = make_user(Role.COMMISSION)
    seat_commission(db, cycle, commission, size=5)
    sign_in(client, commission)
    url = f"/commission/voting/{cycle.id}"
    response = post_form(client, f"{url}/tally", {}, token_from=url, follow_redirects=True)
    assert ('<p class="flash flash-error">Підраховувати голоси можна лише після завершення '
            'голосування.</p>') in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Tally)
                     .where(Tally.cycle_id == cycle.id)) == 0


@pytest.mark.parametrize(("ballots_field", "votes_for", "said"), [
    ("\nnonsense", 3, "Рядок 2 не є ні хешем квитанції, ні правильним РНОКПП чи номером "
                       "документа."),
    (None, 1, "Рішення не ухвалено: за нього має проголосувати більше половини присутніх "
              "членів комісії."),
], ids=["own-problem", "review-problem"])
def test_a_refused_decision_is_said_once_above_its_form(client, db, vote, ballots_field,
                                                        votes_for, said):
    cycle, _projects, commission, meeting, voters = vote
    sign_in(client, commission)
    url = f"/commission/voting/{cycle.id}"
    ballot = db.execute(select(Ballot).where(Ballot.user_id == voters[0].id)).scalar_one()
    response = post_form(client, f"{url}/decide", {
        "form": "annul", "meeting": meeting.id, "votes_for": votes_for,
        "votes_against": 3 - votes_for, "abstained": 0,
        "ballots": ballots_field or ballot.receipt_hash, "reason": "Перевірка реєстру"},
        token_from=url)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page[page.index('<div class="form-errors error-summary" role="alert"'):]
    assert f"<p>{said}</p>" in summary[:summary.index("</div>")]
    assert page.count(said) == 1
    db.refresh(ballot)
    assert ballot.annulled_at is None


def test_a_decision_forgets_the_cached_results_only_once_it_is_stored(
        client, db, vote, monkeypatch):
    from portal.db import db_session
    from portal.results import counting

    cycle, _projects, commission, meeting, voters = vote
    sign_in(client, commission)
    url = f"/commission/voting/{cycle.id}"
    forgotten = []
    forget = counting.forget

    def spy(session, forgotten_cycle):
        forgotten.append(not db_session().in_transaction())  # True: after the commit
        forget(session, forgotten_cycle)

    monkeypatch.setattr(counting, "forget", spy)
    ballot = db.execute(select(Ballot).where(Ballot.user_id == voters[0].id)).scalar_one()
    data = {"form": "annul", "meeting": meeting.id, "votes_against": 0, "abstained": 0,
            "ballots": ballot.receipt_hash, "reason": "Підроблена особа"}
    assert post_form(client, f"{url}/decide", {**data, "votes_for": 1, "votes_against": 2},
                     token_from=url).status_code == 400
    assert forgotten == []
    assert post_form(client, f"{url}/decide", {**data, "votes_for": 3},
                     token_from=url).status_code == 302
    assert forgotten == [True]


def test_an_annulled_ballot_stays_on_the_board_marked(client, db, vote):
    cycle, _projects, commission, meeting, voters = vote
    sign_in(client, commission)
    url = f"/commission/voting/{cycle.id}"
    ballot = db.execute(select(Ballot).where(Ballot.user_id == voters[0].id)).scalar_one()
    response = post_form(client, f"{url}/decide", {
        "form": "annul", "meeting": meeting.id, "votes_for": 3, "votes_against": 0,
        "abstained": 0, "ballots": ballot.receipt_hash, "reason": "Підроблена особа"},
        token_from=url)
    assert response.status_code == 302
    board = client.get(f"/voting/{cycle.id}/board").get_data(as_text=True)
    assert ballot.receipt_hash in board and "Підроблена особа" in board
    data = client.get(f"/api/v1/cycles/{cycle.id}/board").get_json()
    marked = {b["receipt_hash"]: b["annulled"] for b in data["ballots"]}
    assert marked[ballot.receipt_hash] is True and sum(marked.values()) == 1
    results = client.get(f"/api/v1/cycles/{cycle.id}/results").get_json()
    assert results["participation"] == {**results["participation"], "voters": 4, "annulled": 1}
