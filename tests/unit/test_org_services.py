"""Organization services: creation, invitations, roles and the last-owner rule."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from accounts import org_services as services
from accounts.models import Invitation, Membership, OrgRole
from accounts.policies import org_role
from core.db import db
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.mail import Mail
from tests.factories import add_member, make_org, make_user


def _token(mail: Mail) -> str:
    match = re.search(r"/invitations/(\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def _memberships() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership))


def test_verified_user_creates_org_and_becomes_owner() -> None:
    user = make_user("founder")
    org = services.create_organization(
        actor=user, name="Helios Energy", website="https://helios.example", description=""
    )
    assert org.slug == "helios-energy"
    assert org_role(user, org) == OrgRole.OWNER


def test_slugs_stay_unique_for_equal_names() -> None:
    user = make_user("founder")
    first = services.create_organization(actor=user, name="Acme", website="", description="")
    second = services.create_organization(actor=user, name="ACME!", website="", description="")
    assert (first.slug, second.slug) == ("acme", "acme-2")


def test_unverified_user_cannot_create_org() -> None:
    user = make_user("newbie", verified=False)
    with pytest.raises(PermissionDenied):
        services.create_organization(actor=user, name="Nope", website="", description="")
    assert _memberships() == 0


def test_invitation_accepted_by_the_invited_address_adds_member(mails: list[Mail]) -> None:
    owner = make_user("owner")
    org = make_org(owner=owner)
    invitee = make_user("invitee")
    services.invite_member(actor=owner, org=org, email="INVITEE@example.org", role=OrgRole.MANAGER)
    membership = services.accept_invitation(actor=invitee, token=_token(mails[-1]))
    assert membership.role == OrgRole.MANAGER
    assert org_role(invitee, org) == OrgRole.MANAGER


def test_invitation_for_another_address_is_refused(mails: list[Mail]) -> None:
    owner = make_user("owner")
    org = make_org(owner=owner)
    services.invite_member(actor=owner, org=org, email="someone@example.org", role=OrgRole.MEMBER)
    intruder = make_user("intruder")
    with pytest.raises(ValidationFailed, match="different e-mail"):
        services.accept_invitation(actor=intruder, token=_token(mails[-1]))
    assert org_role(intruder, org) is None


def test_invitation_cannot_be_used_twice_or_after_revocation(mails: list[Mail]) -> None:
    owner = make_user("owner")
    org = make_org(owner=owner)
    invitee = make_user("invitee")
    services.invite_member(actor=owner, org=org, email=invitee.email, role=OrgRole.MEMBER)
    token = _token(mails[-1])
    services.accept_invitation(actor=invitee, token=token)
    with pytest.raises(Conflict, match="already been accepted"):
        services.accept_invitation(actor=invitee, token=token)

    other = make_user("other")
    invitation = services.invite_member(
        actor=owner, org=org, email=other.email, role=OrgRole.MEMBER
    )
    services.revoke_invitation(actor=owner, invitation=invitation)
    with pytest.raises(Conflict, match="withdrawn"):
        services.accept_invitation(actor=other, token=_token(mails[-1]))
    assert org_role(other, org) is None


def test_reinviting_a_pending_address_reuses_the_invitation(mails: list[Mail]) -> None:
    owner = make_user("owner")
    org = make_org(owner=owner)
    services.invite_member(actor=owner, org=org, email="x@example.org", role=OrgRole.MEMBER)
    services.invite_member(actor=owner, org=org, email="x@example.org", role=OrgRole.MANAGER)
    invitations = db.session.scalars(sa.select(Invitation)).all()
    assert len(invitations) == 1 and invitations[0].role == OrgRole.MANAGER
    assert len(mails) == 2


def test_inviting_an_existing_member_is_refused() -> None:
    owner = make_user("owner")
    org = make_org(owner=owner)
    with pytest.raises(ValidationFailed, match="already a member"):
        services.invite_member(actor=owner, org=org, email=owner.email, role=OrgRole.MEMBER)


@pytest.mark.parametrize("role", [OrgRole.MANAGER, OrgRole.MEMBER])
def test_only_owners_invite(role: OrgRole) -> None:
    owner = make_user("owner")
    org = make_org(owner=owner)
    someone = make_user("someone")
    add_member(org, someone, role)
    with pytest.raises(PermissionDenied):
        services.invite_member(actor=someone, org=org, email="x@example.org", role=OrgRole.OWNER)


def test_last_owner_can_be_neither_demoted_nor_removed() -> None:
    owner = make_user("owner")
    org = make_org(owner=owner)
    membership = db.session.scalar(sa.select(Membership))
    with pytest.raises(Conflict, match="at least one owner"):
        services.change_role(actor=owner, membership=membership, role=OrgRole.MEMBER)
    with pytest.raises(Conflict, match="last owner"):
        services.remove_member(actor=owner, membership=membership)
    db.session.rollback()
    assert org_role(owner, org) == OrgRole.OWNER


def test_with_two_owners_one_can_step_down() -> None:
    owner = make_user("owner")
    org = make_org(owner=owner)
    second = make_user("second")
    add_member(org, second, OrgRole.OWNER)
    mine = db.session.scalar(sa.select(Membership).where(Membership.user_id == owner.id))
    services.change_role(actor=owner, membership=mine, role=OrgRole.MANAGER)
    assert org_role(owner, org) == OrgRole.MANAGER
    theirs = db.session.scalar(sa.select(Membership).where(Membership.user_id == second.id))
    with pytest.raises(Conflict):
        services.remove_member(actor=second, membership=theirs)


def test_member_may_leave_but_not_remove_others() -> None:
    owner = make_user("owner")
    org = make_org(owner=owner)
    member = add_member(org, make_user("member"))
    other = add_member(org, make_user("other"))
    with pytest.raises(PermissionDenied):
        services.remove_member(actor=member.user, membership=other)
    services.remove_member(actor=member.user, membership=member)
    assert _memberships() == 2
