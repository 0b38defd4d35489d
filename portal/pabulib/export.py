"""A closed vote written as pabulib .pb files: one file per category, as the vote ran.

A cycle's categories are separate elections (each its own budget, counted on its own), so
each becomes its own file: its budget, its ballot limits (``max_length`` the votes a voter
may give there, or ``max_sum_cost`` for knapsack ballots; ``min_length`` 0, since a voter
may leave a category empty), its projects, and every valid ballot of the cycle with the
choices made there, its voter's age band (``age_band``: the portal keeps no age) and
district. A ballot that chose nothing in the category is written with an empty
vote: under Equal Shares every voter of the election holds a share of every pot
(``rules.shares_ballots``), and a tool counting the file must see them to agree.
``selected`` comes from the commission's approved tally only (every project 0 before),
``rule`` is the rule that tally counted by (else the cycle's), and a category that received
another's leftover in that count has that added to its budget.

A cycle imported from a .pb file is written back as that file said it
(``portal.pabulib.models``): its META (``num_votes``, ``num_projects`` recounted), its own
project ids and fields, each voter's id and fields; ``selected`` is the file's own, the
result its city published, unless the portal approved a count of its own.

Nothing is written while the vote is open (``VoteOpen``): the ballots are secret until the
close, and results are public only once approved (DESIGN rules 8).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.community.models import District
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import KYIV, BallotType
from portal.pabulib import format as pabulib
from portal.pabulib.models import PbProject, PbSource, PbVote
from portal.projects.models import Project
from portal.projects.rules import ON_BALLOT
from portal.results.models import Tally
from portal.voting.models import Ballot, BallotChoice
from portal.voting.permissions import vote_over


class VoteOpen(Exception):  # noqa: N818 (a state, not an error of the program)
    """The cycle's vote has not closed: its ballots and results are not published."""


def export_cycle(session: Session, cycle: Cycle, *, now: datetime) -> dict[str, str]:
    """The cycle's .pb files by file name (one per category; one for an imported file)."""
    if not vote_over(cycle, now):
        raise VoteOpen(cycle.id)
    approved = session.execute(select(Tally).where(
        Tally.cycle_id == cycle.id, Tally.approved_at.is_not(None))).scalar_one_or_none()
    source = session.execute(
        select(PbSource).where(PbSource.cycle_id == cycle.id)).scalar_one_or_none()
    if source is not None:
        name = re.sub(r"\.pb$", "", source.file_name) + ".pb"
        return {name: _imported(session, cycle, source, approved)}
    choices = _choices(session, cycle)
    return {_file_name(cycle, position, category): _category(session, cycle, category,
                                                               choices, approved)
            for position, category in enumerate(cycle.categories, start=1)}


def as_zip(files: dict[str, str]) -> bytes:
    """The files in one zip archive, in the given order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def _file_name(cycle: Cycle, position: int, category: Category) -> str:
    slug = re.sub(r"[^\w-]+", "_", category.name, flags=re.UNICODE).strip("_")[:60]
    return f"cycle-{cycle.id}-{position}-{slug or category.id}.pb"


def _winners(approved: Tally | None) -> set[str] | None:
    return None if approved is None else set(approved.data["winners"])


def _received(approved: Tally | None, category: Category) -> int:
    """What the category received from another's leftover in the approved count (kopecks):
    the budget it was counted with is its own and that. Before the approval, its own."""
    if approved is None:
        return 0
    document = approved.data
    counted = {c["key"]: c for c in document["categories"]}.get(str(category.id))
    return counted["received"] * document["money_unit"] if counted else 0


def _choices(session: Session,
             cycle: Cycle) -> dict[int, tuple[list[int], dict[str, str]]]:
    """Each valid ballot's chosen project ids and what is told of its voter (age band,
    district), ballots in receipt order (no order of casting can be read from it)."""
    districts = {d.id: d.name for d in session.execute(select(District)).scalars()}
    chosen: dict[int, tuple[list[int], dict[str, str]]] = {}
    for ballot_id, band, district, project_id in session.execute(
        select(Ballot.id, Ballot.age_band, Ballot.district_id, BallotChoice.project_id)
        .join(BallotChoice, BallotChoice.ballot_id == Ballot.id)
        .where(Ballot.cycle_id == cycle.id, Ballot.annulled_at.is_(None))
        .order_by(Ballot.receipt_hash, BallotChoice.project_id)
    ):
        told = {"age_band": band or "", "district": districts.get(district, "")}
        chosen.setdefault(ballot_id, ([], {k: v for k, v in told.items() if v}))[0].append(
            project_id)
    return chosen


def _dates(cycle: Cycle) -> dict[str, str]:
    return {
        "date_begin": cycle.voting_start.astimezone(KYIV).strftime("%d.%m.%Y"),
        "date_end": (cycle.voting_end - timedelta(seconds=1)).astimezone(KYIV)
        .strftime("%d.%m.%Y"),
    }


def _category(session: Session, cycle: Cycle, category: Category,
              choices: dict[int, tuple[list[int], dict[str, str]]],
              approved: Tally | None) -> str:
    projects = session.execute(
        select(Project).where(Project.category_id == category.id,
                              Project.status.in_(ON_BALLOT))
        .order_by(Project.number)).scalars().all()
    number = {p.id: str(p.number) for p in projects}
    winners = _winners(approved)
    rule = approved.rule if approved is not None else cycle.winner_rule
    meta = {
        "description": f"{cycle.name}: {category.name}", "country": "Ukraine",
        "instance": str(cycle.budget_year), "subunit": category.name,
        "num_projects": str(len(projects)), "num_votes": str(len(choices)),
        "budget": _units(category.budget + _received(approved, category)),
        "vote_type": "approval", "rule": rule.value,
        **_dates(cycle), "currency": "UAH", "language": "uk", "min_length": "0",
    }
    if cycle.ballot_type is BallotType.KNAPSACK:
        meta["max_sum_cost"] = _units(category.budget)
    elif cycle.votes_per_voter:
        meta["max_length"] = str(cycle.votes_per_voter)
    if cycle.min_votes is not None:
        meta["min_project_score_threshold"] = str(cycle.min_votes)
    rows = [{"project_id": number[p.id], "cost": _units(p.total_cost), "name": p.title,
             "selected": "1" if winners and str(p.id) in winners else "0"}
            for p in projects]
    ballots = [([number[c] for c in chosen if c in number], told)
               for chosen, told in choices.values()]
    return pabulib.export(meta, rows, ballots)


def _imported(session: Session, cycle: Cycle, source: PbSource,
              approved: Tally | None) -> str:
    kept = session.execute(
        select(PbProject.project_id, PbProject.file_id, PbProject.fields)
        .join(Project, Project.id == PbProject.project_id)
        .where(PbProject.cycle_id == cycle.id, Project.status.in_(ON_BALLOT))
        .order_by(PbProject.project_id)).all()
    file_id = {project: file for project, file, _fields in kept}
    winners = _winners(approved)
    projects = []
    for project, _file, fields in kept:
        row = json.loads(fields)
        if winners is not None:
            row["selected"] = "1" if str(project) in winners else "0"
        projects.append(row)
    votes = _imported_votes(session, cycle, file_id)
    meta = dict(source.meta_pairs)
    meta.update({key: str(n) for key, n in (("num_projects", len(projects)),
                                            ("num_votes", len(votes))) if key in meta})
    columns = tuple(json.loads(source.project_columns))
    if winners is not None and "selected" not in columns:
        columns = (*columns, "selected")
    return pabulib.write(pabulib.PbFile(meta, columns, tuple(projects),
                                        tuple(json.loads(source.vote_columns)), tuple(votes)))


def _imported_votes(session: Session, cycle: Cycle,
                    file_id: dict[int, str]) -> list[dict[str, str]]:
    votes: dict[int, dict[str, str]] = {}
    chosen: dict[int, list[str]] = {}
    for ballot_id, voter_id, fields in session.execute(
        select(PbVote.ballot_id, PbVote.voter_id, PbVote.fields)
        .join(Ballot, Ballot.id == PbVote.ballot_id)
        .where(PbVote.cycle_id == cycle.id, Ballot.annulled_at.is_(None))
        .order_by(PbVote.ballot_id)
    ):
        votes[ballot_id] = {"voter_id": voter_id, **json.loads(fields)}
        chosen[ballot_id] = []
    for ballot_id, project_id in session.execute(
        select(BallotChoice.ballot_id, BallotChoice.project_id)
        .where(BallotChoice.cycle_id == cycle.id).order_by(BallotChoice.id)
    ):
        if ballot_id in chosen and project_id in file_id:
            chosen[ballot_id].append(file_id[project_id])
    return [{**row, "vote": ",".join(chosen[b])} for b, row in votes.items()]


def _units(kopecks: int) -> str:
    whole, rest = divmod(kopecks, 100)
    return str(whole) if not rest else f"{whole}.{rest:02d}"

