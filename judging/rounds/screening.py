"""Screening (docs/judging.md, "Rounds"): pass/fail with a reason; a fail goes to a second
screener before the entry is out. One pass, first or second, keeps the entry in."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import User
from challenges.models import Challenge
from challenges.services import lock_challenge
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from judging.algorithms.labels import entry_labels
from judging.models import Assignment, AssignmentState, Judge, Review, Round, Verdict
from judging.panel.assignments import (
    AssignmentReport,
    active_judges,
    assign_judges,
    refill_slots,
    tell_judges,
)
from judging.panel.coi import describe, forbidden_pairs
from judging.panel.reviews import MAX_TEXT, check_open, lock_assignment
from judging.policies import can_manage_judging, is_judge_of, judging_window_open
from judging.rounds.entries import round_now
from judging.settings import ensure_settings
from submissions.models import Submission, SubmissionStatus

MIN_FAIL_REASON = 10


class ScreeningStatus(enum.StrEnum):
    PENDING = "pending"
    IN = "in"
    OUT = "out"
    NEEDS_SECOND = "needs second screener"


@dataclass(frozen=True)
class ScreeningVerdict:
    """One submitted verdict as the sponsor sees it (the judge by name)."""

    judge: str
    verdict: str
    reason: str


@dataclass
class ScreeningState:
    """An entry's screening so far: standing screeners, their verdicts, what it comes to."""

    submission_id: int
    title: str
    label: str
    screeners: list[int] = field(default_factory=list)  # judge ids on standing assignments
    verdicts: list[ScreeningVerdict] = field(default_factory=list)
    open: int = 0  # standing assignments without a verdict yet

    @property
    def status(self) -> ScreeningStatus:
        passes = sum(1 for v in self.verdicts if v.verdict == Verdict.PASS)
        fails = len(self.verdicts) - passes
        if passes:
            return ScreeningStatus.IN
        if fails >= 2:
            return ScreeningStatus.OUT
        if fails == 1 and not self.open:
            return ScreeningStatus.NEEDS_SECOND
        return ScreeningStatus.PENDING

    @property
    def needs_screener(self) -> bool:
        """No screener at all yet, or a fail waiting for its second screener."""
        status = self.status
        return status == ScreeningStatus.NEEDS_SECOND or (
            status == ScreeningStatus.PENDING and not self.screeners
        )


def screening_states(challenge: Challenge) -> list[ScreeningState]:
    """Every submitted entry with its screening state, in entry order (two queries)."""
    states = {
        sid: ScreeningState(sid, title or _("Untitled entry"), "")
        for sid, title in db.session.execute(
            sa.select(Submission.id, Submission.title)
            .where(
                Submission.challenge_id == challenge.id,
                Submission.status == SubmissionStatus.SUBMITTED,
            )
            .order_by(Submission.id)
        )
    }
    rows = db.session.execute(
        sa.select(Assignment, Review)
        .join(Submission, Submission.id == Assignment.submission_id)
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Submission.challenge_id == challenge.id,
            Assignment.round == Round.SCREENING,
            Assignment.state != AssignmentState.VOID,
        )
        .order_by(Assignment.id)
    )
    for assignment, review in rows:
        state = states.get(assignment.submission_id)
        if state is None:  # withdrawn or disqualified since
            continue
        state.label = state.label or assignment.blind_label
        state.screeners.append(assignment.judge_id)
        if review is None or review.submitted_at is None or review.verdict is None:
            state.open += 1
        else:
            state.verdicts.append(
                ScreeningVerdict(assignment.judge.label, review.verdict, review.note_to_panel)
            )
    return list(states.values())


def screening_state(challenge: Challenge, submission_id: int) -> ScreeningState:
    for state in screening_states(challenge):
        if state.submission_id == submission_id:
            return state
    raise NotFound(_("This entry is not in the screening round."))


def assign_screeners(*, actor: User, challenge: Challenge) -> AssignmentReport:
    """Give each submitted entry one screener (conflict-free, balanced: the assignment
    algorithm with k=1), and a second one to each entry a screener failed. Re-running only
    fills empty slots; screeners are e-mailed after the commit."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    if round_now(challenge) != Round.SCREENING:
        raise Conflict(
            _("Screening is not the current round: assign judges for this round instead.")
        )
    return assign_judges(actor=actor, challenge=challenge)


def _check_verdict(verdict: str, reason: str) -> tuple[Verdict, str]:
    try:
        chosen = Verdict(verdict)
    except ValueError:
        raise ValidationFailed(_("Choose pass or fail."), field="verdict") from None
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for your verdict."), field="reason")
    if chosen == Verdict.FAIL and len(reason) < MIN_FAIL_REASON:
        raise ValidationFailed(
            _(
                "Explain a fail in at least %(least)s characters: the sponsor reads it "
                "before the entry is excluded.",
                least=MIN_FAIL_REASON,
            ),
            field="reason",
        )
    if len(reason) > MAX_TEXT:
        raise ValidationFailed(
            _("Keep the reason under %(most)s characters.", most=MAX_TEXT), field="reason"
        )
    return chosen, reason


def record_verdict(*, actor: User, assignment: Assignment, verdict: str, reason: str) -> Review:
    """The assigned screener's pass or fail with a reason (required; at least 10 characters for
    a fail), submitted at once and read-only afterwards. A fail gives the entry a second
    screener (another eligible judge, least loaded first) in the same transaction; if nobody is
    eligible the sponsor sees "needs second screener". The new screener is e-mailed."""
    ensure(
        is_judge_of(actor, assignment), _("Only the screener assigned to this entry can judge it.")
    )
    assignment = lock_assignment(assignment.id)
    check_open(assignment)
    if assignment.round != Round.SCREENING:
        raise ValidationFailed(_("This round is scored with the rubric, not pass or fail."))
    chosen, reason = _check_verdict(verdict, reason)
    review = assignment.review or Review(assignment=assignment)
    db.session.add(review)
    review.verdict, review.note_to_panel, review.score_total = chosen, reason, None
    review.submitted_at = utcnow()
    assignment.state = AssignmentState.SUBMITTED
    challenge = assignment.submission.challenge
    try:
        db.session.flush()
        created = []
        if chosen == Verdict.FAIL:
            created = refill_slots(challenge, [assignment.submission_id], Round.SCREENING)
        tell_judges(created)
        db.session.commit()
    except sa.exc.IntegrityError as error:  # a second tab submitted at the same moment
        db.session.rollback()
        raise Conflict(
            _("This verdict was saved elsewhere at the same moment. Reload it.")
        ) from error
    return review


def _label_of(challenge: Challenge, submission_id: int) -> str:
    """The entry's blind label, the same in every round (a new unique one if it has none)."""
    labels = dict(
        db.session.execute(
            sa.select(Assignment.submission_id, Assignment.blind_label)
            .join(Submission, Submission.id == Assignment.submission_id)
            .where(Submission.challenge_id == challenge.id)
        ).all()
    )
    secret = ensure_settings(challenge).secret_bytes
    return entry_labels(secret, [submission_id], labels)[submission_id]


def _check_screener(judge: Judge, submission: Submission, challenge: Challenge) -> None:
    if judge.challenge_id != challenge.id or not judge.is_active:
        raise ValidationFailed(
            _("%(email)s has not accepted and attested for this challenge.", email=judge.email),
            field="judge",
        )
    reasons = forbidden_pairs([judge], [submission.id]).get((judge.id, submission.id))
    if reasons:
        raise ValidationFailed(
            _(
                "%(email)s has a conflict with this entry: %(reasons)s.",
                email=judge.email,
                reasons=describe(reasons),
            ),
            field="judge",
        )


def add_screener(
    *, actor: User, challenge: Challenge, submission: Submission, judge: Judge
) -> Assignment:
    """The sponsor puts a screener on an entry that has none, or whose fail waits for a second
    screener nobody eligible could take automatically. The judge must be free of conflicts
    and not already on the entry; they are e-mailed."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    if submission.challenge_id != challenge.id:
        raise NotFound(_("This entry is not part of this challenge."))
    if not judging_window_open(challenge):
        raise Conflict(_("Screeners are assigned while judging runs."))
    challenge = lock_challenge(challenge.id)
    if round_now(challenge) != Round.SCREENING:
        raise Conflict(_("Screening is over: the entry list of the next round is fixed."))
    state = screening_state(challenge, submission.id)
    if not state.needs_screener:
        raise Conflict(
            _("%(entry)s already has its screeners.", entry=state.label)
            if state.label
            else _("This entry already has its screeners.")
        )
    _check_screener(judge, submission, challenge)
    rows = db.session.scalars(
        sa.select(Assignment).where(
            Assignment.judge_id == judge.id, Assignment.submission_id == submission.id
        )
    ).all()
    previous = next((row for row in rows if row.round == Round.SCREENING), None)
    if any(row.voided_for_conflict for row in rows) or (previous and not previous.is_void):
        raise ValidationFailed(
            _(
                "%(email)s already screened this entry or withdrew for a conflict.",
                email=judge.email,
            ),
            field="judge",
        )
    if previous is not None:  # replaced earlier: bring the same seat back
        previous.state = AssignmentState.ASSIGNED
        previous.void_reason, previous.voided_at = "", None
        assignment = previous
    else:
        assignment = Assignment(
            judge_id=judge.id,
            submission_id=submission.id,
            round=Round.SCREENING,
            blind_label=_label_of(challenge, submission.id),
        )
        db.session.add(assignment)
    db.session.flush()
    tell_judges([assignment])
    db.session.commit()
    return assignment


def screener_choices(challenge: Challenge, states: list[ScreeningState]) -> dict[int, list[Judge]]:
    """For each entry that needs a screener, the active judges who could take it."""
    wanted = [state for state in states if state.needs_screener]
    if not wanted:
        return {}
    judges = active_judges(challenge)
    blocked = set(forbidden_pairs(judges, [state.submission_id for state in wanted]))
    withdrawn: dict[int, set[int]] = defaultdict(set)
    for judge_id, submission_id in db.session.execute(
        sa.select(Assignment.judge_id, Assignment.submission_id).where(
            Assignment.submission_id.in_([state.submission_id for state in wanted]),
            Assignment.voided_for_conflict.is_(True),
        )
    ):
        withdrawn[submission_id].add(judge_id)
    return {
        state.submission_id: [
            judge
            for judge in judges
            if judge.id not in state.screeners
            and judge.id not in withdrawn[state.submission_id]
            and (judge.id, state.submission_id) not in blocked
        ]
        for state in wanted
    }
