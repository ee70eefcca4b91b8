"""Constructed entrants with declared backgrounds for the diversity analytics tests."""

from __future__ import annotations

from datetime import timedelta

from accounts.models import User
from challenges.models import Challenge
from core.db import db, utcnow
from judging.models import Round, RoundEntry
from submissions.models import Submission, SubmissionStatus, TeamMember, TeamRole
from tests.factories import make_user


def solver(handle: str, **background: str | None) -> User:
    user = make_user(handle)
    for key, value in background.items():
        setattr(user, f"bg_{key}", value)
    db.session.commit()
    return user


def entry(
    challenge: Challenge,
    people: list[User],
    *,
    submitted: bool = True,
    days_ago: int = 10,
    finalist: bool = False,
) -> Submission:
    at = utcnow() - timedelta(days=days_ago)
    submission = Submission(
        challenge_id=challenge.id,
        owner_id=people[0].id,
        title=f"Entry by {people[0].handle}",
        status=SubmissionStatus.SUBMITTED if submitted else SubmissionStatus.DRAFT,
        first_submitted_at=at if submitted else None,
        last_submitted_at=at if submitted else None,
    )
    db.session.add(submission)
    db.session.flush()
    for i, person in enumerate(people):
        db.session.add(
            TeamMember(
                submission_id=submission.id,
                challenge_id=challenge.id,
                user_id=person.id,
                role=TeamRole.OWNER if i == 0 else TeamRole.MEMBER,
            )
        )
    if finalist:
        db.session.add(
            RoundEntry(challenge_id=challenge.id, round=Round.FINALIST, submission_id=submission.id)
        )
    db.session.commit()
    return submission
