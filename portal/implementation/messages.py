"""The words for implementation statuses and for the problems its rules refuse with."""

from __future__ import annotations

from portal.i18n import _l
from portal.implementation.rules import (
    Contradiction,
    ImplementationProblem,
    ImplementationStatus,
)
from portal.refusal import Catalogue
from portal.uploads import UploadProblem

STATUS_LABELS = {
    ImplementationStatus.PLANNED: _l("Planned"),
    ImplementationStatus.PROCUREMENT: _l("Procurement"),
    ImplementationStatus.IN_PROGRESS: _l("In progress"),
    ImplementationStatus.IMPLEMENTED: _l("Implemented"),
    ImplementationStatus.NOT_IMPLEMENTED: _l("Not implemented"),
}

STATUS_BADGES = {
    ImplementationStatus.PLANNED: "",
    ImplementationStatus.PROCUREMENT: "warn",
    ImplementationStatus.IN_PROGRESS: "warn",
    ImplementationStatus.IMPLEMENTED: "ok",
    ImplementationStatus.NOT_IMPLEMENTED: "bad",
}

PROBLEMS = Catalogue({
    ImplementationProblem.TENDER_FORMAT: _l("A Prozorro tender number looks like "
                                            "UA-2018-05-14-000123-a."),
    ImplementationProblem.PROGRESS_RANGE: _l("Progress is a percentage from 0 to 100."),
    ImplementationProblem.REASON_REQUIRED: _l("Say why the project was not implemented, e.g. "
                                              "the object's location changed."),
    ImplementationProblem.IMPLEMENTED_IS_COMPLETE: _l("An implemented project has 100 % "
                                                      "progress."),
    ImplementationProblem.UPDATE_DATE_FUTURE: _l("The date of an update cannot be in the "
                                                 "future."),
    ImplementationProblem.TEXT_REQUIRED: _l("Write what happened."),
    ImplementationProblem.PAID_WHILE_PLANNED: _l("Money has already been paid on this line, so "
                                                 "the implementation is past “planned”: choose "
                                                 "the stage it has reached."),
    ImplementationProblem.PAID_IN_FULL_NO_PROGRESS: _l("The line is paid in full: give the "
                                                       "progress the work has made."),
})

# What a staff screen says about a record whose status, progress and money disagree.
CONTRADICTIONS = {
    Contradiction.PAID_WHILE_PLANNED: _l("Money has been paid, but the status still says "
                                         "planned: update the status."),
    Contradiction.PAID_IN_FULL_NO_PROGRESS: _l("The line is paid in full, but the progress "
                                               "is 0 %: update the progress."),
    Contradiction.IMPLEMENTED_UNPAID: _l("Marked implemented, but nothing has been paid on "
                                         "the line: record the payments."),
    Contradiction.NOT_IMPLEMENTED_PAID_IN_FULL: _l("Marked not implemented, but the line is "
                                                   "paid in full: check the payments."),
}

UPLOADS = Catalogue({
    UploadProblem.EMPTY: _l("The file is empty."),
    UploadProblem.TOO_LARGE: _l("The file is too large."),
    UploadProblem.BAD_NAME: _l("The file name is not acceptable."),
    UploadProblem.SVG: _l("SVG images are not accepted."),
    UploadProblem.NOT_ALLOWED: _l("Only JPEG, PNG and WebP photos are accepted."),
    UploadProblem.EXTENSION_MISMATCH: _l("The file's extension does not match its content."),
    UploadProblem.BROKEN_IMAGE: _l("The photo is damaged."),
    UploadProblem.IMAGE_TOO_BIG: _l("The photo has too many pixels."),
    UploadProblem.ANIMATED: _l("Animated images are not accepted: upload a still photo."),
    UploadProblem.PDF_SCRIPT: _l("Only JPEG, PNG and WebP photos are accepted."),
    UploadProblem.PDF_UNREADABLE: _l("Only JPEG, PNG and WebP photos are accepted."),
    UploadProblem.PDF_TOO_COMPLEX: _l("Only JPEG, PNG and WebP photos are accepted."),
})


def status_label(status: ImplementationStatus) -> str:
    return str(STATUS_LABELS[status])
