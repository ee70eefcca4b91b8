"""Read models for the sponsor's judging pages: the overview of the current round, with counts
for every round, one page of entries at a time (a judge's own pages: my_work.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from challenges.models import Challenge
from core.db import db
from core.memo import VersionedMemo
from judging.models import Assignment, AssignmentState, Judge, Round
from judging.results.freshness import inputs_token
from judging.rounds.entries import round_entry_ids, round_now, screening_verdicts
from judging.settings import settings_for
from submissions.models import Submission

PER_PAGE = 50  # entries per page of the dashboard's assignments
VOID_SHOWN = 50  # the latest void assignments listed on the dashboard


@dataclass
class EntryRow:
    submission: Submission
    label: str
    assignments: list[Assignment] = field(default_factory=list)
    target: int = 0  # judges the entry should have in this round

    @property
    def done(self) -> int:
        return sum(1 for a in self.assignments if a.state == AssignmentState.SUBMITTED)


@dataclass(frozen=True)
class EntryTally:
    """One entry of the round as the aggregate query counts it: what a page is cut from."""

    submission_id: int
    label: str
    done: int
    target: int
    complete: bool  # every review the entry needs in this round is in


class EntryPagination(Pagination):
    """A page of the round's entries (``EntryRow``), cut from tallies ordered in memory; only
    the page's submissions and assignments are loaded (two queries)."""

    def _query_items(self) -> list[EntryRow]:
        tallies = self._query_args["tallies"][self._query_offset :][: self.per_page]
        return _entry_rows(tallies, self._query_args["round"])

    def _query_count(self) -> int:
        return len(self._query_args["tallies"])


@dataclass
class Overview:
    """The sponsor's view of the current round: the panel with its progress per judge, one page
    of entries with their judges, the latest void assignments; ``rounds`` counts (standing,
    submitted) assignments of every round."""

    panel: list[Judge]
    active: list[Judge]
    pages: EntryPagination
    per_judge: dict[int, tuple[int, int]]
    void: list[Assignment]
    round: Round = Round.EVALUATION
    rounds: dict[Round, tuple[int, int]] = field(default_factory=dict)
    reviewed: int = 0  # entries of the round that are fully reviewed
    total: int = 0  # entries of the round
    void_total: int = 0  # void assignments of the round (``void`` holds the latest ones)
    open_only: bool = False

    @property
    def entries(self) -> list[EntryRow]:
        return self.pages.items


def _target(round_: Round, k: int, standing: int, verdicts: tuple[int, int]) -> int:
    if round_ == Round.EVALUATION:
        return k
    if round_ == Round.SCREENING:  # one screener; a second after a fail; none after a pass
        passes, fails = verdicts
        return standing if passes else 2 if fails else 1
    return standing  # finalists: every judge free of conflicts


def _in_challenge(challenge: Challenge) -> sa.ColumnElement[bool]:
    """Assignments of the challenge's entries."""
    return Assignment.submission_id.in_(
        sa.select(Submission.id).where(Submission.challenge_id == challenge.id)
    )


def _panel(challenge: Challenge) -> list[Judge]:
    """The panel with what its rows show (account, conflict organizations) loaded up front."""
    return list(
        db.session.scalars(
            sa.select(Judge)
            .where(Judge.challenge_id == challenge.id)
            .options(selectinload(Judge.user), selectinload(Judge.conflict_orgs))
            .order_by(Judge.id)
        )
    )


Counts = tuple[dict[int, tuple[int, int]], dict[Round, tuple[int, int]], int]
_COUNTS: VersionedMemo[Counts] = VersionedMemo()


def _counts(challenge: Challenge, current: Round) -> Counts:
    """(standing, submitted) per judge in the current round and per round, and the number of
    void assignments in the current round: one GROUP BY per change of the inputs counter."""
    version = inputs_token(db.session, challenge.id)
    return _COUNTS.get((challenge.id, current), version, lambda: _count(challenge, current))


def _count(challenge: Challenge, current: Round) -> Counts:
    rows = db.session.execute(
        sa.select(
            Assignment.round,
            Assignment.judge_id,
            sa.func.count().filter(Assignment.state != AssignmentState.VOID),
            sa.func.count().filter(Assignment.state == AssignmentState.SUBMITTED),
            sa.func.count().filter(Assignment.state == AssignmentState.VOID),
        )
        .where(_in_challenge(challenge))
        .group_by(Assignment.round, Assignment.judge_id)
    ).all()
    per_judge: dict[int, tuple[int, int]] = {}
    per_round: dict[Round, list[int]] = {round_: [0, 0] for round_ in Round}
    void = 0
    for round_, judge_id, standing, submitted, voided in rows:
        per_round[Round(round_)][0] += standing
        per_round[Round(round_)][1] += submitted
        if round_ == current:
            void += voided
            if standing:
                per_judge[judge_id] = (standing, submitted)
    rounds = {round_: (counts[0], counts[1]) for round_, counts in per_round.items()}
    return per_judge, rounds, void


_TALLIES: VersionedMemo[list[EntryTally]] = VersionedMemo()


def _tallies(challenge: Challenge, current: Round) -> list[EntryTally]:
    """Every entry of the current round (admitted, or holding a standing assignment in it)
    with its blind label and progress, in label order (unassigned entries last). Read once
    per change of the challenge's inputs counter (assignments, reviews, round admissions and
    settings move it) by read-only pages."""
    version = inputs_token(db.session, challenge.id)
    # A copy: callers may filter or reorder their list, never the stored one.
    return list(
        _TALLIES.get((challenge.id, current), version, lambda: _count_tallies(challenge, current))
    )


def _count_tallies(challenge: Challenge, current: Round) -> list[EntryTally]:
    standing = sa.and_(Assignment.round == current, Assignment.state != AssignmentState.VOID)
    rows = db.session.execute(
        sa.select(
            Assignment.submission_id,
            sa.func.min(Assignment.blind_label),  # one label per entry, shared by rounds
            sa.func.count().filter(standing),
            sa.func.count().filter(standing, Assignment.state == AssignmentState.SUBMITTED),
        )
        .where(_in_challenge(challenge))
        .group_by(Assignment.submission_id)
    ).all()
    found = {row[0]: row for row in rows}
    ids = set(round_entry_ids(challenge, current)) | {row[0] for row in rows if row[2]}
    k = settings_for(challenge).k or 3
    verdicts = screening_verdicts(challenge) if current == Round.SCREENING else {}
    tallies = []
    for submission_id in ids:
        _, label, count, done = found.get(submission_id, (submission_id, "", 0, 0))
        target = _target(current, k, count, verdicts.get(submission_id, (0, 0)))
        tallies.append(EntryTally(submission_id, label, done, target, done >= (target or k)))
    tallies.sort(key=lambda tally: (tally.label == "", tally.label, tally.submission_id))
    return tallies


def _entry_rows(tallies: list[EntryTally], current: Round) -> list[EntryRow]:
    if not tallies:
        return []
    ids = [tally.submission_id for tally in tallies]
    submissions = db.session.scalars(sa.select(Submission).where(Submission.id.in_(ids)))
    by_id = {submission.id: submission for submission in submissions}
    standing: dict[int, list[Assignment]] = defaultdict(list)
    for row in db.session.scalars(
        sa.select(Assignment)
        .where(
            Assignment.submission_id.in_(ids),
            Assignment.round == current,
            Assignment.state != AssignmentState.VOID,
        )
        .options(joinedload(Assignment.judge).joinedload(Judge.user))
        .order_by(Assignment.id)
    ):
        standing[row.submission_id].append(row)
    return [
        EntryRow(by_id[t.submission_id], t.label, standing[t.submission_id], t.target)
        for t in tallies
    ]


def _latest_void(challenge: Challenge, current: Round) -> list[Assignment]:
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .where(
                _in_challenge(challenge),
                Assignment.round == current,
                Assignment.state == AssignmentState.VOID,
            )
            .options(joinedload(Assignment.judge).joinedload(Judge.user))
            .order_by(Assignment.voided_at.desc(), Assignment.id.desc())
            .limit(VOID_SHOWN)
        )
    )


def overview(
    challenge: Challenge, page: int = 1, *, open_only: bool = False, per_page: int = PER_PAGE
) -> Overview:
    """The dashboard's read model in a handful of queries whatever the number of entries:
    counts come from GROUP BY queries, and only one page of entries (``open_only``: those not
    fully reviewed yet) is loaded with its assignments."""
    current = round_now(challenge)
    panel = _panel(challenge)
    per_judge, rounds, void_total = _counts(challenge, current)
    tallies = _tallies(challenge, current)
    shown = [tally for tally in tallies if not tally.complete] if open_only else tallies
    pages = EntryPagination(
        page=max(page, 1), per_page=per_page, error_out=False, tallies=shown, round=current
    )
    return Overview(
        panel=panel,
        active=[judge for judge in panel if judge.is_active],
        pages=pages,
        per_judge=per_judge,
        void=_latest_void(challenge, current) if void_total else [],
        round=current,
        rounds=rounds,
        reviewed=sum(1 for tally in tallies if tally.complete),
        total=len(tallies),
        void_total=void_total,
        open_only=open_only,
    )
