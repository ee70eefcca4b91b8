"""Who may see a challenge's ledger entries and manage payouts."""

from __future__ import annotations

from accounts.models import User
from accounts.policies import is_admin, org_role
from challenges.models import Challenge
from challenges.policies import SPONSOR_ROLES


def can_view_ledger(user: User | None, challenge: Challenge) -> bool:
    """The sponsor's owners and managers, and platform admins, see each entry."""
    return is_admin(user) or org_role(user, challenge.organization) in SPONSOR_ROLES


def can_manage_payouts(user: User | None) -> bool:
    return is_admin(user)


TEMPLATE_POLICIES = {"can_view_ledger": can_view_ledger, "can_manage_payouts": can_manage_payouts}
