"""Permission matrix for the round routes: every route against every role, in screening."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.db import db
from judging.models import Assignment, Round
from judging.rounds.advance import set_rounds
from tests.conftest import AuthActions
from tests.database import ModuleWorld
from tests.factories import make_org
from tests.judging_support import move, person, seat_judge, sponsor_world, submit_entry
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
EMAILS = {"member", "manager", "owner"}  # made by sponsor_world with @example.org addresses


def _email(role: str) -> str:
    return f"{role}@example.org" if role in EMAILS else f"{role}@{role}.example"


@pytest.fixture(scope="module")
def built_world(app: Flask) -> ModuleWorld[dict[str, int]]:
    return ModuleWorld.build(app, _build_world)


@pytest.fixture
def world(built_world: ModuleWorld[dict[str, int]]) -> dict[str, int]:
    return built_world.restore()


def _build_world() -> dict[str, int]:
    """Screening is the current round: the judge screens the solver's entry, the other judge
    the second entry; a third entry has no screener yet."""
    base = sponsor_world()
    set_rounds(actor=base.owner, challenge=base.challenge, screening=True, finalist_count=None)
    make_org("Other", owner=person("other_owner"), slug="other")
    person("admin").is_admin = True
    entry = submit_entry(base.challenge, person("solver"), team=[person("teammate")])
    second = submit_entry(base.challenge, person("solver2"), title="Second")
    third = submit_entry(base.challenge, person("solver3"), title="Third")
    seats = {role: seat_judge(base, person(role)) for role in ("judge", "other_judge")}
    move(base.challenge, "judging")
    rows = {
        "judge": Assignment(judge_id=seats["judge"].id, submission_id=entry.id),
        "other_judge": Assignment(judge_id=seats["other_judge"].id, submission_id=second.id),
    }
    for n, row in enumerate(rows.values()):
        row.round, row.blind_label = Round.SCREENING, f"Entry #abcde{n}"
        db.session.add(row)
    db.session.commit()
    return {
        "entry": entry.id,
        "third": third.id,
        "a_judge": rows["judge"].id,
        "other_seat": seats["other_judge"].id,
    }


# (method, url, data, roles allowed); others get 403, anonymous is sent to sign in.
MATRIX = [
    (
        "post",
        "/challenges/grid/judging/rounds",
        {"screening": "y", "finalist_count": "2"},
        SPONSORS,
    ),
    ("post", "/challenges/grid/judging/screeners", {}, SPONSORS),
    (
        "post",
        "/challenges/grid/judging/screening/{third}/screener",
        {"screener-{third}-judge": "{other_seat}"},
        SPONSORS,
    ),
    ("get", "/challenges/grid/judging/advance/evaluation", None, SPONSORS | {"admin"}),
    ("post", "/challenges/grid/judging/advance/evaluation", {"entries": ""}, SPONSORS),
    ("get", "/challenges/grid/judging/advance/finalist", None, SPONSORS | {"admin"}),
    ("post", "/challenges/grid/judging/advance/finalist", {"entries": ""}, SPONSORS),
    ("get", "/judging/assignments/{a_judge}", None, {"judge"}),
    (
        "post",
        "/judging/assignments/{a_judge}",
        {"verdict": "pass", "reason": "Fits the brief.", "submit_verdict": "1"},
        {"judge"},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "allowed"), MATRIX, ids=[f"{m[0]}:{m[1]}" for m in MATRIX]
)
def test_round_route_permissions(
    client: FlaskClient,
    auth: AuthActions,
    world: dict,
    role: str,
    method: str,
    url: str,
    data,
    allowed,
) -> None:
    payload = {k.format(**world): v.format(**world) for k, v in (data or {}).items()}
    email = None if role == "anonymous" else _email(role)
    response = request_as(client, auth, email, method, url.format(**world), payload)
    assert_access(response, role, allowed)


def test_an_unknown_round_is_not_found(client: FlaskClient, auth: AuthActions, world: dict) -> None:
    auth.login(_email("owner"))
    assert client.get("/challenges/grid/judging/advance/screening").status_code == 404
    assert client.post("/challenges/grid/judging/screening/999999/screener").status_code == 404


SCREENING_VIEWERS = {"solver", "teammate", "judge", "member", "manager", "owner", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_a_screener_sees_the_entry_they_screen(
    client: FlaskClient, auth: AuthActions, world: dict, role: str
) -> None:
    if role != "anonymous":
        auth.login(_email(role))
    response = client.get(f"/submissions/{world['entry']}")
    assert response.status_code == (200 if role in SCREENING_VIEWERS else 404)
