"""Permission matrix for challenge routes: every state-changing route against every role."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import OrgRole
from challenges.models import Question
from core.db import db
from tests.conftest import AuthActions
from tests.database import ModuleWorld
from tests.factories import add_member, make_challenge, make_org, make_user
from tests.functional.challenge_helpers import FORM

ROLES = ["anonymous", "solver", "member", "manager", "owner", "other_owner", "admin"]
SIGNED_IN = set(ROLES) - {"anonymous"}
SPONSORS = {"owner", "manager"}


@pytest.fixture(scope="module")
def built_world(app: Flask) -> ModuleWorld[dict[str, object]]:
    return ModuleWorld.build(app, _build_world)


@pytest.fixture
def world(built_world: ModuleWorld[dict[str, object]]) -> dict[str, object]:
    return built_world.restore()


def _build_world() -> dict[str, object]:
    owner = make_user("owner")
    org = make_org("Helios", owner=owner, slug="helios")
    add_member(org, make_user("manager"), OrgRole.MANAGER)
    add_member(org, make_user("member"), OrgRole.MEMBER)
    make_org("Other", owner=make_user("other_owner"), slug="other")
    make_user("solver")
    make_user("admin", admin=True)
    make_challenge(org, slug="draft", published=False)
    make_challenge(org, slug="review", published=False, review_state="in_review")
    make_challenge(org, slug="approved", published=False, review_state="approved")
    live = make_challenge(org, slug="live")
    question = Question(challenge_id=live.id, body="A question?")
    db.session.add(question)
    db.session.commit()
    return {"question": question.id}


# (method, url, data, roles allowed); others get 403, anonymous is sent to sign in.
MATRIX = [
    ("post", "/challenges/new?org=helios", FORM, SPONSORS),
    ("get", "/challenges/new?org=helios", None, SPONSORS),
    ("post", "/challenges/draft/edit", FORM, SPONSORS),
    ("post", "/challenges/draft/submit-for-review", {}, SPONSORS),
    ("post", "/challenges/review/review", {"approve": "Approve"}, {"admin"}),
    ("get", "/admin/reviews", None, {"admin"}),
    ("get", "/challenges/approved/fund", None, {"owner"}),
    ("post", "/challenges/approved/fund", {}, {"owner"}),
    ("post", "/challenges/live/cancel", {"reason": "The budget was withdrawn."}, {"owner"}),
    ("get", "/challenges/live/cancel", None, {"owner"}),
    (
        "post",
        "/challenges/live/questions",
        {"body": "Why?"},
        SIGNED_IN - {"owner", "manager", "member"},
    ),
    ("post", "/challenges/live/questions/{question}/answer", {"answer": "Because."}, SPONSORS),
    ("post", "/challenges/live/updates", {"title": "News", "body": "Body"}, SPONSORS),
    ("post", "/challenges/live/follow", {}, SIGNED_IN),
    ("post", "/preview/markdown", {"text": "**hi**"}, SIGNED_IN),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "allowed"), MATRIX, ids=[f"{m[0]}:{m[1]}" for m in MATRIX]
)
def test_challenge_route_permissions(
    client: FlaskClient,
    auth: AuthActions,
    world: dict,
    role: str,
    method: str,
    url: str,
    data,
    allowed,
) -> None:
    if role != "anonymous":
        assert auth.login(f"{role}@example.org").status_code == 302
    response = getattr(client, method)(url.format(**world), data=data)
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in allowed:
        assert response.status_code in {200, 302, 303}, (response.status_code, response.data[:400])
    else:
        assert response.status_code == 403, response.status_code


VIEWERS = {"owner", "manager", "member", "admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("slug", ["draft", "review", "approved"])
def test_unpublished_challenges_are_visible_to_the_sponsor_and_admins_only(
    client: FlaskClient, auth: AuthActions, world: dict, role: str, slug: str
) -> None:
    if role != "anonymous":
        auth.login(f"{role}@example.org")
    expected = 200 if role in VIEWERS else 404
    assert client.get(f"/challenges/{slug}").status_code == expected
    assert client.get("/challenges/live").status_code == 200
