"""Builders for community-voting tests: old-enough voters, quick entries, a voting world."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from accounts.models import User
from challenges.models import Challenge
from core.db import db, utcnow
from judging.voting import votes as voting
from judging.voting.models import Vote
from submissions.models import Submission, SubmissionStatus, TeamMember, TeamRole
from tests.factories import make_user
from tests.judging_support import World, sponsor_world

DAY = timedelta(days=1)


def voter(handle: str, *, age_days: float = 30, verified: bool = True) -> User:
    """An account ``age_days`` old (voters must be at least 7 days old)."""
    user = make_user(handle, email=f"{handle}@{handle}.example", verified=verified)
    user.created_at = utcnow() - age_days * DAY
    db.session.commit()
    return user


def quick_entry(challenge: Challenge, owner: User, title: str) -> Submission:
    """A submitted entry written straight to the tables (for tests needing many entries)."""
    entry = Submission(
        challenge_id=challenge.id,
        owner_id=owner.id,
        title=title,
        status=SubmissionStatus.SUBMITTED,
        current_version=1,
        first_submitted_at=utcnow(),
        last_submitted_at=utcnow(),
    )
    entry.members.append(
        TeamMember(challenge_id=challenge.id, user_id=owner.id, role=TeamRole.OWNER)
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def voting_world(entries: int = 3, visibility: str = "public_on_submit") -> World:
    """The open "grid" challenge with community voting, public entries by solver1.. ."""
    world = sponsor_world()
    world.challenge.community_voting = True
    world.challenge.solution_visibility = visibility
    db.session.commit()
    for n in range(1, entries + 1):
        world.entries.append(quick_entry(world.challenge, voter(f"solver{n}"), f"Entry {n}"))
    return world


def cast(user: User, entry: Submission, value: int = 1, ip: str | None = None) -> Vote | None:
    return voting.cast_vote(actor=user, submission=entry, value=value, ip=ip)


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
