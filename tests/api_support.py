"""Builders for API tests: entries entered and submitted through the services, as solvers do."""

from __future__ import annotations

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from submissions import services
from submissions.models import Submission, TeamMember, TeamRole


def submit(
    challenge: Challenge, solver: User, title: str, teammate: User | None = None
) -> Submission:
    entry = services.enter_challenge(
        actor=solver, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    if teammate is not None:
        db.session.add(
            TeamMember(
                submission_id=entry.id,
                challenge_id=challenge.id,
                user_id=teammate.id,
                role=TeamRole.MEMBER,
            )
        )
        db.session.commit()
    text = services.EntryText(
        title, "A summary.", "The body.", "https://example.org/a\nhttps://example.org/b"
    )
    services.save_entry(actor=solver, submission=entry, text=text, base_version=0, submit=True)
    return entry
