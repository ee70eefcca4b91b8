"""Permission matrix: every state-changing route against every role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import Invitation, OrgRole
from core.db import db
from core.jobs import Job, JobState
from tests.conftest import AuthActions
from tests.database import ModuleWorld
from tests.factories import PASSWORD, add_member, make_org, make_user

ROLES = ["anonymous", "user", "member", "manager", "owner", "other_owner", "admin"]


@dataclass
class World:
    slug: str
    target_membership_id: int
    invitation_id: int
    job_id: int


@pytest.fixture(scope="module")
def built_world(app: Flask) -> ModuleWorld[World]:
    return ModuleWorld.build(app, _build_world)


@pytest.fixture
def world(built_world: ModuleWorld[World]) -> World:
    return built_world.restore()


def _build_world() -> World:
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    add_member(org, make_user("manager"), OrgRole.MANAGER)
    add_member(org, make_user("member"), OrgRole.MEMBER)
    target = add_member(org, make_user("target"), OrgRole.MEMBER)
    make_org("Other", owner=make_user("other_owner"), slug="other")
    make_user("user")
    make_user("admin", admin=True)
    invitation = Invitation(org_id=org.id, email="pending@example.org", role=OrgRole.MEMBER)
    db.session.add(invitation)
    failed = Job(kind="jobs.prune", state=JobState.FAILED, attempts=5, error="Timeout")
    db.session.add(failed)
    db.session.commit()
    return World(
        slug=org.slug,
        target_membership_id=target.id,
        invitation_id=invitation.id,
        job_id=failed.id,
    )


def _sign_in(auth: AuthActions, role: str) -> None:
    if role != "anonymous":
        response = auth.login(f"{role}@example.org")
        assert response.status_code == 302, response.data


EVERYONE_SIGNED_IN = set(ROLES) - {"anonymous"}
NEW_PASSWORD = "compiler-bug-moth-1947"
CHANGE_PASSWORD = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
# (method, url, form data, roles allowed); others get 403, anonymous a sign-in redirect.
MATRIX = [
    ("post", "/orgs/new", {"name": "New Org"}, EVERYONE_SIGNED_IN),
    ("post", "/orgs/{slug}/edit", {"name": "Renamed"}, {"owner", "manager"}),
    ("post", "/orgs/{slug}/invitations", {"email": "x@example.org", "role": "member"}, {"owner"}),
    ("post", "/orgs/{slug}/invitations/{invitation}/revoke", {}, {"owner"}),
    ("post", "/orgs/{slug}/members/{target}/role", {"role": "manager"}, {"owner"}),
    ("post", "/orgs/{slug}/members/{target}/remove", {}, {"owner"}),
    ("post", "/account", {"display_name": "New Name", "timezone": "UTC"}, EVERYONE_SIGNED_IN),
    ("post", "/verify/resend", {}, EVERYONE_SIGNED_IN),
    ("get", "/account/emails", None, EVERYONE_SIGNED_IN),
    ("get", "/account/submissions", None, EVERYONE_SIGNED_IN),
    ("get", "/notifications", None, EVERYONE_SIGNED_IN),
    ("post", "/notifications/read", {}, EVERYONE_SIGNED_IN),
    ("post", "/account/emails", {"updates": "y"}, EVERYONE_SIGNED_IN),
    ("get", "/account/password", None, EVERYONE_SIGNED_IN),
    ("post", "/account/password", CHANGE_PASSWORD, EVERYONE_SIGNED_IN),
    ("get", "/account/email", None, EVERYONE_SIGNED_IN),
    (
        "post",
        "/account/email",
        {"email": "moved@example.org", "current_password": PASSWORD},
        EVERYONE_SIGNED_IN,
    ),
    ("post", "/account/email/cancel", {}, EVERYONE_SIGNED_IN),
    ("get", "/account/email/confirm/not-a-token", None, EVERYONE_SIGNED_IN),
    ("get", "/terms/accept", None, EVERYONE_SIGNED_IN),
    ("post", "/terms/accept", {}, EVERYONE_SIGNED_IN),
    ("get", "/account/data", None, EVERYONE_SIGNED_IN),
    ("post", "/account/data", {}, EVERYONE_SIGNED_IN),
    ("get", "/account/delete", None, EVERYONE_SIGNED_IN),
    ("get", "/orgs/{slug}/members", None, {"owner", "manager", "member", "admin"}),
    ("get", "/orgs/{slug}/edit", None, {"owner", "manager"}),
    ("get", "/admin", None, {"admin"}),
    ("get", "/admin/jobs", None, {"admin"}),
    ("post", "/admin/jobs/{job}/retry", {}, {"admin"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "allowed"), MATRIX, ids=[m[1] + ":" + m[0] for m in MATRIX]
)
def test_route_permissions(
    client: FlaskClient,
    auth: AuthActions,
    world: World,
    role: str,
    method: str,
    url: str,
    data: dict | None,
    allowed: set[str],
) -> None:
    _sign_in(auth, role)
    target = url.format(
        slug=world.slug,
        target=world.target_membership_id,
        invitation=world.invitation_id,
        job=world.job_id,
    )
    response = getattr(client, method)(target, data=data)
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    elif role in allowed:
        assert response.status_code in {200, 302}, (response.status_code, response.data[:300])
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_logout_is_open_to_everyone_and_signs_out(
    client: FlaskClient, auth: AuthActions, world: World, role: str
) -> None:
    _sign_in(auth, role)
    assert client.post("/logout").status_code == 302
    assert "/login" in client.get("/account").headers["Location"]
