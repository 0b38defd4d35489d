"""Demo voting: the 2019 cycle's vote counted and approved, and a school budget voting now.

* "Бюджет участі-2019" (the cycles part's finished cycle, reviewed by the review part's
  demo) gets 16,500 ballots of September 2018, drawn with a fixed seed chosen so that the
  published rule gives 14 winners; the count is stored, approved by the commission at its
  seventh meeting, and the projects become winners or not selected. The record fixes the
  16,5 thousand voters and the 14 winners, not who they were: the voters come from five
  districts of different sizes and turnout, more of them from a chosen project's district,
  and vote online (younger, e-ID accounts) or on paper at the ЦНАП (older, working days) in
  shares that differ by district.
* "Шкільний бюджет участі-2027" is in its voting phase today: eight admitted projects in
  two pots, each with its own texts and history, and ballots from 3,000 demo voters
  (online, plus paper ballots entered at the ЦНАП). The demo resident has not voted yet, so
  the ballot can be tried.

Rows are inserted in bulk; running it again changes nothing. The 2019 vote is
``finished_vote``, the school vote ``school_vote``; what both need is ``ballots``.
"""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from portal.demo.finished_vote import FINISHED, load_finished_vote
from portal.demo.school_vote import SCHOOL, load_school_vote

__all__ = ["FINISHED", "SCHOOL", "load_voting"]


def load_voting(session: Session, *, secret: str, audit_key: Ed25519PrivateKey,
                now: datetime) -> None:
    load_finished_vote(session, secret=secret, audit_key=audit_key)
    load_school_vote(session, secret=secret, now=now)
