"""Addresses that moved when the staff, desk and commission pages took one naming
convention (ARCHITECTURE.md): each old address answers with a permanent redirect to the
page that replaced it, so bookmarks, printed instructions and forms still open keep working.

GET and HEAD get 301; anything else gets 308, which repeats the same method and body.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

bp = Blueprint("moved", __name__)

#: old rule -> the endpoint now serving it (same view arguments).
MOVED: dict[str, str] = {
    # The verifier desk of identity, and the census upload (staff).
    "/desk/": "identity_desk.index",
    "/desk/account/<int:user_id>": "identity_desk.account",
    "/desk/verification/<int:verification_id>/revoke": "identity_desk.revoke",
    "/census/": "identity_staff.census",
    # The paper-ballot desk of voting.
    "/desk/paper/": "voting_desk.cycles",
    "/desk/paper/<int:cycle_id>": "voting_desk.enter",
    # Expertise (staff), the commission's review pages, the roster (administrators).
    "/expertise/": "review_staff.index",
    "/expertise/cycles/<int:cycle_id>": "review_staff.queue",
    "/expertise/projects/<int:project_id>": "review_staff.record",
    "/commission/": "review_commission.index",
    "/commission/cycles/<int:cycle_id>": "review_commission.cycle",
    "/commission/cycles/<int:cycle_id>/meetings": "review_commission.create_meeting",
    "/commission/meetings/<int:meeting_id>": "review_commission.meeting",
    "/commission/meetings/<int:meeting_id>/attendance": "review_commission.attendance",
    "/commission/meetings/<int:meeting_id>/agenda": "review_commission.agenda_add",
    "/commission/meetings/<int:meeting_id>/agenda/<int:item_id>/remove":
        "review_commission.agenda_remove",
    "/commission/meetings/<int:meeting_id>/open": "review_commission.open_meeting",
    "/commission/meetings/<int:meeting_id>/close": "review_commission.close_meeting",
    "/commission/meetings/<int:meeting_id>/projects/<int:project_id>":
        "review_commission.decide",
    "/roster/cycles/<int:cycle_id>": "review_admin.roster",
    "/roster/seats/<int:seat_id>/remove": "review_admin.remove_seat",
    "/admin/cycles/<int:cycle_id>/begin-review": "review_admin.begin_review",
    # Money of target programs (staff): now under the programs' staff pages.
    "/staff/funding/measures/<int:measure_id>/lines": "programs_staff.plan_line",
    "/staff/funding/lines/<int:line_id>": "programs_staff.line",
    "/staff/funding/lines/<int:line_id>/delete": "programs_staff.delete_line",
    "/staff/funding/lines/<int:line_id>/payments": "programs_staff.record_payment",
    "/staff/funding/payments/<int:payment_id>/delete": "programs_staff.delete_payment",
    "/staff/funding/measures/<int:measure_id>/texts": "programs_staff.execution_text",
    "/staff/funding/programs/<int:program_id>/indicators/<int:year>":
        "programs_staff.indicators",
    "/staff/funding/indicators/<int:indicator_id>": "programs_staff.indicator",
    "/staff/funding/indicators/<int:indicator_id>/delete": "programs_staff.delete_indicator",
    "/staff/funding/measures/<int:measure_id>/cycles": "programs_staff.link_cycle",
    "/staff/funding/cycles/<int:cycle_id>/fund-winners": "implementation_staff.fund_winners",
}


def _moved_view(endpoint: str):
    def view(**arguments):
        location = url_for(endpoint, **arguments)
        if request.query_string:
            location += "?" + request.query_string.decode("latin-1")
        return redirect(location, code=301 if request.method in ("GET", "HEAD") else 308)

    return view


def moved_endpoint(target: str) -> str:
    """The endpoint of the old address of ``target``: ``moved.to_review_staff__index``."""
    return "to_" + target.replace(".", "__")


@bp.record
def _add_old_rules(state) -> None:
    """Each old address answers the methods its new page answers (registered last, so the
    new pages are in the URL map already)."""
    methods = {rule.endpoint: rule.methods for rule in state.app.url_map.iter_rules()}
    for rule, target in MOVED.items():
        state.add_url_rule(rule, endpoint=moved_endpoint(target), view_func=_moved_view(target),
                           methods=sorted(methods[target] - {"HEAD", "OPTIONS"}))
