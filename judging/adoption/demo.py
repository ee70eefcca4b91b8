"""Demo adoption: the awarded demo challenge is moved eight months back, so its winners have
histories over months (one adopted with figures, one not adopted with a reason, one silent),
with approved and pending reuse reports and the 3-month reminder on record."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from accounts.models import User
from challenges.models import Challenge
from core.db import UTCDateTime, db, utcnow
from judging.adoption.models import (
    AdoptionReminder,
    AdoptionStatus,
    AdoptionUpdate,
    ReuseReport,
    ReuseState,
)
from judging.results.models import Award
from submissions.models import Lineage, Submission, SubmissionStatus

AWARDED = "drone-mapping"
BACK = timedelta(days=240)
DAY = timedelta(days=1)


def _move_back(challenge: Challenge, delta: timedelta) -> None:
    """Shift every timestamp of the challenge and of the rows that name it by ``delta``."""
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        columns = [c.key for c in mapper.columns if isinstance(c.type, UTCDateTime)]
        if not columns:
            continue
        if cls is Challenge:
            rows = [challenge]
        elif "challenge_id" in mapper.columns:
            rows = db.session.scalars(sa.select(cls).where(cls.challenge_id == challenge.id)).all()
        else:
            continue
        for row in rows:
            for key in columns:
                value: datetime | None = getattr(row, key)
                if value is not None:
                    setattr(row, key, value - delta)
    db.session.flush()


def seed() -> None:
    challenge = db.session.scalar(sa.select(Challenge).where(Challenge.slug == AWARDED))
    if challenge is None or challenge.awarded_at is None:
        return
    _move_back(challenge, BACK)
    awarded = challenge.awarded_at
    assert awarded is not None
    sponsor = db.session.scalar(sa.select(User).where(User.email == "sponsor@openprize.test"))
    author = sponsor.id if sponsor else None
    awards = db.session.scalars(
        sa.select(Award).where(Award.challenge_id == challenge.id).order_by(Award.id)
    ).all()
    plans: list[list[tuple[int, AdoptionStatus, dict[str, object]]]] = [
        [
            (18, AdoptionStatus.EVALUATING, {"note": "Two estates fly the method on test rows."}),
            (
                74,
                AdoptionStatus.PILOTING,
                {
                    "note": "Pilot over 40 ha in the Barossa with the growers' co-operative.",
                    "links": "https://example.org/barossa-pilot",
                },
            ),
            (
                165,
                AdoptionStatus.ADOPTED,
                {
                    "note": "Now the co-operative's standard irrigation check.",
                    "money_saved": 18_500_000,
                    "people_reached": 1_200,
                    "links": "https://example.org/coop-annual-report",
                },
            ),
        ],
        [
            (30, AdoptionStatus.EVALUATING, {"note": "Compared with our multispectral flights."}),
            (
                118,
                AdoptionStatus.NOT_ADOPTED,
                {"reason": "The maps missed early stress on two of our five grape varieties."},
            ),
        ],
        [],
    ]
    for award, plan in zip(awards, plans, strict=False):
        for days, status, values in plan:
            db.session.add(
                AdoptionUpdate(
                    award_id=award.id,
                    challenge_id=challenge.id,
                    author_id=author,
                    status=status,
                    currency=award.currency,
                    created_at=awarded + days * DAY,
                    **values,
                )
            )
    reporters = {
        u.handle: u.id
        for u in db.session.scalars(sa.select(User).where(User.handle.in_(["kofi", "lena"])))
    }
    reports = [
        (0, "https://example.org/napa-water-study", "A Napa water study uses it.", True),
        (0, "https://example.org/open-agri-toolkit", "Packaged in an open agronomy toolkit.", True),
        (-1, "https://example.org/ag-course", "Taught in a precision agriculture course.", True),
        (
            1,
            "https://example.org/startup-demo",
            "A start-up demo builds on it.",
            False,
        ),
    ]
    for index, url, note, approved in reports:
        if not awards:
            break
        award = awards[index]
        db.session.add(
            ReuseReport(
                submission_id=award.submission_id,
                challenge_id=challenge.id,
                reporter_id=reporters.get("kofi" if approved else "lena"),
                url=url,
                note=note,
                state=ReuseState.APPROVED if approved else ReuseState.PENDING,
                created_at=utcnow() - 20 * DAY,
                decided_at=utcnow() - 18 * DAY if approved else None,
            )
        )
    later = db.session.scalar(
        sa.select(Submission)
        .where(
            Submission.challenge_id != challenge.id,
            Submission.status == SubmissionStatus.SUBMITTED,
        )
        .order_by(Submission.id)
        .limit(1)
    )
    if later is not None and awards:  # reuse on the platform: a later entry builds on a winner
        db.session.add(
            Lineage(
                submission_id=later.id,
                builds_on_id=awards[0].submission_id,
                note="Reuses its image pipeline.",
            )
        )
    db.session.add(
        AdoptionReminder(challenge_id=challenge.id, milestone=3, sent_at=awarded + 91 * DAY)
    )
    db.session.commit()
