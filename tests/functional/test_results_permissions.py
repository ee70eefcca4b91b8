"""Permission matrix for the results routes: compute, review, approve and decline, every role."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.db import db
from judging.models import JudgingSettings
from judging.results.compute import compute_results
from judging.results.models import Award, ResultSnapshot
from submissions.models import TeamMember, TeamRole
from tests.conftest import AuthActions
from tests.database import ModuleWorld
from tests.example_support import example_world
from tests.factories import PASSWORD, make_org
from tests.judging_support import person
from tests.permissions import assert_access, request_as

ROLES = [
    "anonymous",
    "solver",
    "teammate",
    "judge",
    "other_judge",
    "member",
    "manager",
    "owner",
    "other_owner",
    "admin",
]
SPONSORS = {"owner", "manager"}
EMAILS = {
    "solver": "solver1@solver1.example",
    "teammate": "teammate@teammate.example",
    "judge": "judgea@judgea.example",
    "other_judge": "judgeb@judgeb.example",
    "member": "member@example.org",
    "manager": "manager@example.org",
    "owner": "owner@example.org",
    "other_owner": "other_owner@other_owner.example",
    "admin": "admin@admin.example",
}


def _world(passing_score: float | None) -> dict[str, object]:
    """The calibration worked example (S3 > S1 > S2 > S4) with a team member on S1, an admin,
    another org's owner, and a computed snapshot; with passing score 95 nothing passes."""
    example = example_world()
    teammate = person("teammate")
    db.session.add(
        TeamMember(
            submission_id=example.sid(1),
            challenge_id=example.challenge.id,
            user_id=teammate.id,
            role=TeamRole.MEMBER,
        )
    )
    make_org("Other", owner=person("other_owner"), slug="other")
    person("admin").is_admin = True
    db.session.get(JudgingSettings, example.challenge.id).passing_score = passing_score
    db.session.commit()
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    first, second = example.challenge.prize_tiers
    return {
        "snapshot": snapshot.id,
        "picks": {
            f"tier_{first.id}": str(example.sid(3)),
            f"tier_{second.id}": str(example.sid(1)),
        },
    }


Data = Callable[[dict], dict[str, str]]
# (method, url, data, passing score, roles allowed); others get 403, anonymous signs in first.
MATRIX: list[tuple[str, str, Data | None, float | None, set[str]]] = [
    ("post", "/challenges/grid/judging/results", None, None, SPONSORS),
    ("get", "/challenges/grid/judging/results/{snapshot}", None, None, SPONSORS | {"admin"}),
    (
        "post",
        "/challenges/grid/judging/results/{snapshot}/approve",
        lambda w: {**w["picks"], "reason": "", "approve": "Approve winners"},
        None,
        SPONSORS,
    ),
    (
        "post",
        "/challenges/grid/judging/results/{snapshot}/decline",
        lambda w: {"decline-reason": "Nothing reached the passing score."},
        95,
        SPONSORS,
    ),
]


@pytest.fixture(scope="module")
def built_worlds(app: Flask) -> dict[float | None, ModuleWorld[dict[str, object]]]:
    """Both matrix worlds (no passing score, and 95 that nothing reaches), built once."""
    return {passing: ModuleWorld.build(app, partial(_world, passing)) for passing in (None, 95)}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "passing", "allowed"), MATRIX, ids=[f"{m[0]}:{m[1]}" for m in MATRIX]
)
def test_results_route_permissions(
    client: FlaskClient,
    auth: AuthActions,
    role: str,
    method: str,
    url: str,
    data: Data | None,
    passing: float | None,
    allowed: set[str],
    built_worlds: dict[float | None, ModuleWorld[dict[str, object]]],
) -> None:
    world = built_worlds[passing].restore()
    email = EMAILS.get(role)
    payload = data(world) if data else None
    response = request_as(client, auth, email, method, url.format(**world), payload)
    assert_access(response, role, allowed)
    # Refused requests change nothing; allowed posts compute or decide exactly once.
    effect = method == "post" and role in allowed
    count = sa.select(sa.func.count()).select_from(ResultSnapshot)
    decided = count.where(ResultSnapshot.decided_at.is_not(None))
    assert db.session.scalar(count) == (2 if effect and url.endswith("/results") else 1)
    assert db.session.scalar(decided) == (
        1 if effect and url.endswith(("/approve", "/decline")) else 0
    )


def test_a_platform_admin_reads_the_results_but_gets_no_decision_buttons(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = _world(None)
    auth.login(EMAILS["admin"])
    page = client.get(f"/challenges/grid/judging/results/{world['snapshot']}")
    assert page.status_code == 200 and 'id="ranking-table"' in page.text
    assert "Approve winners" not in page.text and 'id="read-only"' in page.text


def test_results_posts_need_a_csrf_token(make_app) -> None:
    world = _world(None)
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    login = {"email": EMAILS["owner"], "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    assert client.post("/challenges/grid/judging/results").status_code == 400
    approve = f"/challenges/grid/judging/results/{world['snapshot']}/approve"
    assert client.post(approve, data={**world["picks"], "approve": "1"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Award.id))) == 0
