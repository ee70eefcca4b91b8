"""Teams: invitations, joining and leaving, and the agreed split of a prize in basis points."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import ParamSpec, TypeVar, cast

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import User
from accounts.policies import is_signed_in
from accounts.services import get_user_by_email, get_user_by_handle
from challenges.policies import is_sponsor_member
from core.db import db, utcnow
from core.errors import Conflict, DomainError, NotFound, ValidationFailed, ensure
from core.i18n import recipient_locale
from core.mail import send_mail
from core.templating import percent_from_bps
from core.text import normalize_email
from core.urls import external_url
from submissions.models import (
    FULL_SHARE_BP,
    InviteStatus,
    Submission,
    SubmissionStatus,
    TeamInvite,
    TeamMember,
    TeamRole,
)
from submissions.services import entry_of, lock_submission
from submissions.visibility import is_team_member

P = ParamSpec("P")
R = TypeVar("R")
FIELD = "handle_or_email"
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _team_full(max_size: int) -> Conflict:
    return Conflict(
        _(
            "The team is full: %(max)s people at most, pending invitations included.",
            max=max_size,
        )
    )


def default_split(member_ids: Sequence[int]) -> dict[int, int]:
    """Equal shares in basis points for ``member_ids`` (owner first); the owner gets the rest."""
    if not member_ids or len(set(member_ids)) != len(member_ids):
        raise ValueError("member ids must be unique and not empty")
    each, rest = divmod(FULL_SHARE_BP, len(member_ids))
    split = dict.fromkeys(member_ids, each)
    split[member_ids[0]] += rest
    return split


def check_shares(shares: Mapping[int, object], member_ids: Sequence[int]) -> dict[int, int]:
    """Whole basis points, 0 or more, for exactly the members, adding up to 10,000."""
    if set(shares) != set(member_ids):
        raise ValidationFailed(
            _("Give a share to each team member and no one else."), field="shares"
        )
    if any(type(value) is not int or value < 0 for value in shares.values()):
        raise ValidationFailed(_("Each share must be a whole number, 0 or more."), field="shares")
    clean = {user_id: cast(int, shares[user_id]) for user_id in member_ids}
    total = sum(clean.values())
    if total != FULL_SHARE_BP:
        raise ValidationFailed(
            _(
                "Shares must add up to 100 %% (10,000 basis points); they add up to "
                "%(percent)s (%(points)s basis points).",
                percent=percent_from_bps(total),
                points=format(total, ","),
            ),
            field="shares",
        )
    return clean


def _rolls_back(service: Callable[P, R]) -> Callable[P, R]:
    """Release the row lock and drop half-made changes when a service refuses."""

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except DomainError:
            db.session.rollback()
            raise

    return wrapper


def is_owner(user: User | None, submission: Submission) -> bool:
    return is_team_member(user, submission) and user.id == submission.owner_id


def team_is_open(submission: Submission) -> bool:
    """Teams and shares change only before the deadline, in a live challenge."""
    challenge = submission.challenge
    live = challenge.cancelled_at is None and submission.status != SubmissionStatus.DISQUALIFIED
    return live and utcnow() < challenge.closes_at


def is_invitee(user: User | None, invite: TeamInvite) -> bool:
    """The invited account, or (for an e-mail invitation) whoever verified that address."""
    if not is_signed_in(user):
        return False
    if invite.user_id is not None:
        return invite.user_id == user.id
    return user.is_verified and normalize_email(user.email) == invite.email


def shares_agreed(submission: Submission) -> bool:
    """Every member accepted the current split, and it covers the whole prize."""
    members = submission.members
    total = sum(m.share_bp for m in members)
    return total == FULL_SHARE_BP and all(m.shares_accepted_at for m in members)


def _check_open(submission: Submission) -> None:
    if utcnow() >= submission.challenge.closes_at:
        raise Conflict(_("The deadline has passed: the team and its shares are frozen."))
    if not team_is_open(submission):
        raise Conflict(_("This entry's team can no longer change."))


def _members(submission: Submission) -> list[TeamMember]:
    return sorted(submission.members, key=lambda m: (m.role != TeamRole.OWNER, m.id))


def _apply_split(members: list[TeamMember], split: Mapping[int, int]) -> None:
    """Set the shares; the owner proposed them, so only the others must accept again."""
    now = utcnow()
    for member in members:
        member.share_bp = split[member.user_id]
        member.shares_accepted_at = now if member.role == TeamRole.OWNER else None


def _reset_split(submission: Submission) -> None:
    members = _members(submission)
    _apply_split(members, default_split([m.user_id for m in members]))


def pending_invites(submission: Submission) -> list[TeamInvite]:
    query = sa.select(TeamInvite).filter_by(submission_id=submission.id, status="pending")
    return list(db.session.scalars(query.order_by(TeamInvite.id)))


def _resolve(text: str) -> tuple[User | None, str, str]:
    """(user if one exists, e-mail to write to, how to name them back to the owner)."""
    text = text.strip()
    if "@" in text.lstrip("@"):
        email = normalize_email(text)
        if len(email) > 254 or not EMAIL_SHAPE.match(email):
            raise ValidationFailed(
                _("Enter a handle (like @ada) or an e-mail address."), field=FIELD
            )
        return get_user_by_email(email), email, email
    handle = text.lstrip("@").lower()
    user = get_user_by_handle(handle)
    if user is None:
        message = _(
            "No one has the handle @%(handle)s. Check it, or invite them by e-mail.", handle=handle
        )
        raise ValidationFailed(message, field=FIELD)
    return user, user.email, f"@{user.handle}"


@_rolls_back
def invite_teammate(*, actor: User, submission: Submission, handle_or_email: str) -> TeamInvite:
    """The owner invites by handle or e-mail while the team has room; e-mails the link."""
    ensure(is_owner(actor, submission), _("Only the entry's owner can invite teammates."))
    challenge = submission.challenge
    if challenge.max_team_size <= 1:
        raise Conflict(_("This challenge accepts solo entries only."))
    user, email, label = _resolve(handle_or_email)
    if (user is not None and user.id == actor.id) or email == normalize_email(actor.email):
        raise ValidationFailed(_("You cannot invite yourself: you are on the team."), field=FIELD)
    submission = lock_submission(submission)
    _check_open(submission)
    if user is not None:
        if user.id in submission.member_ids():
            raise Conflict(_("%(who)s is already on this team.", who=label))
        if entry_of(user, challenge) is not None:
            raise Conflict(_("%(who)s is already in another entry of this challenge.", who=label))
    pending = pending_invites(submission)
    if any(i.email == email or (user and i.user_id == user.id) for i in pending):
        raise Conflict(_("%(who)s already has a pending invitation to this team.", who=label))
    if len(submission.members) + len(pending) >= challenge.max_team_size:
        raise _team_full(challenge.max_team_size)
    invite = TeamInvite(submission_id=submission.id, email=email, invited_by_id=actor.id)
    invite.user_id = user.id if user else None
    db.session.add(invite)
    db.session.flush()
    link = external_url("submissions.team_invite", invite_id=invite.id)
    with recipient_locale(user):
        subject = _("%(name)s invited you to their team on OpenPrize", name=actor.display_name)
        body = _(
            "%(name)s invited you to join their entry in “%(challenge)s”. Accept or decline "
            "(sign up with this address first if you have no account):\n%(link)s\n\n"
            "The invitation lapses at the deadline, %(when)s UTC.\n",
            name=actor.display_name,
            challenge=challenge.title,
            link=link,
            when=challenge.closes_at.strftime("%Y-%m-%d %H:%M"),
        )
    send_mail(email, subject, body)
    db.session.commit()  # the invitation and its e-mail together
    return invite


def _invite_in_play(invite: TeamInvite, invitee: User | None = None) -> Submission:
    """Lock the entry, then check the invitation is still pending and the team still open."""
    if invitee is not None and not is_invitee(invitee, invite):
        raise NotFound(_("There is no such invitation for you."))
    submission = lock_submission(invite.submission)
    db.session.refresh(invite)
    if invite.status != InviteStatus.PENDING:
        if invite.status == InviteStatus.ACCEPTED:
            raise Conflict(_("This invitation was already accepted."))
        if invite.status == InviteStatus.DECLINED:
            raise Conflict(_("This invitation was already declined."))
        raise Conflict(_("This invitation was already revoked."))
    _check_open(submission)
    return submission


@_rolls_back
def accept_invite(*, actor: User, invite: TeamInvite) -> TeamMember:
    """The invitee joins; shares reset to an equal split the others must accept again."""
    submission = _invite_in_play(invite, actor)
    ensure(actor.is_verified, _("Confirm your e-mail address before joining a team."))
    challenge = submission.challenge
    ensure(not is_sponsor_member(actor, challenge), _("The sponsor's members cannot join entries."))
    if entry_of(actor, challenge) is not None:
        raise Conflict(
            _(
                "You are already in another entry of this challenge: leave it before joining "
                "this team."
            )
        )
    if len(submission.members) >= challenge.max_team_size:
        raise _team_full(challenge.max_team_size)
    member = TeamMember(challenge_id=challenge.id, user_id=actor.id, role=TeamRole.MEMBER)
    submission.members.append(member)
    invite.status, invite.user_id, invite.responded_at = InviteStatus.ACCEPTED, actor.id, utcnow()
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:  # joined another entry between check and insert
        db.session.rollback()
        raise Conflict(_("You are already in another entry of this challenge.")) from error
    _reset_split(submission)
    db.session.commit()
    return member


@_rolls_back
def decline_invite(*, actor: User, invite: TeamInvite) -> TeamInvite:
    """The invitee says no; the owner may invite someone else in the freed place."""
    _invite_in_play(invite, actor)
    invite.status, invite.responded_at = InviteStatus.DECLINED, utcnow()
    db.session.commit()
    return invite


@_rolls_back
def revoke_invite(*, actor: User, invite: TeamInvite) -> TeamInvite:
    """The owner withdraws a pending invitation before the deadline."""
    ensure(is_owner(actor, invite.submission), _("Only the entry's owner can revoke invitations."))
    _invite_in_play(invite)
    invite.status, invite.responded_at = InviteStatus.REVOKED, utcnow()
    db.session.commit()
    return invite


@_rolls_back
def remove_teammate(*, actor: User, submission: Submission, user_id: int) -> None:
    """The owner removes a member or a member leaves; shares reset to an equal split."""
    allowed = is_owner(actor, submission) or getattr(actor, "id", None) == user_id
    ensure(allowed, _("Only the entry's owner can remove teammates; members can leave."))
    submission = lock_submission(submission)
    _check_open(submission)
    member = next((m for m in submission.members if m.user_id == user_id), None)
    if member is None:
        raise NotFound(_("That person is not on this team."))
    if member.role == TeamRole.OWNER:
        raise ValidationFailed(_("The owner cannot leave the entry; withdraw it instead."))
    submission.members.remove(member)
    db.session.flush()
    _reset_split(submission)
    db.session.commit()


@_rolls_back
def propose_shares(*, actor: User, submission: Submission, shares: Mapping[int, int]) -> None:
    """The owner proposes basis points per member; the others must accept it again."""
    ensure(is_owner(actor, submission), _("Only the entry's owner can propose the shares."))
    submission = lock_submission(submission)
    _check_open(submission)
    members = _members(submission)
    clean = check_shares(shares, [m.user_id for m in members])
    if any(m.share_bp != clean[m.user_id] for m in members):
        _apply_split(members, clean)
    db.session.commit()


@_rolls_back
def accept_shares(
    *, actor: User, submission: Submission, seen: Mapping[int, int] | None = None
) -> None:
    """A member accepts the split; refused if it differs from ``seen`` (what they were shown)."""
    ensure(is_team_member(actor, submission), _("Only members of the team can accept the shares."))
    submission = lock_submission(submission)
    _check_open(submission)
    members = _members(submission)
    if seen is not None and dict(seen) != {m.user_id: m.share_bp for m in members}:
        raise Conflict(
            _("The shares changed since you opened the page. Review them and accept again.")
        )
    mine = next(m for m in members if m.user_id == actor.id)
    mine.shares_accepted_at = mine.shares_accepted_at or utcnow()
    db.session.commit()
