"""The front page and the pages about the portal itself."""

from flask import Blueprint, render_template

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/healthz")
def health():
    from sqlalchemy import text

    from portal.db import db_session

    db_session().execute(text("SELECT 1"))
    return {"status": "ok"}
