"""Entries made the way solvers make them, for the gallery's tests."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from submissions import services
from submissions.models import Submission, TeamMember, TeamRole
from tests.factories import make_user


def submit(
    challenge: Challenge,
    solver: User | None = None,
    *,
    title: str = "Heat battery",
    summary: str = "Sand in a silo.",
    teammates: Iterable[User] = (),
    final: bool = True,
) -> Submission:
    """An entry made through the services while the challenge is open."""
    solver = solver or make_user()
    entry = services.enter_challenge(
        actor=solver, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    for mate in teammates:
        db.session.add(
            TeamMember(
                submission_id=entry.id,
                challenge_id=challenge.id,
                user_id=mate.id,
                role=TeamRole.MEMBER,
            )
        )
    db.session.commit()
    text = services.EntryText(title, summary, "The details.", "")
    services.save_entry(actor=solver, submission=entry, text=text, base_version=0, submit=final)
    return entry
