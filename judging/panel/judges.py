"""The judge panel: invitations by e-mail, acceptance with a conflict attestation, removal."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import Organization, User
from challenges.models import Challenge
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from core.i18n import recipient_locale
from core.mail import send_mail
from core.text import normalize_email
from core.urls import external_url
from judging.models import Assignment, AssignmentState, Judge, JudgeStatus
from judging.panel.assignments import refill_slots, tell_judges
from judging.panel.auto_assign import assign_joined_judge
from judging.policies import can_manage_judging, can_respond_to_invitation

LEFT_PANEL = "The judge left the panel."


def get_judge(judge_id: int) -> Judge:
    judge = db.session.get(Judge, judge_id)
    if judge is None:
        raise NotFound(_("There is no invitation at this address."))
    return judge


def panel_of(challenge: Challenge) -> list[Judge]:
    return list(
        db.session.scalars(
            sa.select(Judge).where(Judge.challenge_id == challenge.id).order_by(Judge.id)
        )
    )


def invite_judge(*, actor: User, challenge: Challenge, email: str) -> Judge:
    """Invite an e-mail address to the panel and mail it a link. Inviting a declined or removed
    judge again starts afresh (new attestation); a pending invitation is sent again."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    email = normalize_email(email)
    local, _at, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254:
        raise ValidationFailed(_("Enter the judge's e-mail address."), field="email")
    judge = db.session.scalar(
        sa.select(Judge).where(Judge.challenge_id == challenge.id, Judge.email == email)
    )
    if judge is not None and judge.status == JudgeStatus.ACCEPTED:
        raise ValidationFailed(_("%(email)s is already on the panel.", email=email), field="email")
    if judge is None:
        judge = Judge(challenge_id=challenge.id, email=email)
        db.session.add(judge)
    judge.status = JudgeStatus.INVITED
    judge.invited_by_id = actor.id
    judge.invited_at = utcnow()
    judge.user_id, judge.attested_at, judge.accepted_at, judge.responded_at = None, None, None, None
    judge.declared_conflicts = ""
    judge.conflict_orgs = []
    db.session.flush()
    link = external_url("judging.invitation", judge_id=judge.id)
    invitee = db.session.scalar(sa.select(User).where(User.email == email))
    with recipient_locale(invitee):
        subject = _("Invitation to judge “%(title)s” on OpenPrize", title=challenge.title)
        body = _(
            "%(name)s invites you to the judging panel of “%(title)s”.\n\n"
            "Before you see any entry you declare your conflicts of interest and attest that "
            "there are no others. Sign in (or sign up) with this e-mail address and answer "
            "here:\n%(link)s\n",
            name=actor.display_name,
            title=challenge.title,
            link=link,
        )
    send_mail(email, subject, body)
    db.session.commit()
    return judge


def _check_response(actor: User, judge: Judge) -> None:
    if judge.status != JudgeStatus.INVITED:
        raise Conflict(
            _(
                "This invitation was already answered or withdrawn (%(status)s).",
                status=judge.status,
            )
        )
    ensure(
        can_respond_to_invitation(actor, judge),
        _(
            "This invitation is for %(email)s. Sign in with that verified account to answer.",
            email=judge.email,
        ),
    )


def accept_judging(
    *,
    actor: User,
    judge: Judge,
    conflicts_text: str,
    conflict_org_ids: Iterable[int],
    attest: bool,
) -> Judge:
    """Take the seat: record declared conflicts (people as handles or e-mails, organizations)
    and the attestation that there are no others. No entry is shown before this. While
    judging runs, the judge gets assignments at once (``assign_joined_judge``)."""
    _check_response(actor, judge)
    if not attest:
        raise ValidationFailed(
            _("Attest that you have no conflicts of interest other than those you declared."),
            field="attest",
        )
    conflicts_text = conflicts_text.strip()
    if len(conflicts_text) > 5000:
        raise ValidationFailed(_("Keep the declaration under 5000 characters."), field="conflicts")
    wanted = set(conflict_org_ids)
    orgs = list(db.session.scalars(sa.select(Organization).where(Organization.id.in_(wanted))))
    if len(orgs) != len(wanted):
        raise ValidationFailed(_("Choose organizations from the list."), field="conflict_orgs")
    now = utcnow()
    with db.session.no_autoflush:
        judge.user_id = actor.id
        judge.attested_at = judge.accepted_at = judge.responded_at = now
        judge.status = JudgeStatus.ACCEPTED
        judge.declared_conflicts = conflicts_text
        judge.conflict_orgs = orgs
    db.session.commit()
    assign_joined_judge(judge.challenge)  # judging may be under way: take empty slots now
    return judge


def decline_judging(*, actor: User, judge: Judge) -> Judge:
    """Say no to the invitation; the sponsor sees it on the panel list."""
    _check_response(actor, judge)
    judge.status = JudgeStatus.DECLINED
    judge.responded_at = utcnow()
    db.session.commit()
    return judge


def remove_judge(*, actor: User, judge: Judge) -> list[Assignment]:
    """Take a judge off the panel (or withdraw the invitation). Their unsubmitted assignments
    become void and, while judging runs, go to the next eligible judges (returned); reviews
    they already submitted stand."""
    ensure(
        can_manage_judging(actor, judge.challenge), _("Only the sponsor's owners and managers can.")
    )
    if judge.status not in (JudgeStatus.INVITED, JudgeStatus.ACCEPTED):
        raise Conflict(_("This judge is not on the panel (%(status)s).", status=judge.status))
    judge.status = JudgeStatus.REMOVED
    judge.responded_at = judge.responded_at or utcnow()
    open_rows = list(
        db.session.scalars(
            sa.select(Assignment).where(
                Assignment.judge_id == judge.id,
                Assignment.state.in_([AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS]),
            )
        )
    )
    now = utcnow()
    for row in open_rows:
        row.state, row.void_reason, row.voided_at = AssignmentState.VOID, LEFT_PANEL, now
    db.session.flush()
    created = refill_slots(judge.challenge, sorted({row.submission_id for row in open_rows}))
    tell_judges(created)
    db.session.commit()
    return created
