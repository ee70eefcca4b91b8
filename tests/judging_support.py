"""Builders for judging tests: a sponsor, a rubric, entries, an attested panel, a review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from accounts.models import Organization, OrgRole, User
from challenges.models import Challenge, Phase
from core.db import db, utcnow
from judging import services
from judging.models import Assignment, Judge
from judging.panel.rubric import CriterionInput
from submissions import services as entries
from submissions.models import Submission, TeamMember, TeamRole
from tests.factories import add_member, make_challenge, make_org, make_user

DAY = timedelta(days=1)
RUBRIC = [
    CriterionInput("Impact", 40, "How much it matters.", "No real effect", "Changes the field"),
    CriterionInput("Feasibility", 30, "Can it be built?", "Not buildable", "Ready to build"),
    CriterionInput("Novelty", 20),
    CriterionInput("Clarity", 10),
]


def person(handle: str) -> User:
    """A user with an e-mail domain of their own, so rule (d) only fires where a test wants it."""
    return make_user(handle, email=f"{handle}@{handle}.example")


def move(challenge: Challenge, phase: str) -> None:
    """Shift the challenge's dates so ``phase`` holds now (upcoming, open or judging)."""
    now = utcnow()
    opens, closes = {
        "upcoming": (now + 5 * DAY, now + 30 * DAY),
        "open": (now - 5 * DAY, now + 30 * DAY),
        "judging": (now - 40 * DAY, now - 2 * DAY),
    }[phase]
    challenge.opens_at, challenge.closes_at = opens, closes
    challenge.judging_ends_at = closes + 20 * DAY
    db.session.commit()
    assert challenge.phase() == Phase(phase)


@dataclass
class World:
    owner: User
    org: Organization
    challenge: Challenge
    entries: list[Submission] = field(default_factory=list)
    judges: list[Judge] = field(default_factory=list)


def sponsor_world(rubric: list[CriterionInput] | None = None, k: int = 3) -> World:
    """A published challenge of "Helios" (owner, manager, member) with a rubric, now open."""
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    add_member(org, make_user("manager"), OrgRole.MANAGER)
    add_member(org, make_user("member"), OrgRole.MEMBER)
    challenge = make_challenge(org, slug="grid", phase="upcoming", max_team_size=5)
    services.set_rubric(
        actor=owner, challenge=challenge, criteria=rubric or RUBRIC, passing_score=None, k=k
    )
    move(challenge, "open")
    return World(owner, org, challenge)


def submit_entry(
    challenge: Challenge, owner: User, *, team: Iterable[User] = (), title: str = "Heat battery"
) -> Submission:
    submission = entries.enter_challenge(
        actor=owner, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    for user in team:
        db.session.add(
            TeamMember(
                submission_id=submission.id,
                challenge_id=challenge.id,
                user_id=user.id,
                role=TeamRole.MEMBER,
            )
        )
    db.session.commit()
    text = entries.EntryText(title, "Sand in a silo", "How it **works**.", "")
    entries.save_entry(actor=owner, submission=submission, text=text, base_version=0, submit=True)
    return submission


def seat_judge(world: World, user: User, *, conflicts: str = "", orgs: Iterable[int] = ()) -> Judge:
    judge = services.invite_judge(actor=world.owner, challenge=world.challenge, email=user.email)
    services.accept_judging(
        actor=user, judge=judge, conflicts_text=conflicts, conflict_org_ids=orgs, attest=True
    )
    world.judges.append(judge)
    return judge


def judging_world(entry_count: int = 4, judge_count: int = 3, k: int = 2) -> World:
    """Entries submitted by solver1.., judges judge1.. accepted and attested, phase judging."""
    world = sponsor_world(k=k)
    for n in range(1, entry_count + 1):
        solver = person(f"solver{n}")
        world.entries.append(submit_entry(world.challenge, solver, title=f"Entry {n}"))
    for n in range(1, judge_count + 1):
        seat_judge(world, person(f"judge{n}"))
    move(world.challenge, "judging")
    return world


FULL = [5, 3, 4, 2]  # Impact 40, Feasibility 30, Novelty 20, Clarity 10 -> 72.5


def assigned_world(entry_count: int = 1, judge_count: int = 3, k: int = 3) -> tuple[World, list]:
    """A judging world whose panel is assigned; returns it with the assignments in id order."""
    world = judging_world(entry_count=entry_count, judge_count=judge_count, k=k)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    rows = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).all()
    return world, list(rows)


def scores_of(world: World, values: list[int | None]) -> dict[int, int | None]:
    """``values`` keyed by the rubric's criterion ids, in rubric order."""
    criteria = services.criteria_of(world.challenge)
    return {c.id: v for c, v in zip(criteria, values, strict=True)}


def save_as_judge(assignment: Assignment, scores, *, submit: bool = True, actor=None, **extra):
    """Save a review as the assignment's judge (or ``actor``), submitted unless told not to."""
    return services.save_review(
        actor=actor or assignment.judge.user,
        assignment=assignment,
        scores=scores,
        submit=submit,
        **extra,
    )


def submitted_review() -> tuple[World, Assignment]:
    """One entry, three judges; the first assignment's review submitted with FULL scores."""
    world, rows = assigned_world()
    save_as_judge(rows[0], scores_of(world, FULL))
    return world, rows[0]
