"""Benchmark seeding of submissions: owners, versions with real content hashes."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from accounts.models import User
from bench.seed_base import RANDOM_SEED, Sizes, _chunks, _ids
from bench.seed_challenges import ADJECTIVES, SUMMARIES
from challenges.models import Challenge
from core.db import utcnow
from submissions.hashing import content_hash
from submissions.models import (
    FULL_SHARE_BP,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    TeamMember,
    TeamRole,
)

ENTRY_TOPICS = ["membrane", "sensor", "model", "pump", "coating", "app", "kit", "enzyme"]
ENTRY_SENTENCES = [
    "We built a prototype from parts sold in most hardware shops.",
    "Field trials on three sites gave results within ten percent of the laboratory.",
    "The design files and the data are linked below under an open license.",
    "Cost per unit falls below five dollars at a thousand units.",
    "The hardest step was calibration; we solved it with a reference sample.",
]
# Status of the i-th entry: mostly submitted, one in ten a private draft, a few withdrawn.
ENTRY_STATUS = [SubmissionStatus.DRAFT] + [SubmissionStatus.SUBMITTED] * 8
ENTRY_STATUS.append(SubmissionStatus.WITHDRAWN)


def _core_insert(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """Core executemany in chunks: no ORM bookkeeping, for the hundreds of thousands of rows."""
    table = model.__table__
    for chunk in _chunks(rows, 5000):
        session.execute(sa.insert(table), list(chunk))


def _fix_submission_ids(session: Session) -> None:
    """Explicit ids leave PostgreSQL's sequence behind; move it past them."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('submissions', 'id'), "
                "(SELECT coalesce(max(id), 1) FROM submissions))"
            )
        )


def seed_submissions(session: Session, sizes: Sizes) -> None:
    """``sizes.submissions`` entries over the challenges that opened, each with its owner's
    TeamMember row; every non-draft entry has version 1 with its real content hash.

    Entries are spread unevenly (a few busy challenges, a long tail); a person enters a
    challenge at most once, as the unique (challenge, user) member row demands. About a third of
    the challenges are public on submit (``seed_challenges`` mixes openness profiles), so tens of
    thousands of entries are public. ``entrant_count`` is recounted from the rows at the end.
    """
    user_ids = _ids(session, User)
    now = utcnow()
    challenges = session.execute(
        sa.select(Challenge.id, Challenge.opens_at, Challenge.closes_at, Challenge.rules_version)
        .where(Challenge.opens_at <= now)
        .order_by(Challenge.id)
    ).all()
    if not user_ids or not challenges or not sizes.submissions:
        return
    rng = random.Random(RANDOM_SEED + 4)
    # Pareto-like weights: some challenges draw hundreds of entries, most a handful.
    weights = [rng.paretovariate(1.2) for _ in challenges]
    picks = rng.choices(range(len(challenges)), weights=weights, k=sizes.submissions)
    entered = [0] * len(challenges)
    offsets = [rng.randrange(len(user_ids)) for _ in challenges]
    first_id = (session.scalar(sa.select(sa.func.max(Submission.id))) or 0) + 1
    submissions: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    for n, pick in enumerate(picks):
        if entered[pick] >= len(user_ids):
            continue  # everyone already entered this challenge
        challenge_id, opens, closes, rules_version = challenges[pick]
        owner_id = user_ids[(offsets[pick] + entered[pick]) % len(user_ids)]
        entered[pick] += 1
        submission_id = first_id + len(submissions)
        status = ENTRY_STATUS[n % len(ENTRY_STATUS)]
        window = max((min(closes, now) - opens).total_seconds(), 60.0)
        started = opens + timedelta(seconds=rng.uniform(0, window * 0.9))
        submitted = started + timedelta(seconds=rng.uniform(0, window * 0.1))
        topic = rng.choice(ENTRY_TOPICS)
        title = f"{rng.choice(ADJECTIVES)} {topic} for challenge {challenge_id} (entry {n})"
        summary = rng.choice(SUMMARIES).format(topic=topic)
        body = "\n\n".join(rng.sample(ENTRY_SENTENCES, 3))
        has_version = status != SubmissionStatus.DRAFT
        submissions.append(
            {
                "id": submission_id,
                "challenge_id": challenge_id,
                "owner_id": owner_id,
                "title": title,
                "summary": summary,
                "body_md": body,
                "links": "",
                "status": status.value,
                "current_version": 1 if has_version else 0,
                "first_submitted_at": submitted if has_version else None,
                "last_submitted_at": submitted if has_version else None,
                "accepted_rules_version": rules_version,
                "terms_accepted_at": started,
                "eligibility_attested_at": started,
                "disqualified_reason": "",
                "created_at": started,
                "updated_at": submitted if has_version else started,
            }
        )
        members.append(
            {
                "submission_id": submission_id,
                "challenge_id": challenge_id,
                "user_id": owner_id,
                "role": TeamRole.OWNER.value,
                "share_bp": FULL_SHARE_BP,
                "shares_accepted_at": started,
                "joined_at": started,
            }
        )
        if has_version:
            digest = content_hash(
                title=title, summary=summary, body_md=body, links="", attachments=[]
            )
            versions.append(
                {
                    "submission_id": submission_id,
                    "number": 1,
                    "title": title,
                    "summary": summary,
                    "body_md": body,
                    "links": "",
                    "content_hash": digest,
                    "rules_version": rules_version,
                    "created_by_id": owner_id,
                    "created_at": submitted,
                }
            )
    _core_insert(session, Submission, submissions)
    _fix_submission_ids(session)
    _core_insert(session, TeamMember, members)
    _core_insert(session, SubmissionVersion, versions)
    # One UPDATE: each challenge counts its submitted entries, as services._recount does.
    submitted_count = (
        sa.select(sa.func.count(Submission.id))
        .where(
            Submission.challenge_id == Challenge.id,
            Submission.status == SubmissionStatus.SUBMITTED.value,
        )
        .correlate(Challenge)
        .scalar_subquery()
    )
    session.execute(
        sa.update(Challenge)
        .values(entrant_count=submitted_count)
        .execution_options(synchronize_session=False)
    )


# Run in order, inside one transaction; later seeders may read what earlier ones wrote.
