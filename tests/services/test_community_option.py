"""``--community CODE`` of the command groups whose work is a community's: the command
works for that community, the default one without it, and an unknown code is refused."""

from __future__ import annotations

import json

from sqlalchemy import select

from portal.accounts.models import Role, UserRole
from portal.tenancy import scope
from tests.conftest import joined_transaction
from tests.factories.communities import make_community
from tests.factories.programs import make_program


def test_a_role_granted_from_the_shell_is_the_named_community_s(app, db, make_user):
    other = make_community(db, slug="kozyatyn")
    user = make_user()
    with joined_transaction(app, db.get_bind()):
        runner = app.test_cli_runner()
        there = runner.invoke(args=["users", "--community", other.code, "grant", user.email,
                                    "verifier"])
        here = runner.invoke(args=["users", "grant", user.email, "staff"])
    assert there.exit_code == 0 and here.exit_code == 0, there.output + here.output
    grants = {(grant.role, grant.community_id) for grant in db.execute(
        select(UserRole).where(UserRole.user_id == user.id)).scalars()}
    assert (Role.VERIFIER, other.id) in grants and (Role.STAFF, other.id) not in grants
    assert scope.entered() is None  # nothing of the command's community stays behind


def test_a_report_from_the_shell_is_of_the_named_community_s_program(app, db, tmp_path):
    other = make_community(db, slug="kozyatyn")
    with scope.inside(other.id):
        make_program(db, code="kozyatyn-program")
    db.flush()
    output = tmp_path / "report.json"
    with joined_transaction(app, db.get_bind()):
        runner = app.test_cli_runner()
        found = runner.invoke(args=["report", "--community", other.code, "annual",
                                    "kozyatyn-program", "2024", "--format", "json", "-o",
                                    str(output)])
        default = runner.invoke(args=["report", "annual", "kozyatyn-program", "2024"])
    assert found.exit_code == 0, found.output
    assert json.loads(output.read_bytes())["program"]["code"] == "kozyatyn-program"
    assert default.exit_code != 0 and "no program" in default.output


def test_an_unknown_community_is_refused_by_its_code(app, db):
    for group in (["users"], ["report"], ["pb"], ["audit"]):
        answer = app.test_cli_runner().invoke(args=[*group, "--community", "UA00000000000000001",
                                                    "--help"])
        assert "--community CODE" in answer.output
    answer = app.test_cli_runner().invoke(
        args=["audit", "--community", "UA00000000000000001", "verify"])
    assert answer.exit_code == 2
    assert "there is no active community UA00000000000000001" in answer.output
