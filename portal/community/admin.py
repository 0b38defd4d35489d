"""The administrators' pages of the community: the districts' boundaries that the maps draw
(a FeatureCollection for many at once, or one district's geometry)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.community import services
from portal.community.forms import MAX_GEOJSON_CHARS, BoundariesForm, BoundaryForm
from portal.community.models import District
from portal.db import db_session
from portal.forms import show_refusal
from portal.i18n import _, ngettext
from portal.refusal import Refused

bp = Blueprint("community_admin", __name__, url_prefix="/admin/districts")
guard_blueprint(bp, Role.ADMIN)


def _uploaded_text(form: BoundariesForm) -> str | None:
    """The text of the uploaded file, or of the text box; None when the file is unreadable."""
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        return form.geojson.data or ""
    data = upload.stream.read(MAX_GEOJSON_CHARS + 1)
    if len(data) > MAX_GEOJSON_CHARS:
        form.file.errors = [_("The file is too big for a boundary file (at most 2 MB).")]
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        form.file.errors = [_("The file is not GeoJSON text (UTF-8).")]
        return None


@bp.route("/", methods=["GET", "POST"])
def districts():
    session = db_session()
    form = BoundariesForm.from_request()
    if form.submitted_and_valid:
        text = _uploaded_text(form)
        if text is not None:
            try:
                changed = services.import_boundaries(session, text=text, actor=current_user,
                                                     now=utcnow())
            except Refused as refused:
                show_refusal(refused, form)
            else:
                flash(ngettext("The boundary of %(num)d district is saved.",
                               "The boundaries of %(num)d districts are saved.", len(changed)),
                      "success")
                return redirect(url_for("community_admin.districts"))
    return render_template("community/admin_districts.html", form=form,
                           districts=services.all_districts(session))


@bp.route("/<int:district_id>", methods=["GET", "POST"])
def district(district_id: int):
    session = db_session()
    found = session.get(District, district_id) or abort(404)
    form = BoundaryForm.from_request(data={"boundary": found.boundary or ""})
    if form.submitted_and_valid:
        try:
            services.set_boundary(session, district=found, text=form.boundary.data or "",
                                  actor=current_user, now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The boundary of %(name)s is saved.", name=found.name)
                  if found.boundary else _("The boundary of %(name)s is removed.",
                                           name=found.name), "success")
            return redirect(url_for("community_admin.districts"))
    return render_template("community/admin_district.html", form=form, district=found)
