"""The participatory-budget portal: ``create_app()`` wires the parts together."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

import config as portal_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    # The environment is read here, when the app is made, not when config is imported.
    settings = portal_config.load(config_name)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=settings.INSTANCE_PATH,
        instance_relative_config=False,
    )
    app.config.from_object(settings)
    app.config["TRANSLATIONS_DIR"] = ROOT / "translations"
    if overrides:
        app.config.update(overrides)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from portal import db, errors, i18n, ratelimit, security, templating
    from portal.accounts import login
    from portal.identity import eid

    db.init_app(app)
    i18n.init_app(app)
    login.init_app(app)
    ratelimit.init_app(app)
    eid.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from portal import catalog, migrate
    from portal.accounts import cli as accounts_cli
    from portal.accounts import views as accounts
    from portal.admin import views as admin
    from portal.audit import cli as audit_cli
    from portal.cycles import views as cycles
    from portal.demo import cli as demo_cli
    from portal.identity import views as identity
    from portal.implementation import views as implementation
    from portal.main import views as main
    from portal.programs import api as programs_api
    from portal.programs import cli as programs_cli
    from portal.programs import funding_views as program_money
    from portal.programs import staff_views as program_admin
    from portal.programs import views as programs
    from portal.projects import editor as project_editor
    from portal.projects import views as projects
    from portal.review import commission as review_commission
    from portal.review import views as review
    from portal.voting import api as voting_api
    from portal.voting import cli as voting_cli
    from portal.voting import desk as voting_desk
    from portal.voting import views as voting

    for blueprint in (
        main.bp, accounts.bp, identity.bp, identity.desk, identity.census, admin.bp,
        cycles.bp, cycles.admin, projects.bp, project_editor.bp,
        accounts_cli.cli, audit_cli.cli, migrate.cli, demo_cli.cli, catalog.cli,
        review.bp, review.expertise, review_commission.bp, review_commission.roster,
        programs.bp, program_admin.bp, program_money.bp, programs_api.api, programs_cli.cli,
        implementation.bp, implementation.staff,
        voting.bp, voting_desk.paper, voting_desk.commission, voting_api.bp, voting_cli.cli,
    ):
        app.register_blueprint(blueprint)
