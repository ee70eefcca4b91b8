"""Demo backgrounds and a quiet crowd of solvers, so the diversity pages show real bars.

Runs after the judging demo: the crowd's entries to the awarded "drone-mapping" challenge came
in without changing its judged results (they are the late, unshortlisted majority), and a few
of them also entered the judging "solar-forecasting" challenge. Backgrounds are self-declared:
some people prefer not to say, some never answered (None).
"""
# ruff: noqa: E501 - data tables read best one row per line

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from accounts.models import User
from accounts.terms import accepted_now
from challenges.models import Challenge
from core.db import db
from submissions.models import Submission, SubmissionStatus, TeamMember, TeamRole
from submissions.services import recount_entrants

P = "prefer_not_to_say"
# handle: region, discipline, career stage, organisation type (None: not answered)
NAMED = {
    "solver": ("europe", "engineering", "early_career", "industry"),
    "teammate": ("europe", "computing", "student", "student"),
    "ines": ("europe", "life_sciences", "mid_career", "academic"),
    "kofi": ("africa", "computing", "early_career", "independent"),
    "lena": ("europe", "physical_sciences", "senior", "academic"),
    "mateo": ("latin_america_caribbean", "engineering", "mid_career", "industry"),
    "noor": ("central_west_asia", P, P, P),
    "oskar": ("europe", "engineering", "retired", "independent"),
    "priya": ("south_asia", "computing", "mid_career", "industry"),
    "ravi": (None, None, None, None),
}
CROWD = [
    ("amara", "Amara Obi", "africa", "life_sciences", "student", "student"),
    ("bilal", "Bilal Khan", "south_asia", "computing", "early_career", "industry"),
    ("chen", "Chen Wei", "east_asia", "engineering", "mid_career", "industry"),
    ("dara", "Dara Nolan", "europe", "life_sciences", "senior", "academic"),
    ("esi", "Esi Boateng", "africa", "social_sciences", "early_career", "public_sector"),
    ("farid", "Farid Nasser", "central_west_asia", "engineering", "mid_career", "industry"),
    ("gabriela", "Gabriela Souza", "latin_america_caribbean", "life_sciences", "student", "student"),
    ("haruto", "Haruto Mori", "east_asia", "computing", "early_career", "academic"),
    ("ivan", "Ivan Petrov", "europe", "physical_sciences", "senior", "academic"),
    ("jomo", "Jomo Kariuki", "africa", "life_sciences", "mid_career", "independent"),
    ("kiri", "Kiri Walker", "oceania", "life_sciences", "early_career", "public_sector"),
    ("leila", "Leila Haddad", "africa", "computing", "student", "student"),
    ("manu", "Manu Sharma", "south_asia", "engineering", "early_career", "industry"),
    ("nadia", "Nadia Rahman", "south_asia", "life_sciences", "mid_career", "academic"),
    ("obinna", "Obinna Eze", "africa", "engineering", "early_career", "independent"),
    ("paula", "Paula Mendes", "latin_america_caribbean", "computing", "mid_career", "industry"),
    ("quinn", "Quinn Taylor", "north_america", "arts_design", "early_career", "independent"),
    ("rosa", "Rosa Jiménez", "latin_america_caribbean", "life_sciences", "senior", "academic"),
    ("sipho", "Sipho Dlamini", "africa", "physical_sciences", "student", "student"),
    ("tala", "Tala Nguyen", "south_east_asia", "computing", "early_career", "industry"),
    ("uma", "Uma Pillai", "south_asia", "life_sciences", "student", "student"),
    ("viktor", "Viktor Berg", "europe", "engineering", "retired", "independent"),
    ("wen", "Wen Li", "east_asia", "life_sciences", "mid_career", "academic"),
    ("yara", "Yara Costa", P, P, "early_career", None),
    ("zain", "Zain Ali", None, None, None, None),
]  # fmt: skip
# Crowd members who also entered the judging solar-forecasting challenge.
SOLAR = ["bilal", "haruto", "ivan", "sipho", "tala", "paula"]
TEAMS = [
    ("amara", "jomo"),
    ("gabriela", "rosa"),
    ("chen", "wen"),
    ("esi", "kiri"),
]  # entries of two


def _set(user: User, answers: tuple[str | None, ...]) -> None:
    user.bg_region, user.bg_discipline, user.bg_career_stage, user.bg_org_type = answers


def _enter(challenge: Challenge, team: list[User], n: int) -> None:
    at = challenge.closes_at - timedelta(hours=30 - n)
    submission = Submission(
        challenge_id=challenge.id,
        owner_id=team[0].id,
        title=f"Field notes {n + 1}",
        summary="A short proposal from the open call.",
        body_md="A short proposal.",
        status=SubmissionStatus.SUBMITTED,
        first_submitted_at=at,
        last_submitted_at=at,
        created_at=at - timedelta(days=1),
    )
    for i, user in enumerate(team):
        role = TeamRole.OWNER if i == 0 else TeamRole.MEMBER
        submission.members.append(TeamMember(challenge_id=challenge.id, user_id=user.id, role=role))
    db.session.add(submission)


def seed() -> None:
    users = {user.handle: user for user in db.session.scalars(sa.select(User))}
    template = users["solver"]
    for handle, answers in NAMED.items():
        _set(users[handle], answers)
    for handle, name, *answers in CROWD:
        users[handle] = User(
            email=f"{handle}@openprize.test",
            handle=handle,
            display_name=name,
            password_hash=template.password_hash,
            email_verified_at=template.email_verified_at,
            created_at=template.created_at,
            **accepted_now(),
        )
        _set(users[handle], tuple(answers))
        db.session.add(users[handle])
    db.session.flush()
    by_slug = {c.slug: c for c in db.session.scalars(sa.select(Challenge))}
    teamed = {handle for team in TEAMS for handle in team}
    drone, solar = by_slug["drone-mapping"], by_slug["solar-forecasting"]
    crowd = [[users[h] for h in team] for team in TEAMS]
    crowd += [[users[handle]] for handle, *_ in CROWD if handle not in teamed]
    for n, team in enumerate(crowd):
        _enter(drone, team, n)
    for n, handle in enumerate(SOLAR):
        _enter(solar, [users[handle]], n)
    db.session.flush()
    for challenge in (drone, solar):
        recount_entrants(challenge.id)
    db.session.commit()
