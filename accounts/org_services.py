"""Organization operations: create, edit, invite, accept, change roles, remove members."""

from __future__ import annotations

from contextlib import nullcontext

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import (
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    OrgRole,
    User,
)
from accounts.policies import can_create_org, can_edit_org, can_leave_org, can_manage_members
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from core.i18n import recipient_locale
from core.mail import send_mail
from core.slugs import unique_slug
from core.text import check_web_url, normalize_email
from core.tokens import make_token, read_token
from core.urls import external_url

INVITE_PURPOSE = "org-invitation"
# A role as a sentence names it ("... is now manager"); pages capitalise it where it heads a cell.
ROLE_NAMES = {
    OrgRole.OWNER.value: _l("owner"),
    OrgRole.MANAGER.value: _l("manager"),
    OrgRole.MEMBER.value: _l("member"),
}


def get_org_by_slug(slug: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(Organization.slug == slug))


def create_organization(*, actor: User, name: str, website: str, description: str) -> Organization:
    """Create an organization with the actor as its first owner."""
    ensure(can_create_org(actor), _("Verify your e-mail address before creating an organization."))
    org = Organization(
        name=name.strip(),
        slug=unique_slug(Organization.slug, name),
        website=check_web_url(website),
        description=description.strip(),
    )
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(user_id=actor.id, org_id=org.id, role=OrgRole.OWNER))
    db.session.commit()
    return org


def update_organization(
    *, actor: User, org: Organization, name: str, website: str, description: str
) -> Organization:
    """Edit the public details; the slug stays stable so links keep working."""
    ensure(can_edit_org(actor, org), _("Only owners and managers can edit the organization."))
    org.name = name.strip()
    org.website = check_web_url(website)
    org.description = description.strip()
    db.session.commit()
    return org


def list_members(org: Organization) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership)
            .where(Membership.org_id == org.id)
            .options(sa.orm.joinedload(Membership.user))
            .order_by(Membership.created_at, Membership.id)
        )
    )


def pending_invitations(org: Organization) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.org_id == org.id, Invitation.status == InvitationStatus.PENDING)
            .order_by(Invitation.created_at.desc())
        )
    )


def invite_member(*, actor: User, org: Organization, email: str, role: OrgRole) -> Invitation:
    """Invite an e-mail address with a role; re-inviting a pending address re-sends the link."""
    ensure(can_manage_members(actor, org), _("Only owners can invite members."))
    email = normalize_email(email)
    role = OrgRole(role)
    already = db.session.scalar(
        sa.select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id, User.email == email)
    )
    if already:
        raise ValidationFailed(
            _("%(email)s is already a member of %(org)s.", email=email, org=org.name), field="email"
        )
    invitation = db.session.scalar(
        sa.select(Invitation).where(
            Invitation.org_id == org.id,
            Invitation.email == email,
            Invitation.status == InvitationStatus.PENDING,
        )
    )
    if invitation is None:
        invitation = Invitation(org_id=org.id, email=email, role=role, invited_by_id=actor.id)
        db.session.add(invitation)
    else:
        invitation.role = role
        invitation.created_at = utcnow()
    db.session.flush()
    _send_invitation(invitation, org, actor)
    db.session.commit()
    return invitation


def _send_invitation(invitation: Invitation, org: Organization, actor: User) -> None:
    token = make_token(INVITE_PURPOSE, {"iid": invitation.id, "email": invitation.email})
    link = external_url("orgs.invitation", token=token)
    # In the invitee's language when the address has an account, else in the inviter's.
    invitee = db.session.scalar(sa.select(User).where(User.email == invitation.email))
    with recipient_locale(invitee) if invitee is not None else nullcontext():
        subject = _(
            "%(name)s invited you to %(org)s on OpenPrize", name=actor.display_name, org=org.name
        )
        body = _(
            "%(name)s invited you to join %(org)s as %(role)s.\n\n"
            "Accept the invitation here (sign up first with this e-mail address if you have no "
            "account):\n%(link)s\n\nThe link is valid for 14 days.\n",
            name=actor.display_name,
            org=org.name,
            role=ROLE_NAMES[invitation.role],
            link=link,
        )
    send_mail(invitation.email, subject, body)


def invitation_from_token(token: str) -> Invitation:
    payload = read_token(INVITE_PURPOSE, token, current_app.config["INVITATION_MAX_AGE"])
    invitation = db.session.get(Invitation, payload.get("iid"))
    if invitation is None or invitation.email != payload.get("email"):
        raise NotFound(_("This invitation does not exist any more."))
    return invitation


def accept_invitation(*, actor: User, token: str) -> Membership:
    """Join the inviting organization; the actor's e-mail must be the invited one."""
    invitation = invitation_from_token(token)
    if invitation.status == InvitationStatus.ACCEPTED:
        raise Conflict(_("This invitation has already been accepted."))
    if invitation.status == InvitationStatus.REVOKED:
        raise Conflict(_("This invitation was withdrawn by the organization."))
    if actor.email != invitation.email:
        raise ValidationFailed(
            _(
                "This invitation was sent to a different e-mail address. Sign in with the "
                "account for that address to accept it."
            )
        )
    existing = db.session.scalar(
        sa.select(Membership).where(
            Membership.org_id == invitation.org_id, Membership.user_id == actor.id
        )
    )
    if existing is not None:
        raise Conflict(_("You are already a member of this organization."))
    membership = Membership(user_id=actor.id, org_id=invitation.org_id, role=invitation.role)
    db.session.add(membership)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by_id = actor.id
    invitation.responded_at = utcnow()
    if actor.email_verified_at is None:
        actor.email_verified_at = utcnow()  # the link proved control of the mailbox
    db.session.commit()
    return membership


def revoke_invitation(*, actor: User, invitation: Invitation) -> None:
    """Withdraw a pending invitation; its link stops working."""
    ensure(can_manage_members(actor, invitation.organization), _("Only owners can do that."))
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(_("Only pending invitations can be withdrawn."))
    invitation.status = InvitationStatus.REVOKED
    invitation.responded_at = utcnow()
    db.session.commit()


def _owner_count(org_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Membership)
        .where(Membership.org_id == org_id, Membership.role == OrgRole.OWNER)
    )


def _lock_org(org_id: int) -> None:
    # Serialises concurrent role changes so two owners cannot demote each other at once.
    db.session.execute(
        sa.select(Organization.id).where(Organization.id == org_id).with_for_update()
    )


def change_role(*, actor: User, membership: Membership, role: OrgRole) -> Membership:
    """Give a member another role; the last owner cannot be demoted."""
    ensure(can_manage_members(actor, membership.organization), _("Only owners can change roles."))
    role = OrgRole(role)
    _lock_org(membership.org_id)
    demoting = membership.role == OrgRole.OWNER and role != OrgRole.OWNER
    if demoting and _owner_count(membership.org_id) <= 1:
        raise Conflict(
            _("An organization needs at least one owner. Make someone else owner first.")
        )
    membership.role = role
    db.session.commit()
    return membership


def remove_member(*, actor: User, membership: Membership) -> None:
    """Remove a member (owners), or leave (the member); never the last owner."""
    ensure(
        can_manage_members(actor, membership.organization) or can_leave_org(actor, membership),
        _("Only owners can remove members."),
    )
    _lock_org(membership.org_id)
    if membership.role == OrgRole.OWNER and _owner_count(membership.org_id) <= 1:
        raise Conflict(_("The last owner cannot be removed. Make someone else owner first."))
    db.session.delete(membership)
    db.session.commit()


def user_organizations(user: User) -> list[tuple[Organization, OrgRole]]:
    rows = db.session.execute(
        sa.select(Organization, Membership.role)
        .join(Membership, Membership.org_id == Organization.id)
        .where(Membership.user_id == user.id)
        .order_by(Organization.name)
    )
    return [(org, OrgRole(role)) for org, role in rows]
