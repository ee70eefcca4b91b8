"""Rounds (docs/judging.md, "Rounds"): settings, and the sponsor's advance from screening to
evaluation and from evaluation to the finalist round, each shown as a list before it is
confirmed."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from accounts.models import User
from challenges.models import Challenge
from challenges.services import lock_challenge
from core import audit
from core.db import db
from core.errors import Conflict, ValidationFailed, ensure
from core.text import plural
from judging.algorithms.calibration import calibrate
from judging.algorithms.ranking import RankingEntry, rank_entries
from judging.models import (
    Assignment,
    AssignmentState,
    Judge,
    JudgingSettings,
    Review,
    ReviewScore,
    Round,
    RoundEntry,
)
from judging.panel.assignments import active_judges, fill_round, has_assignments, tell_judges
from judging.policies import can_manage_judging, judging_window_open
from judging.rounds.entries import round_entry_ids, round_now
from judging.rounds.screening import ScreeningState, ScreeningStatus, screening_states
from judging.settings import criteria_of, ensure_settings, settings_for
from submissions.models import Submission

MIN_FINALISTS = 2


def _changed() -> str:
    text: str = _(
        "The list changed since you looked at it (a review or a verdict came in). Check it again."
    )
    return text


def _closed() -> str:
    text: str = _(
        "Rounds advance while judging runs: after the submission deadline, until judging ends."
    )
    return text


FAR_PAST = datetime(1970, 1, 1, tzinfo=UTC)


def set_rounds(
    *, actor: User, challenge: Challenge, screening: bool, finalist_count: int | None
) -> JudgingSettings:
    """Turn the screening round on or off (only before any judge is assigned; with screening
    judging starts in it) and set the number of finalists N (at least 2, or None for no
    finalist round; it can change until the finalists are chosen)."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    if finalist_count is not None and (
        isinstance(finalist_count, bool)
        or not isinstance(finalist_count, int)
        or finalist_count < MIN_FINALISTS
    ):
        raise ValidationFailed(
            _(
                "A finalist round needs at least %(least)s finalists; leave it empty for none.",
                least=MIN_FINALISTS,
            ),
            field="finalist_count",
        )
    challenge = lock_challenge(challenge.id)
    settings = ensure_settings(challenge)
    if bool(settings.screening) != screening:
        if has_assignments(challenge):
            raise Conflict(
                _(
                    "Judges are already assigned: screening can be turned on or off only before "
                    "the first assignment."
                )
            )
        settings.screening = screening
        settings.current_round = Round.SCREENING if screening else Round.EVALUATION
    if finalist_count != settings.finalist_count:
        if settings.current_round == Round.FINALIST:
            raise Conflict(_("The finalists are chosen: their number can no longer change."))
        settings.finalist_count = finalist_count
    db.session.commit()
    return settings


# ---- screening -> evaluation ---------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationPreview:
    """What advancing to evaluation would do: who is in, who is out and why, who is pending."""

    admitted: list[ScreeningState]
    out: list[ScreeningState]
    pending: list[ScreeningState]
    problem: str | None  # why advancing is refused now, in words the sponsor can act on


def evaluation_preview(challenge: Challenge) -> EvaluationPreview:
    states = screening_states(challenge)
    admitted = [s for s in states if s.status == ScreeningStatus.IN]
    out = [s for s in states if s.status == ScreeningStatus.OUT]
    pending = [s for s in states if s.status not in (ScreeningStatus.IN, ScreeningStatus.OUT)]
    problem = None
    if not settings_for(challenge).screening:
        problem = _(
            "This challenge has no screening round: every entry is in the evaluation round."
        )
    elif round_now(challenge) != Round.SCREENING:
        problem = _("Screening is over: the evaluation round has already begun.")
    elif not judging_window_open(challenge):
        problem = _closed()
    elif pending:
        problem = ngettext(
            "%(num)d entry is still being screened (no verdict yet, or a fail waiting for its "
            "second screener): every entry needs a decision before evaluation starts.",
            "%(num)d entries are still being screened (no verdict yet, or a fail waiting for its "
            "second screener): every entry needs a decision before evaluation starts.",
            len(pending),
        )
    elif not admitted:
        problem = _("No entry passed screening: there is nothing to evaluate.")
    return EvaluationPreview(admitted, out, pending, problem)


def advance_to_evaluation(
    *, actor: User, challenge: Challenge, expected: Sequence[int] | None = None
) -> int:
    """Admit the screened-in entries to evaluation (RoundEntry rows) and make it the current
    round; refused while any entry is pending, or if the list differs from ``expected`` (the
    one the sponsor was shown). Returns how many entries are in. Logged in the audit trail."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    challenge = lock_challenge(challenge.id)
    preview = evaluation_preview(challenge)
    if preview.problem:
        raise Conflict(preview.problem)
    ids = [state.submission_id for state in preview.admitted]
    if expected is not None and sorted(expected) != ids:
        raise Conflict(_changed())
    for submission_id in ids:
        db.session.add(
            RoundEntry(
                challenge_id=challenge.id,
                round=Round.EVALUATION,
                submission_id=submission_id,
                added_by_id=actor.id,
            )
        )
    ensure_settings(challenge).current_round = Round.EVALUATION
    audit.record(
        actor.id,
        "judging.advance_to_evaluation",
        "challenge",
        challenge.id,
        f"{plural(len(ids), 'entry')} in, {len(preview.out)} out after screening.",
    )
    db.session.commit()
    return len(ids)


# ---- evaluation -> finalists ---------------------------------------------------------------


@dataclass(frozen=True)
class FinalistRow:
    rank: int
    submission_id: int
    label: str
    title: str
    raw_mean: float
    calibrated: float
    reviews: int
    finalist: bool
    boundary_tie: bool


@dataclass
class FinalistPreview:
    """The evaluation ranking by calibrated score, the top N marked, and what blocks advancing."""

    count: int | None
    rows: list[FinalistRow] = field(default_factory=list)
    unscored: list[tuple[int, str, str]] = field(default_factory=list)  # (id, label, title)
    still_open: list[tuple[str, str]] = field(default_factory=list)  # (label, judge)
    problem: str | None = None

    @property
    def finalists(self) -> list[FinalistRow]:
        return [row for row in self.rows if row.finalist]

    @property
    def boundary_tie(self) -> bool:
        return any(row.boundary_tie for row in self.rows)


def _evaluation_scores(challenge: Challenge, entries: set[int]) -> tuple[list, list]:
    """Submitted evaluation reviews of standing assignments: (entry, judge, score) rows and
    (entry, judge, criterion, value) rows, as plain columns."""
    scope = (
        sa.select(Assignment.submission_id, Assignment.judge_id)
        .join(Review, Review.assignment_id == Assignment.id)
        .join(Submission, Submission.id == Assignment.submission_id)
        .where(
            Submission.challenge_id == challenge.id,
            Assignment.round == Round.EVALUATION,
            Assignment.state == AssignmentState.SUBMITTED,
            Review.submitted_at.is_not(None),
            Review.score_total.is_not(None),
        )
    )
    totals = db.session.execute(scope.add_columns(Review.score_total)).all()
    values = db.session.execute(
        scope.join(ReviewScore, ReviewScore.review_id == Review.id)
        .where(ReviewScore.value.is_not(None))
        .add_columns(ReviewScore.criterion_id, ReviewScore.value)
    ).all()
    return [r for r in totals if r[0] in entries], [r for r in values if r[0] in entries]


def _open_evaluation(challenge: Challenge) -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(Assignment.blind_label, Judge)
        .join(Judge, Judge.id == Assignment.judge_id)
        .join(Submission, Submission.id == Assignment.submission_id)
        .where(
            Submission.challenge_id == challenge.id,
            Assignment.round == Round.EVALUATION,
            Assignment.state.in_([AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS]),
        )
        .order_by(Assignment.blind_label, Assignment.id)
    ).all()
    return [(label, judge.label) for label, judge in rows]


def finalist_preview(challenge: Challenge) -> FinalistPreview:
    """Rank the evaluation round by calibrated score (ridge, λ=2, on the submitted evaluation
    reviews) with the tie-break chain (docs/judging.md, "Tie-break chain"), and mark the top
    N; a tie across the N/N+1 boundary is flagged (rank_entries with prize_places=N)."""
    settings = settings_for(challenge)
    count = settings.finalist_count
    entries = round_entry_ids(challenge, Round.EVALUATION)
    totals, values = _evaluation_scores(challenge, set(entries))
    info = {
        sid: (title, at)
        for sid, title, at in db.session.execute(
            sa.select(
                Submission.id,
                Submission.title,
                sa.func.coalesce(Submission.last_submitted_at, Submission.first_submitted_at),
            ).where(Submission.id.in_(entries))
        )
    }
    labels = dict(
        db.session.execute(
            sa.select(Assignment.submission_id, Assignment.blind_label).where(
                Assignment.submission_id.in_(entries)
            )
        ).all()
    )
    preview = FinalistPreview(count=count, still_open=_open_evaluation(challenge))
    fit = calibrate([(s, j, y) for s, j, y in totals])
    by_criterion: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for s, j, criterion_id, value in values:
        by_criterion[criterion_id].append((s, j, float(value)))
    criteria = criteria_of(challenge)
    means = {c.id: calibrate(by_criterion[c.id]).entry_scores for c in criteria}
    judge_scores: dict[int, dict[int, float]] = defaultdict(dict)
    for s, j, y in totals:
        judge_scores[s][j] = y
    ranked = rank_entries(
        [
            RankingEntry(
                submission_id=s,
                final_score=score,
                raw_mean=fit.raw_means[s],
                submitted_at=info[s][1] or FAR_PAST,
                criterion_means={str(c.id): means[c.id].get(s, 0.0) for c in criteria},
                judge_scores=judge_scores[s],
            )
            for s, score in fit.entry_scores.items()
        ],
        {str(c.id): c.weight for c in criteria},
        prize_places=count or 0,
    )
    cut = ranked[count] if count and len(ranked) > count else None
    tie_level = round(cut.final_score, 6) if cut and cut.needs_panel_resolution else None
    for row in ranked:
        s = row.submission_id
        preview.rows.append(
            FinalistRow(
                rank=row.rank,
                submission_id=s,
                label=labels.get(s, ""),
                title=info[s][0] or _("Untitled entry"),
                raw_mean=fit.raw_means[s],
                calibrated=row.final_score,
                reviews=fit.review_counts[s],
                finalist=bool(count) and row.rank <= count,
                boundary_tie=row.needs_panel_resolution
                and tie_level is not None
                and round(row.final_score, 6) == tie_level,
            )
        )
    preview.unscored = [
        (s, labels.get(s, ""), info[s][0] or _("Untitled entry"))
        for s in entries
        if s not in fit.entry_scores
    ]
    preview.problem = _finalist_problem(challenge, preview)
    return preview


def _finalist_problem(challenge: Challenge, preview: FinalistPreview) -> str | None:
    current = round_now(challenge)
    if current == Round.FINALIST:
        text: str = _("The finalists are chosen: the finalist round has begun.")
        return text
    if current == Round.SCREENING:
        text = _("Screening is still under way: advance to the evaluation round first.")
        return text
    if not judging_window_open(challenge):
        return _closed()
    if preview.count is None:
        text = _("Set the number of finalists first (Rounds, on the judging dashboard).")
        return text
    if preview.still_open:
        text = ngettext(
            "%(num)d evaluation review is still open: every evaluation assignment must be "
            "submitted (or withdrawn) before finalists are chosen.",
            "%(num)d evaluation reviews are still open: every evaluation assignment must be "
            "submitted (or withdrawn) before finalists are chosen.",
            len(preview.still_open),
        )
        return text
    if preview.count > len(preview.rows):
        text = ngettext(
            "Only %(num)d entry has evaluation scores: choose at most %(num)d finalist.",
            "Only %(num)d entries have evaluation scores: choose at most %(num)d finalists.",
            len(preview.rows),
        )
        return text
    return None


@dataclass(frozen=True)
class FinalistReport:
    finalists: int
    created: int
    judges: int
    thin: list[str]  # labels of finalists with fewer than 2 judges free of conflicts

    @property
    def message(self) -> str:
        text: str = _(
            "The finalist round has begun: %(finalists)s, %(assignments)s for %(judges)s.",
            finalists=ngettext("%(num)d finalist", "%(num)d finalists", self.finalists),
            assignments=ngettext("%(num)d assignment", "%(num)d assignments", self.created),
            judges=ngettext("%(num)d judge", "%(num)d judges", self.judges),
        )
        if self.thin:
            thin: str = ngettext(
                "%(labels)s has fewer than %(least)s judges free of conflicts: invite more "
                "judges, then Assign judges.",
                "%(labels)s have fewer than %(least)s judges free of conflicts: invite more "
                "judges, then Assign judges.",
                len(self.thin),
                labels=", ".join(self.thin),
                least=MIN_FINALISTS,
            )
            text += " " + thin
        return text


def advance_to_finalists(
    *, actor: User, challenge: Challenge, expected: Sequence[int] | None = None
) -> FinalistReport:
    """Admit the top N of the evaluation round (RoundEntry with seed = rank), make the finalist
    round current, and assign every active judge to every finalist except conflicted pairs
    (scored afresh). Refused while an evaluation review is open, or if the top N differs from
    ``expected`` (the list the sponsor was shown). Judges are e-mailed after the commit."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    challenge = lock_challenge(challenge.id)
    preview = finalist_preview(challenge)
    if preview.problem:
        raise Conflict(preview.problem)
    finalists = preview.finalists
    ids = [row.submission_id for row in finalists]
    if expected is not None and list(expected) != ids:
        raise Conflict(_changed())
    for row in finalists:
        db.session.add(
            RoundEntry(
                challenge_id=challenge.id,
                round=Round.FINALIST,
                submission_id=row.submission_id,
                seed=row.rank,
                added_by_id=actor.id,
            )
        )
    ensure_settings(challenge).current_round = Round.FINALIST
    db.session.flush()
    judges = active_judges(challenge)
    created, _unused, _ignored = fill_round(challenge, Round.FINALIST, ids, judges, capped=False)
    seats = Counter(row.submission_id for row in created)
    thin = [row.label for row in finalists if seats[row.submission_id] < MIN_FINALISTS]
    audit.record(
        actor.id,
        "judging.advance_to_finalists",
        "challenge",
        challenge.id,
        "Finalists by calibrated evaluation score: " + ", ".join(row.label for row in finalists),
    )
    tell_judges(created)
    db.session.commit()
    return FinalistReport(len(ids), len(created), len(judges), thin)
