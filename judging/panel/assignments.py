"""Assigning, swapping and voiding judges round by round (docs/judging.md, "Assignment")."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from accounts.models import User
from challenges.models import Challenge
from challenges.services import lock_challenge
from core import audit
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from core.i18n import recipient_locale
from core.mail import send_mail
from core.urls import external_url
from judging.algorithms.labels import entry_labels, fair_limit, plan_gaps
from judging.models import Assignment, AssignmentState, Judge, JudgeStatus, Round, round_phrase
from judging.panel.coi import describe, forbidden_pairs
from judging.policies import can_declare_conflict, can_manage_judging, judging_window_open
from judging.rounds.entries import round_entry_ids, round_now, screening_verdicts
from judging.settings import criteria_of, ensure_settings
from submissions.models import Submission, SubmissionStatus

REPLACED = "Replaced by the sponsor."
NO_ENTRIES = {
    Round.SCREENING: _l("There are no submitted entries to screen."),
    Round.EVALUATION: _l("There are no submitted entries to assign."),
    Round.FINALIST: _l("There are no finalists to assign."),
}


@dataclass(frozen=True)
class AssignmentReport:
    """What one run of the assignment did, in words the sponsor can act on."""

    created: int
    kept: int
    shortfall: int
    entries: int
    judges: int
    round: Round = Round.EVALUATION

    @property
    def message(self) -> str:
        screening = self.round == Round.SCREENING
        text: str = ngettext(
            "%(num)d new assignment; %(kept)s kept.",
            "%(num)d new assignments; %(kept)s kept.",
            self.created,
            kept=self.kept,
        )
        if self.shortfall and screening:
            more: str = ngettext(
                "%(num)d screener slot stays empty: there are not enough judges free of "
                "conflicts. Invite more judges and assign again.",
                "%(num)d screener slots stay empty: there are not enough judges free of "
                "conflicts. Invite more judges and assign again.",
                self.shortfall,
            )
        elif self.shortfall:
            more = ngettext(
                "%(num)d judge slot stays empty: there are not enough judges free of "
                "conflicts. Invite more judges and assign again.",
                "%(num)d judge slots stay empty: there are not enough judges free of "
                "conflicts. Invite more judges and assign again.",
                self.shortfall,
            )
        elif screening:
            more = ngettext(
                "No screener slot is empty (%(num)d entry assigned).",
                "No screener slot is empty (%(num)d entries assigned).",
                self.entries,
            )
        else:
            more = ngettext(
                "No judge slot is empty (%(num)d entry assigned).",
                "No judge slot is empty (%(num)d entries assigned).",
                self.entries,
            )
        return f"{text} {more}"


def get_assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(_("There is no assignment at this address."))
    return assignment


def active_judges(challenge: Challenge) -> list[Judge]:
    """Judges who accepted and attested: the only ones who can be assigned."""
    return list(
        db.session.scalars(
            sa.select(Judge)
            .where(
                Judge.challenge_id == challenge.id,
                Judge.status == JudgeStatus.ACCEPTED,
                Judge.attested_at.is_not(None),
            )
            .order_by(Judge.id)
        )
    )


def submitted_entry_ids(challenge: Challenge) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Submission.id)
            .where(
                Submission.challenge_id == challenge.id,
                Submission.status == SubmissionStatus.SUBMITTED,
            )
            .order_by(Submission.id)
        )
    )


def has_assignments(challenge: Challenge) -> bool:
    """Whether judges were ever assigned to the challenge's entries (any round, void too)."""
    query = sa.select(
        sa.exists().where(
            Assignment.submission_id == Submission.id, Submission.challenge_id == challenge.id
        )
    )
    return bool(db.session.scalar(query))


def assignments_of(challenge: Challenge, round_: Round | None = None) -> list[Assignment]:
    """Every assignment of the challenge (of one round if given), void ones included, oldest
    first."""
    query = (
        sa.select(Assignment)
        .join(Submission, Submission.id == Assignment.submission_id)
        .where(Submission.challenge_id == challenge.id)
        .order_by(Assignment.id)
    )
    if round_ is not None:
        query = query.where(Assignment.round == round_)
    return list(db.session.scalars(query))


def _state(
    challenge: Challenge, round_: Round
) -> tuple[dict[int, set[int]], set[tuple[int, int]], dict[int, str]]:
    """Standing judges per entry in the round, barred (judge, entry) pairs (void in the round,
    or voided for a conflict in any round), and each entry's blind label (shared by rounds)."""
    standing: dict[int, set[int]] = defaultdict(set)
    void: set[tuple[int, int]] = set()
    labels: dict[int, str] = {}
    for row in assignments_of(challenge):
        labels.setdefault(row.submission_id, row.blind_label)
        pair = (row.judge_id, row.submission_id)
        if row.voided_for_conflict:
            void.add(pair)  # a conflict of interest holds in every round
        if row.round != round_:
            continue
        if row.is_void:
            void.add(pair)
        else:
            standing[row.submission_id].add(row.judge_id)
    return standing, void, labels


def _targets(
    challenge: Challenge,
    round_: Round,
    entries: list[int],
    judge_ids: list[int],
    standing: dict[int, set[int]],
    forbidden: set[tuple[int, int]],
) -> dict[int, int]:
    """How many standing judges each entry should have in the round."""
    if round_ == Round.SCREENING:  # one screener; a second after a fail; none after a pass
        verdicts = screening_verdicts(challenge)
        targets = {}
        for s in entries:
            passes, fails = verdicts.get(s, (0, 0))
            targets[s] = len(standing.get(s, ())) if passes else 2 if fails else 1
        return targets
    if round_ == Round.FINALIST:  # every judge free of conflicts scores every finalist
        return {
            s: len(standing.get(s, ()))
            + sum(1 for j in judge_ids if j not in standing.get(s, ()) and (j, s) not in forbidden)
            for s in entries
        }
    return dict.fromkeys(entries, ensure_settings(challenge).k)


def fill_round(
    challenge: Challenge, round_: Round, entries: list[int], judges: list[Judge], *, capped: bool
) -> tuple[list[Assignment], int, int]:
    """Create the round's assignments for the empty slots of ``entries`` (flushes); returns
    new, kept, short. ``capped`` shares the work fairly (L = ⌈slots/M⌉) except for finalists,
    whom every judge scores."""
    settings = ensure_settings(challenge)
    standing, void, labels = _state(challenge, round_)
    judge_ids = [judge.id for judge in judges]
    forbidden = set(forbidden_pairs(judges, entries)) | void
    targets = _targets(challenge, round_, entries, judge_ids, standing, forbidden)
    loads = Counter(j for js in standing.values() for j in js)
    capped = capped and round_ != Round.FINALIST
    limit = fair_limit(1, sum(targets.values()), len(judge_ids)) if capped else len(entries)
    caps = {j: limit - loads[j] if capped else limit for j in judge_ids}
    existing = {s: standing.get(s, set()) for s in entries}
    pairs, shortfall = plan_gaps(
        entries, judge_ids, targets, forbidden, existing, loads=loads, caps=caps
    )
    labels = entry_labels(settings.secret_bytes, entries, labels)
    created = [
        Assignment(judge_id=j, submission_id=s, round=round_, blind_label=labels[s])
        for j, s in pairs
    ]
    db.session.add_all(created)
    db.session.flush()
    return created, sum(len(existing[s]) for s in entries), shortfall


def assign_judges(*, actor: User, challenge: Challenge) -> AssignmentReport:
    """Fill the current round's empty slots with conflict-free judges (accepted and attested),
    balanced and deterministic: one screener per entry in screening (a second after a fail),
    k judges per entry admitted to evaluation, every judge on every finalist. Re-running keeps
    standing assignments and only fills empty slots. Judges with new work are e-mailed after
    the commit."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    if not judging_window_open(challenge):
        raise Conflict(_("Judges are assigned after the submission deadline, until judging ends."))
    challenge = lock_challenge(challenge.id)  # one assignment run at a time per challenge
    round_ = round_now(challenge)
    if round_ != Round.SCREENING and not criteria_of(challenge):
        raise ValidationFailed(_("Set the rubric before assigning judges: they score against it."))
    entries = round_entry_ids(challenge, round_)
    if not entries:
        raise ValidationFailed(str(NO_ENTRIES[round_]))
    judges = active_judges(challenge)
    if not judges:
        raise ValidationFailed(
            _("No judge has accepted and attested yet. Invite judges, or wait for them to accept.")
        )
    created, kept, shortfall = fill_round(challenge, round_, entries, judges, capped=True)
    tell_judges(created)
    db.session.commit()
    return AssignmentReport(len(created), kept, shortfall, len(entries), len(judges), round_)


def _check_swap(assignment: Assignment, new_judge: Judge) -> Assignment | None:
    challenge = assignment.submission.challenge
    if not judging_window_open(challenge):
        raise Conflict(_("Assignments change only while judging is under way."))
    if assignment.is_void:
        raise Conflict(_("This assignment was already withdrawn."))
    if assignment.round != round_now(challenge):
        raise Conflict(
            _(
                "The %(round)s is over: its assignments no longer change.",
                round=round_phrase(assignment.round),
            )
        )
    if assignment.state == AssignmentState.SUBMITTED:
        raise Conflict(
            _(
                "This judge already submitted the review. If there is a conflict, declare it "
                "instead."
            )
        )
    if new_judge.challenge_id != challenge.id or not new_judge.is_active:
        raise ValidationFailed(
            _("%(email)s has not accepted and attested for this challenge.", email=new_judge.email),
            field="judge",
        )
    reasons = forbidden_pairs([new_judge], [assignment.submission_id]).get(
        (new_judge.id, assignment.submission_id)
    )
    if reasons:
        raise ValidationFailed(
            _(
                "%(email)s has a conflict with this entry: %(reasons)s.",
                email=new_judge.email,
                reasons=describe(reasons),
            ),
            field="judge",
        )
    rows = db.session.scalars(
        sa.select(Assignment).where(
            Assignment.judge_id == new_judge.id,
            Assignment.submission_id == assignment.submission_id,
        )
    ).all()
    previous = next((row for row in rows if row.round == assignment.round), None)
    conflicted = any(row.voided_for_conflict for row in rows)  # in this round or an earlier one
    if conflicted or (previous is not None and not previous.is_void):
        raise ValidationFailed(
            _(
                "%(email)s is already on this entry or withdrew for a conflict.",
                email=new_judge.email,
            ),
            field="judge",
        )
    return previous


def swap_judge(*, actor: User, assignment: Assignment, new_judge: Judge) -> Assignment:
    """Replace the judge of an unsubmitted assignment with another conflict-free judge; the old
    assignment becomes void (and can be swapped back later). The new judge is e-mailed."""
    ensure(
        can_manage_judging(actor, assignment.submission.challenge),
        _("Only the sponsor's owners and managers can."),
    )
    previous = _check_swap(assignment, new_judge)
    _void(assignment, REPLACED, conflict=False)
    if previous is not None:
        previous.state = (
            AssignmentState.IN_PROGRESS if previous.review else AssignmentState.ASSIGNED
        )
        previous.void_reason, previous.voided_at = "", None
        replacement = previous
    else:
        replacement = Assignment(
            judge_id=new_judge.id,
            submission_id=assignment.submission_id,
            round=assignment.round,
            blind_label=assignment.blind_label,
        )
        db.session.add(replacement)
    db.session.flush()
    tell_judges([replacement])
    db.session.commit()
    return replacement


def void_for_conflict(*, actor: User, assignment: Assignment, reason: str) -> Assignment | None:
    """Void an assignment (and its review, which stops counting) because of a conflict of
    interest found later, declared by the judge or the sponsor; logged in the audit trail.
    While judging runs the slot goes to the next eligible judge, who is returned (None if
    nobody is free of conflicts)."""
    ensure(
        can_declare_conflict(actor, assignment),
        _(
            "Only the assigned judge or the sponsor can declare a conflict on a standing "
            "assignment."
        ),
    )
    reason = reason.strip()
    if len(reason) < 5 or len(reason) > 2000:
        raise ValidationFailed(_("Describe the conflict (5 to 2000 characters)."), field="reason")
    _void(assignment, reason, conflict=True)
    audit.record(actor.id, "judging.void_for_conflict", "assignment", assignment.id, reason)
    return _commit_with_refill(
        assignment.submission.challenge, [assignment.submission_id], Round(assignment.round)
    )


def _void(assignment: Assignment, reason: str, *, conflict: bool) -> None:
    assignment.state = AssignmentState.VOID
    assignment.void_reason = reason
    assignment.voided_for_conflict = conflict
    assignment.voided_at = utcnow()
    db.session.flush()


def refill_slots(
    challenge: Challenge, entries: list[int], round_: Round | None = None
) -> list[Assignment]:
    """Give emptied slots of ``entries`` in ``round_`` (default: the current round) to the next
    eligible judges (flushes, never commits); a finished round gets no new work. The fair-share
    cap is lifted: one extra review beats an entry with too few judges."""
    current = round_now(challenge)
    if (round_ or current) != current:
        return []
    admitted = set(round_entry_ids(challenge, current))
    entries = [s for s in entries if s in admitted]
    judges = active_judges(challenge)
    if not entries or not judges or not judging_window_open(challenge):
        return []
    created, _kept, _short = fill_round(challenge, current, entries, judges, capped=False)
    return created


def _commit_with_refill(
    challenge: Challenge, entries: list[int], round_: Round
) -> Assignment | None:
    created = refill_slots(challenge, entries, round_)
    tell_judges(created)
    db.session.commit()
    return created[0] if created else None


def tell_judges(created: list[Assignment]) -> None:
    """E-mail each judge who got new assignments (in the transaction that creates them)."""
    per_judge: dict[int, int] = Counter(row.judge_id for row in created)
    if not per_judge:
        return
    link = external_url("judging.my_assignments")
    for judge in db.session.scalars(sa.select(Judge).where(Judge.id.in_(per_judge))):
        title = judge.challenge.title
        with recipient_locale(judge.user):
            subject = _("Entries to review: %(title)s", title=title)
            body = ngettext(
                "You have %(num)d new entry to review for “%(title)s”.",
                "You have %(num)d new entries to review for “%(title)s”.",
                per_judge[judge.id],
                title=title,
            )
            ends = _(
                "Judging ends %(when)s UTC.",
                when=judge.challenge.judging_ends_at.strftime("%Y-%m-%d %H:%M"),
            )
        send_mail(judge.email, subject, f"{body}\n{ends}\n\n{link}\n")
