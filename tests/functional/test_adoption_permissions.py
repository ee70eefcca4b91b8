"""Permission matrix of the adoption routes: every route against every role."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.adoption_support import AdoptionWorld, build_adoption_world
from tests.conftest import AuthActions
from tests.database import ModuleWorld
from tests.permissions import assert_access, request_as

ROLES = ["anonymous", "solver", "winner", "member", "other_owner", "manager", "owner", "admin"]
SIGNED_IN = set(ROLES) - {"anonymous"}
UPDATE = {"status": "piloting", "note": "A pilot in two depots."}
REUSE = {"url": "https://example.org/elsewhere", "note": "Used by a co-operative in Lyon."}

# (method, url, form data, roles allowed); others get 403, anonymous a sign-in redirect.
MATRIX = [
    ("get", "/challenges/{slug}/adoption/{award}", None, {"manager", "owner"}),
    ("post", "/challenges/{slug}/adoption/{award}", UPDATE, {"manager", "owner"}),
    ("get", "/submissions/{entry}/reuse", None, SIGNED_IN),
    ("post", "/submissions/{entry}/reuse", REUSE, SIGNED_IN),
    ("get", "/admin/reuse", None, {"admin"}),
    ("post", "/admin/reuse/{report}/approve", {}, {"admin"}),
    ("post", "/admin/reuse/{report}/reject", {}, {"admin"}),
]


@pytest.fixture(scope="module")
def built_world(app: Flask) -> ModuleWorld[AdoptionWorld]:
    return ModuleWorld.build(app, build_adoption_world)


@pytest.fixture
def world(built_world: ModuleWorld[AdoptionWorld]) -> AdoptionWorld:
    return built_world.restore()


def _url(url: str, world: AdoptionWorld) -> str:
    return url.format(
        slug=world.slug, award=world.award_id, entry=world.entry_id, report=world.report_id
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "allowed"), MATRIX, ids=[m[1] + ":" + m[0] for m in MATRIX]
)
def test_adoption_route_permissions(
    client: FlaskClient,
    auth: AuthActions,
    world: AdoptionWorld,
    role: str,
    method: str,
    url: str,
    data: dict | None,
    allowed: set[str],
) -> None:
    email = None if role == "anonymous" else f"{role}@example.org"
    response = request_as(client, auth, email, method, _url(url, world), data)
    assert_access(response, role, allowed)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/impact", "/impact/adoption.atom", "/challenges/{slug}"])
def test_impact_pages_are_public(
    client: FlaskClient, auth: AuthActions, world: AdoptionWorld, role: str, url: str
) -> None:
    email = None if role == "anonymous" else f"{role}@example.org"
    response = request_as(client, auth, email, "get", _url(url, world))
    assert response.status_code == 200


def test_a_sponsor_only_solution_cannot_be_reported_as_reused(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    world = build_adoption_world(visibility="sponsor_only")
    auth.login("solver@example.org")
    assert client.get(f"/submissions/{world.entry_id}/reuse").status_code == 404
    response = client.post(f"/submissions/{world.entry_id}/reuse", data=REUSE)
    assert response.status_code == 404


def test_adoption_is_not_recorded_before_the_award(client: FlaskClient, auth: AuthActions) -> None:
    from tests.factories import make_challenge, make_org, make_user

    owner = make_user("early")
    challenge = make_challenge(make_org("Early", owner=owner), phase="judging")
    auth.login(owner.email)
    assert client.get(f"/challenges/{challenge.slug}/adoption/1").status_code == 403
