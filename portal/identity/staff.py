"""The staff's page of identity: upload the census register that residents verify against."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.community.models import District
from portal.db import db_session
from portal.i18n import _
from portal.identity import services
from portal.identity.census import parse_census
from portal.identity.forms import (
    CensusUploadForm,
)
from portal.identity.messages import census_problem
from portal.identity.views import person_key_secret

bp = Blueprint("identity_staff", __name__, url_prefix="/staff/verify")
guard_blueprint(bp, Role.STAFF, Role.ADMIN)

MAX_CENSUS_BYTES = 20 * 1024 * 1024


@bp.route("/census/", methods=["GET", "POST"])
def census():
    session = db_session()
    form = CensusUploadForm.from_request()
    problems = []
    if form.submitted_and_valid:
        storage = form.file.data
        raw = storage.read(MAX_CENSUS_BYTES + 1) if storage else b""
        text = None
        if len(raw) > MAX_CENSUS_BYTES:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            for encoding in ("utf-8-sig", "cp1251"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            if text is None or "\x00" in text:
                form.add_error("file", _("This is not a CSV text file."))
        if text is not None and not form.file.errors:
            known = {d.name for d in session.execute(select(District)).scalars()}
            rows, found = parse_census(text, known_districts=known, today=utcnow().date())
            problems = [(p.line, census_problem(p.code), p.value) for p in found[:100]]
            if not found:
                services.replace_census(session, rows=rows, filename=storage.filename or "",
                                        actor=current_user, secret=person_key_secret(),
                                        now=utcnow())
                flash(_("The register is replaced: %(count)d residents.", count=len(rows)),
                      "success")
                return redirect(url_for("identity_staff.census"))
            form.add_error("file", _("Nothing was stored: the file has %(count)d problems.",
                                     count=len(found)))
    return render_template("identity/census_upload.html", form=form, problems=problems,
                           latest=services.latest_census(session))
