"""Who may do what with challenges: the one place these rules live."""

from __future__ import annotations

from accounts.models import Organization, OrgRole, User
from accounts.policies import is_admin, is_signed_in, org_role
from challenges.models import Challenge, Phase, ReviewState

SPONSOR_ROLES = {OrgRole.OWNER, OrgRole.MANAGER}
ASKING_PHASES = {Phase.UPCOMING, Phase.OPEN}


def is_sponsor_member(user: User | None, challenge: Challenge) -> bool:
    """Any member of the sponsoring organization (owner, manager or member)."""
    return org_role(user, challenge.organization) is not None


def can_create_challenge(user: User | None, org: Organization) -> bool:
    return is_signed_in(user) and user.is_verified and org_role(user, org) in SPONSOR_ROLES


def can_view_challenge(user: User | None, challenge: Challenge) -> bool:
    if challenge.published_at is not None:
        return True
    return is_sponsor_member(user, challenge) or is_admin(user)


def is_sponsor_manager(user: User | None, challenge: Challenge) -> bool:
    """An owner or manager of the sponsor: who edits the challenge while it may change."""
    return org_role(user, challenge.organization) in SPONSOR_ROLES


def can_edit_challenge(user: User | None, challenge: Challenge) -> bool:
    if challenge.cancelled_at is not None or challenge.awarded_at is not None:
        return False
    return org_role(user, challenge.organization) in SPONSOR_ROLES


def can_submit_for_review(user: User | None, challenge: Challenge) -> bool:
    return can_edit_challenge(user, challenge) and challenge.review_state in {
        ReviewState.DRAFT,
        ReviewState.CHANGES_REQUESTED,
    }


def can_review_challenge(user: User | None, challenge: Challenge) -> bool:
    return is_admin(user) and challenge.review_state == ReviewState.IN_REVIEW


def can_fund_challenge(user: User | None, challenge: Challenge) -> bool:
    return (
        org_role(user, challenge.organization) == OrgRole.OWNER
        and challenge.review_state == ReviewState.APPROVED
        and challenge.cancelled_at is None
        and challenge.funding_needed > 0
    )


def can_cancel_challenge(user: User | None, challenge: Challenge) -> bool:
    return (
        org_role(user, challenge.organization) == OrgRole.OWNER
        and challenge.cancelled_at is None
        and challenge.awarded_at is None
    )


def can_ask_question(user: User | None, challenge: Challenge) -> bool:
    """Entrants and the public ask; the sponsor answers (and posts updates) instead."""
    return (
        is_signed_in(user)
        and challenge.phase() in ASKING_PHASES
        and not is_sponsor_member(user, challenge)
    )


def can_answer_question(user: User | None, challenge: Challenge) -> bool:
    return org_role(user, challenge.organization) in SPONSOR_ROLES


def can_post_update(user: User | None, challenge: Challenge) -> bool:
    return (
        org_role(user, challenge.organization) in SPONSOR_ROLES
        and challenge.published_at is not None
        and challenge.cancelled_at is None
    )


def can_follow(user: User | None, challenge: Challenge) -> bool:
    return is_signed_in(user) and challenge.published_at is not None


TEMPLATE_POLICIES = {
    "can_create_challenge": can_create_challenge,
    "can_edit_challenge": can_edit_challenge,
    "can_submit_for_review": can_submit_for_review,
    "can_review_challenge": can_review_challenge,
    "can_fund_challenge": can_fund_challenge,
    "can_cancel_challenge": can_cancel_challenge,
    "can_ask_question": can_ask_question,
    "can_answer_question": can_answer_question,
    "can_post_update": can_post_update,
    "can_follow": can_follow,
    "is_sponsor_member": is_sponsor_member,
}
