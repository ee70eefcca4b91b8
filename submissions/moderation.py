"""Reports from readers, disqualification by the sponsor, reinstatement by the platform."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from accounts.models import Membership, OrgRole, User
from accounts.policies import is_admin, is_signed_in
from core.audit import AuditEntry, record
from core.db import db, utcnow
from core.errors import Conflict, ValidationFailed, ensure
from core.i18n import recipient_locale
from core.mail import send_mail
from core.urls import external_url
from submissions.models import Report, Submission, SubmissionStatus, TeamMember
from submissions.policies import can_disqualify, can_report
from submissions.services import lock_submission, recount_entrants
from submissions.visibility import sponsor_can_view

MIN_REASON, MAX_REASON = 10, 2000
DISQUALIFY, REQUALIFY = "submission.disqualify", "submission.requalify"


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        raise ValidationFailed(
            _("Give a reason of %(min)s to %(max)s characters.", min=MIN_REASON, max=MAX_REASON),
            field="reason",
        )
    return reason


def open_report_of(user: User | None, submission: Submission) -> Report | None:
    if not is_signed_in(user):
        return None
    return db.session.scalar(
        sa.select(Report).where(
            Report.submission_id == submission.id,
            Report.reporter_id == user.id,
            Report.resolved_at.is_(None),
        )
    )


def open_reports(submission: Submission) -> list[Report]:
    return list(
        db.session.scalars(
            sa.select(Report)
            .where(Report.submission_id == submission.id, Report.resolved_at.is_(None))
            .options(joinedload(Report.reporter))
            .order_by(Report.created_at)
        )
    )


def audit_trail(submission: Submission) -> list[tuple[AuditEntry, User | None]]:
    """Moderation events on the entry, oldest first, with the acting user."""
    rows = db.session.execute(
        sa.select(AuditEntry, User)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.object_type == "submission", AuditEntry.object_id == submission.id)
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).all()
    return [(entry, user) for entry, user in rows]


def _sponsor_recipients(submission: Submission) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.org_id == submission.challenge.org_id,
                Membership.role.in_([OrgRole.OWNER, OrgRole.MANAGER]),
            )
            .order_by(User.id)
        )
    )


def _team_recipients(submission: Submission) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(TeamMember, TeamMember.user_id == User.id)
            .where(TeamMember.submission_id == submission.id)
            .order_by(TeamMember.id)
        )
    )


def _link(submission: Submission) -> str:
    return external_url("submissions.show", submission_id=submission.id)


def report_submission(*, actor: User, submission: Submission, reason: str) -> Report:
    """Flag an entry to the sponsor (plagiarism, rule breaking, abuse). One open report per
    reader per entry; the sponsor's owners and managers are e-mailed after the commit."""
    ensure(
        can_report(actor, submission), _("You can report entries you can read but did not write.")
    )
    reason = _reason(reason)
    lock_submission(submission)  # serialises two clicks of the same reader
    if open_report_of(actor, submission) is not None:
        db.session.rollback()
        raise Conflict(_("You have already reported this entry; the sponsor has been told."))
    report = Report(submission_id=submission.id, reporter_id=actor.id, reason=reason)
    db.session.add(report)
    db.session.flush()
    challenge = submission.challenge
    # The sponsor reads the title only where the visibility policy lets it read the entry.
    named = sponsor_can_view(submission, utcnow())
    for user in _sponsor_recipients(submission):
        with recipient_locale(user):
            subject = _(
                "Entry %(id)s in %(challenge)s was reported",
                id=submission.id,
                challenge=challenge.title,
            )
            values = {
                "name": actor.display_name,
                "handle": actor.handle,
                "id": submission.id,
                "title": submission.title or _("Untitled"),
            }
            what = (
                _("%(name)s (@%(handle)s) reported entry %(id)s “%(title)s”:", **values)
                if named
                else _("%(name)s (@%(handle)s) reported entry %(id)s:", **values)
            )
            advice = _("Read the entry and, if the rules were broken, disqualify it:")
        send_mail(user.email, subject, f"{what}\n\n{reason}\n\n{advice}\n{_link(submission)}\n")
    db.session.commit()  # the change and its e-mails together
    return report


def disqualify_submission(*, actor: User, submission: Submission, reason: str) -> Submission:
    """Take a submitted (or withdrawn) entry out of the running with a reason the team sees.

    Audited; resolves open reports; recounts entrants; e-mails every team member."""
    ensure(
        can_disqualify(actor, submission),
        _("Only the sponsor's owners and managers can disqualify a submitted entry."),
    )
    reason = _reason(reason)
    submission = lock_submission(submission)
    if not can_disqualify(actor, submission):  # someone else acted first
        db.session.rollback()
        raise Conflict(_("This entry was already disqualified."))
    now = utcnow()
    submission.status = SubmissionStatus.DISQUALIFIED
    submission.disqualified_reason = reason
    submission.disqualified_at = now
    db.session.execute(
        sa.update(Report)
        .where(Report.submission_id == submission.id, Report.resolved_at.is_(None))
        .values(resolved_at=now)
    )
    record(actor.id, DISQUALIFY, "submission", submission.id, reason)
    db.session.flush()
    recount_entrants(submission.challenge_id)
    db.session.flush()
    challenge = submission.challenge
    for user in _team_recipients(submission):
        with recipient_locale(user):
            subject = _("Your entry in %(challenge)s was disqualified", challenge=challenge.title)
            body = _(
                "The sponsor disqualified your entry “%(title)s”. Their reason:\n\n%(reason)s\n\n"
                "If you think this is a mistake, reply to this e-mail and the platform team will "
                "review it.\n\n%(link)s\n",
                title=submission.title or _("Untitled"),
                reason=reason,
                link=_link(submission),
            )
        send_mail(user.email, subject, body)
    db.session.commit()  # the change and its e-mails together
    return submission


def reinstate_disqualified(*, actor: User, submission: Submission, reason: str) -> Submission:
    """Platform admins undo a disqualification: the entry is submitted again. Audited;
    recounts entrants; e-mails every team member."""
    ensure(is_admin(actor), _("Only the platform team can reinstate a disqualified entry."))
    reason = _reason(reason)
    submission = lock_submission(submission)
    if submission.status != SubmissionStatus.DISQUALIFIED:
        db.session.rollback()
        raise Conflict(_("This entry is not disqualified."))
    # The entry returns as submitted even if it had been withdrawn: the owner can withdraw it
    # again before the deadline; the audit trail keeps the whole story.
    submission.status = SubmissionStatus.SUBMITTED
    submission.disqualified_reason = ""
    submission.disqualified_at = None
    record(actor.id, REQUALIFY, "submission", submission.id, reason)
    db.session.flush()
    recount_entrants(submission.challenge_id)
    db.session.flush()
    challenge = submission.challenge
    for user in _team_recipients(submission):
        with recipient_locale(user):
            subject = _(
                "Your entry in %(challenge)s is back in the running", challenge=challenge.title
            )
            body = _(
                "The platform team reinstated your entry “%(title)s”:\n\n%(reason)s\n\n%(link)s\n",
                title=submission.title or _("Untitled"),
                reason=reason,
                link=_link(submission),
            )
        send_mail(user.email, subject, body)
    db.session.commit()  # the change and its e-mails together
    return submission
