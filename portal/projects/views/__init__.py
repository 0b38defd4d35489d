"""Project pages: here the public ones (the list with filters, the map, a project's page
and its files), in ``editor.py`` the authors' (drafting, files, co-authors, submitting,
withdrawing) and supporting a project. One blueprint, ``projects``.

Anyone may open the public pages; a draft is shown only to its team and to staff, the
commission and administrators (to everyone else it does not exist: 404). The authors'
pages need a signed-in account.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts.access import guard_blueprint
from portal.db import db_session
from portal.forms import ActionForm
from portal.i18n import _
from portal.money import format_hryvnias, format_hryvnias_short, format_number
from portal.notifications.rules import FollowTarget
from portal.notifications.views import change_following
from portal.pagecache import public_page
from portal.parsing import int_arg, page_arg
from portal.projects import permissions, queries
from portal.projects.forms import FilterForm, WithdrawForm
from portal.projects.messages import ATTACHMENT_KINDS, STATUS_TONES, history_label, status_label
from portal.projects.models import Attachment
from portal.projects.participation import has_supported
from portal.projects.rules import ProjectStatus
from portal.uploads import AttachmentKind, UploadStore, open_store, serve

bp = Blueprint("projects", __name__, url_prefix="/projects")
guard_blueprint(bp, public=["index", "map_page", "map_data", "page", "attachment"])


def upload_store() -> UploadStore:
    """Where files are kept (``UPLOAD_STORAGE``), following the request's transaction."""
    return open_store(current_app.config, db_session())


def _filters(session, default_cycle=queries.default_cycle
             ) -> tuple[FilterForm, queries.Filters, int]:
    """The filter form bound to the query string, and what it asks for; without a cycle in
    it, the one ``default_cycle`` picks."""
    form = FilterForm(request.args)
    cycle_id = int_arg("cycle")
    if "cycle" not in request.args:
        default = default_cycle(session)
        cycle_id = default.id if default else None
    cycles, categories, districts = queries.filter_options(session, cycle_id)
    form.cycle.choices = [SelectChoice("", _("All cycles"))] + [
        SelectChoice(str(c.id), c.name) for c in cycles]
    form.cycle.data = str(cycle_id) if cycle_id else ""
    form.category.choices = [SelectChoice("", _("All categories"))] + [
        SelectChoice(str(c.id), c.name) for c in categories]
    form.district.choices = [SelectChoice("", _("All districts"))] + [
        SelectChoice(str(d.id), d.name) for d in districts]
    status = request.args.get("status", "")
    sort = request.args.get("sort", "number")
    filters = queries.Filters(
        cycle_id=cycle_id,
        category_id=int_arg("category") if categories else None,
        district_id=int_arg("district"),
        status=ProjectStatus(status) if status in {s.value for s in ProjectStatus} else None,
        q=(request.args.get("q") or "")[:200],
        sort=sort if sort in queries.SORTS else "number",
    )
    return form, filters, page_arg()


@bp.route("/")
@public_page
def index():
    session = db_session()

    def load_list() -> dict:
        form, filters, page = _filters(session)
        return {"form": form, "filters": filters,
                "result": queries.public_projects(session, filters, page)}

    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("projects/index.html", load_list=load_list, args=args)


@bp.route("/map")
@public_page
def map_page():
    session = db_session()
    form, filters, _page = _filters(session, queries.default_map_cycle)
    points = [{"url": url_for("projects.page", project_id=p.id), "code": p.code,
               "title": p.title, "status": p.status.value, "status_label": status_label(p.status),
               "lat": p.latitude, "lon": p.longitude}
              for p in queries.map_points(session, filters)]
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("projects/map.html", form=form, points=points, args=args)


@bp.route("/map.json")
def map_data():
    session = db_session()
    _form, filters, _page = _filters(session, queries.default_map_cycle)
    return {"projects": [
        {"id": p.id, "code": p.code, "title": p.title, "status": p.status.value,
         "lat": float(p.latitude), "lon": float(p.longitude),
         "url": url_for("projects.page", project_id=p.id)}
        for p in queries.map_points(session, filters)
    ]}


def _visible(project_id: int):
    session = db_session()
    project = queries.project_for_page(session, project_id, contents=False)
    if project is None or not permissions.can_view(current_user, project):
        abort(404)
    return project


@bp.route("/<int:project_id>")
@public_page
def page(project_id: int):
    session = db_session()
    project = _visible(project_id)
    team = permissions.is_team(current_user, project)
    overseer = current_user.is_authenticated and current_user.has_role(*permissions.OVERSEERS)
    cycle = project.cycle
    gathering = bool(cycle.support_needed) and project.status is ProjectStatus.COLLECTING_SUPPORT
    return render_template(
        "projects/page.html", project=project, cycle=cycle,
        load_history=lambda: queries.history(session, project, everything=team or overseer),
        own_view=team or overseer,
        supporters=queries.supporter_count(session, project) if gathering else 0,
        supported=gathering and current_user.is_authenticated and has_supported(
            session, project=project, user=current_user),
        # The forms are made where the page shows them (each makes a CSRF token).
        permissions=permissions, make_withdraw_form=WithdrawForm,
        tile_url=current_app.config.get("MAP_TILE_URL", ""),
        tile_attribution=current_app.config.get("MAP_TILE_ATTRIBUTION", ""),
    )


@bp.route("/<int:project_id>/files/<int:attachment_id>")
def attachment(project_id: int, attachment_id: int):
    project = _visible(project_id)
    found: Attachment | None = next(
        (a for a in project.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    return serve(upload_store(), stored_name=found.stored_name, content_type=found.content_type,
                 kind=found.kind, original_name=found.original_name)


@bp.app_template_filter("hryvnias")
def hryvnias_filter(kopecks: int | None) -> str:
    """Kopecks shown as ``1 234 567,89 грн``."""
    return "" if kopecks is None else format_hryvnias(kopecks)


@bp.app_template_filter("whole_hryvnias")
def whole_hryvnias_filter(kopecks: int | None) -> str:
    """Budgets and limits: ``500 000 грн`` when there are no kopecks, else with them."""
    return "" if kopecks is None else format_hryvnias_short(kopecks)


@bp.app_template_filter("project_status")
def status_filter(status) -> str:
    return status_label(status)


@bp.app_template_filter("status_tone")
def status_tone_filter(status) -> str:
    return STATUS_TONES.get(ProjectStatus(status), "")


@bp.app_template_filter("history_label")
def history_filter(kind: str) -> str:
    return history_label(kind)


@bp.app_template_filter("quantity")
def quantity_filter(value) -> str:
    return format_number(value.normalize()) if value is not None else ""


@bp.app_template_global("attachment_kind_label")
def attachment_kind_label(kind: AttachmentKind) -> str:
    return str(ATTACHMENT_KINDS[AttachmentKind(kind)])


# The authors' pages register their routes on ``bp``.
from portal.projects.views import editor  # noqa: E402, F401


@bp.route("/<int:project_id>/follow", methods=["POST"])
def follow(project_id: int):
    """Follow a project's news (or stop): expertise, decision, vote, funding, works."""
    project = _visible(project_id)
    if not ActionForm.from_request().validate():
        abort(400)
    change_following(target=FollowTarget.PROJECT, target_id=project.id)
    return redirect(url_for("projects.page", project_id=project.id))
