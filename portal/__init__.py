"""The participatory-budget portal: ``create_app()`` wires the parts together."""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from flask import Flask

import config as portal_config

ROOT = Path(__file__).resolve().parent.parent

#: The modules that define background jobs (``portal.jobs``), in web and worker alike.
JOB_MODULES = (
    "portal.mail.delivery",
    "portal.audit.jobs",
    "portal.reports.jobs",
    "portal.review.jobs",
    "portal.notifications.jobs",
    "portal.main.announcements",
    "portal.results.jobs",
)


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

    from portal import (
        db,
        errors,
        i18n,
        jobs,
        links,
        pagecache,
        parsing,
        ratelimit,
        security,
        templating,
        tenancy,
    )
    from portal.accounts import login
    from portal.forms import BaseForm
    from portal.identity import eid_clients

    parsing.init_app(app)  # the ``int`` converter, before any rule is added
    db.init_app(app)
    jobs.init_app(app, JOB_MODULES)
    i18n.init_app(app)
    login.init_app(app)
    ratelimit.init_app(app)
    eid_clients.init_app(app)
    security.init_app(app)
    links.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    pagecache.init_app(app, BaseForm.visitor_token)
    _register_blueprints(app)
    tenancy.init_app(app)
    if not app.testing:
        # What is made here lives as long as the process: moved out of the garbage
        # collector's sight, a full collection walks only what requests make (with it
        # in sight, one took a tenth of a second in the middle of some page).
        gc.freeze()
    return app


def _register_blueprints(app: Flask) -> None:
    from portal import catalog, migrate, moved
    from portal.accounts import admin as accounts_admin
    from portal.accounts import cli as accounts_cli
    from portal.accounts import views as accounts
    from portal.api import views as api
    from portal.audit import cli as audit_cli
    from portal.audit import views as audit
    from portal.communities import admin as communities_admin
    from portal.communities import cli as communities_cli
    from portal.community import admin as community_admin
    from portal.community import views as community
    from portal.cycles import admin as cycles_admin
    from portal.demo import cli as demo_cli
    from portal.discussion import commission as discussion_commission
    from portal.discussion import views as discussion
    from portal.identity import cli as identity_cli
    from portal.identity import desk as identity_desk
    from portal.identity import staff as identity_staff
    from portal.identity import views as identity
    from portal.implementation import staff as implementation_staff
    from portal.implementation import views as implementation
    from portal.jobs import cli as jobs_cli
    from portal.main import views as main
    from portal.notifications import views as notifications
    from portal.opendata import views as opendata
    from portal.pabulib import cli as pabulib_cli
    from portal.pabulib import views as pabulib
    from portal.programs import staff as programs_staff
    from portal.projects import views as projects
    from portal.reports import cli as reports_cli
    from portal.reports import views as reports
    from portal.results import commission as results_commission
    from portal.results import views as results
    from portal.review import admin as review_admin
    from portal.review import commission as review_commission
    from portal.review import staff as review_staff
    from portal.review import views as review
    from portal.uploads import cli as uploads_cli
    from portal.voting import desk as voting_desk
    from portal.voting import views as voting

    for blueprint in (
        main.bp, accounts.bp, identity.bp, identity_desk.bp, identity_staff.bp, accounts_admin.bp,
        cycles_admin.bp, projects.bp,
        accounts_cli.cli, audit_cli.cli, migrate.cli, demo_cli.cli, catalog.cli,
        review.bp, review_staff.bp, review_commission.bp, review_admin.bp,
        reports.bp, programs_staff.bp, reports_cli.cli,
        implementation.bp, implementation_staff.bp,
        voting.bp, voting_desk.bp, results.bp, results_commission.bp, pabulib.bp,
        api.bp, api.platform, pabulib_cli.cli, moved.bp, identity_cli.cli, audit.bp,
        community.bp, community_admin.bp, jobs_cli.cli, discussion.bp,
        discussion_commission.bp, notifications.bp, communities_cli.cli, communities_admin.bp,
        communities_admin.settings_bp,
        uploads_cli.cli, opendata.bp,
    ):
        app.register_blueprint(blueprint)
    # The open API once more under /api/v1/communities/<code>/ (portal.api.views).
    app.register_blueprint(api.bp, name="api_in", url_prefix=api.IN_COMMUNITY)
