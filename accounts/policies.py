"""Who may do what with accounts and organizations: the one place these rules live."""

from __future__ import annotations

import sqlalchemy as sa

from accounts.models import Membership, Organization, OrgRole, User
from core.db import db


def is_signed_in(user: User | None) -> bool:
    """True for a signed-in user; false for ``None`` and Flask-Login's anonymous visitor."""
    return user is not None and getattr(user, "is_authenticated", False)


def org_role(user: User | None, org: Organization) -> OrgRole | None:
    """The user's role in ``org``, or ``None``."""
    if not is_signed_in(user):
        return None
    role = db.session.scalar(
        sa.select(Membership.role).where(Membership.user_id == user.id, Membership.org_id == org.id)
    )
    return OrgRole(role) if role else None


def is_admin(user: User | None) -> bool:
    return is_signed_in(user) and bool(user.is_admin)


def can_create_org(user: User | None) -> bool:
    return is_signed_in(user) and user.is_verified


def can_edit_org(user: User | None, org: Organization) -> bool:
    return org_role(user, org) in {OrgRole.OWNER, OrgRole.MANAGER}


def can_manage_members(user: User | None, org: Organization) -> bool:
    return org_role(user, org) == OrgRole.OWNER


def can_view_members(user: User | None, org: Organization) -> bool:
    return org_role(user, org) is not None or is_admin(user)


def can_leave_org(user: User | None, membership: Membership) -> bool:
    return is_signed_in(user) and membership.user_id == user.id


def can_view_admin(user: User | None) -> bool:
    return is_admin(user)


TEMPLATE_POLICIES = {
    "can_create_org": can_create_org,
    "can_edit_org": can_edit_org,
    "can_manage_members": can_manage_members,
    "can_view_members": can_view_members,
    "can_view_admin": can_view_admin,
    "org_role": org_role,
}
