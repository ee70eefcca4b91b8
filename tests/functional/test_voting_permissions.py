"""Permission matrix for the community voting routes: every route against every role."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db, utcnow
from judging.voting.models import Vote
from submissions.models import TeamMember
from tests.conftest import AuthActions
from tests.database import ModuleWorld
from tests.judging_support import person, seat_judge, sponsor_world
from tests.permissions import assert_access, request_as
from tests.voting_support import quick_entry

ROLES = [
    "anonymous",
    "voter",
    "solver",
    "teammate",
    "judge",
    "other_judge",
    "member",
    "manager",
    "owner",
    "admin",
]
EMAILS = {"member", "manager", "owner"}  # made by sponsor_world with @example.org addresses
SPONSORS = {"manager", "owner"}
VOTERS = {"voter", "admin"}  # not the team, not judges, not the sponsor's people


def _email(role: str) -> str:
    return f"{role}@example.org" if role in EMAILS else f"{role}@{role}.example"


@pytest.fixture(scope="module")
def built_world(app: Flask) -> ModuleWorld[dict[str, int]]:
    return ModuleWorld.build(app, _build_world)


@pytest.fixture
def world(built_world: ModuleWorld[dict[str, int]]) -> dict[str, int]:
    return built_world.restore()


def _build_world() -> dict[str, int]:
    base = sponsor_world()
    base.challenge.community_voting = True
    base.challenge.solution_visibility = "public_on_submit"
    person("admin").is_admin = True
    person("voter")
    solver, teammate = person("solver"), person("teammate")
    entry = quick_entry(base.challenge, solver, "Heat battery")
    entry.members.append(TeamMember(challenge_id=base.challenge.id, user_id=teammate.id))
    second = quick_entry(base.challenge, person("solver2"), "Second")
    for role in ("judge", "other_judge"):
        seat_judge(base, person(role))
    ringer = person("ringer")
    flagged = Vote(
        submission_id=second.id, user_id=ringer.id, value=1, quarantined=True, flag_reasons="ring"
    )
    db.session.add(flagged)
    db.session.execute(sa.update(User).values(created_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    return {"entry": entry.id, "vote": flagged.id}


# (method, url, data, roles allowed); others get 403, anonymous is sent to sign in.
MATRIX = [
    ("post", "/submissions/{entry}/vote", {"value": "1"}, VOTERS),
    (
        "post",
        "/challenges/grid/judging/community",
        {"peoples_choice_tier": "0", "community_weight": "0.1"},
        SPONSORS,
    ),
    ("get", "/admin/votes", None, {"admin"}),
    ("post", "/admin/votes/{vote}/count", {}, {"admin"}),
    ("post", "/admin/votes/{vote}/discard", {}, {"admin"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "allowed"), MATRIX, ids=[f"{m[0]}:{m[1]}" for m in MATRIX]
)
def test_voting_route_permissions(
    client: FlaskClient,
    auth: AuthActions,
    world: dict,
    role: str,
    method: str,
    url: str,
    data,
    allowed,
) -> None:
    email = None if role == "anonymous" else _email(role)
    response = request_as(client, auth, email, method, url.format(**world), data)
    assert_access(response, role, allowed)


@pytest.mark.parametrize("role", ROLES)
def test_only_allowed_voters_leave_a_vote_behind(
    client: FlaskClient, auth: AuthActions, world: dict, role: str
) -> None:
    if role != "anonymous":
        auth.login(_email(role))
    client.post(f"/submissions/{world['entry']}/vote", data={"value": "-1"})
    db.session.expire_all()
    votes = db.session.scalars(sa.select(Vote).where(Vote.submission_id == world["entry"])).all()
    assert len(votes) == (1 if role in VOTERS else 0)


@pytest.mark.parametrize("role", ["voter", "member", "judge"])
def test_an_entry_hidden_from_the_voter_is_not_found(
    client: FlaskClient, auth: AuthActions, world: dict, role: str
) -> None:
    entry = db.session.get(Vote, world["vote"]).submission
    entry.challenge.solution_visibility = "public_after_close"
    db.session.commit()
    auth.login(_email(role))
    assert (
        client.post(f"/submissions/{world['entry']}/vote", data={"value": "1"}).status_code == 404
    )


def test_voting_is_post_only(client: FlaskClient, auth: AuthActions, world: dict) -> None:
    auth.login(_email("voter"))
    assert client.get(f"/submissions/{world['entry']}/vote").status_code == 405
