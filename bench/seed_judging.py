"""Benchmark seeding of one judged challenge: entries, a panel, three reviews per entry.

The challenge (slug JUDGED_SLUG) has closed and its judging window has ended, so "Compute
results" may run; bench/results_compute.py times that computation on this data, and the
seeder runs it once (and approves the winners) so /challenges/<slug>/results has a published
ranking of every entry to serve.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from accounts.models import Membership, OrgRole, User
from bench.seed_base import RANDOM_SEED, Sizes, _ids
from bench.seed_challenges import _seed_money
from bench.seed_entries import _core_insert
from challenges.models import Challenge, PrizeTier
from core.db import utcnow
from judging.algorithms.labels import entry_labels
from judging.algorithms.scoring import review_score
from judging.models import (
    Assignment,
    AssignmentState,
    Criterion,
    Judge,
    JudgeStatus,
    JudgingSettings,
    Review,
    ReviewScore,
    Round,
    new_blind_secret,
)
from submissions.hashing import content_hash
from submissions.models import (
    FULL_SHARE_BP,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    TeamMember,
    TeamRole,
)

JUDGED_SLUG = "bench-judged-challenge"
REVIEWS_PER_ENTRY = 3
PANEL_SIZE = 60
# Five criteria, as the benchmark asks: (name, weight).
CRITERIA = [("Impact", 30), ("Feasibility", 25), ("Novelty", 20), ("Evidence", 15), ("Clarity", 10)]
PRIZES = [("First prize", 50_000_00), ("Second prize", 20_000_00), ("Third prize", 10_000_00)]


def _next_id(session: Session, model: type[Any]) -> int:
    return (session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _fix_sequences(session: Session, *tables: str) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move each past its table's ids."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )


def _challenge(session: Session, org_id: int, owner_id: int, now: datetime) -> Challenge:
    day = timedelta(days=1)
    closes = now - 40 * day
    published = closes - 70 * day
    challenge = Challenge(
        org_id=org_id,
        slug=JUDGED_SLUG,
        title="Benchmark judged challenge: low-cost water sensors",
        summary="Ten thousand entries, a panel of sixty judges, three reviews each.",
        category="Civic & social",
        tags="water,sensor,benchmark",
        description_md="A challenge whose judging has ended, for the results benchmark.",
        rules_md="Submit a PDF of at most 20 pages.",
        eligibility_md="Anyone aged 18 or over.",
        currency="USD",
        opens_at=closes - 60 * day,
        closes_at=closes,
        judging_ends_at=now - day,
        max_team_size=1,
        solution_visibility="public_after_close",
        submission_license="CC-BY-4.0",
        ip_on_award="solver_retains",
        judging_transparency="scores_public",
        review_state="approved",
        approved_at=published - day,
        submitted_for_review_at=published - 3 * day,
        published_at=published,
        funded_at=published,
        created_by_id=owner_id,
        created_at=published - 10 * day,
    )
    challenge.purse_amount = challenge.funded_amount = sum(amount for _, amount in PRIZES)
    challenge.prize_tiers = [
        PrizeTier(place=place, label=label, amount=amount)
        for place, (label, amount) in enumerate(PRIZES, start=1)
    ]
    session.add(challenge)
    session.flush()
    _seed_money(
        session,
        [
            (
                challenge.id,
                {
                    "purse_amount": challenge.purse_amount,
                    "currency": "USD",
                    "funded_at": published,
                    "cancelled_at": None,
                },
            )
        ],
    )
    return challenge


def _entries(
    session: Session, challenge: Challenge, owners: list[int], rng: random.Random
) -> list[int]:
    first_id = _next_id(session, Submission)
    submissions, members, versions = [], [], []
    window = (challenge.closes_at - challenge.opens_at).total_seconds()
    for n, owner_id in enumerate(owners):
        submission_id = first_id + n
        submitted = challenge.opens_at + timedelta(seconds=rng.uniform(0, window))
        title = f"Sensor design {n} for the judged challenge"
        summary = "A frugal sensor with open design files."
        body = "We built a prototype, tested it on three sites and publish the data."
        submissions.append(
            {
                "id": submission_id,
                "challenge_id": challenge.id,
                "owner_id": owner_id,
                "title": title,
                "summary": summary,
                "body_md": body,
                "links": "",
                "status": SubmissionStatus.SUBMITTED.value,
                "current_version": 1,
                "first_submitted_at": submitted,
                "last_submitted_at": submitted,
                "accepted_rules_version": 1,
                "terms_accepted_at": submitted,
                "eligibility_attested_at": submitted,
                "disqualified_reason": "",
                "created_at": submitted,
                "updated_at": submitted,
            }
        )
        members.append(
            {
                "submission_id": submission_id,
                "challenge_id": challenge.id,
                "user_id": owner_id,
                "role": TeamRole.OWNER.value,
                "share_bp": FULL_SHARE_BP,
                "shares_accepted_at": submitted,
                "joined_at": submitted,
            }
        )
        versions.append(
            {
                "submission_id": submission_id,
                "number": 1,
                "title": title,
                "summary": summary,
                "body_md": body,
                "links": "",
                "content_hash": content_hash(
                    title=title, summary=summary, body_md=body, links="", attachments=[]
                ),
                "rules_version": 1,
                "created_by_id": owner_id,
                "created_at": submitted,
            }
        )
    _core_insert(session, Submission, submissions)
    _core_insert(session, TeamMember, members)
    _core_insert(session, SubmissionVersion, versions)
    _fix_sequences(session, "submissions")
    session.execute(
        sa.update(Challenge)
        .where(Challenge.id == challenge.id)
        .values(entrant_count=len(submissions))
        .execution_options(synchronize_session=False)
    )
    return [row["id"] for row in submissions]


def _panel(
    session: Session, challenge: Challenge, judge_users: list[User], now: datetime
) -> list[int]:
    rows = [
        {
            "challenge_id": challenge.id,
            "user_id": user.id,
            "email": user.email,
            "status": JudgeStatus.ACCEPTED.value,
            "declared_conflicts": "",
            "attested_at": now - timedelta(days=45),
            "invited_at": now - timedelta(days=50),
            "accepted_at": now - timedelta(days=45),
            "responded_at": now - timedelta(days=45),
        }
        for user in judge_users
    ]
    _core_insert(session, Judge, rows)
    return list(
        session.scalars(
            sa.select(Judge.id).where(Judge.challenge_id == challenge.id).order_by(Judge.id)
        )
    )


def _reviews(
    session: Session,
    challenge: Challenge,
    entry_ids: list[int],
    judge_ids: list[int],
    criterion_ids: list[int],
    rng: random.Random,
) -> None:
    """Each entry gets REVIEWS_PER_ENTRY judges (balanced round robin), each a submitted review
    whose criterion values come from the entry's quality plus the judge's leniency and noise."""
    settings = session.get(JudgingSettings, challenge.id)
    labels = entry_labels(settings.secret_bytes, entry_ids, {})
    weights = {name: weight for name, weight in CRITERIA}
    leniency = {judge_id: rng.gauss(0, 0.6) for judge_id in judge_ids}
    assignment_id = _next_id(session, Assignment)
    review_id = _next_id(session, Review)
    assignments, reviews, scores = [], [], []
    submitted = challenge.closes_at + timedelta(days=10)
    for n, entry_id in enumerate(entry_ids):
        quality = rng.uniform(1.5, 4.5)
        for r in range(REVIEWS_PER_ENTRY):
            judge_id = judge_ids[(n * REVIEWS_PER_ENTRY + r) % len(judge_ids)]
            values = {
                name: min(5, max(1, round(quality + leniency[judge_id] + rng.gauss(0, 0.7))))
                for name, _ in CRITERIA
            }
            assignments.append(
                {
                    "id": assignment_id,
                    "judge_id": judge_id,
                    "submission_id": entry_id,
                    "round": Round.EVALUATION.value,
                    "state": AssignmentState.SUBMITTED.value,
                    "blind_label": labels[entry_id],
                    "void_reason": "",
                    "voided_for_conflict": False,
                    "created_at": challenge.closes_at,
                }
            )
            reviews.append(
                {
                    "id": review_id,
                    "assignment_id": assignment_id,
                    "feedback_to_solver": "Clear design; the field data could be stronger.",
                    "note_to_panel": "",
                    "score_total": review_score(weights, values),
                    "submitted_at": submitted,
                    "created_at": submitted,
                    "updated_at": submitted,
                }
            )
            scores += [
                {"review_id": review_id, "criterion_id": cid, "value": values[name], "comment": ""}
                for (name, _), cid in zip(CRITERIA, criterion_ids, strict=True)
            ]
            assignment_id += 1
            review_id += 1
    _core_insert(session, Assignment, assignments)
    _core_insert(session, Review, reviews)
    _core_insert(session, ReviewScore, scores)
    _fix_sequences(session, "assignments", "reviews")


def seed_judged_challenge(session: Session, sizes: Sizes) -> None:
    """One challenge past its judging window with ``sizes.judged_entries`` entries (owners drawn
    from the seeded users), five criteria, a panel of sixty judges and three submitted
    reviews per entry, so "Compute results" has 10k × 3 × 5 scores to work through."""
    user_ids = _ids(session, User)
    owner = session.execute(
        sa.select(Membership.user_id, Membership.org_id)
        .where(Membership.role == OrgRole.OWNER.value)
        .order_by(Membership.org_id)
        .limit(1)
    ).first()
    count = min(sizes.judged_entries, len(user_ids) - PANEL_SIZE - 1)
    if owner is None or count <= 0:
        return
    rng = random.Random(RANDOM_SEED + 7)
    now = utcnow()
    challenge = _challenge(session, owner.org_id, owner.user_id, now)
    pool = [uid for uid in user_ids if uid != owner.user_id]
    rng.shuffle(pool)
    judge_users = list(
        session.scalars(sa.select(User).where(User.id.in_(pool[:PANEL_SIZE])).order_by(User.id))
    )
    session.add(
        JudgingSettings(
            challenge_id=challenge.id, k=REVIEWS_PER_ENTRY, blind_secret=new_blind_secret()
        )
    )
    session.add_all(
        Criterion(challenge_id=challenge.id, position=i, name=name, weight=weight)
        for i, (name, weight) in enumerate(CRITERIA, start=1)
    )
    session.flush()
    criterion_ids = list(
        session.scalars(
            sa.select(Criterion.id)
            .where(Criterion.challenge_id == challenge.id)
            .order_by(Criterion.position)
        )
    )
    entry_ids = _entries(session, challenge, pool[PANEL_SIZE : PANEL_SIZE + count], rng)
    judge_ids = _panel(session, challenge, judge_users, now)
    _reviews(session, challenge, entry_ids, judge_ids, criterion_ids, rng)
    publish_results(session, challenge.id, owner.user_id)


def publish_results(session: Session, challenge_id: int, owner_id: int) -> None:
    """Compute the results through the real service and approve the default winners, as the
    sponsor would; this commits (the services commit once each)."""
    from judging.results.awards import approve_winners, default_picks
    from judging.results.compute import compute_results

    session.commit()
    owner = session.get(User, owner_id)
    challenge = session.get(Challenge, challenge_id)
    snapshot = compute_results(actor=owner, challenge=challenge)
    approve_winners(actor=owner, snapshot=snapshot, picks=default_picks(snapshot), reason="")
