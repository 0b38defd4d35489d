"""The audit log's public page: its signed checkpoints and the key that checks them.

The JSON of the same (``/api/v1/audit/checkpoints``) is the API's; anyone who keeps a copy
can later show that the log was cut or rewritten (``flask --app portal audit verify``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from portal.audit.checkpoints import checkpoint_page
from portal.audit.rules import STATEMENT_TYPE
from portal.audit.signing import configured_key, key_id, public_key_pem, public_key_text
from portal.db import db_session
from portal.parsing import page_arg

bp = Blueprint("audit", __name__, url_prefix="/audit")


def published_key() -> dict[str, str]:
    """The public key that checks the checkpoints, as the page and the API show it."""
    key = configured_key(current_app.config)
    public = public_key_text(key)
    return {"id": key_id(public), "algorithm": "Ed25519", "public_key": public,
            "pem": public_key_pem(key), "statement_type": STATEMENT_TYPE}


@bp.route("/checkpoints")
def checkpoints():
    listing = checkpoint_page(db_session(), page=page_arg())
    return render_template("audit/checkpoints.html", listing=listing, key=published_key())
