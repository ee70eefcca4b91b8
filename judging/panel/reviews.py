"""Reviews: a judge scores an entry against the rubric, drafts first, then submits once.

Screening verdicts (pass/fail with a reason) are recorded by ``judging.rounds.screening``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import User
from challenges.models import Phase
from core.db import db, utcnow
from core.errors import Conflict, PermissionDenied, ValidationFailed, ensure
from judging.algorithms.scoring import review_score
from judging.models import (
    SCORE_MAX,
    SCORE_MIN,
    Assignment,
    AssignmentState,
    Criterion,
    Review,
    ReviewScore,
    Round,
    round_phrase,
)
from judging.policies import is_judge_of
from judging.rounds.entries import round_now
from judging.settings import criteria_of

MAX_TEXT = 10_000
MAX_COMMENT = 5_000


@dataclass(frozen=True)
class PanelReview:
    """A submitted review as the panel sees it: judges are J1..Jk, never named."""

    label: str
    mine: bool
    score_total: float | None
    scores: dict[int, int] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)
    note_to_panel: str = ""
    verdict: str | None = None  # screening: pass or fail, the reason in note_to_panel


def lock_assignment(assignment_id: int) -> Assignment:
    return db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.id == assignment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def check_open(assignment: Assignment) -> None:
    """Refuse changes to a void assignment, outside judging, in a finished round, or once
    submitted."""
    if assignment.is_void:
        raise PermissionDenied(
            _(
                "This assignment was withdrawn (a conflict of interest or a replacement): "
                "it can no longer be reviewed."
            )
        )
    challenge = assignment.submission.challenge
    now = utcnow()
    if challenge.phase(now) != Phase.JUDGING:
        raise Conflict(_("Reviews can be written only while the challenge is being judged."))
    if now >= challenge.judging_ends_at:
        raise Conflict(
            _(
                "Judging closed at %(when)s UTC: reviews can no longer change.",
                when=challenge.judging_ends_at.strftime("%d %b %Y, %H:%M"),
            )
        )
    if assignment.round != round_now(challenge):
        raise Conflict(
            _(
                "The %(round)s is over: its reviews can no longer change.",
                round=round_phrase(assignment.round),
            )
        )
    if assignment.review is not None and assignment.review.submitted_at is not None:
        raise Conflict(_("You already submitted this review; it is read-only now."))


def _check_scores(
    criteria: list[Criterion],
    scores: Mapping[int, int | None],
    comments: Mapping[int, str],
    submit: bool,
) -> None:
    if not criteria:
        raise ValidationFailed(_("The sponsor has not set a rubric yet."))
    by_id = {criterion.id: criterion for criterion in criteria}
    unknown = (set(scores) | set(comments)) - set(by_id)
    if unknown:
        raise ValidationFailed(_("Some scores are for criteria that are not in this rubric."))
    for criterion_id, value in scores.items():
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (SCORE_MIN <= value <= SCORE_MAX)
        ):
            raise ValidationFailed(
                _(
                    "“%(criterion)s” must be scored with a whole number from %(low)s to %(high)s.",
                    criterion=by_id[criterion_id].name,
                    low=SCORE_MIN,
                    high=SCORE_MAX,
                ),
                field=f"score_{criterion_id}",
            )
    for criterion_id, comment in comments.items():
        if len(comment) > MAX_COMMENT:
            raise ValidationFailed(
                _(
                    "Keep the comment on “%(criterion)s” under %(most)s characters.",
                    criterion=by_id[criterion_id].name,
                    most=MAX_COMMENT,
                ),
                field=f"comment_{criterion_id}",
            )
    missing = [c.name for c in criteria if scores.get(c.id) is None]
    if submit and missing:
        raise ValidationFailed(
            _(
                "Score every criterion before submitting; missing: %(names)s.",
                names=", ".join(missing),
            )
        )


def save_review(
    *,
    actor: User,
    assignment: Assignment,
    scores: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    feedback_to_solver: str = "",
    note_to_panel: str = "",
    submit: bool = False,
) -> Review:
    """Save the assigned judge's draft (scores may be partial) or submit it (every criterion
    scored 1–5; the 0–100 total is computed with ``review_score``). Only while judging runs,
    to the second before ``judging_ends_at``; a submitted review is read-only."""
    ensure(
        is_judge_of(actor, assignment), _("Only the judge assigned to this entry can review it.")
    )
    assignment = lock_assignment(assignment.id)
    check_open(assignment)
    if assignment.round == Round.SCREENING:
        raise ValidationFailed(
            _("A screening assignment takes a pass or fail verdict, not scores.")
        )
    comments = {key: text.strip() for key, text in (comments or {}).items()}
    criteria = criteria_of(assignment.submission.challenge)
    _check_scores(criteria, scores, comments, submit)
    if len(feedback_to_solver) > MAX_TEXT or len(note_to_panel) > MAX_TEXT:
        raise ValidationFailed(
            _("Keep feedback and notes under %(most)s characters.", most=MAX_TEXT)
        )
    review = assignment.review or Review(assignment=assignment)
    db.session.add(review)
    review.feedback_to_solver = feedback_to_solver.strip()
    review.note_to_panel = note_to_panel.strip()
    rows = {row.criterion_id: row for row in review.scores}
    for criterion in criteria:
        value, comment = scores.get(criterion.id), comments.get(criterion.id, "")
        row = rows.get(criterion.id)
        if value is None and not comment:
            if row is not None:
                review.scores.remove(row)
            continue
        if row is None:
            row = ReviewScore(criterion_id=criterion.id)
            review.scores.append(row)
        row.value, row.comment = value, comment
    if submit:
        review.score_total = review_score(
            {str(c.id): c.weight for c in criteria}, {str(c.id): scores[c.id] for c in criteria}
        )
        review.submitted_at = utcnow()
        assignment.state = AssignmentState.SUBMITTED
    else:
        assignment.state = AssignmentState.IN_PROGRESS
    try:
        db.session.commit()
    except sa.exc.IntegrityError as error:  # a second tab created the review at the same time
        db.session.rollback()
        message = _("This review was saved elsewhere at the same moment. Reload it.")
        raise Conflict(message) from error
    return review


def _seats(assignment: Assignment) -> sa.Select:
    """The standing assignments on the same entry in the same round, in seat order."""
    return (
        sa.select(Assignment)
        .where(
            Assignment.submission_id == assignment.submission_id,
            Assignment.round == assignment.round,
            Assignment.state != AssignmentState.VOID,
        )
        .order_by(Assignment.id)
    )


def panel_reviews(assignment: Assignment) -> list[PanelReview]:
    """Submitted reviews of the entry by standing assignments of the same round (each round is
    scored afresh), labelled J1..Jk by seat order."""
    found = []
    for number, row in enumerate(db.session.scalars(_seats(assignment)).all(), start=1):
        review = row.review
        if review is None or review.submitted_at is None:
            continue
        if review.score_total is None and review.verdict is None:
            continue
        found.append(
            PanelReview(
                label=f"J{number}",
                mine=row.id == assignment.id,
                score_total=review.score_total,
                scores={k: v for k, v in review.score_map().items() if v is not None},
                comments={k: v for k, v in review.comment_map().items() if v},
                note_to_panel=review.note_to_panel,
                verdict=review.verdict,
            )
        )
    return found


def other_reviews(actor: User, assignment: Assignment) -> list[PanelReview]:
    """Other judges' submitted scores (or verdicts) on the same entry in the same round, shown
    only after the actor submitted their own (so nobody anchors on a colleague's numbers)."""
    ensure(
        is_judge_of(actor, assignment) and not assignment.is_void,
        _("Only the judge assigned to this entry can see the panel's scores."),
    )
    own = assignment.review
    if own is None or own.submitted_at is None:
        raise PermissionDenied(
            _("Other judges' scores are shown after you submit your own review.")
        )
    return [review for review in panel_reviews(assignment) if not review.mine]


def seat_label(assignment: Assignment) -> str:
    """The judge's own J-number on this entry, e.g. "J2"."""
    ids = [row.id for row in db.session.scalars(_seats(assignment))]
    return f"J{ids.index(assignment.id) + 1}" if assignment.id in ids else "J?"
