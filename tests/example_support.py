"""The calibration worked example (docs/judging.md) as a judged challenge, and community votes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from accounts.models import User
from accounts.terms import accepted_now
from challenges.models import Challenge
from core.db import db, utcnow
from judging import services
from judging.models import Assignment, Judge, Round
from judging.panel.rubric import CriterionInput
from judging.voting.models import Vote
from submissions.models import Submission
from tests.judging_support import (
    World,
    move,
    person,
    seat_judge,
    sponsor_world,
    submit_entry,
)

# Weights 20/4/1 (sum 25) make every whole review score 0–100 reachable: S = 20a + 4b + c.
RUBRIC = [
    CriterionInput("Impact", 20),
    CriterionInput("Feasibility", 4),
    CriterionInput("Clarity", 1),
]


# docs/judging.md, "Calibration": judge → {entry number: review score}.
EXAMPLE = {"A": {1: 88, 2: 80, 3: 88}, "B": {2: 50, 3: 64, 4: 40}, "C": {1: 70, 4: 60}}


def values_for(total: int) -> tuple[int, int, int]:
    """Criterion scores (1–5) whose 20/4/1-weighted review score is ``total``."""
    a = min(total // 20, 4)
    b = min((total - 20 * a) // 4, 4)
    c = total - 20 * a - 4 * b
    assert 0 <= c <= 4
    return a + 1, b + 1, c + 1


@dataclass
class Example:
    world: World
    entries: dict[int, Submission] = field(default_factory=dict)  # 1 → S1
    judges: dict[str, tuple[User, Judge]] = field(default_factory=dict)  # "A" → (user, seat)

    @property
    def challenge(self) -> Challenge:
        return self.world.challenge

    def review(self, judge: str, entry: int, total: int, round: Round = Round.EVALUATION) -> None:
        """Seat ``judge`` on entry ``entry`` in ``round`` and submit a review scoring ``total``."""
        user, seat = self.judges[judge]
        submission = self.entries[entry]
        assignment = Assignment(
            judge_id=seat.id,
            submission_id=submission.id,
            round=round,
            blind_label=f"Entry #{submission.id:06d}",
        )
        db.session.add(assignment)
        db.session.commit()
        criteria = services.criteria_of(self.challenge)
        scores = {c.id: v for c, v in zip(criteria, values_for(total), strict=True)}
        services.save_review(actor=user, assignment=assignment, scores=scores, submit=True)

    def sid(self, entry: int) -> int:
        return self.entries[entry].id


def example_world(
    entries: int = 4, judges: str = "ABC", reviews: dict[str, dict[int, int]] | None = None
) -> Example:
    """Sponsor "Helios", challenge "grid" (First 1,000,000 / Second 500,000 USD, funded), entries
    S1.. by solver1.., judges A.. seated; ``reviews`` (default the calibration worked example)
    submitted."""
    example = Example(sponsor_world(rubric=RUBRIC, k=3))
    for n in range(1, entries + 1):
        example.entries[n] = submit_entry(example.challenge, person(f"solver{n}"), title=f"S{n}")
    for name in judges:
        user = person(f"judge{name.lower()}")
        example.judges[name] = (user, seat_judge(example.world, user))
    move(example.challenge, "judging")
    for judge, scores in (EXAMPLE if reviews is None else reviews).items():
        for entry, total in scores.items():
            example.review(judge, entry, total)
    return example


def add_voters(count: int) -> list[User]:
    """Old accounts (created 3 days apart) so the vote scan has nothing to quarantine."""
    now = utcnow()
    users = [
        User(
            email=f"voter{n}@voters.example",
            handle=f"voter{n}",
            display_name=f"Voter {n}",
            password_hash="x",
            email_verified_at=now,
            created_at=now - timedelta(days=100 + 3 * n),
            **accepted_now(),
        )
        for n in range(count)
    ]
    db.session.add_all(users)
    db.session.commit()
    return users


def cast(entry: Submission, voters: list[User], up: int, down: int) -> None:
    for n, user in enumerate(voters[: up + down]):
        db.session.add(Vote(submission_id=entry.id, user_id=user.id, value=1 if n < up else -1))
    db.session.commit()
