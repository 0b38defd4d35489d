"""The words of the audit log's checks and checkpoints."""

from __future__ import annotations

from datetime import datetime

from portal.audit.rules import Finding
from portal.i18n import _l, kyiv_datetime
from portal.refusal import Catalogue, Problem

#: What ``audit verify`` finds: each names the kind of tampering first.
FINDINGS = Catalogue({
    "truncated": _l("Truncation: checkpoint %(number)s (signed %(at)s) counted the events "
                    "up to event %(event)s, %(count)s in all; the log now has %(have)s. The "
                    "last events were deleted."),
    "head_missing": _l("Truncation: the head of the log names a hash that no event has; "
                       "events after event %(event)s were deleted."),
    "head_count": _l("Truncation: the head of the log counts more events (%(count)s) than "
                     "the log has (%(have)s)."),
    "head_behind": _l("Rewrite: the head of the log names event %(found)s, not the last "
                      "event %(event)s."),
    "hash": _l("Rewrite: event %(event)s does not match its own hash; its content was "
               "changed."),
    "rewritten": _l("Rewrite: checkpoint %(number)s (signed %(at)s) signed hash %(signed)s… "
                    "for event %(event)s at position %(count)s; the log has hash %(hash)s… "
                    "(event %(found)s) there. An event up to that one was changed and the "
                    "later hashes recomputed."),
    "reordered": _l("Reordering: event %(event)s is out of order: in the chain it follows "
                    "event %(follows)s, not event %(previous)s."),
    "deleted": _l("Deletion: events are missing before event %(event)s: it follows a hash "
                  "that no event has."),
    "forged_signature": _l("Forged checkpoint %(number)s: its signature does not verify "
                           "with the portal's public key (it names key %(key)s)."),
    "forged_columns": _l("Forged checkpoint %(number)s: its stored values differ from the "
                         "statement that was signed."),
    "first_missing": _l("Missing checkpoint: checkpoint %(number)s is the first one left; "
                        "the checkpoints before it were deleted."),
    "missing_checkpoint": _l("Missing checkpoint: checkpoint %(number)s does not follow "
                             "checkpoint %(previous)s; a checkpoint between them was "
                             "deleted or changed."),
})

#: What ``audit verify`` and ``audit checkpoint`` say when all is well, or refuse with.
PROBLEMS = Catalogue({
    "intact": _l("Audit log intact. Events: %(count)s; signed checkpoints: "
                 "%(checkpoints)s."),
    "since_checkpoint": _l("Events since checkpoint %(number)s (signed %(at)s): %(after)s."),
    "taken": _l("Checkpoint %(number)s signed. Events: %(count)s, up to event %(event)s; "
                "hash %(head)s…"),
    "unchanged": _l("Nothing new since checkpoint %(number)s; no checkpoint taken."),
    "empty": _l("The audit log is empty; there is nothing to sign."),
    # A checkpoint refused: the results are not approved over a log tampered with.
    "broken_checkpoint": _l("The last checkpoint of the audit log (%(number)s) does not "
                            "verify with the portal's key, so no new one is signed. An "
                            "administrator must run “flask --app portal audit verify”."),
    "broken_event": _l("The audit log does not check out at event %(event)s, after the "
                       "last checkpoint, so no checkpoint is signed over it. An "
                       "administrator must run “flask --app portal audit verify”."),
    "broken_head": _l("The head of the audit log does not match its last event, so no "
                      "checkpoint is signed. An administrator must run "
                      "“flask --app portal audit verify”."),
})


def finding_problem(finding: Finding) -> Problem:
    """The finding as words in the reader's language, its moments in Kyiv time."""
    values = {name: kyiv_datetime(value) if isinstance(value, datetime) else value
              for name, value in finding.values.items()}
    return FINDINGS(finding.code, **values)
