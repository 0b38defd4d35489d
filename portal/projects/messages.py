"""The words for project statuses, history entries and the problems project services refuse
with."""

from portal.i18n import _l
from portal.projects.rules import Event, ProjectStatus
from portal.refusal import Catalogue
from portal.uploads import AttachmentKind

STATUSES = {
    ProjectStatus.DRAFT: _l("Draft"),
    ProjectStatus.SUBMITTED: _l("Submitted"),
    ProjectStatus.COLLECTING_SUPPORT: _l("Collecting support"),
    ProjectStatus.UNDER_REVIEW: _l("Under review"),
    ProjectStatus.RETURNED_FOR_REVISION: _l("Returned for revision"),
    ProjectStatus.ADMITTED: _l("Admitted to the vote"),
    ProjectStatus.REJECTED: _l("Rejected"),
    ProjectStatus.WITHDRAWN: _l("Withdrawn by the author"),
    ProjectStatus.WINNER: _l("Winner"),
    ProjectStatus.NOT_SELECTED: _l("Not selected"),
}

#: How each status is shown as a badge: ok, warn, bad or plain.
STATUS_TONES = {
    ProjectStatus.ADMITTED: "ok", ProjectStatus.WINNER: "ok",
    ProjectStatus.RETURNED_FOR_REVISION: "warn", ProjectStatus.COLLECTING_SUPPORT: "warn",
    ProjectStatus.REJECTED: "bad", ProjectStatus.WITHDRAWN: "bad",
}

HISTORY = {
    Event.SUBMIT.value: _l("Submitted and registered"),
    Event.OPEN_SUPPORT.value: _l("Collection of supporters opened"),
    Event.SUPPORT_REACHED.value: _l("Enough supporters gathered"),
    Event.SUPPORT_FAILED.value: _l("Not enough supporters gathered"),
    Event.START_REVIEW.value: _l("Handed to the commission for review"),
    Event.ADMIT.value: _l("Admitted to the vote"),
    Event.RETURN_FOR_REVISION.value: _l("Returned to the authors for revision"),
    Event.RESUBMIT.value: _l("Revised and submitted again"),
    Event.REJECT.value: _l("Rejected"),
    Event.WITHDRAW.value: _l("Withdrawn by the author"),
    Event.UPHOLD_COMPLAINT.value: _l("Complaint upheld: admitted to the vote"),
    Event.UPHOLD_COMPLAINT_FOR_REVIEW.value: _l("Complaint upheld: reviewed again"),
    Event.SELECT_WINNER.value: _l("Won the vote"),
    Event.MARK_NOT_SELECTED.value: _l("Not selected in the vote"),
    "created": _l("Draft created"),
    "edited": _l("Text edited"),
    "coauthor_confirmed": _l("Co-author joined"),
    # Recorded by the review part (portal.review).
    "expertise": _l("Expertise of the responsible department recorded"),
    "complaint_filed": _l("The author contested the rejection"),
    "complaint_dismissed": _l("Complaint dismissed"),
}

ATTACHMENT_KINDS = {
    AttachmentKind.PHOTO: _l("Photo"),
    AttachmentKind.DOCUMENT: _l("Document"),
}

PROBLEMS = Catalogue({
    "transition_forbidden": _l("This cannot be done with the project in its present status."),
    "not_verified": _l("Only residents with a verified account can do this. Verify your "
                       "account first."),
    "not_resident": _l("Only residents of the community can do this."),
    "too_young": _l("You are younger than the age this cycle requires."),
    "submission_closed": _l("The cycle is not accepting projects now."),
    "support_closed": _l("Support is not being collected now."),
    "cycle_suspended": _l("The cycle is suspended."),
    "too_many_projects": _l("You have already submitted as many projects as one author may "
                            "in this cycle."),
    "not_collecting_support": _l("This project is not collecting support."),
    "own_project": _l("Authors cannot support their own project."),
    "already_supported": _l("You have already supported this project."),
    "revision_deadline_passed": _l("The deadline for the revision has passed."),
    "revision_deadline_required": _l("Set a deadline in the future for the revision."),
    "voting_started": _l("The voting has started; the project can no longer be withdrawn."),
    "frozen": _l("The text of a submitted project cannot be changed unless the commission "
                 "returns it for revision."),
    "category_unknown": _l("Choose a category of this cycle."),
    "category_fixed_after_submission": _l("The category cannot be changed after submission."),
    "only_drafts_deleted": _l("Only a draft can be deleted; a submitted project can be "
                              "withdrawn."),
    "submission_not_over": _l("The submission and support collection are not over yet."),
    "title_required": _l("Enter the title."),
    "summary_required": _l("Write a short summary."),
    "problem_required": _l("Describe the problem the project solves."),
    "solution_required": _l("Describe the proposed solution."),
    "beneficiaries_required": _l("Say who will benefit."),
    "address_required": _l("Give the address or place."),
    "cost_lines_required": _l("Add at least one line to the cost estimate."),
    "below_minimum": _l("The total cost is below the minimum of the category."),
    "above_maximum": _l("The total cost is above the maximum of the category."),
    "above_category_budget": _l("The total cost is above the budget of the category."),
    "coauthor_email_invalid": _l("Enter a valid e-mail address."),
    "coauthor_is_author": _l("This is the author's own address."),
    "coauthor_already_invited": _l("This address is already invited."),
    "coauthors_too_many": _l("A project can have at most five co-authors."),
    "invitation_unknown": _l("This invitation link is not valid."),
    "invitation_used": _l("This invitation has already been accepted."),
    "invitation_other_email": _l("Log in with the e-mail address the invitation was sent to "
                                 "(and confirm it) to accept."),
    "attachments_too_many": _l("A project can have at most twelve files."),
    "upload_empty": _l("Choose a file."),
    "upload_too_large": _l("The file is too large. Each file may be at most %(limit)s MB."),
    "upload_bad_name": _l("The file name is not acceptable: it must not contain a path, "
                          "\"..\", slashes or control characters, and must end in an "
                          "extension. Rename the file and try again."),
    "upload_svg": _l("SVG images are not accepted because they can contain scripts. Save the "
                     "image as PNG or JPEG."),
    "upload_type_not_allowed": _l("This file is not a JPEG, PNG or WebP image or a PDF "
                                  "document (its content was checked, not its name)."),
    "upload_extension_mismatch": _l("The file's name does not match its content: give it the "
                                    "extension of its real type (.jpg, .png, .webp or .pdf)."),
    "upload_broken_image": _l("The image is damaged or not what its first bytes claim."),
    "upload_image_too_big": _l("The image has too many pixels to process. A JPEG photo may have "
                               "up to 50 megapixels (a progressive JPEG, as some editors save "
                               "it, fewer), a PNG up to 6 and a WebP up to 4. Reduce it (2000 "
                               "pixels on the long side are enough) and upload it again."),
    "upload_animated": _l("Animated images are not accepted: upload a still photo."),
    "upload_pdf_script": _l("PDF documents with scripts, attached files, media or actions that "
                            "run by themselves are not accepted. Save or print the document as "
                            "PDF again without them and upload it again."),
    "upload_pdf_unreadable": _l("The PDF document cannot be read: it is damaged or protected "
                                "with a password. Save it as PDF again, without a password, "
                                "and upload it again."),
    "upload_pdf_too_complex": _l("The PDF document has too many parts for the portal to check "
                                 "(at most 20,000 objects). Save it as PDF again, with fewer "
                                 "pages or by printing it to PDF, and upload it again."),
})


def status_label(status: ProjectStatus) -> str:
    return str(STATUSES[ProjectStatus(status)])


def history_label(kind: str) -> str:
    """The public name of a history entry; kinds other parts record fall back to the code."""
    return str(HISTORY.get(kind, kind))
