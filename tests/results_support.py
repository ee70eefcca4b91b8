"""Builders for published-results tests: a judged challenge with submitted reviews, then a
decided snapshot with its rows and awards inserted directly, as approving winners leaves them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from accounts.models import Organization, User
from challenges.models import Challenge
from core.db import db, utcnow
from judging import services
from judging.models import Assignment, Round
from judging.results.models import Award, AwardKind, ResultRow, ResultSnapshot, SnapshotState
from submissions.models import Submission, SubmissionStatus, TeamMember, TeamRole
from tests.factories import make_challenge
from tests.judging_support import World, judging_world, person

PANEL_NOTE = "Panel-only remark: compare with the 2019 prototype."
CRITERIA = ("Impact", "Feasibility", "Novelty", "Clarity")


def feedback_text(entry: int, judge: int) -> str:
    """The feedback judge ``judge`` (1-based) wrote to entry ``entry`` (1-based)."""
    return f"Feedback {entry}.{judge}: insulate the silo walls."


def review_values(entry: int, judge: int) -> list[int]:
    """Scores 1–5 per criterion, different for every (entry, judge) pair."""
    return [((entry + judge + n) % 5) + 1 for n in range(len(CRITERIA))]


def final_score(rank: int) -> float:
    return round(91.23 - 7.1 * (rank - 1), 2)


def judged_world(
    transparency: str = "scores_to_solver",
    visibility: str = "public_after_close",
    entry_count: int = 3,
    judge_count: int = 3,
) -> World:
    """Entries by solver1.. (titled "Entry 1".., solver1 with teammate "mate1"), every judge
    reviewing every entry with feedback to the solver and a note to the panel, phase judging."""
    world = judging_world(entry_count=entry_count, judge_count=judge_count, k=judge_count)
    world.challenge.judging_transparency = transparency
    world.challenge.solution_visibility = visibility
    mate = person("mate1")
    db.session.add(
        TeamMember(
            submission_id=world.entries[0].id,
            challenge_id=world.challenge.id,
            user_id=mate.id,
            role=TeamRole.MEMBER,
        )
    )
    db.session.commit()
    criteria = services.criteria_of(world.challenge)
    for e, entry in enumerate(world.entries, start=1):
        for j, judge in enumerate(world.judges, start=1):
            assignment = Assignment(
                judge_id=judge.id,
                submission_id=entry.id,
                round=Round.EVALUATION,
                blind_label=f"Entry #{entry.id:06x}",
            )
            db.session.add(assignment)
            db.session.commit()
            services.save_review(
                actor=judge.user,
                assignment=assignment,
                scores={c.id: v for c, v in zip(criteria, review_values(e, j), strict=True)},
                feedback_to_solver=feedback_text(e, j),
                note_to_panel=PANEL_NOTE,
                submit=True,
            )
    return world


@dataclass
class Published:
    challenge: Challenge
    snapshot: ResultSnapshot
    rows: dict[int, ResultRow] = field(default_factory=dict)  # by submission id
    awards: list[Award] = field(default_factory=list)


def freeze(
    challenge: Challenge,
    order: Sequence[Submission],
    *,
    state: SnapshotState = SnapshotState.APPROVED,
    picks: Sequence[Submission] | None = None,
    reason: str = "",
    judge_ids: Sequence[int] = (),
    finalists: int = 0,
    decided_by: User | None = None,
    at: datetime | None = None,
) -> Published:
    """A snapshot ranking ``order`` (rank 1 first) in ``state``. Approved: ``picks`` (default
    rank order) get the prize tiers by place. Approved or declined: ``awarded_at`` is set, as
    the decision does. The rows go in with one bulk insert, as the computation writes them."""
    now = at or utcnow()
    decided = state in (SnapshotState.APPROVED, SnapshotState.DECLINED)
    snapshot = ResultSnapshot(
        challenge_id=challenge.id,
        state=state,
        method="ridge-additive",
        lam=2.0,
        inputs_hash="0" * 64,
        parameters={"lambda": 2.0, "community_weight": 0.0},
        judges=[
            {"judge_id": judge_id, "label": f"J{n}", "bias": 0.0, "reviews": len(order)}
            for n, judge_id in enumerate(sorted(judge_ids), start=1)
        ],
        entry_count=len(order),
        review_count=len(order) * len(judge_ids),
        decided_at=now if decided else None,
        decided_by_id=decided_by.id if decided_by else None,
        adjustment_reason=reason,
    )
    db.session.add(snapshot)
    db.session.flush()
    add_rows(snapshot, order, reviews=len(judge_ids) or 3, finalists=finalists)
    published = Published(challenge, snapshot)
    if state == SnapshotState.APPROVED:
        ranks = {entry.id: rank for rank, entry in enumerate(order, start=1)}
        for tier, entry in zip(challenge.prize_tiers, picks or order, strict=False):
            award = Award(
                challenge_id=challenge.id,
                snapshot_id=snapshot.id,
                prize_tier_id=tier.id,
                submission_id=entry.id,
                kind=AwardKind.PLACED,
                rank=ranks.get(entry.id),
                amount=tier.amount,
                currency=challenge.currency,
            )
            db.session.add(award)
            published.awards.append(award)
    if decided:
        challenge.awarded_at = now
    db.session.commit()
    published.rows = {
        row.submission_id: row
        for row in db.session.scalars(
            sa.select(ResultRow).where(ResultRow.snapshot_id == snapshot.id)
        )
    }
    return published


def add_rows(
    snapshot: ResultSnapshot,
    entries: Sequence[Submission],
    *,
    first_rank: int = 1,
    reviews: int = 3,
    finalists: int = 0,
) -> None:
    """Ranked rows for ``entries`` from ``first_rank`` on, in one bulk insert (flush only)."""
    rows = [
        {
            "snapshot_id": snapshot.id,
            "rank": rank,
            "submission_id": entry.id,
            "final_score": final_score(rank),
            "calibrated_score": round(final_score(rank) - 1.11, 2),
            "raw_mean": round(final_score(rank) - 2.22, 2),
            "criterion_means": {
                name: round(4.9 - 0.01 * rank - 0.1 * n, 2) for n, name in enumerate(CRITERIA)
            },
            "review_count": reviews,
            "votes_up": 40 + rank,
            "votes_down": rank,
            "finalist": rank <= finalists,
            "decided_by": 1,
        }
        for rank, entry in enumerate(entries, start=first_rank)
    ]
    if rows:
        db.session.execute(sa.insert(ResultRow), rows)


def publish(
    world: World, *, order: Sequence[Submission] | None = None, **options: Any
) -> Published:
    """The world's entries ranked in order (Entry 1 first), judges labelled by id, approved."""
    return freeze(
        world.challenge,
        world.entries if order is None else order,
        judge_ids=[judge.id for judge in world.judges],
        decided_by=world.owner,
        **options,
    )


def bare_entries(challenge: Challenge, count: int, owner: User | None = None) -> list[Submission]:
    """``count`` submitted entries inserted in one statement (for pagination and query counts)."""
    owner = owner or person(f"filler{challenge.id}")
    now = utcnow()
    db.session.execute(
        sa.insert(Submission),
        [
            {
                "challenge_id": challenge.id,
                "owner_id": owner.id,
                "title": f"Filler {n}",
                "status": SubmissionStatus.SUBMITTED,
                "current_version": 0,
                "first_submitted_at": now,
                "last_submitted_at": now,
            }
            for n in range(1, count + 1)
        ],
    )
    db.session.commit()
    return list(
        db.session.scalars(
            sa.select(Submission)
            .where(Submission.challenge_id == challenge.id, Submission.owner_id == owner.id)
            .order_by(Submission.id)
        )
    )


def awarded_challenge(
    org: Organization,
    solver: User,
    *,
    title: str,
    entry_title: str,
    at: datetime,
    visibility: str = "public_after_close",
) -> Published:
    """A challenge of ``org`` whose first prize went to ``solver``'s entry, announced at ``at``."""
    challenge = make_challenge(org, title=title, phase="awarded", visibility=visibility)
    entry = Submission(
        challenge_id=challenge.id,
        owner_id=solver.id,
        title=entry_title,
        status=SubmissionStatus.SUBMITTED,
        first_submitted_at=challenge.closes_at,
        last_submitted_at=challenge.closes_at,
    )
    db.session.add(entry)
    db.session.flush()
    db.session.add(
        TeamMember(
            submission_id=entry.id,
            challenge_id=challenge.id,
            user_id=solver.id,
            role=TeamRole.OWNER,
            share_bp=10_000,
        )
    )
    db.session.commit()
    return freeze(challenge, [entry], at=at)
