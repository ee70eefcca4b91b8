"""Factories that build valid domain objects through the real models."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from accounts.models import Membership, Organization, OrgRole, User
from accounts.passwords import hash_password
from accounts.terms import accepted_now
from challenges.drafts import ChallengeInput, TierInput
from core.db import db, utcnow

if TYPE_CHECKING:
    from challenges.models import Challenge

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _password_hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def make_user(
    handle: str | None = None,
    *,
    email: str | None = None,
    verified: bool = True,
    admin: bool = False,
    password: str = PASSWORD,
    display_name: str | None = None,
) -> User:
    n = next(_counter)
    handle = handle or f"user{n}"
    user = User(
        email=email or f"{handle}@example.org",
        handle=handle,
        display_name=display_name or handle.title(),
        password_hash=_password_hash(password),
        email_verified_at=utcnow() if verified else None,
        is_admin=admin,
        **accepted_now(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_org(
    name: str | None = None, *, owner: User | None = None, slug: str | None = None
) -> Organization:
    n = next(_counter)
    name = name or f"Org {n}"
    org = Organization(name=name, slug=slug or f"org-{n}")
    db.session.add(org)
    db.session.flush()
    if owner is not None:
        db.session.add(Membership(user_id=owner.id, org_id=org.id, role=OrgRole.OWNER))
    db.session.commit()
    return org


def add_member(org: Organization, user: User, role: OrgRole = OrgRole.MEMBER) -> Membership:
    membership = Membership(user_id=user.id, org_id=org.id, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def make_challenge(
    org: Organization,
    *,
    title: str = "Grid Storage Challenge",
    slug: str | None = None,
    phase: str = "open",
    published: bool = True,
    review_state: str | None = None,
    tiers: list[tuple[str, int]] | None = None,
    currency: str = "USD",
    visibility: str = "public_after_close",
    summary: str = "Store a day of solar power for less than it costs to make.",
    description: str = "Batteries, pumped hydro or anything else that works at grid scale.",
    category: str = "Energy & climate",
    tags: str = "storage,grid",
    max_team_size: int = 3,
) -> Challenge:
    """A challenge in ``phase`` (upcoming, open, judging, awarded, cancelled) relative to now."""

    from challenges.models import Challenge, PrizeTier

    now = utcnow()
    day = timedelta(days=1)
    opens, closes = {
        "upcoming": (now + 5 * day, now + 30 * day),
        "open": (now - 5 * day, now + 30 * day),
        "judging": (now - 40 * day, now - 2 * day),
        "awarded": (now - 60 * day, now - 30 * day),
        "cancelled": (now - 5 * day, now + 30 * day),
    }[phase]
    tiers = tiers or [("First prize", 1_000_000), ("Second prize", 500_000)]
    n = next(_counter)
    challenge = Challenge(
        org_id=org.id,
        slug=slug or f"challenge-{n}",
        title=title,
        summary=summary,
        category=category,
        tags=tags,
        description_md=description,
        rules_md="Submit a PDF.",
        eligibility_md="Everyone over 18.",
        currency=currency,
        timezone="UTC",
        opens_at=opens,
        closes_at=closes,
        judging_ends_at=closes + 20 * day,
        max_team_size=max_team_size,
        solution_visibility=visibility,
        submission_license="CC-BY-4.0",
        ip_on_award="solver_retains",
        judging_transparency="scores_to_solver",
        review_state=review_state or ("approved" if published else "draft"),
        prize_tiers=[
            PrizeTier(place=i + 1, label=label, amount=amount)
            for i, (label, amount) in enumerate(tiers)
        ],
        purse_amount=sum(amount for _, amount in tiers),
    )
    if published:
        challenge.approved_at = opens - 10 * day
        challenge.funded_amount = challenge.purse_amount
        challenge.funded_at = opens - 9 * day
        challenge.published_at = opens - 9 * day
    if phase == "awarded":
        challenge.awarded_at = closes + 10 * day
    if phase == "cancelled":
        challenge.cancelled_at = now - day
        challenge.cancel_reason = "Budget withdrawn."
    db.session.add(challenge)
    db.session.commit()
    return challenge


def without_blind_review(challenge: Challenge) -> None:
    """Switch blind review off (it is on by default), so pages name the authors of entries."""
    from judging.models import JudgingSettings

    settings = db.session.get(JudgingSettings, challenge.id)
    if settings is None:
        settings = JudgingSettings(challenge_id=challenge.id)
        db.session.add(settings)
    settings.blind_review = False
    db.session.commit()


def challenge_input(**changes: object) -> ChallengeInput:
    """A valid draft's input (opening tomorrow, two USD prizes), with ``changes`` applied."""
    now, day = utcnow(), timedelta(days=1)
    data = ChallengeInput(
        title="Cheap Grid Storage",
        summary="Store solar power cheaply.",
        category="Energy & climate",
        tags=["storage", "grid"],
        description_md="Problem **statement**.",
        rules_md="Rules.",
        eligibility_md="Anyone.",
        currency="USD",
        timezone="Europe/Berlin",
        opens_at=now + day,
        closes_at=now + 30 * day,
        judging_ends_at=now + 60 * day,
        max_team_size=3,
        community_voting=False,
        solution_visibility="public_after_close",
        submission_license="CC-BY-4.0",
        ip_on_award="solver_retains",
        judging_transparency="scores_public",
        tiers=[TierInput("First prize", 5_000_000), TierInput("Second prize", 2_000_000)],
    )
    return replace(data, **changes)
