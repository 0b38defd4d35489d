"""What residents are told, how, and by default: pure rules, no database."""

from __future__ import annotations

from enum import StrEnum


class NoticeKind(StrEnum):
    SUBMISSION_OPENED = "submission_opened"  # a followed cycle starts taking projects
    VOTING_OPENED = "voting_opened"  # to verified residents and the cycle's followers
    VOTING_CLOSING = "voting_closing"  # two days before the end, to those who have not voted
    RESULTS_PUBLISHED = "results_published"
    EXPERTISE = "expertise"  # a followed project's expert review is concluded
    DECISION = "decision"  # the commission decided on a followed project
    VOTING_RESULT = "voting_result"  # a followed project won, or did not
    FUNDING = "funding"  # a followed winner became a funding line
    IMPLEMENTATION_UPDATE = "implementation_update"
    COMPLAINT_RULING = "complaint_ruling"
    COMMENT = "comment"  # a new comment on a followed project


class FollowTarget(StrEnum):
    CYCLE = "cycle"
    PROJECT = "project"
    DISTRICT = "district"


class FollowReason(StrEnum):
    CHOSEN = "chosen"  # the person pressed "follow"
    AUTHOR = "author"  # wrote the project, or co-authors it
    SUPPORTER = "supporter"  # signed its support list
    VOTER = "voter"  # voted in the cycle (the cycle, never the projects voted for)


class Delivery(StrEnum):
    OFF = "off"  # not even in the portal
    PORTAL = "portal"  # the list in the portal only
    IMMEDIATE = "immediate"  # and an e-mail at once
    DAILY = "daily"  # and one e-mail a day gathering them
    WEEKLY = "weekly"  # and one e-mail a week


#: What a person gets until they choose: an e-mail at once, but comments gathered daily.
DEFAULTS = {kind: Delivery.IMMEDIATE for kind in NoticeKind} | {NoticeKind.COMMENT: Delivery.DAILY}

#: Kinds about a project: told to the project's followers and to its district's.
PROJECT_KINDS = frozenset({NoticeKind.EXPERTISE, NoticeKind.DECISION, NoticeKind.VOTING_RESULT,
                           NoticeKind.FUNDING, NoticeKind.IMPLEMENTATION_UPDATE,
                           NoticeKind.COMPLAINT_RULING, NoticeKind.COMMENT})

#: A project's public events (``projects.record_event`` kinds) that its followers are told.
PROJECT_EVENTS = {
    "expertise": NoticeKind.EXPERTISE,
    "admit": NoticeKind.DECISION, "reject": NoticeKind.DECISION,
    "return_for_revision": NoticeKind.DECISION,
    "select_winner": NoticeKind.VOTING_RESULT, "mark_not_selected": NoticeKind.VOTING_RESULT,
    "complaint_upheld": NoticeKind.COMPLAINT_RULING,
    "uphold_complaint": NoticeKind.COMPLAINT_RULING,
    "uphold_complaint_for_review": NoticeKind.COMPLAINT_RULING,
    "complaint_dismissed": NoticeKind.COMPLAINT_RULING,
}


def delivery_of(kind: NoticeKind, chosen: dict[NoticeKind, Delivery]) -> Delivery:
    return chosen.get(kind, DEFAULTS[kind])


def mailed_now(delivery: Delivery) -> bool:
    return delivery is Delivery.IMMEDIATE
