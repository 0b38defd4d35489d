"""The administrators' audit log: actions in words, linked objects, a readable summary, the
filters (person, object, dates) and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

from portal.accounts.admin_audit import ACTIONS, action_label
from portal.accounts.models import Role
from tests.conftest import sign_in

PORTAL = Path(__file__).resolve().parents[2] / "portal"
CODE = r'"([a-z_]+\.[a-z_]+)"'
CHOICE = CODE + r" if \w+ else " + CODE


def recorded_actions() -> set[str]:
    """Every action code the portal's code records."""
    from portal.projects.rules import Event
    from portal.voting.models import Channel

    codes = set()
    for path in PORTAL.rglob("*.py"):
        text = path.read_text()
        codes |= set(re.findall(r"action=" + CODE, text))
        codes |= set(re.findall(r"audit_change\(\s*session, actor, " + CODE, text))
        for pair in re.findall(CHOICE, text):
            codes |= set(pair)
    codes |= {f"project.{event.value}" for event in Event}
    codes |= {f"ballot.cast_{channel.value}" for channel in Channel}
    codes |= {"account.password_changed", "account.password_reset"}
    return codes


def test_every_recorded_action_has_words(app):
    codes = recorded_actions()
    assert len(codes) > 60
    assert codes - set(ACTIONS) == set()
    with app.test_request_context("/", headers={"Accept-Language": "uk"}):
        assert action_label("cycle.suspended") == "Цикл призупинено"
        assert action_label("something.new") == "Інша дія"


def record(db, actor, action, object_type, object_id, details, at):
    from portal import audit

    return audit.record(db, actor=actor, action=action, object_type=object_type,
                        object_id=object_id, details=details, at=at)


def test_the_log_speaks_ukrainian_and_links_its_objects(client, db, make_user):
    admin = make_user(Role.ADMIN)
    record(db, admin, "role.granted", "user", admin.id, {"role": "verifier"},
           datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    record(db, admin, "cycle.created", "cycle", 7, {"name": "Бюджет участі-2030",
                                                    "budget_year": 2030, "min_votes": None},
           datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    db.flush()
    sign_in(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Роль надано" in page and "role.granted" not in page
    assert "Роль: Верифікатор (ЦНАП)" in page
    assert "Цикл створено" in page and 'href="/admin/cycles/7"' in page
    assert "Назва: Бюджет участі-2030" in page
    assert "{" not in page.split("<tbody>")[1].split("</tbody>")[0]  # no JSON
    assert "flask --app" not in page and "audit verify" not in page
    assert f'href="/admin/users/{admin.id}"' in page


def test_filters_by_person_object_and_dates(client, db, make_user):
    admin = make_user(Role.ADMIN, name="Оксана Фільтрувальниця")
    other = make_user(Role.STAFF, name="Петро Інший")
    record(db, admin, "cycle.suspended", "cycle", 41, {"reason": "Воєнний стан"},
           datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
    record(db, other, "program.published", "program", 5, {},
           datetime(2026, 2, 10, 12, 0, tzinfo=UTC))
    # 23:30 in Kyiv on 14 February: the 14th there, the 14th's end in UTC is 21:59.
    record(db, other, "cycle.resumed", "cycle", 41, {"note": "Відновлено"},
           datetime(2026, 2, 14, 21, 30, tzinfo=UTC))
    db.flush()
    sign_in(client, admin)

    def rows(query: str) -> str:
        response = client.get("/admin/audit?" + query)
        assert response.status_code == 200
        return response.get_data(as_text=True).split("<tbody>")[1]

    mine = rows("person=%D1%84%D1%96%D0%BB%D1%8C%D1%82%D1%80")  # "фільтр"
    assert "Цикл призупинено" in mine and "Програму опубліковано" not in mine
    cycle = rows("object_type=cycle&object_id=41")
    assert "Цикл призупинено" in cycle and "Цикл відновлено" in cycle
    assert "Програму опубліковано" not in cycle
    february = rows("date_from=2026-02-01&date_to=2026-02-13")
    assert "Програму опубліковано" in february and "Цикл відновлено" not in february
    assert "Цикл призупинено" not in february
    assert "Цикл відновлено" not in rows("date_from=2026-02-15&date_to=2026-02-15")
    late = rows("date_from=2026-02-14&date_to=2026-02-14")
    assert "Цикл відновлено" in late
    # Bad dates are ignored with the field's message, not a failure.
    assert client.get("/admin/audit?date_from=31.02.2026").status_code == 200


def test_export_is_the_filtered_log_as_csv(client, db, make_user):
    admin = make_user(Role.ADMIN, name="Експортна Адміністраторка")
    record(db, admin, "financing.recorded", "fundingline", 3,
           {"amount": 12_345_67, "paid_on": "2026-01-05", "document": "п/д 7"},
           datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    record(db, admin, "cycle.created", "cycle", 9, {"name": "Інший"},
           datetime(2026, 1, 6, 10, 0, tzinfo=UTC))
    db.flush()
    sign_in(client, admin)
    response = client.get("/admin/audit.csv?object_type=fundingline&object_id=3")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0] == ["№", "Коли", "Хто", "Дія", "Об’єкт", "Номер об’єкта", "Подробиці"]
    assert len(table) == 2
    row = table[1]
    assert row[1] == "05.01.2026 12:00:00"
    assert row[2].startswith("Експортна Адміністраторка <")
    assert row[3] == "Платіж записано" and row[4] == "Рядок фінансування" and row[5] == "3"
    assert "12\u00a0345,67\u00a0грн" in row[6] and "05.01.2026" in row[6] and "п/д 7" in row[6]
